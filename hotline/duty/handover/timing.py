"""The handover's timing (seeds 000, 001, 004): the incoming person is expected some
minutes before the shift (HOTLINE_HANDOVER_ARRIVE_EARLY_MINUTES, 15 by default) and
lateness is recorded; the handover is done before the outgoing shift ends, and an overrun
is recorded when it is signed."""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context

from hotline.core.extensions import db
from hotline.duty.handover.models import Handover
from hotline.duty.seats.services import open_session
from hotline.users.models import User


def arrive_early() -> timedelta:
    """How long before the shift the incoming person is expected (DOMAIN: 5 to 30 minutes by
    center; the seeds ask 10 to 20)."""
    minutes = current_app.config.get("HOTLINE_HANDOVER_ARRIVE_EARLY_MINUTES", 15) if has_app_context() else 15
    return timedelta(minutes=int(minutes))


def minutes_after(moment: datetime | None, limit: datetime | None) -> int | None:
    """Whole minutes (rounded up) `moment` is past `limit`; 0 when it is not; None without both."""
    if moment is None or limit is None:
        return None
    return max(0, math.ceil((moment - limit).total_seconds() / 60))


def note_arrival(h: Handover, act_at: datetime | None) -> None:
    """When the incoming person arrived: their seat sign-in for the next shift, or their first
    act on the handover (`act_at`), whichever came first; and the minutes late it makes."""
    if h.incoming_id is None:
        return
    candidates = [t for t in (h.incoming_arrived_at, act_at) if t is not None]
    session = open_session(db.session.get(User, h.incoming_id))
    if session is not None and (h.next_template_id is None or (session.template_id, session.day) == (h.next_template_id, h.next_day)):
        candidates.append(session.signed_in_at)
    if not candidates:
        return
    arrived = min(candidates)
    if arrived != h.incoming_arrived_at:
        h.incoming_arrived_at = arrived
        h.incoming_late_minutes = minutes_after(arrived, h.arrive_by)


@dataclass
class Timing:
    """What the page and the print say about time: recorded figures, or, for a draft, how
    things stand now."""

    arrive_by: datetime | None
    early_minutes: int | None
    arrived_at: datetime | None
    late_minutes: int | None  # recorded on arrival
    waiting_minutes: int | None  # not arrived yet, and this far past arrive_by
    done_by: datetime | None
    overrun_minutes: int | None  # recorded at signing; for a draft, how far past done_by now
    done_soon: bool  # a draft within 10 minutes of done_by (004: "下班前10分钟")

    @property
    def late(self) -> bool:
        return bool(self.late_minutes or self.waiting_minutes or self.overrun_minutes)


DONE_SOON = timedelta(minutes=10)


def timing(h: Handover, now: datetime) -> Timing:
    early = int((h.next_start - h.arrive_by).total_seconds() // 60) if h.arrive_by and h.next_start else None
    draft = not h.is_signed
    waiting = minutes_after(now, h.arrive_by) if draft and h.incoming_arrived_at is None else None
    overrun = h.overrun_minutes if not draft else minutes_after(now, h.done_by)
    return Timing(
        arrive_by=h.arrive_by, early_minutes=early, arrived_at=h.incoming_arrived_at,
        late_minutes=h.incoming_late_minutes, waiting_minutes=waiting or None, done_by=h.done_by,
        overrun_minutes=overrun or None,
        done_soon=bool(draft and h.done_by and not overrun and h.done_by - now <= DONE_SOON),
    )
