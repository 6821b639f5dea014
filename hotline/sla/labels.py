"""The words of deadlines: the stages (签收, 到场, 答复, 办结, 回访) and who an
escalation level reaches."""
from flask_babel import lazy_gettext as _l

from hotline.core.labels import define

# SLA clocks, one per stage (签收, 到场, 答复, 办结, 回访).
STAGE = {  # the wall board's words for them too
    "accept": _l("Acceptance"),
    "arrive": _l("Arrival"),
    "reply": _l("Reply"),
    "resolve": _l("Resolution"),
    "callback": _l("Callback"),
}

# Who an escalation level reaches.
AUDIENCE = {
    "unit": _l("the unit and the dispatch desk"),
    "supervisor": _l("the supervisor"),
    "manager": _l("the manager"),
}
define("stage", STAGE)
define("audience", AUDIENCE)
