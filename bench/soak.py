"""Soak: does the worker's memory keep growing with boards connected and tickets flowing?

    .venv/bin/python bench/soak.py [--minutes 30] [--boards 200] [--rate 2] [--sample 10]

Bounded, run by hand (not in CI).
1. Starts the app as scripts/demo does (bench/intake.py's helpers: gunicorn -c
   gunicorn.conf.py, the gevent worker) on a free loopback port with a fresh migrated
   database and bench/board.py's users.
2. Connects --boards board clients (bench/swarm.py), then POSTs tickets at a steady
   --rate per second for --minutes, while sampling the worker's RSS every --sample s.
3. Prints the RSS curve (a few points), then the slope by least squares over the
   samples after the first fifth (warm-up: caches, pools, the allocator settling),
   and over the second half alone: MB per hour and KB per 1,000 tickets; ticket
   latency p50/p99; and the boards' check (still connected, events received, seq gaps, reorderings).
Every wait is bounded; the server is stopped at the end."""
import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board import seed  # noqa: E402
from intake import free_port, payload, percentile, start_server, stop_server  # noqa: E402
from sla import worker_pid  # noqa: E402
from sockets import Http, rss_kb  # noqa: E402
from swarm import SwarmProcess  # noqa: E402


def slope(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30, help="how long tickets flow (default 30)")
    parser.add_argument("--boards", type=int, default=200, help="board connections (default 200)")
    parser.add_argument("--rate", type=float, default=2, help="tickets per second (default 2)")
    parser.add_argument("--sample", type=float, default=10, help="seconds between RSS samples (default 10)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hotline-soak-") as tmp:
        tmp = Path(tmp)
        instance, log = tmp / "instance", tmp / "gunicorn.log"
        tokens = seed(instance)
        port = free_port()
        server = start_server(instance, port, log)
        swarm = None
        try:
            worker = worker_pid(server.pid)
            swarm = SwarmProcess(f"http://127.0.0.1:{port}", tokens["board"], args.boards)
            opened = swarm.connected()
            print(f"server: gunicorn -c gunicorn.conf.py (gevent), worker pid {worker}; "
                  f"{opened['connected']} of {args.boards} boards connected")
            api = Http(port, tokens["operator"])
            created = [0]
            statuses: Counter = Counter()
            lat: list[float] = []
            stop = threading.Event()

            def post_steadily():
                k, start = 0, time.monotonic()
                while not stop.is_set():
                    wait = start + k / args.rate - time.monotonic()
                    if wait > 0 and stop.wait(wait):
                        break
                    status, _, seconds = api.request("POST", "/api/v1/tickets", payload(k))
                    statuses[status] += 1
                    lat.append(seconds)
                    created[0] += status == 201
                    k += 1

            samples: list[tuple[float, int, int]] = []  # (seconds, RSS KB, tickets created)
            poster = threading.Thread(target=post_steadily, daemon=True)
            t0 = time.monotonic()
            poster.start()
            end = t0 + args.minutes * 60
            while True:
                samples.append((time.monotonic() - t0, rss_kb(worker), created[0]))
                if time.monotonic() >= end:
                    break
                time.sleep(min(args.sample, max(0.0, end - time.monotonic())))
            stop.set()
            poster.join(timeout=60)
            stats = swarm.send(cmd="stats", timeout=60)
        finally:
            if swarm is not None:
                swarm.close()
            stop_server(server)

    elapsed = samples[-1][0]
    print(f"SOAK  {elapsed / 60:.1f} min, {created[0]} tickets ({created[0] / elapsed:.2f}/s), "
          f"answers {dict(statuses)}")
    step = max(1, len(samples) // 8)
    for s, rss, n in samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else []):
        print(f"      t={s / 60:5.1f} min  RSS {rss / 1024:7.1f} MB  tickets {n}")
    steady = samples[len(samples) // 5:]
    if len(steady) >= 3:
        per_second = slope([s for s, _, _ in steady], [r for _, r, _ in steady])
        per_ticket = slope([n for _, _, n in steady], [r for _, r, _ in steady])
        print(f"SLOPE after the first fifth ({len(steady)} samples): RSS {per_second * 3600 / 1024:+.1f} MB per hour, "
              f"{per_ticket * 1000:+.0f} KB per 1,000 tickets")
        late = samples[len(samples) // 2:]  # still falling with time: settling, not leaking
        print(f"      second half only: {slope([s for s, _, _ in late], [r for _, r, _ in late]) * 3600 / 1024:+.1f} MB "
              f"per hour, {slope([n for _, _, n in late], [r for _, r, _ in late]) * 1000:+.0f} KB per 1,000 tickets")
    lat.sort()
    print(f"      POST latency p50 {1000 * percentile(lat, 0.5):.1f} ms  p99 {1000 * percentile(lat, 0.99):.1f} ms")
    print(f"BOARDS still connected {stats['connected']}, dropped {stats['dropped']}, events {stats['events']}, "
          f"seq gaps {stats['gaps']}, out of order {stats['out_of_order']}")


if __name__ == "__main__":
    main()
