"""The checksum that shows a signed handover was not changed: SHA-256 over a canonical
JSON of its signed content (sorted keys, no spaces, UTF-8, times in UTC ISO 8601).

Addenda are not part of the signed content; each has its own checksum chained to the
record's, so an addendum cannot be moved to another record or altered unseen."""
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from hotline.duty.handover.models import Handover, HandoverAddendum


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain).encode("utf-8")


def sha256(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def _item(i) -> dict:
    out = {
        "position": i.position, "kind": i.kind, "flags": list(i.flags or []), "ticket_id": i.ticket_id,
        "standing_item_id": i.standing_item_id, "escalation_id": i.escalation_id, "summary": i.summary,
        "next_step": i.next_step, "review": i.review, "review_note": i.review_note, "reviewed_at": i.reviewed_at,
    }
    if i.next_step_source is not None:  # added later: absent from older records, which still verify
        out["next_step_source"] = i.next_step_source
    return out


# Timing, signed since 0018: present only when known, so records signed before (and those
# without a roster) keep the content, and the checksum, they were signed with.
TIMING = ("arrive_by", "incoming_arrived_at", "incoming_late_minutes", "done_by", "overrun_minutes")


def signed_content(h: Handover) -> dict:
    content = _content(h)
    timing = {name: getattr(h, name) for name in TIMING}
    if any(value is not None for value in timing.values()):
        content["timing"] = timing
    return content


def _content(h: Handover) -> dict:
    return {
        "id": h.id,
        "status": h.status,
        "shift": {"template_id": h.shift_template_id, "day": h.shift_day, "start": h.shift_start, "end": h.shift_end},
        "next_shift": {"template_id": h.next_template_id, "day": h.next_day, "start": h.next_start},
        "outgoing_id": h.outgoing_id,
        "incoming_id": h.incoming_id,
        "shift_people": list(h.shift_people or []),
        "notes": h.notes,
        "room_state": h.room_state,
        "opened_at": h.opened_at,
        "outgoing_signed_at": h.outgoing_signed_at,
        "incoming_signed_at": h.incoming_signed_at,
        "signed_at": h.signed_at,
        "items": [_item(i) for i in h.items],
        "counts": [
            {"position": c.position, "name": c.name, "expected": c.expected, "counted": c.counted, "note": c.note}
            for c in h.counts
        ],
        "overrides": [{"by_id": o.by_id, "at": o.at, "reason": o.reason, "codes": list(o.codes)} for o in h.overrides],
    }


def handover_checksum(h: Handover) -> str:
    return sha256(signed_content(h))


def addendum_checksum(a: HandoverAddendum, record_checksum: str) -> str:
    return sha256({"record": record_checksum, "handover_id": a.handover_id, "author_id": a.author_id, "at": a.at, "body": a.body})


@dataclass
class Verification:
    ok: bool
    stored: str | None
    computed: str | None
    addenda: list[dict]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "stored": self.stored, "computed": self.computed, "addenda": self.addenda}


def verify(h: Handover) -> Verification:
    """Recompute from the rows as they are in the database now."""
    if not h.is_signed:
        return Verification(False, None, None, [])
    computed = handover_checksum(h)
    addenda = [
        {"id": a.id, "ok": a.checksum == addendum_checksum(a, h.checksum or ""), "stored": a.checksum}
        for a in h.addenda
    ]
    return Verification(computed == h.checksum and all(a["ok"] for a in addenda), h.checksum, computed, addenda)
