"""The rules of the handover: opening, preparing, reviewing, signing, overriding,
addenda (the center's standing items and checklist: standing.py).

Signing is the signed-in person re-entering their own password: a handover is done
face to face, often at one desk where the other person's session is open, and the
password makes each signature a deliberate act of that person (like the pen on the
paper 交接班记录), not a click anyone near the screen could make."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from hotline.core import clock, error_catalog, signals
from hotline.core.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed, check_version, say
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.core.outbox import add_event
from hotline.duty.handover import checksum
from hotline.duty.handover.carry import proposed_steps
from hotline.duty.handover.collect import ItemSpec, collect_items, shifts_at
from hotline.duty.handover.models import (
    Flag,
    Handover,
    HandoverAddendum,
    HandoverCount,
    HandoverItem,
    HandoverOverride,
    HandoverStatus,
    ItemKind,
    Review,
)
from hotline.duty.handover.schemas import HandoverUpdate
from hotline.duty.handover.standing import active_checklist
from hotline.duty.handover.timing import arrive_early, minutes_after, note_arrival
from hotline.duty.seats.services import signed_in
from hotline.tickets.services import hand_over
from hotline.users.models import Role, User
from hotline.users.services import check_password_counted, client_of_request

SUPERVISORS = {Role.SUPERVISOR, Role.MANAGER}

# Why a handover is refused. All but the last two may be overridden by a supervisor.
EMERGENCY_WITHOUT_PLAN = "emergency_without_plan"
MISSING_NEXT_STEP = "missing_next_step"
CHECKLIST_INCOMPLETE = "checklist_incomplete"
INCOMING_NOT_SIGNED_IN = "incoming_not_signed_in"
NO_INCOMING = "no_incoming"
NOT_ACKNOWLEDGED = "not_acknowledged"
ARRIVED_UNREVIEWED = "arrived_unreviewed"
OVERRIDABLE = (EMERGENCY_WITHOUT_PLAN, MISSING_NEXT_STEP, CHECKLIST_INCOMPLETE, INCOMING_NOT_SIGNED_IN)

# The reasons are error codes: `message` in English in the answers, say() on pages.
REASONS = error_catalog.define({
    EMERGENCY_WITHOUT_PLAN: _l("An emergency is unresolved and has no written plan."),
    MISSING_NEXT_STEP: _l("An open ticket carried over has no next step written."),
    CHECKLIST_INCOMPLETE: _l("The checklist is incomplete: a count is missing, or differs without a note."),
    INCOMING_NOT_SIGNED_IN: _l("The incoming person is not signed in for the next shift."),
    NO_INCOMING: _l("No incoming person is named."),
    NOT_ACKNOWLEDGED: _l("The incoming person has not acknowledged every flagged item."),
    ARRIVED_UNREVIEWED: _l("An emergency or a missed deadline came in after the handover was opened: "
                           "the incoming person acknowledges or disputes it before either signs."),
})
error_catalog.define({
    "refused_for_tickets": _l("%(reason)s Tickets: %(tickets)s"),
})

error_catalog.define({
    "unknown_user": _l("unknown user '%(username)s'"),
    "handover_open": _l("handover %(id)s is already open"),
    "incoming_is_outgoing": _l("the incoming person must be someone else"),
    "handover_locked": _l("handover %(id)s is signed and locked; add an addendum instead"),
    "prepare_outgoing_only": _l("only the outgoing person (or a supervisor) prepares the handover"),
    "no_item_here": _l("no item %(id)s in this handover"),
    "no_count_here": _l("no count %(id)s in this handover"),
    "review_incoming_only": _l("only the incoming person reviews the handover"),
    "no_item_in_handover": _l("no item %(item)s in handover %(handover)s"),
    "dispute_needs_note": _l("say what is disputed"),
    "override_supervisors_only": _l("only a supervisor or manager may override a refusal"),
    "nothing_to_override": _l("nothing to override: no refusal a supervisor may lift stands now"),
    "sign_signers_only": _l("only the outgoing and the incoming person sign the handover"),
    "wrong_password": _l("wrong password"),
    "already_signed": _l("handover %(id)s is already signed by the %(signer)s person"),
    "handover_refused": _l("handover refused: %(reasons)s"),
    "not_signed_yet": _l("handover %(id)s is not signed yet; change it directly"),
    "addendum_signers_only": _l("only the two signers or a supervisor add to a signed handover"),
})
SIGNER = {"outgoing": _l("outgoing"), "incoming": _l("incoming")}


# How many ticket numbers a refusal names before it says how many more.
NUMBERS_NAMED = 12


@dataclass
class Blocker:
    code: str
    items: list[int] = field(default_factory=list)  # item or count ids concerned
    tickets: list[str] = field(default_factory=list)  # the numbers of the tickets concerned

    @property
    def overridable(self) -> bool:
        return self.code in OVERRIDABLE

    @property
    def problem(self) -> Problem:
        """The reason, naming the tickets when it is about tickets."""
        if not self.tickets:
            return Problem(self.code)
        named = ", ".join(self.tickets[:NUMBERS_NAMED])
        if len(self.tickets) > NUMBERS_NAMED:
            named += f" (+{len(self.tickets) - NUMBERS_NAMED})"
        return Problem("refused_for_tickets", reason=REASONS[self.code], tickets=named)

    @property
    def text(self) -> str:
        """In the reader's language (pages)."""
        return say(self.problem)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.problem.english, "items": self.items, "tickets": self.tickets,
                "overridable": self.overridable}


class Refused(Conflict):
    """A signature refused. What was collected again before it stays (the route commits it)."""


# --- finding ---------------------------------------------------------------------------------


def get_handover(handover_id: int) -> Handover:
    h = get_or_404(Handover, handover_id, _l("handover"))
    return h


def open_draft_of(user: User) -> Handover | None:
    return db.session.scalar(
        select(Handover).where(Handover.outgoing_id == user.id, Handover.status == HandoverStatus.DRAFT)
    )


def _user(username: str, field_name: str = "incoming") -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise ValidationFailed.at(field_name, "unknown_user", username=username)
    return user


# --- opening and preparing ---------------------------------------------------------------------


def open_handover(outgoing: User, incoming_username: str | None) -> Handover:
    """The outgoing person opens a handover; the system fills in what it knows."""
    if (existing := open_draft_of(outgoing)) is not None:
        raise Conflict("handover_open", id=existing.id, details={"handover_id": existing.id})
    now = clock.now()
    shifts = shifts_at(now, outgoing)
    incoming = _user(incoming_username) if incoming_username else _default_incoming(shifts.next_people, outgoing, now)
    if incoming is not None and incoming.id == outgoing.id:
        raise ValidationFailed.at("incoming", "incoming_is_outgoing")
    h = Handover(
        shift_template_id=shifts.template_id, shift_day=shifts.day, shift_start=shifts.start, shift_end=now,
        next_template_id=shifts.next_template_id, next_day=shifts.next_day, next_start=shifts.next_start,
        outgoing_id=outgoing.id, incoming_id=incoming.id if incoming else None,
        shift_people=sorted(u.id for u in shifts.people), opened_at=now, updated_at=now,
        arrive_by=shifts.next_start - arrive_early() if shifts.next_start else None, done_by=shifts.planned_end,
    )
    db.session.add(h)
    specs = collect_items(h.shift_people, h.shift_start, now)
    _fill_items(h, specs, {}, proposed_steps(s.ticket_id for s in specs if s.kind == ItemKind.TICKET), opened=False)
    note_arrival(h, None)
    for n, line in enumerate(active_checklist()):
        h.counts.append(HandoverCount(position=n, checklist_item_id=line.id, name=line.name, expected=line.expected))
    db.session.flush()
    _announce(h, outgoing, "opened")
    return h


def _default_incoming(next_people: list[User], outgoing: User, now) -> User | None:
    """Someone of the next shift already signed in to a seat, preferring the outgoing's role."""
    ready = [u for u in next_people if u.id != outgoing.id and signed_in(u, now) is not None]
    ready.sort(key=lambda u: u.role != outgoing.role)
    return ready[0] if ready else None


URGENT = {Flag.EMERGENCY.value, Flag.OVERDUE.value}
TAKEN_OVER = URGENT | {Flag.CARRIED.value}  # a flag that, gained later, makes an item come in anew


def _arrival_flags(spec_flags: list[str], before: list[str] | None) -> list[str]:
    """The item's flags, with `arrived` when it came in after the opening: new on the list,
    or newly an emergency, past its deadline or carried (and kept once it had it)."""
    if before is None or Flag.ARRIVED.value in before or (set(spec_flags) - set(before)) & TAKEN_OVER:
        return [*spec_flags, Flag.ARRIVED.value]
    return list(spec_flags)


def _new_item(spec: ItemSpec, position: int, flags: list[str], proposals: dict) -> HandoverItem:
    proposal = proposals.get(spec.ticket_id) if spec.kind != ItemKind.STANDING else None
    return HandoverItem(
        position=position, kind=spec.kind, flags=flags, summary=spec.summary, ticket_id=spec.ticket_id,
        standing_item_id=spec.standing_item_id, escalation_id=spec.escalation_id,
        next_step=proposal.text if proposal and spec.kind == ItemKind.TICKET else None,
        next_step_source=proposal.source if proposal and spec.kind == ItemKind.TICKET else None,
    )


def _fill_items(h: Handover, specs: list[ItemSpec], kept: dict[tuple, dict], proposals: dict, opened: bool) -> None:
    """The items from `specs`; `kept` what the same items said before (a refresh), `opened`
    whether the handover was opened before this (then new tickets are marked as arrived)."""
    for n, spec in enumerate(specs):
        old = kept.get(spec.key, {})
        flags = spec.flags
        if opened and spec.kind == ItemKind.TICKET:
            flags = _arrival_flags(spec.flags, old.get("flags"))
        item = _new_item(spec, n, flags, {} if old else proposals)
        if old:
            item.next_step, item.next_step_source = old["next_step"], old["next_step_source"]
        if old and old["flags"] == flags and old["summary"] == spec.summary:
            item.review, item.review_note, item.reviewed_at = old["review"], old["review_note"], old["reviewed_at"]
        h.items.append(item)


def refresh(h: Handover, actor: User, expected_version: int) -> Handover:
    """Collect again (work came in while preparing). Written next steps stay; a review
    stays only where the item reads as before. The items of a draft are a working list,
    not yet a record: they are replaced wholesale."""
    _check_editable(h, expected_version)
    _may_prepare(h, actor)
    now = clock.now()
    kept = {
        (i.kind, i.ticket_id, i.standing_item_id): {
            "next_step": i.next_step, "next_step_source": i.next_step_source, "flags": list(i.flags),
            "summary": dict(i.summary),
            "review": i.review, "review_note": i.review_note, "reviewed_at": i.reviewed_at,
        }
        for i in h.items
    }
    specs = collect_items(h.shift_people, h.shift_start, now)
    for item in list(h.items):
        db.session.expunge(item)
    db.session.execute(delete(HandoverItem).where(HandoverItem.handover_id == h.id))
    db.session.expire(h, ["items"])
    _fill_items(h, specs, kept, proposed_steps((s.ticket_id for s in specs if s.kind == ItemKind.TICKET and s.key not in kept), h.id), opened=True)
    h.shift_end = now
    _changed(h, clear=("outgoing", "incoming"))
    db.session.flush()
    _announce(h, actor, "refreshed")
    return h


def _check_editable(h: Handover, expected_version: int | None) -> None:
    if h.is_signed:
        raise Conflict("handover_locked", id=h.id, details={"handover_id": h.id})
    check_version(h, expected_version, what=_l("handover"))


def _may_prepare(h: Handover, actor: User) -> None:
    if actor.id != h.outgoing_id and actor.role not in SUPERVISORS:
        raise Forbidden("prepare_outgoing_only")


def _changed(h: Handover, clear: tuple[str, ...]) -> None:
    """A signature covers what was there when it was given: a change withdraws it."""
    h.updated_at = clock.now()
    if "outgoing" in clear:
        h.outgoing_signed_at = None
    if "incoming" in clear:
        h.incoming_signed_at = None


def _announce(h: Handover, actor: User, what: str) -> None:
    """`handover.changed` for the two screens of a handover, sent after the commit.
    Called after the flush, so the version is the one the change gave. Only ids,
    state and who: the center room hears it, the caller data stays on the record."""
    add_event(db.session, "handover.changed", {
        "id": h.id, "version": h.version, "status": h.status.value, "what": what,
        "addenda": _addenda_count(h), "by": {"username": actor.username, "display_name": actor.display_name},
    }, [])


def _addenda_count(h: Handover) -> int:
    # Counted in the database: an addendum just written is not in a loaded h.addenda.
    return db.session.scalar(select(func.count()).where(HandoverAddendum.handover_id == h.id)) or 0


def update_handover(h: Handover, data: HandoverUpdate, actor: User) -> Handover:
    _check_editable(h, data.version)
    _may_prepare(h, actor)
    fields = data.model_fields_set
    if "incoming" in fields:
        incoming = _user(data.incoming) if data.incoming else None
        if incoming is not None and incoming.id == h.outgoing_id:
            raise ValidationFailed.at("incoming", "incoming_is_outgoing")
        if h.incoming_id != (incoming.id if incoming else None):
            h.incoming_id = incoming.id if incoming else None
            h.incoming_arrived_at = h.incoming_late_minutes = None
            note_arrival(h, None)
    if "notes" in fields:
        h.notes = data.notes or None
    if "room_state" in fields:
        h.room_state = data.room_state or None
    items = {i.id: i for i in h.items}
    for n, edit in enumerate(data.items):
        item = items.get(edit.id)
        if item is None:
            raise ValidationFailed.at(f"items.{n}.id", "no_item_here", id=edit.id)
        step = edit.next_step or None
        if step != item.next_step:
            item.next_step, item.next_step_source = step, None
            item.review, item.review_note, item.reviewed_at = Review.PENDING, None, None
    counts = {c.id: c for c in h.counts}
    for n, edit in enumerate(data.counts):
        count = counts.get(edit.id)
        if count is None:
            raise ValidationFailed.at(f"counts.{n}.id", "no_count_here", id=edit.id)
        count.counted = edit.counted
        count.note = edit.note or None
    _changed(h, clear=("outgoing", "incoming"))
    db.session.flush()
    _announce(h, actor, "updated")
    return h


# --- review by the incoming person ----------------------------------------------------------------


def review_item(h: Handover, item_id: int, decision: str, note: str | None, actor: User, expected_version: int) -> HandoverItem:
    _check_editable(h, expected_version)
    if actor.id != h.incoming_id:
        raise Forbidden("review_incoming_only")
    item = next((i for i in h.items if i.id == item_id), None)
    if item is None:
        raise NotFound("no_item_in_handover", item=item_id, handover=h.id)
    if decision == "dispute" and not note:
        raise ValidationFailed.at("note", "dispute_needs_note")
    item.review = Review.ACKNOWLEDGED if decision == "acknowledge" else Review.DISPUTED
    item.review_note = note or None
    item.reviewed_at = clock.now()
    note_arrival(h, item.reviewed_at)
    _changed(h, clear=("incoming",))
    db.session.flush()
    _announce(h, actor, "reviewed")
    return item


def acknowledge_all(h: Handover, actor: User, expected_version: int) -> list[HandoverItem]:
    """The incoming person acknowledges, at once, every item still to review. Disputed ones
    stay disputed (each is answered on its own). The version is the one the person read:
    nothing they have not seen is acknowledged."""
    _check_editable(h, expected_version)
    if actor.id != h.incoming_id:
        raise Forbidden("review_incoming_only")
    now = clock.now()
    pending = [i for i in h.items if i.kind != ItemKind.HANDLED and i.review == Review.PENDING]
    for item in pending:
        item.review, item.review_note, item.reviewed_at = Review.ACKNOWLEDGED, None, now
    if pending:
        note_arrival(h, now)
        _changed(h, clear=("incoming",))
        db.session.flush()
        _announce(h, actor, "reviewed")
    return pending


# --- work that came in while handing over ---------------------------------------------------------


def merge_arrivals(h: Handover, actor: User, now: datetime) -> list[HandoverItem]:
    """Collect the tickets again before a signature: one that came in after the opening (an
    emergency logged meanwhile, a new ticket of the shift) is added, and one that became an
    emergency, missed its deadline or became the shift's is marked again; both to be reviewed.
    The rest of the list stays as both read it. An emergency or a missed deadline withdraws
    the signatures given (they covered a list without it); other arrivals the incoming one's."""
    specs = [s for s in collect_items(h.shift_people, h.shift_start, now) if s.kind == ItemKind.TICKET]
    present = {i.ticket_id: i for i in h.items if i.kind == ItemKind.TICKET}
    proposals = proposed_steps((s.ticket_id for s in specs if s.ticket_id not in present), h.id)
    arrived = []
    for spec in specs:
        item = present.get(spec.ticket_id)
        if item is None:
            item = _new_item(spec, 0, _arrival_flags(spec.flags, None), proposals)
            h.items.append(item)
        elif (set(spec.flags) - set(item.flags)) & TAKEN_OVER:
            item.flags, item.summary = _arrival_flags(spec.flags, item.flags), spec.summary
            item.review, item.review_note, item.reviewed_at = Review.PENDING, None, None
        else:
            continue
        arrived.append(item)
    if not arrived:
        return []
    # What came in is read first.
    for n, item in enumerate(arrived + [i for i in h.items if i not in arrived]):
        item.position = n
    h.items.sort(key=lambda i: i.position)
    _changed(h, clear=("outgoing", "incoming") if any(i.urgent_arrival for i in arrived) else ("incoming",))
    db.session.flush()
    _announce(h, actor, "collected")
    return arrived


# --- refusals, override, signatures ---------------------------------------------------------------


def blockers(h: Handover, now=None) -> list[Blocker]:
    """Every reason the handover cannot be signed now, overridden ones included."""
    now = now or clock.now()
    found = []
    tickets = [i for i in h.items if i.kind == ItemKind.TICKET]

    def about(code: str, items: list[HandoverItem]) -> None:
        if items:
            found.append(Blocker(code, [i.id for i in items], [i.summary["number"] for i in items if i.ticket_id]))

    about(ARRIVED_UNREVIEWED, [i for i in tickets if i.urgent_arrival and i.review == Review.PENDING])
    about(EMERGENCY_WITHOUT_PLAN, [i for i in tickets if Flag.EMERGENCY in i.flags and not i.next_step])
    about(MISSING_NEXT_STEP, [i for i in tickets if i.carried and Flag.EMERGENCY not in i.flags and not i.next_step])
    incomplete = [c.id for c in h.counts if not c.complete]
    if incomplete:
        found.append(Blocker(CHECKLIST_INCOMPLETE, incomplete))
    if h.incoming is None:
        found.append(Blocker(NO_INCOMING))
    elif not incoming_signed_in(h, now):
        found.append(Blocker(INCOMING_NOT_SIGNED_IN))
    about(NOT_ACKNOWLEDGED, [i for i in h.items if i.must_acknowledge and i.review != Review.ACKNOWLEDGED])
    return found


def incoming_signed_in(h: Handover, now) -> bool:
    """Signed in to a seat, and for the next shift when the roster names one."""
    session = signed_in(h.incoming, now)
    if session is None:
        return False
    if h.next_template_id is None:
        return True
    return (session.template_id, session.day) == (h.next_template_id, h.next_day)


def standing_blockers(h: Handover, signer: str, now=None) -> list[Blocker]:
    """What refuses this signature: not what a supervisor overrode; the acknowledgements
    only hold up the incoming person's signature (they are that person's own act)."""
    return [
        b for b in blockers(h, now)
        if b.code not in h.overridden and not (b.code == NOT_ACKNOWLEDGED and signer == "outgoing")
    ]


def override(h: Handover, reason: str, actor: User, expected_version: int) -> HandoverOverride:
    if actor.role not in SUPERVISORS:
        raise Forbidden("override_supervisors_only")
    _check_editable(h, expected_version)
    codes = [b.code for b in blockers(h) if b.overridable and b.code not in h.overridden]
    if not codes:
        raise Conflict("nothing_to_override")
    record = HandoverOverride(by_id=actor.id, at=clock.now(), reason=reason, codes=codes)
    h.overrides.append(record)
    h.updated_at = record.at
    db.session.flush()
    _announce(h, actor, "overridden")
    return record


def sign(h: Handover, actor: User, password: str, expected_version: int) -> Handover:
    _check_editable(h, expected_version)
    if actor.id == h.outgoing_id:
        signer = "outgoing"
    elif actor.id == h.incoming_id:
        signer = "incoming"
    else:
        raise Forbidden("sign_signers_only")
    # Counted like a sign-in: a wrong signature password is a failure towards the lockout.
    if not check_password_counted(actor, password, *client_of_request()):
        raise ValidationFailed.at("password", "wrong_password")
    if getattr(h, f"{signer}_signed_at") is not None:
        raise Conflict("already_signed", id=h.id, signer=SIGNER[signer])
    now = clock.now()
    arrived = merge_arrivals(h, actor, now)
    if signer == "incoming":
        note_arrival(h, now)
    refused = standing_blockers(h, signer, now)
    if refused:
        raise Refused("handover_refused", reasons=[b.problem for b in refused], details={
            "blockers": [b.as_dict() for b in refused], "current_version": h.version,
            "tickets": sorted({n for b in refused for n in b.tickets}),
            "arrived": [i.summary["number"] for i in arrived],
        })
    setattr(h, f"{signer}_signed_at", now)
    h.updated_at = now
    if h.outgoing_signed_at and h.incoming_signed_at:
        _complete(h, now)
    db.session.flush()
    _announce(h, actor, "signed")
    if h.is_signed:
        signals.handover_signed.send(h, actor=actor)
    return h


def _complete(h: Handover, now) -> None:
    """Both have signed: the record is locked under its checksum, and the incoming
    person owns the open work carried over (首问负责). No flush in between: the
    locked row is written once, checksum included."""
    with db.session.no_autoflush:
        h.status = HandoverStatus.SIGNED
        h.signed_at = now
        h.overrun_minutes = minutes_after(now, h.done_by)
        h.checksum = checksum.handover_checksum(h)
        incoming = h.incoming
        for item in h.items:
            if item.carried and item.ticket is not None and item.ticket.is_open:
                hand_over(item.ticket, incoming, f"handover #{h.id}" + (f": {item.next_step}" if item.next_step else ""))


def add_addendum(h: Handover, body: str, actor: User) -> HandoverAddendum:
    if not h.is_signed:
        raise Conflict("not_signed_yet", id=h.id)
    if actor.id not in (h.outgoing_id, h.incoming_id) and actor.role not in SUPERVISORS:
        raise Forbidden("addendum_signers_only")
    addendum = HandoverAddendum(handover_id=h.id, author_id=actor.id, at=clock.now(), body=body)
    addendum.checksum = checksum.addendum_checksum(addendum, h.checksum or "")
    db.session.add(addendum)
    db.session.flush()
    _announce(h, actor, "addendum")
    return addendum
