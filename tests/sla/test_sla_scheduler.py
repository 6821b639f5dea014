"""The real APScheduler in this process, on real time: a commit that writes a
deadline wakes it for that deadline, and what fell due while no scheduler ran is
recorded as soon as one starts, once."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import reading_only
from hotline.sla.engine.scheduler import SlaScheduler
from hotline.sla.models import Alert, AlertKind, Policy, SlaClock, Stage
from hotline.tickets.models import Priority


@pytest.fixture
def quick_policy(ctx):
    """Urgent tickets must be accepted within 2 seconds (warning at 1.5 s)."""
    db.session.execute(
        update(Policy).where(Policy.priority == Priority.URGENT, Policy.stage == Stage.ACCEPT).values(minutes=2 / 60)
    )
    db.session.commit()


@pytest.fixture
def scheduler(app):
    running = []

    def start():
        s = SlaScheduler(app)
        s.start()
        running.append(s)
        return s

    yield start
    for s in running:
        s.shutdown()


def wait_for_alerts(ticket_id: int, count: int, timeout: float) -> list[Alert]:
    """Poll with plain reads: a write transaction held while polling would starve a
    scheduler in another process of SQLite's write lock."""
    deadline = time.monotonic() + timeout
    token = reading_only.set(True)
    try:
        while True:
            db.session.rollback()  # a fresh read each time
            rows = db.session.scalars(select(Alert).where(Alert.ticket_id == ticket_id).order_by(Alert.id)).all()
            if len(rows) >= count or time.monotonic() > deadline:
                return rows
            db.session.rollback()
            time.sleep(0.05)
    finally:
        db.session.rollback()
        reading_only.reset(token)


def test_warning_and_breach_detected_within_a_second(quick_policy, new_ticket, scheduler):
    s = scheduler()
    time.sleep(0.3)  # the start-up sweep has run and found nothing
    t = new_ticket(category="repair", priority="urgent", unit="north")
    rows = wait_for_alerts(t.id, 2, timeout=5)
    assert [(a.kind, a.stage) for a in rows] == [(AlertKind.WARNING, Stage.ACCEPT), (AlertKind.BREACH, Stage.ACCEPT)]
    accept = db.session.scalar(select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stage == Stage.ACCEPT))
    for alert, due in zip(rows, (accept.warn_at, accept.due_at)):
        assert timedelta(0) <= alert.at - due < timedelta(seconds=1), (alert.kind, alert.at - due)
    # Woken for each deadline, not polling: the start-up sweep, the warning, the breach
    # (and at most one more for the escalation that follows 15 minutes later).
    assert s.sweeps <= 4


def test_a_deadline_passed_while_down_is_recorded_at_start_once(quick_policy, new_ticket, scheduler):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    time.sleep(2.2)  # no scheduler: the deadline passes unnoticed
    assert wait_for_alerts(t.id, 1, timeout=0.1) == []
    scheduler()
    rows = wait_for_alerts(t.id, 2, timeout=2)
    assert [a.kind for a in rows] == [AlertKind.WARNING, AlertKind.BREACH]
    # A second scheduler (a restart, or two by mistake) records nothing more.
    scheduler()
    time.sleep(0.5)
    assert len(wait_for_alerts(t.id, 3, timeout=0.5)) == 2
    assert clock.now() > rows[1].due_at


def test_sla_sweep_command_records_what_is_due(quick_policy, new_ticket, runner):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(seconds=3))
    result = runner.invoke(args=["sla-sweep"])
    assert result.exit_code == 0, result.output
    assert "3 alerts and escalation steps recorded" in result.output  # warning, breach, level 1
    assert runner.invoke(args=["sla-sweep"]).output.startswith("0 ")
    assert len(wait_for_alerts(t.id, 2, timeout=0.1)) == 2


def test_the_sla_worker_process_sees_deadlines_written_elsewhere(quick_policy, new_ticket, app, tmp_path):
    """`flask sla-worker` as its own process: a ticket written by this process (not
    the worker's) is found by the worker's peek and its deadlines recorded on time."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "HOTLINE_INSTANCE": str(tmp_path), "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "HOTLINE_SLA_SCHEDULER": "worker"}
    flask = Path(sys.executable).with_name("flask")
    worker = subprocess.Popen([str(flask), "--app", "hotline", "sla-worker"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert worker.stdout.readline().startswith("SLA worker running")
        time.sleep(1.0)
        t = new_ticket(category="repair", priority="urgent", unit="north")
        rows = wait_for_alerts(t.id, 2, timeout=6)
        if len(rows) < 2:
            worker.terminate()
            pytest.fail("worker recorded nothing:\n" + worker.communicate(timeout=10)[0])
        assert [a.kind for a in rows] == [AlertKind.WARNING, AlertKind.BREACH]
        accept = db.session.scalar(select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stage == Stage.ACCEPT))
        # The peek runs every second: found within about a second, then woken on time.
        assert rows[1].at - accept.due_at < timedelta(seconds=1.5)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
