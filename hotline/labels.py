"""Display names for the codes a person reads: statuses, priorities, channels, events, roles.

One place, translated lazily, exposed to templates as Jinja globals."""
from enum import Enum

from flask_babel import lazy_gettext as _l

from hotline.tickets.models import FACT_KEYS, Channel, Priority, Status
from hotline.users.models import Role

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

ROLE = {
    Role.OPERATOR: _l("Operator"),
    Role.DISPATCHER: _l("Dispatcher"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
    Role.CREW: _l("Field crew"),
}

# Timeline entries; kinds added by later work fall back to their code.
EVENT = {
    "created": _l("Taken in"),
    "answered_on_call": _l("Answered on the call"),
    "note": _l("Note"),
    "cancelled": _l("Cancelled"),
    "dispatched": _l("Dispatched"),
    "accepted": _l("Accepted"),
    "returned": _l("Returned"),
    "en_route": _l("On the way"),
    "arrived": _l("Arrived on site"),
    "resolved": _l("Resolved"),
    "callback": _l("Callback"),
    "closed": _l("Closed"),
    "escalated": _l("Escalated"),
    "reopened": _l("Reopened"),
    "sla_breached": _l("Deadline missed"),
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


def _label(table: dict, value) -> str:
    key = value.value if isinstance(value, Enum) else value
    for k, text in table.items():
        if (k.value if isinstance(k, Enum) else k) == key:
            return str(text)
    return "" if key is None else str(key)


def status_label(value) -> str:
    return _label(STATUS, value)


def priority_label(value) -> str:
    return _label(PRIORITY, value)


def channel_label(value) -> str:
    return _label(CHANNEL, value)


def role_label(value) -> str:
    return _label(ROLE, value)


def event_label(kind: str) -> str:
    return _label(EVENT, kind)


def stage_label(stage) -> str:
    return _label(STAGE, stage)


def audience_label(audience: str) -> str:
    return _label(AUDIENCE, audience)


def fact_label(key: str) -> str:
    return _label(FACT, key)


def field_label(name: str) -> str:
    return _label(FIELD, name)


def change_value(field: str, value) -> str:
    """A before/after value in words: status and priority codes become their names."""
    if field == "status":
        return status_label(value)
    if field == "priority":
        return priority_label(value)
    if value in (None, "", []):
        return "—"
    if field in ("stage", "stages"):
        from hotline.core.i18n import current_locale

        comma = "、" if current_locale() == "zh_CN" else ", "
        return comma.join(stage_label(s) for s in (value if isinstance(value, list) else [value]))
    if field in ("category_id", "unit_id"):
        return _row_name(field, value)
    if field.endswith("_at") and isinstance(value, str):
        return _local(value)
    return str(value)


def _row_name(field: str, row_id) -> str:
    """A category's or unit's name for its id, as the timeline stores ids."""
    from hotline.core.extensions import db
    from hotline.core.i18n import current_locale
    from hotline.tickets.models import Category
    from hotline.units.models import Unit

    row = db.session.get(Category if field == "category_id" else Unit, row_id)
    if row is None:
        return str(row_id)
    if isinstance(row, Category):
        return row.name(current_locale())
    return row.name


def _local(iso: str) -> str:
    from datetime import datetime

    from hotline.core.i18n import local_time

    try:
        return local_time(datetime.fromisoformat(iso), "yyyy-MM-dd HH:mm:ss")
    except ValueError:
        return iso


def js_labels() -> dict:
    """The same names for the console's script, keyed by code."""
    return {
        "status": {k.value: str(v) for k, v in STATUS.items()},
        "priority": {k.value: str(v) for k, v in PRIORITY.items()},
    }


def init_app(app) -> None:
    for fn in (
        status_label, priority_label, channel_label, role_label, event_label,
        fact_label, field_label, change_value, js_labels, stage_label, audience_label,
    ):
        app.jinja_env.globals[fn.__name__] = fn
    app.jinja_env.globals["FACT_KEYS"] = FACT_KEYS
