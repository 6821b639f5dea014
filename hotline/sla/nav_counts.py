"""What waits for someone in deadlines, counted beside the links of the top bar:
missed deadlines nobody has acknowledged (supervisors, on "Deadlines") and
escalations nobody has taken on (supervisors and managers on "Deadlines", the
dispatch desk on its desk, a crew on its work orders: its own unit's only). The
same rows the /sla page lists as open."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.core.navigation import NavCount, capped_count
from hotline.core.permissions import Role, scope_for
from hotline.sla.models import Alert, AlertKind, Escalation
from hotline.tickets.models import Ticket


def unacknowledged_breaches(user) -> int:
    return capped_count(select(Alert.id).where(Alert.kind == AlertKind.BREACH, Alert.acknowledged_at.is_(None)))


def open_escalations(user) -> int:
    stmt = select(Escalation.id).where(Escalation.acknowledged_at.is_(None))
    units = scope_for(user).unit_ids
    if units is not None:
        stmt = stmt.join(Ticket, Ticket.id == Escalation.ticket_id).where(Ticket.unit_id.in_(units or {-1}))
    return capped_count(stmt)


_ESCALATIONS = _l("%(num)s escalations not taken on")

COUNTS = (
    NavCount("sla.supervise", unacknowledged_breaches, _l("%(num)s missed deadlines not acknowledged"), "breach"),
    NavCount("sla.supervise", open_escalations, _ESCALATIONS, "escalation"),
    NavCount("dispatch.desk", open_escalations, _ESCALATIONS, "escalation", only=frozenset({Role.DISPATCHER})),
    NavCount("dispatch.crew", open_escalations, _ESCALATIONS, "escalation", only=frozenset({Role.CREW})),
)
