"""Board benchmark: how long a ticket change takes to reach 50 live wall boards.

    .venv/bin/python bench/board.py [--clients 50] [--rate 10] [--duration 20]

1. Starts the app as scripts/demo does (bench/intake.py's helpers: gunicorn -c
   gunicorn.conf.py, gthread, one worker, 100 threads) on a free loopback port with a
   fresh migrated database, an operator, a dispatcher, a crew and a board user with
   API tokens.
2. Connects N python-socketio clients (WebSocket transport, board token), spread
   over a few processes so that one client process's GIL does not add to the
   figures, and one more client in its own process for round-trip pings.
3. Makes ticket changes at a steady rate for the duration: each lane (one at a time,
   lanes interleaved) creates a ticket through POST /api/v1/tickets, dispatches it,
   then the crew accepts, sets off, arrives and resolves it; every change is one
   event pushed to every board.
4. Push latency = receipt time at the client - `at` of the event. `at` is the time
   the live_event row was written, inside the transaction of the change, just
   before COMMIT (the row is flushed in the commit's own flush), so it is a lower
   bound of the commit time and the figure an upper bound of commit -> receipt.
   Server and clients read the same clock (one machine, loopback only).
   Beside it: the round trip of a bare authenticated Socket.IO call (`ping` ack,
   no database) with the boards connected and idle, and during the load.
5. Checks every board got every event of the outbox once, in seq order.
Every wait is bounded; the server is stopped at the end."""
import argparse
import multiprocessing as mp
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake import fresh_app, free_port, percentile, start_server, stop_server  # noqa: E402

EVENTS = ("ticket.created", "ticket.updated")
CATEGORIES = ["leak", "repair", "billing", "complaint"]
NEXT_STEP = {"dispatched": "accept", "accepted": "en_route", "en_route": "on_site", "on_site": "resolve"}


def seed(instance: Path) -> dict:
    """Fresh migrated database (intake's operator 'bench') plus a dispatcher, a crew
    and a board user; returns a token for each."""
    app = fresh_app(instance)
    from hotline.core.extensions import db
    from hotline.units.models import Unit, UnitKind
    from hotline.users.models import Role, User
    from hotline.users.services import create_token, create_user

    with app.app_context():
        unit = Unit(code="bench-crew", name="Bench crew", kind=UnitKind.CREW)
        db.session.add(unit)
        db.session.flush()
        users = {
            "operator": db.session.scalar(db.select(User).where(User.username == "bench")),
            "dispatcher": create_user("bench-dispatcher", "bench-password", Role.DISPATCHER),
            "crew": create_user("bench-crew", "bench-password", Role.CREW, unit_id=unit.id),
            "board": create_user("bench-board", "bench-password", Role.BOARD),
        }
        tokens = {role: create_token(user, "board benchmark")[1] for role, user in users.items()}
        db.session.commit()
        db.engine.dispose()
    return tokens


# --- client processes --------------------------------------------------------------


def listeners(url, token, n, ready, go_home, head, out):
    """n board clients in this process; reports every receipt (seq, at, received, event)."""
    import socketio

    clients, logs, error = [], [], None
    try:
        for _ in range(n):
            log = []
            client = socketio.Client(reconnection=False)
            for name in EVENTS:
                client.on(name, lambda data, log=log: log.append((data["seq"], data["at"], time.time(), data["event"])))
            client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
            clients.append(client)
            logs.append(log)
    except Exception as exc:  # reported, not raised: the parent decides
        error = f"connect: {type(exc).__name__}: {exc}"
    ready.put(len(clients))
    go_home.wait(timeout=600)
    deadline = time.monotonic() + 10  # let the last pushes arrive
    while time.monotonic() < deadline and not all(log and log[-1][0] >= head.value for log in logs):
        time.sleep(0.05)
    connected_at_end = sum(c.connected for c in clients)
    for client in clients:
        client.disconnect()
    out.put({"logs": logs, "error": error, "connected_at_end": connected_at_end})


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
    return 1000 * percentile(values, q)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="board clients (default 50)")
    parser.add_argument("--procs", type=int, default=5, help="processes the clients are spread over (default 5)")
    parser.add_argument("--rate", type=float, default=10, help="ticket changes per second (default 10)")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load (default 20)")
    parser.add_argument("--lanes", type=int, default=10, help="tickets in flight at once (default 10)")
    parser.add_argument("--role", choices=["board", "dispatcher"], default="board", help="token the clients use")
    parser.add_argument("--pings", type=int, default=300, help="idle round trips for the baseline (default 300)")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="hotline-board-bench-") as tmp:
        tmp = Path(tmp)
        instance, log = tmp / "instance", tmp / "gunicorn.log"
        tokens = seed(instance)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(instance, port, log)
        procs = []
        try:
            ready, out, ping_out = ctx.Queue(), ctx.Queue(), ctx.Queue()
            go_home, start_load, stop_load = ctx.Event(), ctx.Event(), ctx.Event()
            head = ctx.Value("q", 1 << 62)
            share = [args.clients // args.procs + (i < args.clients % args.procs) for i in range(args.procs)]
            t0 = time.monotonic()
            for n in filter(None, share):
                procs.append(ctx.Process(target=listeners, args=(url, tokens[args.role], n, ready, go_home, head, out)))
            ping_ready = ctx.Queue()
            procs.append(ctx.Process(target=pinger, args=(url, tokens[args.role], args.pings, ping_ready, start_load, stop_load, ping_out)))
            for p in procs:
                p.start()
            connected = sum(ready.get(timeout=120) for n in share if n)
            print(f"boards: {connected}/{args.clients} connected ({args.role} token, websocket, "
                  f"{len([n for n in share if n])} processes) in {time.monotonic() - t0:.1f} s")
            if connected != args.clients:
                sys.exit(f"only {connected} of {args.clients} clients connected:\n{log.read_text()[-3000:]}")
            ping_ready.get(timeout=60)
            ping_ready.get(timeout=120)  # idle pings done

            with sqlite3.connect(instance / "hotline.db") as con:
                first_head = con.execute("SELECT coalesce(max(seq), 0) FROM live_event").fetchone()[0]
            records = [[] for _ in range(args.lanes)]
            start_load.set()
            start = time.monotonic() + 0.2
            deadline = start + args.duration
            threads = [
                threading.Thread(target=lane, args=(url, tokens, i, args.lanes, args.rate, start, deadline, records[i]))
                for i in range(args.lanes)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.duration + 120)
            elapsed = time.monotonic() - start
            stop_load.set()

            with sqlite3.connect(instance / "hotline.db") as con:
                outbox = [s for (s,) in con.execute("SELECT seq FROM live_event WHERE seq > ? ORDER BY seq", (first_head,))]
            head.value = outbox[-1] if outbox else first_head
            go_home.set()
            results = [out.get(timeout=60) for n in share if n]
            pings = ping_out.get(timeout=60)
        finally:
            for p in procs:
                p.join(timeout=15)
                if p.is_alive():
                    p.kill()
            stop_server(server)
            server_log = log.read_text(errors="replace")

    # --- report ------------------------------------------------------------------
    ops = [r for lane_records in records for r in lane_records]
    statuses = Counter(r["status"] for r in ops)
    ok = [r for r in ops if r["status"] in (200, 201)]
    print(f"load: {len(ops)} changes in {elapsed:.1f} s ({len(ops) / elapsed:.1f}/s, asked {args.rate:g}/s), "
          f"{args.lanes} lanes; by kind {dict(Counter(r['op'] for r in ok))}; answers {dict(statuses)}")
    for r in [r for r in ops if r["status"] not in (200, 201)][:3]:
        print(f"      e.g. {r['op']} -> {r['status']}: {r.get('body')}")
    http_ms = sorted(r["answered"] - r["sent"] for r in ops)
    print("      HTTP answer ms: p50 {:.1f}  p99 {:.1f}  max {:.1f}".format(*(ms(http_ms, q) for q in (0.5, 0.99, 1.0))))

    expected = set(outbox)
    latencies, lost, dupes, disorder, extra, errors = [], 0, 0, 0, 0, []
    for result in results:
        if result["error"]:
            errors.append(result["error"])
        for client_log in result["logs"]:
            seqs = [seq for seq, *_ in client_log]
            dupes += len(seqs) - len(set(seqs))
            disorder += sum(1 for a, b in zip(seqs, seqs[1:]) if b < a)
            lost += len(expected - set(seqs))
            extra += len(set(seqs) - expected)
            latencies += [received - datetime.fromisoformat(at).timestamp() for _, at, received, _ in client_log]
    latencies.sort()
    by_event: dict[int, list[float]] = {}
    for result in results:
        for client_log in result["logs"]:
            for seq, at, received, _ in client_log:
                by_event.setdefault(seq, []).append(received - datetime.fromisoformat(at).timestamp())
    first = sorted(min(v) for v in by_event.values())
    last = sorted(max(v) for v in by_event.values())
    boards = sum(len(r["logs"]) for r in results)
    print(f"events: {len(outbox)} in the outbox for {len(ok)} successful changes; "
          f"{len(outbox) * boards} receipts expected, {len(latencies)} received; "
          f"lost {lost}, duplicates {dupes}, out of order {disorder}, unexpected {extra}; "
          f"still connected at the end {sum(r['connected_at_end'] for r in results)}/{boards}")
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
    print("RATIO push p50 / idle RTT p50 = {:.1f};  push p99 / idle RTT p99 = {:.1f}".format(
        percentile(latencies, 0.5) / percentile(idle, 0.5), percentile(latencies, 0.99) / percentile(idle, 0.99)))
    bad_lines = [line for line in server_log.splitlines() if "ERROR" in line or "Traceback" in line or "locked" in line]
    if bad_lines:
        print(f"server log: {len(bad_lines)} error lines, first: {bad_lines[0]}")
    if lost or dupes or disorder or extra or errors or len(ok) != len(ops) or len(outbox) != len(ok):
        sys.exit("FAILED: see the counts above")


if __name__ == "__main__":
    main()
