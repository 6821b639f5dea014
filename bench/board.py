"""Board benchmark: how every live event reaches 50 wall boards spread over N web processes.

    .venv/bin/python bench/board.py [--processes 2] [--database-url URL] [--clients 50]
                                    [--rate 10] [--duration 20]

1. Starts the production layout with scripts/prod: N gunicorn web processes
   (gunicorn.conf.py) on a private redis-server (the Socket.IO queue), one
   `flask sla-worker`, nginx; the database is a SQLite file, or --database-url (give
   it an empty database: the migrations run on it). Seeds an operator, a dispatcher, a
   crew and a board user with API tokens.
2. Connects N board clients (WebSocket, board token), board i straight to web process
   i % N (nginx's ip_hash would put every loopback client on one), spread over a few
   client processes so that one process's GIL does not add to the figures. Each is the
   reference client (hotline/live/follower.py: the rule live.js follows): it applies
   each event once, in order, holds back one that came before the one it follows,
   and resyncs a gap. Plus one client of its own for round-trip pings.
3. Makes ticket changes at a steady rate for the duration, through all the web
   processes (lane i posts to process i % N): each lane creates a ticket, dispatches
   it, then the crew accepts, sets off, arrives and resolves it (resolving may open a
   callback: those events count too).
4. Counts EVERY event the outbox holds (any kind) against what each board applied:
   lost, duplicated, out of order after the reference client (all must be 0);
   besides, what the wire did: raw reorders (an event arriving after a greater one,
   repaired by the client), events the wire never brought (repaired by resync) and
   resyncs. Push latency = receipt time at the board - `at` (the commit of the
   event: taken inside its transaction just before COMMIT); one machine, one clock.
5. The round trip of a bare authenticated Socket.IO call (`ping` ack) idle and
   during the load.
Every wait is bounded; the layout is stopped at the end."""
import argparse
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from intake import percentile  # noqa: E402

CATEGORIES = ["leak", "repair", "billing", "complaint"]
NEXT_STEP = {"dispatched": "accept", "accepted": "en_route", "en_route": "on_site", "on_site": "resolve"}


def start_layout(instance: Path, processes: int, database_url: str | None) -> tuple[subprocess.Popen, dict]:
    cmd = [sys.executable, str(ROOT / "scripts" / "prod"), "--web", str(processes), "--instance", str(instance)]
    cmd += ["--database-url", database_url] if database_url else ["--sqlite"]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    err = open(instance.parent / "prod.err", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
    line = proc.stdout.readline()
    if not line:
        proc.wait(60)
        sys.exit(f"scripts/prod failed:\n{(instance.parent / 'prod.err').read_text()[-3000:]}")
    return proc, json.loads(line)


def stop_layout(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def app_on(instance: Path, database: str):
    os.environ.update(HOTLINE_INSTANCE=str(instance), DATABASE_URL=database, HOTLINE_SLA_SCHEDULER="off")
    from hotline import create_app

    return create_app()


def seed(app) -> dict:
    """An operator, a dispatcher, a crew and a board user; a token for each."""
    from hotline.core.extensions import db
    from hotline.units.models import Unit, UnitKind
    from hotline.users.models import Role
    from hotline.users.services import create_token, create_user

    with app.app_context():
        unit = Unit(code="bench-crew", name="Bench crew", kind=UnitKind.CREW)
        db.session.add(unit)
        db.session.flush()
        users = {
            "operator": create_user("bench", "bench-password", Role.OPERATOR, "压测坐席"),
            "dispatcher": create_user("bench-dispatcher", "bench-password", Role.DISPATCHER),
            "crew": create_user("bench-crew", "bench-password", Role.CREW, unit_id=unit.id),
            "board": create_user("bench-board", "bench-password", Role.BOARD),
        }
        tokens = {role: create_token(user, "board benchmark")[1] for role, user in users.items()}
        db.session.commit()
    return tokens


def outbox_after(app, first: int) -> list[tuple[int, str]]:
    from sqlalchemy import select

    from hotline.core.events import LiveEvent
    from hotline.core.extensions import db

    with app.app_context():
        rows = db.session.execute(select(LiveEvent.seq, LiveEvent.name).where(LiveEvent.seq > first)
                                  .order_by(LiveEvent.seq)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


# --- client processes --------------------------------------------------------------


def listeners(urls, token, ready, go_home, head, out):
    """Reference clients, one per URL; reports what each applied and what the wire brought."""
    sys.path.insert(0, str(ROOT))
    from hotline.live.follower import LiveClient

    clients, error = [], None
    try:
        for url in urls:
            wire = []
            client = LiveClient(url, token, on_wire=lambda ev, wire=wire: wire.append((ev["seq"], ev["at"], time.time())))
            client.wire = wire
            client.start()
            clients.append(client)
    except Exception as exc:  # reported, not raised: the parent decides
        error = f"connect: {type(exc).__name__}: {exc}"
    ready.put(len(clients))
    go_home.wait(timeout=900)
    deadline = time.monotonic() + 20  # the last pushes, and resyncs of anything missed (grace, heads)
    while time.monotonic() < deadline and not all(c.follower.seen.get("center", 0) >= head.value for c in clients):
        time.sleep(0.05)
    result = []
    for c in clients:
        result.append({
            "applied": [e["seq"] for e in c.events],
            "wire": c.wire,
            "start": c.follower.applied_start,
            "wire_reorders": c.follower.wire_reorders,
            "resyncs": c.follower.resyncs,
            "connects": c.connects,
            "connected": c.sio.connected,
        })
        c.close()
    out.put({"clients": result, "error": error})


def pinger(url, token, idle_count, ready, start_load, stop_load, out):
    """One client: idle_count sequential pings, then one every 20 ms during the load."""
    import socketio

    client = socketio.Client(reconnection=False)
    client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def rtt(k):
        t0 = time.perf_counter()
        answer = client.call("ping", k, timeout=10)
        assert answer == {"pong": k}, answer
        return time.perf_counter() - t0

    for k in range(20):  # warm-up
        rtt(k)
    ready.put("ready")
    idle = [rtt(k) for k in range(idle_count)]
    ready.put("idle done")
    start_load.wait(timeout=600)
    loaded = []
    while not stop_load.is_set():
        loaded.append(rtt(len(loaded)))
        stop_load.wait(0.02)
    client.disconnect()
    out.put({"idle": idle, "loaded": loaded})


# --- the load ----------------------------------------------------------------------


def lane(url, tokens, index, lanes, rate, start, deadline, record):
    """One ticket at a time through its life; this lane's changes are due at
    start + (index + lanes * j) / rate, so all lanes together make `rate` a second."""
    http = requests.Session()
    auth = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
    ticket, j, k = None, 0, index
    while True:
        due = start + (index + lanes * j) / rate
        if due >= deadline:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        j += 1
        if ticket is None or ticket["status"] not in ("new", *NEXT_STEP):
            op = "create"
            body = {
                "category": CATEGORIES[k % len(CATEGORIES)],
                "matter": f"看板压测 {k}",
                "caller": {"phone": f"139{k % 1000:08d}"},
                "address": f"东湖路{k % 300 + 1}号",
            }
            request = ("operator", "/api/v1/tickets", body)
            k += lanes
        elif ticket["status"] == "new":
            op = "dispatch"
            request = ("dispatcher", f"/api/v1/tickets/{ticket['number']}/dispatch",
                       {"unit": "bench-crew", "version": ticket["version"]})
        else:
            op = NEXT_STEP[ticket["status"]]
            body = {"version": ticket["version"], **({"result": "已修复"} if op == "resolve" else {})}
            request = ("crew", f"/api/v1/tickets/{ticket['number']}/steps/{op}", body)
        who, path, body = request
        late = time.monotonic() - due
        t0 = time.time()
        try:
            r = http.post(url + path, json=body, headers=auth[who], timeout=30)
            status = r.status_code
        except requests.RequestException as exc:
            status, r = type(exc).__name__, None
        t1 = time.time()
        record.append({"op": op, "status": status, "sent": t0, "answered": t1, "late": late})
        if status in (200, 201):
            ticket = r.json()
        else:
            ticket = None
            record[-1]["body"] = r.text[:300] if r is not None else ""


def ms(values, q):
    return 1000 * percentile(values, q) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="web processes (default 2)")
    parser.add_argument("--database-url", help="an empty database to use (default: a SQLite file)")
    parser.add_argument("--clients", type=int, default=50, help="board clients (default 50)")
    parser.add_argument("--procs", type=int, default=5, help="client processes the boards are spread over (default 5)")
    parser.add_argument("--rate", type=float, default=10, help="ticket changes per second (default 10)")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load (default 20)")
    parser.add_argument("--lanes", type=int, default=10, help="tickets in flight at once (default 10)")
    parser.add_argument("--pings", type=int, default=300, help="idle round trips for the baseline (default 300)")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="hotline-board-bench-") as tmp:
        tmp = Path(tmp)
        instance = tmp / "instance"
        instance.mkdir()
        layout, info = start_layout(instance, args.processes, args.database_url)
        procs = []
        try:
            webs = info["web"]
            app = app_on(instance, info["database"])
            tokens = seed(app)
            print(f"layout: {len(webs)} web processes on redis {info['redis']}, one sla-worker, "
                  f"database {info['database'].split('://')[0]}")
            ready, out, ping_out = ctx.Queue(), ctx.Queue(), ctx.Queue()
            go_home, start_load, stop_load = ctx.Event(), ctx.Event(), ctx.Event()
            head = ctx.Value("q", 1 << 62)
            urls = [webs[i % len(webs)] for i in range(args.clients)]
            shares = [urls[i::args.procs] for i in range(args.procs)]
            t0 = time.monotonic()
            for share in filter(None, shares):
                procs.append(ctx.Process(target=listeners, args=(share, tokens["board"], ready, go_home, head, out)))
            ping_ready = ctx.Queue()
            procs.append(ctx.Process(target=pinger, args=(webs[0], tokens["board"], args.pings, ping_ready,
                                                          start_load, stop_load, ping_out)))
            for p in procs:
                p.start()
            connected = sum(ready.get(timeout=180) for share in shares if share)
            print(f"boards: {connected}/{args.clients} connected (board token, websocket, reference client, "
                  f"{Counter(urls).most_common()} by process) in {time.monotonic() - t0:.1f} s")
            if connected != args.clients:
                sys.exit(f"only {connected} of {args.clients} clients connected")
            ping_ready.get(timeout=60)
            ping_ready.get(timeout=120)  # idle pings done

            first_head = (outbox_after(app, 0) or [(0, "")])[-1][0]
            records = [[] for _ in range(args.lanes)]
            start_load.set()
            start = time.monotonic() + 0.2
            deadline = start + args.duration
            threads = [
                threading.Thread(target=lane, args=(webs[i % len(webs)], tokens, i, args.lanes, args.rate, start,
                                                    deadline, records[i]))
                for i in range(args.lanes)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.duration + 120)
            elapsed = time.monotonic() - start
            stop_load.set()
            time.sleep(0.5)  # the last SLA/callback events of the worker
            outbox = outbox_after(app, first_head)
            head.value = outbox[-1][0] if outbox else first_head
            go_home.set()
            results = [out.get(timeout=120) for share in shares if share]
            pings = ping_out.get(timeout=60)
        finally:
            for p in procs:
                p.join(timeout=15)
                if p.is_alive():
                    p.kill()
            stop_layout(layout)
            logs = Path(info.get("logs", instance))
            server_log = "\n".join(f.read_text(errors="replace") for f in logs.glob("*.log")) if logs.exists() else ""

    # --- report ------------------------------------------------------------------
    ops = [r for lane_records in records for r in lane_records]
    statuses = Counter(r["status"] for r in ops)
    ok = [r for r in ops if r["status"] in (200, 201)]
    print(f"load: {len(ops)} changes in {elapsed:.1f} s ({len(ops) / elapsed:.1f}/s, asked {args.rate:g}/s), "
          f"{args.lanes} lanes over {len(webs)} processes; by kind {dict(Counter(r['op'] for r in ok))}; "
          f"answers {dict(statuses)}")
    for r in [r for r in ops if r["status"] not in (200, 201)][:3]:
        print(f"      e.g. {r['op']} -> {r['status']}: {r.get('body')}")
    http_ms = sorted(r["answered"] - r["sent"] for r in ops)
    print("      HTTP answer ms: p50 {:.1f}  p99 {:.1f}  max {:.1f}".format(*(ms(http_ms, q) for q in (0.5, 0.99, 1.0))))

    expected = [seq for seq, _ in outbox]
    at_of = {}
    boards = [c for r in results for c in r["clients"]]
    errors = [r["error"] for r in results if r["error"]]
    lost = dupes = disorder = extra = wire_reorders = wire_missing = resyncs = 0
    latencies, by_event = [], {}
    for c in boards:
        mine = [s for s in expected if s > c["start"]]
        applied = c["applied"]
        dupes += len(applied) - len(set(applied))
        disorder += sum(1 for a, b in zip(applied, applied[1:]) if b < a)
        lost += len(set(mine) - set(applied))
        extra += len(set(applied) - set(mine))
        wire_reorders += c["wire_reorders"]
        resyncs += c["resyncs"]
        wire_seqs = set()
        for seq, at, received in c["wire"]:
            if seq in wire_seqs or seq <= c["start"]:
                continue
            wire_seqs.add(seq)
            at_of[seq] = at
            lat = received - datetime.fromisoformat(at).timestamp()
            latencies.append(lat)
            by_event.setdefault(seq, []).append(lat)
        wire_missing += len(set(mine) - wire_seqs)
    latencies.sort()
    first = sorted(min(v) for v in by_event.values())
    last = sorted(max(v) for v in by_event.values())
    print(f"events: {len(outbox)} in the outbox for {len(ok)} successful changes, by kind "
          f"{dict(Counter(name for _, name in outbox))}")
    print(f"AFTER THE REFERENCE CLIENT ({len(boards)} boards, {len(expected) * len(boards)} deliveries expected): "
          f"lost {lost}, duplicated {dupes}, out of order {disorder}, unexpected {extra}")
    print(f"WIRE  raw reorders {wire_reorders} (held back and put in order), never arrived {wire_missing} "
          f"(brought by resync), resyncs {resyncs}; still connected at the end "
          f"{sum(c['connected'] for c in boards)}/{len(boards)}, reconnects {sum(c['connects'] - 1 for c in boards)}")
    if errors:
        print(f"      client errors: {errors[:3]}")
    print("PUSH  commit(at) -> receipt at each board, ms: p50 {:.1f}  p99 {:.1f}  max {:.1f}  (n={})".format(
        ms(latencies, 0.5), ms(latencies, 0.99), ms(latencies, 1.0), len(latencies)))
    print("      per event, first board p50 {:.1f}  p99 {:.1f};  last board p50 {:.1f}  p99 {:.1f}  (fan-out spread)".format(
        ms(first, 0.5), ms(first, 0.99), ms(last, 0.5), ms(last, 0.99)))
    late = sorted(max(0.0, r["late"]) for r in ops)
    print("      load generator behind schedule ms: p50 {:.1f}  max {:.1f}".format(ms(late, 0.5), ms(late, 1.0)))
    idle, loaded = sorted(pings["idle"]), sorted(pings["loaded"])
    print("RTT   bare Socket.IO call (ping ack), ms: idle p50 {:.2f}  p99 {:.2f} (n={});  during load p50 {:.2f}  p99 {:.2f} (n={})".format(
        ms(idle, 0.5), ms(idle, 0.99), len(idle), ms(loaded, 0.5), ms(loaded, 0.99), len(loaded)))
    bad_lines = [line for line in server_log.splitlines() if "ERROR" in line or "Traceback" in line]
    if bad_lines:
        print(f"server logs: {len(bad_lines)} error lines, first: {bad_lines[0]}")
    if lost or dupes or disorder or extra or errors or len(ok) != len(ops):
        sys.exit("FAILED: see the counts above")


if __name__ == "__main__":
    main()
