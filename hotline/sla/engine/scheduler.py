"""APScheduler runs the sweep: one job, woken for the next deadline.

The job's own trigger is a slow interval (the safety net, SLA_SAFETY_SWEEP_SECONDS).
After every sweep, and whenever a commit in this process writes an earlier
deadline (see hooks.py), `arm()` brings its next run forward to that deadline
with `modify_job`. Nothing is due: the scheduler sleeps. Something falls due: it
runs within milliseconds.

Exactly one scheduler should run: embedded in the single web process (started by
gunicorn.conf.py), or as `flask sla-worker` when the web runs several processes.
Deadlines written by another process (the worker's web processes, a CLI import, a
second instance) cannot call `arm()` here, so the scheduler also peeks at the
earliest deadline every SLA_PEEK_SECONDS (one index lookup, no sweep). In worker
mode its events reach the browsers through the Socket.IO message queue. Two running by mistake record
nothing twice: the sweep claims each alert with a conditional UPDATE."""
import logging
import os
import socket
import threading
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.heartbeat import beat, mark_started
from hotline.core.orm import reading_only
from hotline.sla.engine.sweep import next_deadline, sweep

log = logging.getLogger(__name__)

JOB = "sla-sweep"
PEEK_JOB = "sla-peek"

_active: "SlaScheduler | None" = None


def _real_time(at: datetime) -> datetime:
    """The app clock can be offset (tests); APScheduler runs on the real one."""
    return at - (clock.now() - datetime.now(timezone.utc))


class SlaScheduler:
    def __init__(self, app: Flask, blocking: bool = False, peek: bool = False):
        self.app = app
        self.peek = peek
        kind = BlockingScheduler if blocking else BackgroundScheduler
        self.scheduler = kind(
            timezone=timezone.utc,
            job_defaults={"coalesce": True, "max_instances": 3, "misfire_grace_time": None},
        )
        self._lock = threading.Lock()
        self.sweeps = 0  # how many sweeps ran (the benchmark reads it)
        self.safety = int(app.config.get("SLA_SAFETY_SWEEP_SECONDS", 60))
        self.process = f"{socket.gethostname()}:{os.getpid()}"[:120]

    def start(self) -> None:
        global _active
        _active = self
        mark_started(self.app)
        safety = self.app.config.get("SLA_SAFETY_SWEEP_SECONDS", 60)
        # First run at once: whatever fell due while nothing was running is recorded now.
        self.scheduler.add_job(
            self.run, IntervalTrigger(seconds=safety), id=JOB, next_run_time=datetime.now(timezone.utc)
        )
        if self.peek:
            self.scheduler.add_job(
                self.peek_next, IntervalTrigger(seconds=self.app.config.get("SLA_PEEK_SECONDS", 1)), id=PEEK_JOB
            )
        log.info("SLA scheduler started (safety sweep every %s s)", safety)
        self.scheduler.start()

    def shutdown(self) -> None:
        global _active
        if _active is self:
            _active = None
        mark_started(self.app, False)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def run(self) -> None:
        """Sweep until nothing more is due, then wake for the next deadline."""
        with self.app.app_context():
            try:
                while True:
                    sweep(db.session, clock.now())
                    upcoming = next_deadline(db.session)  # same transaction: sees this sweep's writes
                    # For /healthz in every process: when this sweep ran and what it waits for.
                    beat(db.session, clock.now(), upcoming, self.safety, self.process)
                    db.session.commit()
                    self.sweeps += 1
                    if upcoming is None or upcoming > clock.now():
                        break
            except Exception:
                log.exception("SLA sweep failed; the safety sweep will retry")
                db.session.rollback()
                upcoming = None
            finally:
                db.session.remove()
        if upcoming is not None:
            self.arm(upcoming)

    def peek_next(self) -> None:
        token = reading_only.set(True)  # a read: no write lock taken once a second
        try:
            with self.app.app_context():
                try:
                    upcoming = next_deadline(db.session)
                finally:
                    db.session.remove()
        finally:
            reading_only.reset(token)
        if upcoming is not None:
            self.arm(upcoming)

    def arm(self, at: datetime) -> None:
        """Run the sweep at `at` if that is sooner than its next run."""
        when = _real_time(at) + timedelta(milliseconds=1)
        with self._lock:
            job = self.scheduler.get_job(JOB)
            if job is None:
                return
            if job.next_run_time is None or when < job.next_run_time:
                self.scheduler.modify_job(JOB, next_run_time=max(when, datetime.now(timezone.utc)))


def arm(at: datetime) -> None:
    """Called after a commit that wrote a deadline; a no-op without a scheduler here."""
    if _active is not None:
        _active.arm(at)


def start_embedded(app: Flask) -> SlaScheduler | None:
    if app.config.get("SLA_SCHEDULER") != "embedded":
        return None
    scheduler = SlaScheduler(app, peek=True)
    scheduler.start()
    return scheduler
