"""SLA benchmark: how soon a deadline is detected among 100,000 open tickets, and what
the scheduler costs when nothing is due.

    .venv/bin/python bench/sla.py                      # about 3 minutes
    .venv/bin/python bench/sla.py --tickets 20000 --due 100 --window 20 --idle 20 --contrast 10   # a quick look
    .venv/bin/python bench/sla.py --due 1000 --window 0 --idle 10 --contrast 0   # a burst: 1000 at one instant

1. Builds a fresh database by the migrations in a temporary folder, then bulk-inserts
   (SQLAlchemy core executemany) --tickets open tickets, each with a running resolve
   clock whose deadline lies between 2 hours and 10 days ahead (warnings 75% of the
   way, all after the run), and times `next_deadline()` (the scheduler's one question)
   on that table in-process.
2. Adds --due more tickets whose warning falls due spread over --window seconds,
   starting --lead seconds later, and whose deadline falls 4 s after its warning.
3. Starts the app as in production: gunicorn -c gunicorn.conf.py (gevent, one worker),
   whose post_worker_init starts the embedded scheduler in the worker. The bench runs
   it through a small wrapper config in the temporary folder that execs
   gunicorn.conf.py unchanged and only counts the scheduler's job runs (time, duration,
   CPU of the run's thread), written out when the worker exits.
4. A python-socketio client (board user's API token, WebSocket) records when each
   `sla.warning`, `sla.breached` and `escalation` event arrives.
   Detection latency = receipt time - the moment it fell due (`warn_at` for a warning,
   `due_at` for a breach). From the database: sla_alert.at (the sweep's time) - that moment.
5. Idle phase: --idle seconds in which nothing falls due; prints the worker's CPU
   seconds (utime + stime from /proc/<pid>/stat) per idle minute and the scheduler's job
   runs then. Contrast: the same app with HOTLINE_SLA_SCHEDULER=off on the same database
   and the same connected client, for --contrast seconds.
Prints figures; exits non-zero only when the run itself broke (missing or duplicate
alerts, a server that would not start). Everything stays on 127.0.0.1."""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake import ROOT, fresh_app, free_port, percentile, stop_server, wait_healthy  # noqa: E402

CHUNK = 10_000
WARN_BEFORE_DUE = 4.0  # seconds between a falling-due clock's warning and its deadline
OPEN = ("new", "dispatched", "accepted", "en_route", "on_site")
TICK = os.sysconf("SC_CLK_TCK")

# Execs the production config unchanged, then counts the scheduler's job runs.
WRAPPER = '''
import json as _json, time as _time
exec(compile(open({conf!r}).read(), {conf!r}, "exec"))
_runs = []
_production_post_worker_init, _production_worker_exit = post_worker_init, worker_exit


def post_worker_init(worker):
    from hotline.sla.engine.scheduler import SlaScheduler

    run = SlaScheduler.run

    def counted(self):
        t0, c0 = _time.time(), _time.thread_time()
        try:
            return run(self)
        finally:
            _runs.append([t0, _time.time() - t0, _time.thread_time() - c0, self.sweeps])

    SlaScheduler.run = counted
    _production_post_worker_init(worker)


def worker_exit(server, worker):
    _production_worker_exit(server, worker)
    with open({out!r}, "w") as f:
        _json.dump(_runs, f)
'''


# --- the database ------------------------------------------------------------------


def seed_users(app) -> str:
    """A board user and its API token (fresh_app made the operator 'bench')."""
    from hotline.core.extensions import db
    from hotline.users.models import Role
    from hotline.users.services import create_token, create_user

    with app.app_context():
        board = create_user("bench-board", "bench-password", Role.BOARD)
        _, secret = create_token(board, "sla benchmark")
        db.session.commit()
    return secret


def insert_tickets(app, specs: list[tuple[str, datetime, float]]) -> None:
    """One open ticket per (number, due_at, budget seconds), each with a running,
    round-the-clock resolve clock: started budget seconds before due_at, warning at 75%."""
    from sqlalchemy import insert, select

    from hotline.core.extensions import db
    from hotline.sla.models import SlaClock, Stage
    from hotline.tickets.models import Category, Channel, Priority, Status, Ticket

    with app.app_context():
        categories = db.session.scalars(select(Category.id).where(Category.code.in_(["leak", "repair", "complaint"]))).all()
        for start in range(0, len(specs), CHUNK):
            chunk = specs[start:start + CHUNK]
            tickets = []
            for k, (number, due, budget) in enumerate(chunk):
                started = due - timedelta(seconds=budget)
                tickets.append({
                    "number": number, "version": 1, "category_id": categories[k % len(categories)],
                    "priority": Priority.NORMAL, "status": Status(OPEN[k % len(OPEN)]), "channel": Channel.PHONE,
                    "confidential": False, "matter": f"SLA 压测 {number}", "facts": {}, "cycle": 1,
                    "created_at": started, "updated_at": started,
                })
            db.session.execute(insert(Ticket.__table__), tickets)
            ids = dict(db.session.execute(
                select(Ticket.number, Ticket.id).where(Ticket.number.in_([n for n, _, _ in chunk]))
            ).all())
            clocks = []
            for number, due, budget in chunk:
                started = due - timedelta(seconds=budget)
                warn = started + timedelta(seconds=budget * 0.75)
                clocks.append({
                    "ticket_id": ids[number], "stage": Stage.RESOLVE, "cycle": 1, "policy_id": None,
                    "calendar_id": None, "unit_id": None, "budget_seconds": int(budget), "extended_seconds": 0,
                    "warn_percent": 75, "started_at": started, "running_since": started, "consumed_seconds": 0.0,
                    "paused_reason": None, "warn_at": warn, "due_at": due, "next_check_at": warn,
                    "warned_at": None, "breached_at": None, "stopped_at": None,
                })
            db.session.execute(insert(SlaClock.__table__), clocks)
            db.session.commit()
        db.engine.dispose()


def background_specs(n: int, now: datetime, rng: random.Random) -> list[tuple[str, datetime, float]]:
    """Deadlines 2 h to 10 days ahead; budgets such that the warning (at 75%) is still
    at least 1.35 h ahead: nothing of these falls due during the run."""
    specs = []
    for k in range(n):
        ahead = rng.uniform(2 * 3600, 10 * 86400)
        specs.append((f"B{k:07d}", now + timedelta(seconds=ahead), ahead * rng.uniform(1.0, 1.3)))
    return specs


def due_specs(n: int, first_warning: datetime, window: float) -> list[tuple[str, datetime, float]]:
    """Warnings spread evenly over the window, each deadline WARN_BEFORE_DUE s later."""
    budget = WARN_BEFORE_DUE * 4  # warning at 75% of the budget = 4 s before the deadline
    return [
        (f"D{k:06d}", first_warning + timedelta(seconds=window * k / max(n - 1, 1) + WARN_BEFORE_DUE), budget)
        for k in range(n)
    ]


def time_next_deadline(app, repeat: int = 1000) -> list[float]:
    from hotline.core.extensions import db
    from hotline.sla.engine.sweep import next_deadline

    with app.app_context():
        next_deadline(db.session)  # warm the page cache
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            next_deadline(db.session)
            times.append(time.perf_counter() - t0)
        db.session.remove()
        db.engine.dispose()
    return sorted(times)


# --- the server and its worker ----------------------------------------------------


def start(instance: Path, conf: Path, port: int, log: Path, **env) -> subprocess.Popen:
    full_env = dict(os.environ, HOTLINE_INSTANCE=str(instance), HOST="127.0.0.1", PORT=str(port), **env)
    full_env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(conf), "wsgi:app"],
        cwd=ROOT, env=full_env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    return wait_healthy(server, port, log, 60)


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        sys.exit(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def idle_cpu(pid: int, seconds: float) -> float:
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - c0) * 60 / (time.monotonic() - t0)


# --- the listening client -----------------------------------------------------------


def connect(url: str, token: str, received: list):
    import socketio

    client = socketio.Client(reconnection=False)
    for name in ("sla.warning", "sla.breached", "escalation"):
        client.on(name, lambda data, name=name: received.append((time.time(), name, data)))
    client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return client


def ms(values, q):
    return 1000 * percentile(values, q)


def line(label: str, values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return f"{label}: none"
    return "{}: p50 {:.1f}  p99 {:.1f}  max {:.1f}  min {:.1f}  (n={})".format(
        label, ms(values, 0.5), ms(values, 0.99), ms(values, 1.0), ms(values, 0.0), len(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="open tickets with spread deadlines (default 100000)")
    parser.add_argument("--due", type=int, default=300, help="tickets whose warning and deadline fall due in the run (default 300)")
    parser.add_argument("--window", type=float, default=60, help="seconds the warnings are spread over (default 60)")
    parser.add_argument("--lead", type=float, default=12, help="seconds from the last insert to the first warning (default 12)")
    parser.add_argument("--idle", type=float, default=60, help="seconds of the idle measurement (default 60)")
    parser.add_argument("--contrast", type=float, default=30, help="seconds of the scheduler-off contrast, 0 to skip (default 30)")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    began = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="hotline-sla-bench-") as tmp:
        tmp = Path(tmp)
        instance, log, runs_file = tmp / "instance", tmp / "gunicorn.log", tmp / "runs.json"
        conf = tmp / "gunicorn.bench.py"
        conf.write_text(WRAPPER.format(conf=str(ROOT / "gunicorn.conf.py"), out=str(runs_file)))

        app = fresh_app(instance)
        token = seed_users(app)
        t0 = time.monotonic()
        insert_tickets(app, background_specs(args.tickets, datetime.now(timezone.utc), rng))
        built = time.monotonic() - t0
        lookups = time_next_deadline(app)
        print(f"database: {args.tickets} open tickets and running clocks inserted in {built:.1f} s "
              f"({(instance / 'hotline.db').stat().st_size / 1e6:.0f} MB)")
        print(line("      next_deadline() lookup, in-process, ms", lookups))

        first_warning = datetime.now(timezone.utc) + timedelta(seconds=args.lead)
        specs = due_specs(args.due, first_warning, args.window)
        insert_tickets(app, specs)
        last_due = specs[-1][1]

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        received: list = []
        t_start = time.monotonic()
        server = start(instance, conf, port, log)
        print(f"server: gunicorn up in {time.monotonic() - t_start:.1f} s; first warning in "
              f"{(first_warning - datetime.now(timezone.utc)).total_seconds():.1f} s, "
              f"{args.due} warnings and {args.due} deadlines over {args.window + WARN_BEFORE_DUE:.0f} s")
        try:
            pid = worker_pid(server.pid)
            client = connect(url, token, received)
            cpu_before_window = cpu_seconds(pid)
            time.sleep(max(0.0, (last_due - datetime.now(timezone.utc)).total_seconds()) + 3)
            settle = time.monotonic() + 60  # a burst takes a while to go out: idle starts after its last event
            while len(received) < 3 * args.due and time.monotonic() < settle:
                time.sleep(0.2)
            time.sleep(1)
            cpu_window = cpu_seconds(pid) - cpu_before_window
            idle_from = time.time()
            idle_per_minute = idle_cpu(pid, args.idle)
            idle_to = time.time()
            client.disconnect()
        finally:
            stop_server(server)
        runs = json.loads(runs_file.read_text()) if runs_file.exists() else None

        with sqlite3.connect(instance / "hotline.db") as con:
            alerts = con.execute("SELECT kind, count(*), count(DISTINCT clock_id) FROM sla_alert GROUP BY kind").fetchall()
            recorded = [
                (kind, (datetime.fromisoformat(at) - datetime.fromisoformat(due)).total_seconds())
                for kind, at, due in con.execute(
                    "SELECT a.kind, a.at, CASE a.kind WHEN 'warning' THEN c.warn_at ELSE c.due_at END"
                    " FROM sla_alert a JOIN sla_clock c ON c.id = a.clock_id")
            ]
            steps = con.execute("SELECT count(*) FROM escalation_step").fetchone()[0]

        contrast = None
        if args.contrast > 0:
            server = start(instance, ROOT / "gunicorn.conf.py", port, log, HOTLINE_SLA_SCHEDULER="off")
            try:
                client = connect(url, token, [])
                time.sleep(2)
                contrast = idle_cpu(worker_pid(server.pid), args.contrast)
                client.disconnect()
            finally:
                stop_server(server)
        server_log = log.read_text(errors="replace")

    # --- report ----------------------------------------------------------------------
    kinds = {"sla.warning": "warning", "sla.breached": "breach"}
    receipts = Counter((name, data["number"]) for _, name, data in received if name in kinds)
    duplicates = sum(n - 1 for n in receipts.values())
    escalations = sum(1 for _, name, _ in received if name == "escalation")
    print(f"events: expected {args.due} sla.warning + {args.due} sla.breached; received "
          f"{sum(1 for k in receipts if k[0] == 'sla.warning')} + {sum(1 for k in receipts if k[0] == 'sla.breached')}"
          f" distinct, duplicates {duplicates}; escalation events {escalations} (steps in the database {steps})")
    by_kind = dict((kind, (count, distinct)) for kind, count, distinct in alerts)
    print(f"database: sla_alert rows {by_kind} (kind: rows, distinct clocks); expected {args.due} of each, "
          f"none from the {args.tickets} background tickets")
    for name, kind in kinds.items():
        fell_due = "warn_at" if kind == "warning" else "due_at"
        latencies = [at - datetime.fromisoformat(data[fell_due]).timestamp()
                     for at, n, data in received if n == name]
        print(line(f"DETECT {kind:8s} deadline -> event at the client, ms", latencies))
    for kind in ("warning", "breach"):
        print(line(f"       {kind:8s} deadline -> sla_alert.at (its sweep's start), ms", [d for k, d in recorded if k == kind]))
    print(f"       worker CPU from the client connecting to the last event: {cpu_window:.2f} s for {2 * args.due} alerts and "
          f"{escalations} escalation events")
    if runs is not None:
        window_runs = [r for r in runs if r[0] < idle_from]
        idle_runs = [r for r in runs if idle_from <= r[0] < idle_to]
        print(f"       scheduler job runs during the due window: {len(window_runs)} "
              f"(sweeps {window_runs[-1][3] if window_runs else 0}); run wall time p50 "
              f"{ms(sorted(r[1] for r in window_runs), 0.5):.1f} ms, max {ms(sorted(r[1] for r in window_runs), 1.0):.1f} ms")
        idle_run_cpu = sum(r[2] for r in idle_runs)
    print(f"IDLE   worker CPU with the scheduler, nothing due: {idle_per_minute:.3f} s per minute "
          f"(measured over {args.idle:.0f} s)")
    if runs is not None:
        print(f"       scheduler job runs in that time: {len(idle_runs)} (the safety sweep), "
              f"their own CPU {idle_run_cpu * 1000:.1f} ms")
    if contrast is not None:
        print(f"       same app, same client, HOTLINE_SLA_SCHEDULER=off: {contrast:.3f} s per minute "
              f"(over {args.contrast:.0f} s)")
    bad = [ln for ln in server_log.splitlines() if "ERROR" in ln or "Traceback" in ln or "locked" in ln]
    if bad:
        print(f"server log: {len(bad)} error lines, first: {bad[0]}")
    print(f"total run time {time.monotonic() - began:.0f} s; load average at the end "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs (other work on the machine shows in the tails)")
    complete = (
        by_kind.get("warning") == (args.due, args.due) and by_kind.get("breach") == (args.due, args.due)
        and len(receipts) == 2 * args.due and duplicates == 0
    )
    if not complete:
        sys.exit("FAILED: missing or duplicate alerts, see the counts above")


if __name__ == "__main__":
    main()
