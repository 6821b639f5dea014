"""The SLA side of one ticket for the API and the ticket page: what to show (clocks,
pauses, extensions, open escalations)."""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from hotline.core import clock as app_clock
from hotline.core.extensions import db
from hotline.sla.engine import clocks
from hotline.sla.engine.escalations import LADDER
from hotline.sla.engine.services import ticket_clock_view
from hotline.sla.models import (
    Escalation,
    Extension,
    ExtensionStatus,
    Pause,
    SlaClock,
    Stage,
)
from hotline.tickets.models import Ticket
from hotline.users.models import User


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _name(user: User | None) -> str | None:
    return user.username if user else None


def _users(ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def pause_rows(ticket: Ticket) -> list[Pause]:
    return db.session.scalars(
        select(Pause).join(SlaClock, Pause.clock_id == SlaClock.id)
        .where(SlaClock.ticket_id == ticket.id).order_by(Pause.started_at.desc(), Pause.id.desc())
    ).all()


def extension_rows(ticket: Ticket) -> list[Extension]:
    return db.session.scalars(
        select(Extension).join(SlaClock, Extension.clock_id == SlaClock.id)
        .where(SlaClock.ticket_id == ticket.id).order_by(Extension.requested_at.desc(), Extension.id.desc())
    ).all()


def open_escalations(ticket: Ticket) -> list[Escalation]:
    return db.session.scalars(
        select(Escalation).where(Escalation.ticket_id == ticket.id, Escalation.acknowledged_at.is_(None))
        .order_by(Escalation.started_at)
    ).all()


def sla_view(ticket: Ticket) -> dict:
    """GET /api/v1/tickets/<number>/sla."""
    stage_of = {c.id: c.stage.value for c in clocks.ticket_clocks(db.session, ticket)}
    pauses, extensions = pause_rows(ticket), extension_rows(ticket)
    people = _users([p.started_by_id for p in pauses] + [p.ended_by_id for p in pauses])
    return {
        "number": ticket.number,
        "version": ticket.version,
        "clocks": ticket_clock_view(ticket),
        "pauses": [
            {
                "stage": stage_of.get(p.clock_id),
                "reason": p.reason,
                "started_at": _iso(p.started_at),
                "started_by": _name(people.get(p.started_by_id)),
                "ended_at": _iso(p.ended_at),
                "ended_by": _name(people.get(p.ended_by_id)),
            }
            for p in pauses
        ],
        "extensions": {
            "pending": [extension_view(e) for e in extensions if e.status == ExtensionStatus.PENDING],
            "decided": [extension_view(e) for e in extensions if e.status != ExtensionStatus.PENDING],
        },
        "escalations": [
            {
                "id": e.id,
                "reason": e.reason,
                "level": e.level,
                "audience": LADDER.get(e.level),
                "started_at": _iso(e.started_at),
                "next_at": _iso(e.next_at),
            }
            for e in open_escalations(ticket)
        ],
    }


def extension_view(ext: Extension) -> dict:
    return {
        "id": ext.id,
        "stage": ext.clock.stage.value,
        "cycle": ext.clock.cycle,
        "minutes": ext.minutes,
        "reason": ext.reason,
        "status": ext.status.value,
        "requested_at": _iso(ext.requested_at),
        "requested_by": _name(ext.requested_by),
        "decided_at": _iso(ext.decided_at),
        "decided_by": _name(ext.decided_by),
        "decision_note": ext.decision_note,
    }


_TIMES = ("started_at", "warn_at", "due_at", "warned_at", "breached_at", "stopped_at")


def clock_rows(ticket: Ticket) -> list[dict]:
    """ticket_clock_view with its times as datetimes as well (the page shows them in
    center time) and the state a person reads: running, paused, met or late."""
    now = app_clock.now()
    rows = []
    for view in ticket_clock_view(ticket):
        row = dict(view)
        row.update({f"{k[:-3]}": datetime.fromisoformat(view[k]) if view[k] else None for k in _TIMES})
        row["seconds_left"] = (row["due"] - now).total_seconds() if row["due"] and view["state"] == "running" else None
        if view["state"] == "stopped":
            row["shown_state"] = "met" if view["met"] else "late"
        else:
            row["shown_state"] = view["state"]
        rows.append(row)
    order = {stage.value: i for i, stage in enumerate(Stage)}  # the order work goes through them
    return sorted(rows, key=lambda r: (-r["cycle"], order[r["stage"]]))


def target_text(seconds: int) -> str:
    """A clock's budget in words: '30 min', '24 h', '52 h 30 min'."""
    minutes = round(seconds / 60)
    h, m = divmod(minutes, 60)
    if not h:
        return _("%(m)s min", m=m)
    if not m:
        return _("%(h)s h", h=h)
    return _("%(h)s h %(m)s min", h=h, m=m)


def left_text(seconds: float) -> str:
    """Time to or past a deadline, as static/js/ticket_sla.js writes it while it ticks."""
    s = max(0, int(seconds))
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    if s < 86400:
        return _("{h}h {m}m").replace("{h}", str(s // 3600)).replace("{m}", f"{s % 3600 // 60:02d}")
    return _("{d}d {h}h").replace("{d}", str(s // 86400)).replace("{h}", str(s % 86400 // 3600))
