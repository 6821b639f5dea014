"""The caller rules of hotline/callers/privacy.py as SQL, for search: a ticket matches
by phone, name or address only where the viewer would see them in full."""
from sqlalchemy import ColumnElement, and_, false, or_, true

from hotline.callers.privacy import CallerSight
from hotline.tickets.models import Ticket


def _units(ids: frozenset[int] | None) -> ColumnElement:
    if ids is None:
        return true()
    return Ticket.unit_id.in_(ids) if ids else false()


def _own_confidential(sight: CallerSight) -> ColumnElement:
    return Ticket.operator_id == sight.own_confidential if sight.own_confidential is not None else false()


def caller_visible(sight: CallerSight | None) -> ColumnElement:
    """The caller's phone and name shown in full (privacy.can_see_caller)."""
    if sight is None:
        return true()
    return or_(
        and_(Ticket.confidential.is_(False), _units(sight.ordinary_units)),
        and_(Ticket.confidential.is_(True), _own_confidential(sight)),
    )


def address_visible(sight: CallerSight | None) -> ColumnElement:
    """The address shown in full (privacy.sees_full_address)."""
    if sight is None:
        return true()
    return or_(
        and_(Ticket.confidential.is_(False), true() if sight.sees_every_address else false()),
        and_(Ticket.confidential.is_(True), or_(_own_confidential(sight), _units(sight.address_units))),
    )


def not_hidden(sight: CallerSight | None) -> ColumnElement:
    """Tickets a search by the full number may find: every ordinary one (shown masked as
    the role allows), and a confidential one only to whoever sees its caller."""
    if sight is None:
        return true()
    return or_(Ticket.confidential.is_(False), caller_visible(sight))
