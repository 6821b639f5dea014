"""Sockets benchmark: how many live connections one server holds, what each costs,
and whether ordinary requests keep their latency with them open.

    .venv/bin/python bench/sockets.py [--clients 2000] [--processes 2] [--seconds 30] [--rate 1]

1. Starts the app as scripts/demo does (bench/intake.py's helpers: gunicorn -c
   gunicorn.conf.py, the gevent worker, one process) on a free loopback port with a
   fresh migrated database and bench/board.py's users (an operator and a board token).
2. Without live connections, for --seconds: `POST /api/v1/tickets` latency at --rate
   tickets a second, and meanwhile `/healthz` latency every 50 ms (each its own
   keep-alive client); the worker's RSS.
3. Opens N authenticated Socket.IO connections (WebSocket transport, board token),
   from --processes swarm processes (bench/swarm.py: python-socketio's client on
   greenlets); prints how many are held, how long connecting took, the worker's RSS
   and memory per connection.
4. With them connected: the same latencies again (each POST now also pushes its
   ticket.created to all N: at 1 ticket/s and 2,000 clients, 2,000 pushes a second),
   and the worker's CPU; then --events single tickets, each timed from just
   before its POST to the moment the last of the N clients got its event.
5. Checks no client was dropped and none saw a gap or a reordering in seq.
Everything stays on 127.0.0.1, every wait is bounded, the server is stopped at the end."""
import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board import seed  # noqa: E402
from intake import free_port, payload, percentile, start_server, stop_server  # noqa: E402
from sla import cpu_seconds, worker_pid  # noqa: E402
from swarm import SwarmProcess  # noqa: E402


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Http:
    """One keep-alive API client; reconnects after an error."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None, float]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, data, headers)
            response = self.conn.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0, None, time.perf_counter() - t0
        elapsed = time.perf_counter() - t0
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return status, parsed, elapsed


def latencies(client: Http, seconds: float, rate: float, first_k: int) -> dict[str, list[float]]:
    """For `seconds`: POST /api/v1/tickets at `rate` a second (its own keep-alive
    client, a thread), and meanwhile GET /healthz every 50 ms."""
    got = {"healthz": [], "post": []}
    bad = []
    stop = threading.Event()

    def post():
        poster = Http(client.port, client.token)
        start, k = time.monotonic(), 0
        while not stop.is_set():
            if stop.wait(max(0.0, start + k / rate - time.monotonic())):
                break
            status, _, t = poster.request("POST", "/api/v1/tickets", payload(first_k + k))
            got["post"].append(t)
            if status != 201:
                bad.append(status)
            k += 1

    thread = threading.Thread(target=post)
    thread.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, _, t = client.request("GET", "/healthz")
        got["healthz"].append(t)
        if status != 200:
            bad.append(status)
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=60)
    if bad:
        print(f"      {len(bad)} requests did not answer 200/201, e.g. {bad[:5]}")
    return got


def show(label: str, values: list[float]) -> None:
    values = sorted(values)
    print(f"      {label:<22} p50 {1000 * percentile(values, 0.5):7.1f} ms   p99 {1000 * percentile(values, 0.99):7.1f} ms"
          f"   max {1000 * values[-1]:7.1f} ms   ({len(values)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000, help="live connections to open (default 2000)")
    parser.add_argument("--processes", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each measuring phase (default 30)")
    parser.add_argument("--rate", type=float, default=1,
                        help="tickets posted per second while measuring (default 1: with N clients, N pushes/s)")
    parser.add_argument("--events", type=int, default=5, help="single tickets timed to reach every client (default 5)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        tmp = Path(tmp)
        instance, log = tmp / "instance", tmp / "gunicorn.log"
        tokens = seed(instance)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(instance, port, log)
        swarms: list[SwarmProcess] = []
        try:
            worker = worker_pid(server.pid)
            api = Http(port, tokens["operator"])
            latencies(api, 3, 2, 10_000_000)  # warm-up
            print(f"server: gunicorn -c gunicorn.conf.py (gevent, 1 worker), worker pid {worker}")
            print("IDLE  no live connections")
            idle = latencies(api, args.seconds, args.rate, 0)
            show("/healthz", idle["healthz"])
            show("POST /api/v1/tickets", idle["post"])
            rss_before = rss_kb(worker)
            print(f"      worker RSS {rss_before / 1024:.1f} MB")

            share = [args.clients // args.processes + (k < args.clients % args.processes) for k in range(args.processes)]
            t0 = time.monotonic()
            swarms = [SwarmProcess(url, tokens["board"], n) for n in share]
            reports = [s.connected() for s in swarms]
            took = time.monotonic() - t0
            held = sum(r["connected"] for r in reports)
            failed = sum(r["failed"] for r in reports)
            print(f"OPEN  {held} of {args.clients} connections held ({failed} failed) from {args.processes} "
                  f"processes in {took:.1f} s")
            for r in reports:
                for e in r["errors"][:2]:
                    print(f"      e.g. {e}")
            time.sleep(3)  # let the handshakes' garbage go
            rss_after = rss_kb(worker)
            per = (rss_after - rss_before) / max(held, 1)
            print(f"      worker RSS {rss_after / 1024:.1f} MB: +{(rss_after - rss_before) / 1024:.1f} MB, "
                  f"{per:.1f} KB per connection")

            print(f"LOAD  with {held} connected, {args.rate:g} tickets/s, each pushed to all of them")
            cpu0, t_cpu = cpu_seconds(worker), time.monotonic()
            loaded = latencies(api, args.seconds, args.rate, 100_000)
            print(f"      worker CPU {100 * (cpu_seconds(worker) - cpu0) / (time.monotonic() - t_cpu):.0f}% of one core")
            show("/healthz", loaded["healthz"])
            show("POST /api/v1/tickets", loaded["post"])

            reach = []
            for i in range(args.events):
                time.sleep(0.5)
                start = time.time()
                status, body, _ = api.request("POST", "/api/v1/tickets", payload(200_000 + i))
                if status != 201:
                    print(f"      event {i}: POST answered {status}")
                    continue
                waits = [s.send(cmd="wait", event="ticket.created", number=body["number"], timeout=30) for s in swarms]
                got = sum(w["received"] for w in waits)
                of = sum(w["of"] for w in waits)
                lasts = [w["last"] for w in waits if w["last"] is not None]
                reach.append((got, of, max(lasts) - start if lasts else float("nan")))
            print("EVENT one ticket.created to every client, from before its POST to the last receipt:")
            for got, of, seconds in reach:
                print(f"      reached {got} of {of} in {1000 * seconds:.0f} ms")

            stats = [s.send(cmd="stats") for s in swarms]
            print("CHECK still connected {}, dropped {}, seq gaps {}, out of order {}, events received {}".format(
                sum(x["connected"] for x in stats), sum(x["dropped"] for x in stats), sum(x["gaps"] for x in stats),
                sum(x["out_of_order"] for x in stats), sum(x["events"] for x in stats)))
            print(f"      worker RSS at the end {rss_kb(worker) / 1024:.1f} MB")
        finally:
            for s in swarms:
                s.close()
            stop_server(server)
        errors = [line for line in log.read_text(errors="replace").splitlines() if "ERROR" in line or "Traceback" in line]
        if errors:
            print(f"server log: {len(errors)} error lines, first: {errors[0]}")


if __name__ == "__main__":
    main()
