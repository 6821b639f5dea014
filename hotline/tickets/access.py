"""Which tickets a person may see and act on (before masking decides how much)."""
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.audit.services import record
from hotline.callers.phones import normalize_phone
from hotline.callers.privacy import (
    caller_sight,
    mask_phone,
    needs_reason_to_search_phone,
)
from hotline.core import error_catalog
from hotline.core.counting import count_rows
from hotline.core.errors import Forbidden, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.permissions import CENTER_STAFF, Role, scope_for
from hotline.tickets.models import Ticket
from hotline.tickets.services import (
    COUNT_CAP,
    LIST_LOADS,
    SEARCH_CAP,
    TicketFilter,
    get_ticket,
    search_tickets,
    short_words,
)
from hotline.tickets.sorting import Cursor, check_sort, cursor_after, ordered, page_ids
from hotline.users.models import User

error_catalog.define({
    "phone_search_reason_needed": _l("say why you search by this number: it is recorded"),
    "crew_or_desk_only": _l("only the unit's crew or the dispatch desk may do this"),
    "not_your_unit": _l("this ticket is not with your unit"),
})


def visible_ticket(number: str, user: User) -> Ticket:
    ticket = get_ticket(number)
    if not scope_for(user).sees_unit(ticket.unit_id):
        raise NotFound("not_found", what=_l("ticket"), id=number)  # not 403: do not confirm it exists
    return ticket


def check_unit_member(ticket: Ticket, actor: User) -> None:
    """Crews act only on their own unit's work; the center may act for them."""
    if actor.role in CENTER_STAFF - {Role.OPERATOR}:
        return
    if actor.role != Role.CREW or actor.unit_id is None:
        raise Forbidden("crew_or_desk_only")
    if ticket.unit_id is None or not scope_for(actor).sees_unit(ticket.unit_id):
        raise Forbidden("not_your_unit")


def actionable_ticket(number: str, user: User) -> Ticket:
    """A ticket the user may act on: visible to them and, for a crew, with their unit."""
    ticket = visible_ticket(number, user)
    if user.role == Role.CREW:
        check_unit_member(ticket, user)
    return ticket


@dataclass(frozen=True)
class TicketPage:
    items: list[Ticket]
    total: int  # exact, or the cap when `capped`
    capped: bool  # more match than counted (COUNT_CAP; a search: SEARCH_CAP, the newest of them listed)
    recent_only: bool  # words too short for the index were looked for in the newest tickets only
    next: str | None  # the cursor of the next page


def find_tickets(query, user: User) -> TicketPage:
    """One page of the tickets matching a TicketQuery that `user` may see, and the total
    (capped: counting a million costs more than the page).
    A search by `phone` from a role that sees masked phones needs a reason and is audited:
    the caller commits."""
    check_sort(query.sort)
    after = Cursor.decode(query.after, query.sort, query.dir) if query.after else None
    phone = normalize_phone(query.phone, "phone") if query.phone else None
    if phone and needs_reason_to_search_phone(user):
        if not query.reason:
            raise ValidationFailed.at("reason", "phone_search_reason_needed")
        record("ticket.phone_search", target_type="caller", reason=query.reason,
               detail={"phone": mask_phone(phone), "phone_hash": phone_hash(phone)})
    search = search_tickets(
        TicketFilter(
            q=query.q,
            status=query.status,
            open_only=query.open,
            category=query.category,
            priority=query.priority,
            unit=query.unit,
            created_from=query.created_from,
            created_to=query.created_to,
            unit_ids_scope=scope_for(user).unit_ids,
            sight=caller_sight(user),
            phone=phone,
        )
    )
    stmt = search.stmt
    if search.found is not None:  # a search: what it found, counted
        cap, total = SEARCH_CAP, search.found
    else:
        cap, total = COUNT_CAP, count_rows(ordered(stmt, query.sort, query.dir), COUNT_CAP)
    ids = page_ids(stmt, query.sort, query.dir, after, query.per_page + 1) if after or query.page == 1 else None
    if ids is None:  # an order with no parts, or a page by its number (an offset)
        page = ordered(stmt, query.sort, query.dir, after).limit(query.per_page + 1)
        if after is None:
            page = page.offset((query.page - 1) * query.per_page)
        ids = db.session.scalars(page.with_only_columns(Ticket.id)).all()
    rows = _load_in_order(ids)
    items = rows[:query.per_page]
    following = cursor_after(items[-1], query.sort, query.dir).encode() if len(rows) > query.per_page else None
    return TicketPage(items, min(total, cap), total > cap,
                      bool(query.q) and short_words(query.q), following)


def _load_in_order(ids: list[int]) -> list[Ticket]:
    """The page's tickets with what the list shows of them: chosen by id first, joined after
    (SQLite would otherwise join every matching row before sorting them)."""
    stmt = select(Ticket).options(*LIST_LOADS).where(Ticket.id.in_(ids))
    loaded = {t.id: t for t in db.session.scalars(stmt).unique()}
    return [loaded[i] for i in ids]


def phone_hash(phone: str) -> str:
    """A keyed hash of a number for the audit log: the same number gives the same hash
    (who searched for it), and nobody without the app's key can find it by trying numbers."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, phone.encode(), hashlib.sha256).hexdigest()[:32]
