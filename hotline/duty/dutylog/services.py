"""The rules of the duty log: writing entries, the supervisor's daily review and
signature, and the search across past logs and handovers."""
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.core.orm import upsert
from hotline.duty.dutylog.models import DutyLogEntry, DutyLogReview
from hotline.duty.dutylog.schemas import EntryIn, LogQuery
from hotline.duty.handover.checksum import sha256
from hotline.duty.handover.search import handover_statement, like_pattern
from hotline.duty.rosters.services import shift_at
from hotline.tickets.models import Ticket
from hotline.users.models import User

# An entry may be written down a little after the fact, never ahead of it.
CLOCK_SKEW = timedelta(minutes=2)

error_catalog.define({
    "in_the_future": _l("in the future"),
    "log_closed": _l("the duty log of %(day)s is reviewed and signed; write today's log instead"),
    "day_to_come": _l("a day still to come cannot be reviewed"),
    "log_already_reviewed": _l("the duty log of %(day)s is already reviewed and signed"),
})


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The center's local day as a UTC interval."""
    tz = clock.center_tz()
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def review_of(day: date) -> DutyLogReview | None:
    return db.session.scalar(select(DutyLogReview).where(DutyLogReview.day == day))


def add_entry(data: EntryIn, author: User) -> DutyLogEntry:
    now = clock.now()
    at = data.at.astimezone(timezone.utc) if data.at else now
    if at > now + CLOCK_SKEW:
        raise ValidationFailed.at("at", "in_the_future")
    day = clock.local(at).date()
    if review_of(day) is not None:
        raise Conflict("log_closed", day=day.isoformat())
    ticket = None
    if data.ticket:
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == data.ticket))
        if ticket is None:
            raise ValidationFailed.at("ticket", "not_found", what=_l("ticket"), id=data.ticket)
    shift = shift_at(at)
    entry = DutyLogEntry(
        day=day, at=at, kind=data.kind, body=data.body, ticket_id=ticket.id if ticket else None,
        shift_label=shift.template.code if shift else None, author_id=author.id, created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_of(day: date) -> list[DutyLogEntry]:
    return db.session.scalars(
        select(DutyLogEntry).where(DutyLogEntry.day == day).order_by(DutyLogEntry.at, DutyLogEntry.id)
    ).all()


def _entries_checksum(entries: list[DutyLogEntry]) -> str:
    return sha256([
        {"id": e.id, "at": e.at, "kind": e.kind, "body": e.body, "author_id": e.author_id, "ticket_id": e.ticket_id}
        for e in entries
    ])


def review_day(day: date, comment: str | None, reviewer: User) -> DutyLogReview:
    """每日检查签字: the supervisor has read the day's log and signs it; the day is then closed."""
    if day > clock.local().date():
        raise ValidationFailed.at("day", "day_to_come")
    if review_of(day) is not None:
        raise Conflict("log_already_reviewed", day=day.isoformat())
    entries = entries_of(day)
    # Two supervisors signing at once: the second insert does nothing and is told so.
    review_id = db.session.execute(
        upsert(db.session, DutyLogReview)
        .values(day=day, reviewer_id=reviewer.id, signed_at=clock.now(), comment=comment or None,
                entry_count=len(entries), checksum=_entries_checksum(entries))
        .on_conflict_do_nothing(index_elements=[DutyLogReview.day])
        .returning(DutyLogReview.id)
    ).scalar()
    if review_id is None:
        raise Conflict("log_already_reviewed", day=day.isoformat())
    return db.session.get(DutyLogReview, review_id)


def verify_review(review: DutyLogReview) -> bool:
    entries = entries_of(review.day)
    return len(entries) == review.entry_count and _entries_checksum(entries) == review.checksum


def recent_days(limit: int = 14) -> list[dict]:
    """The last days with entries, and whether each is reviewed: the supervisor's to-do list."""
    today = clock.local().date()
    counts = dict(
        db.session.execute(
            select(DutyLogEntry.day, func.count()).where(DutyLogEntry.day > today - timedelta(days=limit))
            .group_by(DutyLogEntry.day)
        ).all()
    )
    reviews = {r.day: r for r in db.session.scalars(select(DutyLogReview).where(DutyLogReview.day > today - timedelta(days=limit)))}
    days = sorted(set(counts) | set(reviews) | {today}, reverse=True)
    return [{"day": d, "entries": counts.get(d, 0), "review": reviews.get(d)} for d in days]


def search(query: LogQuery) -> tuple[list[dict], int]:
    """Entries and handovers matching words, a period (local days) and kinds; newest first."""
    kinds = set(query.kind or [])
    entry_kinds = kinds - {"handover"}
    want_entries = not kinds or bool(entry_kinds)
    want_handovers = not kinds or "handover" in kinds
    start = day_bounds(query.day_from)[0] if query.day_from else None
    end = day_bounds(query.day_to)[1] if query.day_to else None
    enough = query.page * query.per_page

    hits, total = [], 0
    if want_entries:
        stmt = select(DutyLogEntry)
        if query.q and query.q.strip():
            stmt = stmt.outerjoin(Ticket, Ticket.id == DutyLogEntry.ticket_id).where(
                DutyLogEntry.body.ilike(like_pattern(query.q), escape="\\") | (Ticket.number == query.q.strip())
            )
        if entry_kinds:
            stmt = stmt.where(DutyLogEntry.kind.in_(entry_kinds))
        if query.day_from:
            stmt = stmt.where(DutyLogEntry.day >= query.day_from)
        if query.day_to:
            stmt = stmt.where(DutyLogEntry.day <= query.day_to)
        total += db.session.scalar(select(func.count()).select_from(stmt.subquery()))
        hits += [("entry", e.at, e) for e in db.session.scalars(stmt.order_by(DutyLogEntry.at.desc()).limit(enough))]
    if want_handovers:
        stmt = handover_statement(query.q, start, end)
        total += db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        hits += [("handover", h.opened_at, h) for h in db.session.scalars(stmt.limit(enough))]
    hits.sort(key=lambda hit: hit[1], reverse=True)
    page = hits[(query.page - 1) * query.per_page: enough]
    return [{"type": kind, "at": at, "row": row} for kind, at, row in page], total
