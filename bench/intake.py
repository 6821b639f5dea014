"""Intake benchmark: tickets per second through the API, against the raw insert rate.

    .venv/bin/python bench/intake.py [--clients 8] [--duration 20]
        [--database-url postgresql+psycopg://user@host:port/db | --postgres]
    .venv/bin/python bench/intake.py --processes 2 [--clients 8] [--postgres]  # scripts/prod's layout, via nginx

Database: SQLite files in a temporary folder by default; with --database-url, fresh
databases made on that PostgreSQL server (the URL's role may CREATE DATABASE; they
are dropped at the end); --postgres starts a throwaway cluster (scripts/pg-throwaway)
for the run. The first line printed names the engine.

1. Starts the app as scripts/demo does (gunicorn -c gunicorn.conf.py: gevent, one
   worker, greenlets) on a free loopback port, with a fresh instance folder in a
   temporary directory, migrated, with an operator and an API token.
2. N client threads, each on one keep-alive connection, POST /api/v1/tickets for
   the given duration; prints tickets/s and p50/p95/p99 latency, and checks that the
   database holds exactly the tickets answered 201, all with distinct numbers.
3. Calls the same create_ticket service in-process, one commit per ticket, on
   another fresh database migrated the same way, for the same duration; prints the
   raw rate and the ratio HTTP / raw.
Everything stays on 127.0.0.1 and every wait is bounded."""
import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Every bench imports this module. They post from one address and one token far beyond the
# production rate limits (hotline/core/ratelimit.py): the servers they start (which inherit
# this environment) run without them unless HOTLINE_RATELIMIT_ENABLED=1 is set outside.
os.environ.setdefault("HOTLINE_RATELIMIT_ENABLED", "0")

CATEGORIES = ["leak", "repair", "consultation", "billing", "complaint"]


def payload(k: int) -> dict:
    """The k-th ticket: a few hundred callers, some ringing again, several categories."""
    category = CATEGORIES[k % len(CATEGORIES)]
    data = {
        "category": category,
        "matter": f"压测工单 {k}：{category}，来电人原话记录。",
        "caller": {"phone": f"138{(k * 7919) % 500:08d}", "name": "压测"},
        "address": f"东湖区东湖路{k % 300 + 1}号",
        "channel": "phone",
    }
    if category == "consultation":
        data["answer"] = "已在电话中答复。"
    return data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Databases:
    """Fresh databases for the phases: SQLite files in each phase's instance folder, or
    databases created on a PostgreSQL server (`admin_url`) and dropped by close()."""

    def __init__(self, admin_url: str | None):
        self.admin_url = admin_url
        self.made: list[str] = []

    @property
    def engine_name(self) -> str:
        return "postgresql" if self.admin_url else "sqlite"

    def fresh(self, instance: Path, name: str) -> str:
        if not self.admin_url:
            return f"sqlite:///{instance / 'hotline.db'}"
        import sqlalchemy as sa

        db_name = f"hotline_bench_{os.getpid()}_{name}"
        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
        admin.dispose()
        self.made.append(db_name)
        return sa.engine.make_url(self.admin_url).set(database=db_name).render_as_string(hide_password=False)

    def close(self) -> None:
        if not self.made:
            return
        import sqlalchemy as sa

        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for db_name in self.made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


def throwaway_postgres(folder: Path) -> str:
    """Start scripts/pg-throwaway in `folder`; its URL."""
    out = subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "start", str(folder)],
                         check=True, capture_output=True, text=True, timeout=300)
    return out.stdout.strip().splitlines()[-1]


def fresh_app(instance: Path, url: str):
    """An app on the new database `url` (its instance folder `instance`), migrated, with
    an operator. DATABASE_URL is left set for the server subprocess."""
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["HOTLINE_INSTANCE"] = str(instance)
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from hotline import create_app
    from hotline.core.extensions import db
    from hotline.users.models import Role
    from hotline.users.services import create_user

    app = create_app()
    with app.app_context():
        upgrade()
        create_user("bench", "bench-password", Role.OPERATOR, "压测坐席")
        db.session.commit()
    return app


def make_token(app) -> str:
    from sqlalchemy import select

    from hotline.core.extensions import db
    from hotline.users.models import User
    from hotline.users.services import create_token

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bench"))
        _, secret = create_token(user, "intake benchmark")
        db.session.commit()
        db.engine.dispose()
    return secret


def start_server(instance: Path, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, HOTLINE_INSTANCE=str(instance), HOST="127.0.0.1", PORT=str(port))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return wait_healthy(server, port, log, 30)


def wait_healthy(server: subprocess.Popen, port: int, log: Path, seconds: float) -> subprocess.Popen:
    """Return the server once /healthz answers 200; exit the benchmark if it dies or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"server exited at start:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    sys.exit(f"server did not answer /healthz within {seconds:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def client(port, token, first_k, step, deadline, out, source_ip="127.0.0.1"):
    """One operator console: POST after POST on one keep-alive connection. Behind nginx each
    console has its own address (127.0.X.1): ip_hash keys on the first three octets, so the
    clients spread over the web processes as different machines would (spread_sources picks
    addresses that land evenly)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def connect():
        return http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source_ip, 0))

    conn = connect()
    k = first_k
    while time.monotonic() < deadline:
        body = json.dumps(payload(k), ensure_ascii=False).encode()
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/tickets", body, headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status, data = type(exc).__name__, b""
            conn.close()
            conn = connect()
        out["latencies"].append(time.perf_counter() - t0)
        out["statuses"][status] += 1
        if status == 201:
            out["numbers"].append(json.loads(data)["number"])
        elif len(out["errors"]) < 5:
            out["errors"].append((status, data[:300]))
        k += step
    conn.close()


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def run_http(instance: Path, url: str, clients: int, duration: float, log: Path) -> float:
    app = fresh_app(instance, url)
    token = make_token(app)
    port = free_port()
    server = start_server(instance, port, log)
    results = [
        {"latencies": [], "statuses": Counter(), "numbers": [], "errors": []} for _ in range(clients)
    ]
    try:
        start = time.monotonic()
        deadline = start + duration
        threads = [
            threading.Thread(target=client, args=(port, token, i, clients, deadline, results[i]))
            for i in range(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=duration + 60)
        elapsed = time.monotonic() - start
    finally:
        stop_server(server)

    statuses = sum((r["statuses"] for r in results), Counter())
    latencies = sorted(x for r in results for x in r["latencies"])
    numbers = [n for r in results for n in r["numbers"]]
    created = statuses[201]
    rate = created / elapsed
    print(f"HTTP  {clients} clients, {elapsed:.1f} s: {created} tickets created, {rate:.1f} tickets/s")
    print(
        "      latency ms: p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}".format(
            *(1000 * percentile(latencies, q) for q in (0.50, 0.95, 0.99, 1.0))
        )
    )
    print(f"      answers: {dict(statuses)}")
    for status, body in (e for r in results for e in r["errors"][:2]):
        print(f"      e.g. {status}: {body.decode(errors='replace')}")

    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as con:
        in_db, distinct = con.execute(sa.text("SELECT count(*), count(DISTINCT number) FROM ticket")).one()
        db_numbers = set(con.execute(sa.text("SELECT number FROM ticket")).scalars())
    engine.dispose()
    ok = in_db == created and distinct == in_db and len(set(numbers)) == created and db_numbers == set(numbers)
    print(
        f"      check: {in_db} tickets in the database, {distinct} distinct numbers, "
        f"{created} answered 201 -> {'OK' if ok else 'MISMATCH'}"
    )
    server_errors = [
        line for line in log.read_text(errors="replace").splitlines()
        if "ERROR" in line or "Traceback" in line or "locked" in line
    ]
    if server_errors:
        print(f"      server log: {len(server_errors)} error lines, first: {server_errors[0]}")
    return rate if ok else -rate


def run_raw(instance: Path, url: str, duration: float) -> float:
    from hotline.core.extensions import db
    from hotline.tickets.models import Channel
    from hotline.tickets.schemas import TicketCreate
    from hotline.tickets.services import create_ticket
    from hotline.users.models import User

    app = fresh_app(instance, url)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "bench"))
        k = 0
        start = time.monotonic()
        deadline = start + duration
        while time.monotonic() < deadline:
            create_ticket(TicketCreate.model_validate(payload(k)), user, Channel.API)
            db.session.commit()
            k += 1
        elapsed = time.monotonic() - start
        db.engine.dispose()
    rate = k / elapsed
    print(f"RAW   in-process create_ticket + commit, 1 thread, {elapsed:.1f} s: {k} tickets, {rate:.1f} tickets/s")
    return rate


# --- --processes N: the production layout (scripts/prod) through nginx ------------------------

LAYOUT_SEED = """
import json
from sqlalchemy import select
from hotline import create_app
from hotline.core.extensions import db
from hotline.users.models import Role, User
from hotline.users.services import create_token, create_user
app = create_app()
with app.app_context():
    user = create_user("bench", "bench-password", Role.OPERATOR, "压测坐席")
    db.session.flush()
    print(json.dumps(create_token(user, "intake benchmark")[1]))
    db.session.commit()
"""

LAYOUT_CHECK = """
import json
from sqlalchemy import text
from hotline import create_app
from hotline.core.extensions import db
app = create_app()
with app.app_context():
    print(json.dumps([n for (n,) in db.session.execute(text("SELECT number FROM ticket"))]))
"""


def _in_layout(info: dict, code: str) -> str:
    env = dict(os.environ, HOTLINE_INSTANCE=info["instance"], DATABASE_URL=info["database"],
               HOTLINE_SLA_SCHEDULER="off")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    if result.returncode != 0:
        sys.exit(f"in the layout:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


def spread_sources(port: int, access_log: Path, clients: int) -> list[str]:
    """Source addresses that ip_hash sends to the web processes in turn: one probe from each of
    64 addresses, nginx's access log says where each went, then round-robin over the processes."""
    for i in range(1, 65):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(f"127.0.{i}.1", 0))
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        conn.close()
    time.sleep(0.2)
    by_web: dict[str, list[str]] = {}
    for line in access_log.read_text(errors="replace").splitlines():
        remote, upstream, *_ = line.split()
        if "GET /healthz" in line and remote.startswith("127.0.") and remote not in by_web.get(upstream, []):
            by_web.setdefault(upstream, []).append(remote)
    pools = list(by_web.values())
    return [pools[i % len(pools)][(i // len(pools)) % len(pools[i % len(pools)])] for i in range(clients)]


def run_layout(processes: int, clients: int, duration: float, database_url: str | None, tmp: Path) -> bool:
    """scripts/prod with `processes` web processes (Redis, one sla-worker, nginx); the clients
    POST through nginx. Prints the rate, latency, the share of each web process, and checks the
    database against the 201 answers."""
    cmd = [sys.executable, str(ROOT / "scripts" / "prod"), "--web", str(processes), "--instance", str(tmp / "prod")]
    cmd += ["--database-url", database_url] if database_url else ["--sqlite"]
    layout = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = layout.stdout.readline()
        if not line:
            sys.exit("scripts/prod did not start (its message is above)")
        info = json.loads(line)
        token = json.loads(_in_layout(info, LAYOUT_SEED))
        port = int(info["proxy"].rsplit(":", 1)[1])
        results = [{"latencies": [], "statuses": Counter(), "numbers": [], "errors": []} for _ in range(clients)]
        sources = spread_sources(port, Path(info["instance"]) / "nginx" / "access.log", clients)
        start = time.monotonic()
        deadline = start + duration
        threads = [threading.Thread(target=client, args=(port, token, i, clients, deadline, results[i], sources[i]))
                   for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=duration + 60)
        elapsed = time.monotonic() - start
        numbers = json.loads(_in_layout(info, LAYOUT_CHECK))
        access = (Path(info["instance"]) / "nginx" / "access.log").read_text(errors="replace").splitlines()
    finally:
        if layout.poll() is None:
            layout.send_signal(signal.SIGTERM)
            layout.wait(60)

    statuses = sum((r["statuses"] for r in results), Counter())
    latencies = sorted(x for r in results for x in r["latencies"])
    answered = [n for r in results for n in r["numbers"]]
    created = statuses[201]
    engine = info["database"].split(":", 1)[0]
    print(f"LAYOUT {processes} web processes behind nginx, Redis, 1 sla-worker, {engine}; "
          f"{clients} clients, {elapsed:.1f} s: {created} tickets, {created / elapsed:.1f} tickets/s")
    print("      latency ms: p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}".format(
        *(1000 * percentile(latencies, q) for q in (0.50, 0.95, 0.99, 1.0))))
    print(f"      answers: {dict(statuses)}")
    for status, body in (e for r in results for e in r["errors"][:2]):
        print(f"      e.g. {status}: {body.decode(errors='replace')}")
    shares = Counter(line.split()[1] for line in access if "POST /api/v1/tickets" in line)
    print("      requests per web process: " + ", ".join(f"{addr} {n}" for addr, n in sorted(shares.items())))
    ok = len(numbers) == created and len(set(numbers)) == len(numbers) and set(numbers) == set(answered)
    print(f"      check: {len(numbers)} tickets in the database, {len(set(numbers))} distinct numbers, "
          f"{created} answered 201 -> {'OK' if ok else 'MISMATCH'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent API clients (default 8)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per phase (default 20)")
    parser.add_argument("--processes", type=int, default=0, metavar="N",
                        help="instead: N web processes in scripts/prod's layout, through nginx (Redis, sla-worker)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="PostgreSQL admin URL: fresh databases are made on that server")
    where.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL (scripts/pg-throwaway)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        tmp = Path(tmp)
        admin_url = args.database_url
        if args.postgres:
            admin_url = throwaway_postgres(tmp / "pg")
        databases = Databases(admin_url)
        try:
            print(f"ENGINE {databases.engine_name}" + (f" ({admin_url})" if admin_url else ""))
            if args.processes:
                layout_url = databases.fresh(tmp / "layout", "layout") if admin_url else None
                if not run_layout(args.processes, args.clients, args.duration, layout_url, tmp):
                    sys.exit("the tickets in the database do not match the 201 answers")
                return
            http_url = databases.fresh(tmp / "http", "http")
            http_rate = run_http(tmp / "http", http_url, args.clients, args.duration, tmp / "gunicorn.log")
            raw_url = databases.fresh(tmp / "raw", "raw")
            raw_rate = run_raw(tmp / "raw", raw_url, args.duration)
        finally:
            databases.close()
            if args.postgres:
                subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "stop", str(tmp / "pg"), "--remove"],
                               timeout=60)
    print(f"RATIO HTTP / raw = {abs(http_rate) / raw_rate:.2f}")
    if http_rate < 0:
        sys.exit("the tickets in the database do not match the 201 answers")


if __name__ == "__main__":
    main()
