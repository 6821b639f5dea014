"""The SLA scheduler's heartbeat: one row, written by every sweep, read by /healthz in any
process (the scheduler may run in another one: `flask sla-worker`).

Core holds it because /healthz (core) reads it; the scheduler (hotline/sla/engine) writes it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.core.extensions import db

ROW = 1

STARTED = "hotline.scheduler_started"  # in app.extensions while this app runs a scheduler


def mark_started(app, running: bool = True) -> None:
    """The scheduler (embedded in a web worker, or `flask sla-worker`) runs on this app: an
    embedded-mode app without one (tests, `flask shell`) has no scheduler to report."""
    if running:
        app.extensions[STARTED] = True
    else:
        app.extensions.pop(STARTED, None)


def started_here(app) -> bool:
    return bool(app.extensions.get(STARTED))


class SchedulerHeartbeat(db.Model):
    __tablename__ = "scheduler_heartbeat"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    swept_at: Mapped[datetime | None]  # the end of the last sweep
    next_deadline: Mapped[datetime | None]  # the earliest deadline still ahead, after that sweep
    interval_seconds: Mapped[int | None] = mapped_column(Integer)  # its safety-sweep interval
    process: Mapped[str | None] = mapped_column(String(120))  # host:pid of the scheduler


def beat(session: Session, swept_at: datetime, next_deadline: datetime | None, interval_seconds: int,
         process: str) -> None:
    """Record a sweep, in the sweep's own transaction (one row, updated in place)."""
    values = dict(swept_at=swept_at, next_deadline=next_deadline, interval_seconds=interval_seconds,
                  process=process)
    done = session.execute(update(SchedulerHeartbeat).where(SchedulerHeartbeat.id == ROW).values(**values))
    if done.rowcount:
        return
    try:  # the migration seeds the row; a database made otherwise gets it here
        with session.begin_nested():
            session.execute(insert(SchedulerHeartbeat).values(id=ROW, **values))
    except IntegrityError:
        pass


def last(session: Session) -> SchedulerHeartbeat | None:
    return session.get(SchedulerHeartbeat, ROW, populate_existing=True)
