"""The rules of a ticket: intake, every status change (through the state machine),
notes, replies, reclassification, and finding tickets. Other domains hear of what
happened through the signals in hotline.core.signals; this module imports none of them."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, or_, select, union
from sqlalchemy.orm import joinedload

from hotline.callers.models import Caller
from hotline.callers.phones import try_normalize_phone
from hotline.callers.privacy import CallerSight
from hotline.callers.services import find_or_create_caller, remember_address
from hotline.calls.models import Call
from hotline.core import clock, error_catalog, signals
from hotline.core.counting import LIST_CAP
from hotline.core.error_catalog import Term
from hotline.core.errors import Conflict, NotFound, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.orm import in_ids
from hotline.tickets import fulltext, timeline, workflow
from hotline.tickets.models import (
    PRIORITY_RANK,
    Category,
    Channel,
    Priority,
    Status,
    Ticket,
    TicketNote,
    open_ticket,
)
from hotline.tickets.numbering import give_number, only_a_beginning, provisional_number
from hotline.tickets.schemas import CallIn, TicketCreate
from hotline.tickets.sight import address_visible, caller_visible, not_hidden
from hotline.tickets.timeline import EventKind
from hotline.units.models import Unit
from hotline.units.services import find_unit
from hotline.users.models import User

error_catalog.define({
    "unknown_category": _l("unknown category '%(code)s'"),
    "answered_before_rang": _l("answered before it rang"),
    "ended_before_answered": _l("ended before it was answered"),
    "phone_needed": _l("a phone ticket needs the caller's number"),
    "consultation_only": _l("only a consultation can be answered on the call"),
    "no_unit_to_return_to": _l("ticket %(number)s has no unit to go back to"),
    "ticket_not_open": _l("ticket %(number)s is %(status)s"),
    "reclassify_not_open": _l("ticket %(number)s is %(status)s; only an open ticket can be reclassified"),
    "cancel_not_open": _l("ticket %(number)s is %(status)s; only an open ticket can be cancelled"),
    "reclassify_nothing_given": _l("give a new category, priority or area"),
    "nothing_changed": _l("nothing changed"),
})


def active_categories() -> list[Category]:
    return db.session.scalars(
        select(Category).where(Category.active).order_by(Category.sort_order, Category.id)
    ).all()


def _category(code: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None or not category.active:
        raise ValidationFailed.at("category", "unknown_category", code=code)
    return category


def _record_call(call_in: CallIn, caller: Caller, operator: User, now: datetime) -> Call:
    answered = call_in.answered_at or now
    rang = call_in.rang_at or answered
    if rang > answered:
        raise ValidationFailed.at("call.answered_at", "answered_before_rang")
    if call_in.ended_at and call_in.ended_at < answered:
        raise ValidationFailed.at("call.ended_at", "ended_before_answered")
    call = Call(
        line=call_in.line,
        caller_number=caller.phone,
        caller_id=caller.id,
        operator_id=operator.id,
        rang_at=rang,
        answered_at=answered,
        ended_at=call_in.ended_at,
        ring_seconds=(answered - rang).total_seconds(),
    )
    db.session.add(call)
    return call


def create_ticket(data: TicketCreate, actor: User, default_channel: Channel) -> Ticket:
    """Log a call or request into a ticket. A consultation answered on the call
    is closed at once with its answer; everything else starts as new."""
    now = clock.now()
    category = _category(data.category)
    channel = data.channel or default_channel
    if channel == Channel.PHONE and data.caller is None:
        raise ValidationFailed.at("caller.phone", "phone_needed")
    if data.answer and not category.answerable_on_call:
        raise ValidationFailed.at("answer", "consultation_only")

    caller = None
    if data.caller:
        # Given in confidence, the name and address stay on this ticket only: the caller's
        # record (their card on later calls, to whoever answers) learns nothing from it.
        caller = find_or_create_caller(data.caller.phone, None if data.confidential else data.caller.name)
        if data.address and not data.confidential:
            remember_address(caller, data.address)
    call = None
    if caller and (data.call or channel == Channel.PHONE):
        call = _record_call(data.call or CallIn(), caller, actor, now)

    ticket = Ticket(
        number=provisional_number(),  # the real one last: numbering.give_number
        category=category,
        priority=data.priority or category.default_priority,
        status=Status.NEW,
        channel=channel,
        caller=caller,
        confidential=data.confidential,
        caller_name=(data.caller.name or None) if data.caller else None,  # as given on this call
        address=data.address or None,
        area=data.area or None,
        matter=data.matter,
        facts=data.facts.model_dump(exclude_none=True) if data.facts else {},
        operator_id=actor.id,
        call=call,
        cycle=1,
        created_at=now,
        updated_at=now,
    )
    db.session.add(ticket)
    timeline.record(ticket, EventKind.CREATED, actor)
    unit = None
    if data.answer:
        ticket.answer = data.answer
        move(ticket, "answer_on_call", actor, {"resolved_at": now, "closed_at": now}, data.answer, shown=("status",))
    elif data.unit:
        unit = find_unit(data.unit)
    db.session.flush()
    signals.ticket_created.send(ticket, actor=actor, unit=unit)
    give_number(db.session, ticket, now)  # last: it locks the day's number until the commit
    return ticket


def move(
    ticket: Ticket, step: str, actor: User | None, extra: dict, message: str | None = None,
    shown: tuple[str, ...] | None = None,
) -> dict:
    """Every status change goes through here: the state machine says whether `step` is
    legal now (409 if not), the fields change, the timeline records it (only the
    `shown` fields, when given), and a resolve or reopen is announced. Not flushed:
    the caller's own changes (a work order) go out in the same flush, and so in the
    same live event."""
    target = workflow.next_status(ticket, step)
    changes = timeline.apply_changes(ticket, {"status": target, **extra})
    recorded = {k: v for k, v in changes.items() if shown is None or k in shown}
    timeline.record(ticket, workflow.STEP_EVENT.get(step, step), actor, recorded, message)
    if step == "resolve":
        signals.ticket_resolved.send(ticket, actor=actor)
    elif step == "reopen":
        signals.ticket_reopened.send(ticket, actor=actor, words=message or "")
    return changes


def reopen_ticket(ticket: Ticket, words: str, actor: User) -> None:
    """The callback found it unsolved: back to the same unit with the caller's words,
    as a new cycle whose SLA clocks start again from now (dispatch sends the work order)."""
    if ticket.unit_id is None:
        raise Conflict("no_unit_to_return_to", number=ticket.number)
    now = clock.now()
    move(ticket, "reopen", actor, {
        "cycle": ticket.cycle + 1, "reopened_at": now, "dispatched_at": now,
        "accepted_at": None, "arrived_at": None, "replied_at": None, "resolved_at": None,
    }, words)


def close_ticket(ticket: Ticket, actor: User, message: str | None) -> None:
    """归档: the callback is done and the matter is settled."""
    move(ticket, "close", actor, {"closed_at": clock.now()}, message)


def hand_over(ticket: Ticket, incoming: User, note: str) -> None:
    """首问负责: the incoming person on duty answers for the ticket from now on."""
    before = ticket.owner or ticket.operator
    ticket.owner_id = incoming.id
    timeline.record(
        ticket, EventKind.HANDED_OVER, incoming,
        {"owner": (before.display_name if before else None, incoming.display_name)}, note,
    )


def get_ticket(number: str) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    if ticket is None:
        raise NotFound("not_found", what=_l("ticket"), id=number)
    return ticket


def check_ticket_version(ticket: Ticket, expected: int | None) -> None:
    """The version the caller last saw must still be current (optimistic locking)."""
    check_version(ticket, expected, what=_l("ticket"), ident=ticket.number, ticket_status=ticket.status.value)


def reply_to_caller(ticket: Ticket, message: str, actor: User, expected_version: int | None) -> None:
    """答复: the caller has been given an answer (stops the reply clock)."""
    check_ticket_version(ticket, expected_version)
    if not ticket.is_open:
        raise Conflict("ticket_not_open", number=ticket.number, status=Term("status", ticket.status.value))
    changes = timeline.apply_changes(ticket, {"replied_at": ticket.replied_at or clock.now()})
    timeline.record(ticket, EventKind.REPLIED, actor, changes, message)
    db.session.flush()


def reclassify(
    ticket: Ticket, actor: User, expected_version: int | None, *,
    category: str | None = None, priority: Priority | None = None, area: str | None = None, reason: str,
) -> None:
    """A new category, priority or area: the SLA clocks are re-targeted by the
    session hook (working time used so far kept, paused time still excluded)."""
    check_ticket_version(ticket, expected_version)
    if not ticket.is_open:
        raise Conflict("reclassify_not_open", number=ticket.number, status=Term("status", ticket.status.value))
    values = {}
    if category is not None:
        values["category_id"] = _category(category).id
    if priority is not None:
        values["priority"] = priority
    if area is not None:
        values["area"] = area or None
    if not values:
        raise ValidationFailed.at("category", "reclassify_nothing_given")
    before = ticket.priority
    changes = timeline.apply_changes(ticket, values)
    if not changes:
        raise ValidationFailed.at("category", "nothing_changed")
    timeline.record(ticket, EventKind.RECLASSIFIED, actor, changes, reason)
    db.session.flush()
    signals.ticket_reclassified.send(ticket, actor=actor, changes=changes)
    if PRIORITY_RANK[ticket.priority] < PRIORITY_RANK[before]:
        signals.ticket_priority_raised.send(ticket, actor=actor, before=before)


def add_note(ticket: Ticket, body: str, actor: User) -> TicketNote:
    note = TicketNote(ticket=ticket, author_id=actor.id, at=clock.now(), body=body)
    db.session.add(note)
    timeline.record(ticket, EventKind.NOTE, actor, message=body)
    db.session.flush()
    return note


def cancel_ticket(ticket: Ticket, reason: str, actor: User, expected_version: int | None) -> None:
    """A wrong ticket is cancelled with a reason, never deleted."""
    check_ticket_version(ticket, expected_version)
    if not ticket.is_open:
        raise Conflict("cancel_not_open", number=ticket.number, status=Term("status", ticket.status.value))
    move(ticket, "cancel", actor, {"cancelled_at": clock.now(), "cancel_reason": reason}, reason, shown=("status",))
    signals.ticket_cancelled.send(ticket, actor=actor, reason=reason)


@dataclass
class TicketFilter:
    q: str | None = None
    status: list[Status] | None = None
    open_only: bool = False
    category: str | None = None
    priority: str | None = None
    unit: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    unit_ids_scope: set[int] | None = None  # a crew sees only its unit's work
    sight: CallerSight | None = None  # whose callers the searcher sees (None: no viewer, all)
    phone: str | None = None  # a full number, E.164: its tickets the searcher may find


LIST_LOADS = (joinedload(Ticket.category), joinedload(Ticket.caller), joinedload(Ticket.unit))


def _filters(f: TicketFilter) -> list:
    """The list's filters, each an indexed condition on the ticket's own columns."""
    where = []
    if f.phone:
        where += [Ticket.caller_id.in_(select(Caller.id).where(Caller.phone == f.phone)), not_hidden(f.sight)]
    if f.status:
        where.append(Ticket.status.in_(f.status))
    if f.open_only:
        where.append(open_ticket())
    if f.category:
        where.append(Ticket.category_id.in_(select(Category.id).where(Category.code == f.category)))
    if f.priority:
        where.append(Ticket.priority == f.priority)
    if f.unit:
        where.append(Ticket.unit_id.in_(select(Unit.id).where(Unit.code == f.unit)))
    if f.created_from:
        where.append(Ticket.created_at >= f.created_from)
    if f.created_to:
        where.append(Ticket.created_at < f.created_to)
    if f.unit_ids_scope is not None:
        where.append(Ticket.unit_id.in_(f.unit_ids_scope))
    return where


@dataclass(frozen=True)
class TicketSearch:
    stmt: Select  # the tickets, newest first: to sort and paginate
    found: int | None  # a search (`q`): how many it found, filters applied (at most SEARCH_CAP + 1)


def search_tickets(f: TicketFilter) -> TicketSearch:
    """Number, phone or words, and the filters. A search (`q`) lists at most the newest
    SEARCH_CAP + 1 tickets it finds (matching_ids), and has counted them already."""
    where = _filters(f)
    found = None
    if f.q and f.q.strip():
        ids = matching_ids(f.q.strip(), f.sight, where)
        where.append(in_ids(Ticket.id, ids))
        found = len(ids)
    stmt = select(Ticket).options(*LIST_LOADS).where(*where)
    return TicketSearch(stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc()), found)


COUNT_CAP = LIST_CAP  # beyond this a list says "10,000+": counting further costs more than the page
PHONE_PART_CALLERS = 5_000  # the callers a part of a number ('8000') finds, newest first
SEARCH_CAP = 1_000  # a search lists the newest this many (+1) of what it finds: "1,000+"


PHONE_PUNCTUATION = " -+()"


def _number_like(q: str) -> bool:
    """`q` is digits and phone punctuation only ('20260315', '0315-0042', '+86 139 1234
    5678'): a ticket's number or a phone, not words of the address, the matter or a name."""
    return any(c.isdigit() for c in q) and all(c.isdigit() or c in PHONE_PUNCTUATION for c in q)


def _phone_digits(q: str) -> str | None:
    """The digits of a partial number ('8000', '138 0013', '027-8550'), without a trunk 0
    (the stored E.164 has none); None if `q` is not digits and phone punctuation."""
    if not _number_like(q):
        return None
    digits = "".join(c for c in q if c.isdigit())
    digits = digits.removeprefix("0")
    return digits if len(digits) >= 4 else None


def _number_fragment(q: str) -> str | None:
    """`q` as a fragment of a ticket number (digits and '-': '0315-0042', '0042'), or None."""
    return q if _number_like(q) and all(c.isdigit() or c == "-" for c in q) else None


def short_words(q: str) -> bool:
    """True if a search for `q` looks for words too short for the index in the newest
    tickets only (fulltext.RECENT_WINDOW)."""
    if _number_like(q):
        return _number_fragment(q) is not None and len(q) < fulltext.MIN_INDEXED
    return all(len(w) < fulltext.MIN_INDEXED for w in q.split())


def matching_q(q: str, sight: CallerSight | None, filters: list):
    """The ids of the tickets a search box's text finds, each way by an index: its
    number (or a fragment), the caller's phone (full in any spelling, or a part), the
    caller's name (its beginning, or a fragment), words of the address or the matter.
    Digits and phone punctuation alone are a ticket's number or a phone: not looked for
    in the address, the matter or the name (what the operator means; and on PostgreSQL
    the trigrams of digits are in nearly every row's text: 40-60 ms a stage for nothing).
    The caller's phone, name and address only where the searcher sees them in full
    (sight.py): a search is no oracle."""
    sees_caller, sees_address = caller_visible(sight), address_visible(sight)
    ways = [and_(Ticket.number >= q, Ticket.number < q + "\U0010ffff")]
    phone = try_normalize_phone(q)
    if phone:
        ways.append(and_(Ticket.caller_id.in_(select(Caller.id).where(Caller.phone == phone)), sees_caller))
    digits = _phone_digits(q)
    if digits:  # the callers first, on their own: PostgreSQL would otherwise walk every ticket
        callers = db.session.scalars(fulltext.callers_with_phone_part(digits).limit(PHONE_PART_CALLERS)).all()
        ways.append(and_(Ticket.caller_id.in_(callers), sees_caller))
    if _number_like(q):
        ways += _number_fragment_ways(q)
    else:
        if short_words(q):  # else the words find every name that begins with `q`, in all tickets
            ways.append(and_(Ticket.caller_name >= q, Ticket.caller_name < q + "\U0010ffff", sees_caller))
        ways.append(_words(q, sees_caller, sees_address))
    return union(*(_newest(and_(way, *filters)) for way in ways)).subquery()


def _number_fragment_ways(q: str) -> list:
    """A fragment of a ticket number anywhere in it; none for its beginning (a whole date:
    the range of `matching_q` finds it, where the trigrams of a date, in every number,
    cost PostgreSQL 25 ms a stage)."""
    fragment = _number_fragment(q)
    if fragment is None or only_a_beginning(fragment):
        return []
    if len(fragment) >= fulltext.MIN_INDEXED:
        return [fulltext.contains(("number",), fragment)]
    return [and_(fulltext.contains_unindexed(("number",), fragment), fulltext.recent_window())]


def _words(q: str, sees_caller, sees_address):
    """Every word of `q` somewhere the searcher may see it: the number, the matter, the
    address, the caller's name."""
    words = q.split()
    per_word = []
    for w in words:
        find = fulltext.contains if len(w) >= fulltext.MIN_INDEXED else fulltext.contains_unindexed
        per_word.append(or_(
            find(("number", "matter"), w),
            and_(find(("address",), w), sees_address),
            and_(find(("caller_name",), w), sees_caller),
        ))
    if short_words(q):  # no word for the index: the newest tickets only
        per_word.append(fulltext.recent_window())
    long_words = [w for w in words if len(w) >= fulltext.MIN_INDEXED]
    if long_words:  # one index lookup finds the rows; the conditions above sort them out
        per_word.insert(0, fulltext.candidates(long_words[0]))
    return and_(*per_word)


def _newest(condition) -> Select:
    """The newest SEARCH_CAP + 1 ticket ids that meet `condition` (by id: the order of intake)."""
    sub = select(Ticket.id).where(condition).order_by(Ticket.id.desc()).limit(SEARCH_CAP + 1).subquery()
    return select(sub.c.id)


def matching_ids(q: str, sight: CallerSight | None, filters: list) -> list[int]:
    """The newest SEARCH_CAP + 1 tickets `q` finds (matching_q), newest first: found once,
    then paged and counted from this list. Looked for in the newest tickets first and
    further back only while too few are found (fulltext.id_ranges)."""
    found = []
    ranges = fulltext.id_ranges()
    while ranges:
        lower, upper = ranges.pop(0)
        within = [Ticket.id > lower] if lower is not None else []
        within += [Ticket.id <= upper] if upper is not None else []
        ids = matching_q(q, sight, [*filters, *within])
        found += db.session.scalars(select(ids.c.id).order_by(ids.c.id.desc()).limit(SEARCH_CAP + 1)).all()
        if len(found) > SEARCH_CAP:
            break
        if len(ranges) > 1 and fulltext.few_further_back(len(found), lower, upper):
            ranges = [(None, lower)]
    return found[:SEARCH_CAP + 1]
