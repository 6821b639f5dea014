"""The words of tickets: statuses, priorities, channels, timeline entries, the 5W1H
facts and the fields a timeline shows changing."""
from datetime import datetime

from flask_babel import lazy_gettext as _l

from hotline.core.extensions import db
from hotline.core.i18n import current_locale, local_time
from hotline.core.labels import define, label
from hotline.tickets.models import FACT_KEYS, Category, Channel, Priority, Status
from hotline.tickets.timeline import EventKind
from hotline.units.models import Unit

STATUS = {
    Status.NEW: _l("New"),  # 受理
    Status.RETURNED: _l("Returned"),  # 退回
    Status.DISPATCHED: _l("Dispatched"),  # 派单
    Status.ACCEPTED: _l("Accepted"),  # 接单
    Status.EN_ROUTE: _l("En route"),
    Status.ON_SITE: _l("On site"),  # 到场
    Status.RESOLVED: _l("Resolved"),  # 办结
    Status.CLOSED: _l("Closed"),  # 归档
    Status.CANCELLED: _l("Cancelled"),
}

PRIORITY = {
    Priority.EMERGENCY: _l("Emergency"),
    Priority.URGENT: _l("Urgent"),
    Priority.NORMAL: _l("Normal"),
    Priority.LOW: _l("Low"),
}

CHANNEL = {
    Channel.PHONE: _l("Phone"),
    Channel.WALK_IN: _l("Walk-in"),
    Channel.WEB: _l("Web"),
    Channel.API: _l("API"),
}

# Timeline entries (tickets.timeline.EventKind).
EVENT = {
    "created": _l("Taken in"),
    "answered_on_call": _l("Answered on the call"),
    "note": _l("Note"),
    "cancelled": _l("Cancelled"),
    "en_route": _l("On the way"),
    "escalated": _l("Escalated"),
    "handed_over": _l("Handed over"),  # 交接班: the incoming person owns it now (首问负责)
    # the dispatch steps record their step names
    "dispatch": _l("Dispatched"),
    "transfer": _l("Transferred"),
    "return": _l("Returned"),
    "accept": _l("Accepted"),
    "on_site": _l("Arrived on site"),
    "resolve": _l("Resolved"),
    "reopen": _l("Reopened after the callback"),
    "close": _l("Closed"),
    # SLA (issue 4)
    "sla_warning": _l("Deadline near"),
    "sla_breach": _l("Deadline missed"),
    "sla_paused": _l("Clocks paused"),
    "sla_resumed": _l("Clocks resumed"),
    "extension_requested": _l("Extension requested"),
    "extension_approved": _l("Extension approved"),
    "extension_refused": _l("Extension refused"),
    "replied": _l("Replied to the caller"),
    "reclassified": _l("Reclassified"),
}
assert set(EVENT) == {k.value for k in EventKind}

# 5W1H
FACT = {
    "when": _l("When"),
    "where": _l("Where"),
    "who": _l("Who"),
    "what": _l("What"),
    "why": _l("Why"),
    "how": _l("How it stands"),
}
assert set(FACT) == set(FACT_KEYS)

# Ticket fields as they appear in a timeline's before → after.
FIELD = {
    "status": _l("Status"),
    "priority": _l("Priority"),
    "unit": _l("Unit"),
    "address": _l("Address"),
    "category": _l("Category"),
    "cancel_reason": _l("Reason"),
    "owner": _l("Owner"),
    "category_id": _l("Category"),
    "unit_id": _l("Unit"),
    "area": _l("Area"),
    "stage": _l("Clock"),
    "stages": _l("Clocks"),
    "level": _l("Escalation level"),
    "replied_at": _l("Replied"),
    "dispatched_at": _l("Dispatched"),
    "accepted_at": _l("Accepted"),
    "arrived_at": _l("Arrived on site"),
    "resolved_at": _l("Resolved"),
    "closed_at": _l("Closed"),
    "reopened_at": _l("Reopened"),
    "cycle": _l("Cycle"),
}

for _kind, _table in (("status", STATUS), ("priority", PRIORITY), ("channel", CHANNEL), ("event", EVENT),
                      ("fact", FACT), ("field", FIELD)):
    define(_kind, _table)


def change_value(field: str, value) -> str:
    """A before/after value in words: status and priority codes become their names."""
    if field in ("status", "priority"):
        return label(field, value)
    if value in (None, "", []):
        return "—"
    if field in ("stage", "stages"):
        comma = "、" if current_locale() == "zh_CN" else ", "
        return comma.join(label("stage", s) for s in (value if isinstance(value, list) else [value]))
    if field in ("category_id", "unit_id"):
        return _row_name(field, value)
    if field.endswith("_at") and isinstance(value, str):
        return _local(value)
    return str(value)


def _row_name(field: str, row_id) -> str:
    """A category's or unit's name for its id, as the timeline stores ids."""
    row = db.session.get(Category if field == "category_id" else Unit, row_id)
    if row is None:
        return str(row_id)
    if isinstance(row, Category):
        return row.name(current_locale())
    return row.name


def _local(iso: str) -> str:
    try:
        return local_time(datetime.fromisoformat(iso), "yyyy-MM-dd HH:mm:ss")
    except ValueError:
        return iso


def init_app(app) -> None:
    app.jinja_env.globals.update(change_value=change_value, FACT_KEYS=FACT_KEYS)
