"""Handovers and standing items as the API (and the handover page's script) see them."""
from hotline.duty.handover import checksum
from hotline.duty.handover.models import Handover, HandoverAddendum, StandingItem
from hotline.duty.handover.services import SUPERVISORS, blockers
from hotline.users.models import User


def _person(user: User | None) -> dict | None:
    return {"username": user.username, "display_name": user.display_name} if user else None


def _time(value) -> str | None:
    return value.isoformat() if value else None


def addendum_view(a: HandoverAddendum) -> dict:
    return {"id": a.id, "addendum": True, "at": _time(a.at), "author": _person(a.author), "body": a.body, "checksum": a.checksum}


def handover_summary(h: Handover) -> dict:
    return {
        "id": h.id,
        "version": h.version,
        "status": h.status.value,
        "shift": {"template": h.shift_template.code if h.shift_template else None, "day": h.shift_day.isoformat() if h.shift_day else None,
                  "start": _time(h.shift_start), "end": _time(h.shift_end)},
        "next_shift": {"template": h.next_template.code if h.next_template else None, "day": h.next_day.isoformat() if h.next_day else None,
                       "start": _time(h.next_start)},
        "outgoing": _person(h.outgoing),
        "incoming": _person(h.incoming),
        "opened_at": _time(h.opened_at),
        "outgoing_signed_at": _time(h.outgoing_signed_at),
        "incoming_signed_at": _time(h.incoming_signed_at),
        "signed_at": _time(h.signed_at),
        "checksum": h.checksum,
        "timing": {
            "arrive_by": _time(h.arrive_by), "incoming_arrived_at": _time(h.incoming_arrived_at),
            "incoming_late_minutes": h.incoming_late_minutes, "done_by": _time(h.done_by),
            "overrun_minutes": h.overrun_minutes,
        },
    }


def handover_detail(h: Handover, viewer: User) -> dict:
    draft = not h.is_signed
    view = handover_summary(h)
    view.update(
        notes=h.notes,
        room_state=h.room_state,
        items=[
            {
                "id": i.id, "kind": i.kind.value, "flags": list(i.flags), "summary": i.summary,
                "next_step": i.next_step, "next_step_source": i.next_step_source,
                "must_acknowledge": i.must_acknowledge, "carried": i.carried, "arrived": i.arrived,
                "review": i.review.value, "review_note": i.review_note, "reviewed_at": _time(i.reviewed_at),
            }
            for i in h.items
        ],
        counts=[
            {"id": c.id, "name": c.name, "expected": c.expected, "counted": c.counted, "note": c.note, "complete": c.complete}
            for c in h.counts
        ],
        overrides=[
            {"at": _time(o.at), "by": _person(o.by), "reason": o.reason, "codes": list(o.codes)} for o in h.overrides
        ],
        addenda=[addendum_view(a) for a in h.addenda],
        blockers=[b.as_dict() | {"overridden": b.code in h.overridden} for b in blockers(h)] if draft else [],
        you={
            "prepare": draft and (viewer.id == h.outgoing_id or viewer.role in SUPERVISORS),
            "review": draft and viewer.id == h.incoming_id,
            "sign": draft and viewer.id in (h.outgoing_id, h.incoming_id),
            "override": draft and viewer.role in SUPERVISORS,
        },
    )
    if h.is_signed:
        view["verification"] = checksum.verify(h).as_dict()
    return view


def standing_view(s: StandingItem) -> dict:
    return {
        "id": s.id, "version": s.version, "kind": s.kind.value, "title": s.title, "body": s.body, "source": s.source,
        "opened_at": _time(s.opened_at), "opened_by": _person(s.opened_by),
        "closed_at": _time(s.closed_at), "closed_by": _person(s.closed_by), "close_note": s.close_note,
    }
