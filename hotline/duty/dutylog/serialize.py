"""Duty log entries, reviews and search hits as the API sees them."""
from hotline.duty.dutylog.models import DutyLogEntry, DutyLogReview
from hotline.duty.dutylog.services import verify_review
from hotline.duty.handover.serialize import handover_summary


def entry_view(e: DutyLogEntry) -> dict:
    return {
        "id": e.id, "day": e.day.isoformat(), "at": e.at.isoformat(), "kind": e.kind.value, "body": e.body,
        "ticket": e.ticket.number if e.ticket else None, "shift": e.shift_label,
        "author": {"username": e.author.username, "display_name": e.author.display_name},
    }


def review_view(r: DutyLogReview) -> dict:
    return {
        "day": r.day.isoformat(), "signed_at": r.signed_at.isoformat(), "comment": r.comment,
        "reviewer": {"username": r.reviewer.username, "display_name": r.reviewer.display_name},
        "entry_count": r.entry_count, "checksum": r.checksum, "verified": verify_review(r),
    }


def hit_view(hit: dict) -> dict:
    row = hit["row"]
    if hit["type"] == "entry":
        return {"type": "entry", "at": hit["at"].isoformat(), "entry": entry_view(row)}
    return {"type": "handover", "at": hit["at"].isoformat(), "handover": handover_summary(row)}
