"""Under gunicorn's gevent worker everything that waits must yield to the hub: one
call that blocks in C stops every connection of the worker. Each check runs in a
subprocess that monkey-patches itself first, as the worker does, and measures the
hub with a ticker greenlet (the longest gap between two 10 ms sleeps).

In-process (unpatched) the same code keeps real threads: checked last."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The worker's order: patch, then import the app's modules.
PRELUDE = """
from gevent import monkey
monkey.patch_all()
import json, sys, threading, time
import gevent

class Ticker:
    '''The longest time the hub went without running this greenlet.'''
    def __init__(self):
        self.worst, self.running = 0.0, True
        self.greenlet = gevent.spawn(self.run)
        gevent.sleep(0.03)  # let it start ticking before what it watches
    def run(self):
        last = time.monotonic()
        while self.running:
            gevent.sleep(0.01)
            now = time.monotonic()
            self.worst = max(self.worst, now - last - 0.01)
            last = now
    def stop(self):
        self.running = False
        self.greenlet.join()
        return self.worst
"""


def run_patched(body: str, *args: str, timeout: float = 60) -> dict:
    code = PRELUDE + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


SQLITE = """
import subprocess
from sqlalchemy import create_engine, text
from hotline.core.cooperative import patched
from hotline.core.orm import configure_sqlite

path = sys.argv[1]
engine = create_engine(f"sqlite:///{path}", pool_size=40, max_overflow=0)
configure_sqlite(engine, lambda: True)
with engine.begin() as c:
    c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)"))

# 1. Another process holds the write lock for a second; a writer of this worker waits.
holder = subprocess.Popen([sys.executable, "-c", '''
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE"); c.execute("INSERT INTO t (who) VALUES ('other process')")
print("locked", flush=True); time.sleep(1.0); c.execute("COMMIT")
''', path], stdout=subprocess.PIPE, text=True)
assert holder.stdout.readline().strip() == "locked"
ticker = Ticker()
t0 = time.monotonic()
with engine.begin() as c:
    c.execute(text("INSERT INTO t (who) VALUES ('worker')"))
waited = time.monotonic() - t0
other_process = {"waited": waited, "hub_stall": ticker.stop()}
holder.wait()

# 2. Many writers in this worker, each yielding mid-transaction (as one does when it
#    waits for the emit lock or sends): they queue on the lock, none meets the busy handler.
errors, done = [], []
def writer(k):
    for i in range(5):
        try:
            with engine.begin() as c:
                c.execute(text("INSERT INTO t (who) VALUES (:w)"), {"w": f"g{k}"})
                time.sleep(0.002)
                c.execute(text("UPDATE t SET who = who || '.' WHERE id = (SELECT max(id) FROM t)"))
            done.append(k)
        except Exception as exc:
            errors.append(repr(exc))
ticker = Ticker()
t0 = time.monotonic()
threads = [threading.Thread(target=writer, args=(k,)) for k in range(30)]
[t.start() for t in threads]
[t.join() for t in threads]
same_process = {"seconds": time.monotonic() - t0, "hub_stall": ticker.stop(), "commits": len(done),
                "errors": errors[:3]}
with engine.connect() as c:
    rows = c.execute(text("SELECT count(*) FROM t")).scalar()
print(json.dumps({"patched": patched(), "other_process": other_process, "same_process": same_process,
                  "rows": rows, "lock": type(threading.Lock()).__module__}))
"""


def test_sqlite_writers_never_stall_the_hub(tmp_path):
    got = run_patched(SQLITE, str(tmp_path / "t.db"))
    assert got["patched"] and got["lock"].startswith("gevent")
    # Waiting for another process's lock: the writer waited its turn (about 1 s) while
    # the rest of the worker ran on (SQLite's busy handler would freeze it all that time).
    assert 0.8 < got["other_process"]["waited"] < 5, got
    assert got["other_process"]["hub_stall"] < 0.2, got
    same = got["same_process"]
    assert same["errors"] == [] and same["commits"] == 150, same
    assert same["hub_stall"] < 0.2, same
    assert got["rows"] == 2 + 150


PSYCOPG = """
import psycopg.waiting
from sqlalchemy import create_engine, text

engine = create_engine(sys.argv[1], pool_size=10, max_overflow=0)
with engine.connect() as c:  # open the pool's first connection outside the clock
    c.execute(text("SELECT 1"))
def sleeper():
    with engine.connect() as c:
        c.execute(text("SELECT pg_sleep(0.5)"))
ticker = Ticker()
t0 = time.monotonic()
threads = [threading.Thread(target=sleeper) for _ in range(10)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"seconds": time.monotonic() - t0, "hub_stall": ticker.stop(),
                  "wait": psycopg.waiting.wait.__name__}))
"""


def _pg_bin() -> Path | None:
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / "initdb").exists():
            return root
    return None


@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL cluster on a free port, stopped and removed afterwards."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not installed")
    # Not under pytest's tmp dir: the postgres user cannot enter root's private folders.
    data = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
    as_user = []
    if os.geteuid() == 0:  # initdb refuses root
        shutil.chown(data, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-w", "-l", str(data / "log"),
                    "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True, timeout=60)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(data, ignore_errors=True)


def test_psycopg_waits_cooperatively(postgres):
    got = run_patched(PSYCOPG, postgres)
    # psycopg picks a pure-Python wait function on patched select (its C one would block).
    assert got["wait"] != "wait_c", got
    # Ten 0.5 s queries at once: about 0.5 s in all, not 5 s one after the other.
    assert got["seconds"] < 1.5, got
    assert got["hub_stall"] < 0.2, got


SCHEDULER = """
from apscheduler.schedulers.background import BackgroundScheduler
runs = []
scheduler = BackgroundScheduler()
scheduler.add_job(lambda: runs.append(time.monotonic()), "interval", seconds=0.1)
ticker = Ticker()
scheduler.start()
time.sleep(1.05)
scheduler.shutdown(wait=True)
print(json.dumps({"runs": len(runs), "hub_stall": ticker.stop(),
                  "thread": type(scheduler._thread).__module__ if scheduler._thread else None}))
"""


def test_background_scheduler_runs_on_the_hub():
    """The embedded SLA scheduler is APScheduler's BackgroundScheduler: under patching its
    thread and executor are greenlets, its waits gevent waits."""
    got = run_patched(SCHEDULER)
    assert 8 <= got["runs"] <= 11, got
    assert got["hub_stall"] < 0.2, got


def test_unpatched_processes_keep_threads():
    """gevent installed changes nothing where nothing patched (tests, CLI, sla-worker)."""
    import threading

    from hotline.core.cooperative import patched, socketio_async_mode
    from hotline.core.extensions import socketio

    assert not patched()
    assert socketio_async_mode() == "threading"
    assert not type(threading.Lock()).__module__.startswith("gevent")
    server = getattr(socketio, "server", None)
    if server is not None:  # an app of this test process was built
        assert server.async_mode == "threading"
