"""`flask sla-worker`: the scheduler as its own process; `flask sla-sweep`: one sweep now."""
import os
import socket

import click
from flask import Flask, current_app

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.heartbeat import beat
from hotline.sla.engine.scheduler import SlaScheduler
from hotline.sla.engine.sweep import next_deadline, sweep


def register_cli(app: Flask) -> None:
    @app.cli.command("sla-worker")
    def sla_worker():
        """Run the SLA scheduler in this process (set HOTLINE_SLA_SCHEDULER=worker for the web)."""
        click.echo("SLA worker running; Ctrl+C stops it")
        scheduler = SlaScheduler(current_app._get_current_object(), blocking=True, peek=True)
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown()

    @app.cli.command("sla-sweep")
    def sla_sweep():
        """Record every warning and breach due now, once, and exit."""
        written = 0
        while True:  # a sweep takes one batch; go on until nothing more is due
            batch = sweep(db.session, clock.now())
            db.session.commit()
            written += batch
            upcoming = next_deadline(db.session)
            # /healthz sees the sweep (a cron-driven `flask sla-sweep` counts as the scheduler).
            beat(db.session, clock.now(), upcoming, int(current_app.config.get("SLA_SAFETY_SWEEP_SECONDS", 60)),
                 f"{socket.gethostname()}:{os.getpid()}"[:120])
            db.session.commit()
            if not batch or upcoming is None or upcoming > clock.now():
                break
        click.echo(f"{written} alerts and escalation steps recorded")
