"""A swarm of real Socket.IO clients on greenlets: one process holds thousands.

    python bench/swarm.py --url URL --token TOKEN --clients N [--concurrency 100]

Used by bench/sockets.py, bench/soak.py and tests/live/test_capacity.py. The process
monkey-patches itself with gevent first, so python-socketio's ordinary client (its
reader and ping threads, websocket-client's socket) runs on greenlets: no thread per
connection, no extra dependency (the asyncio client would need aiohttp).

It connects N clients (WebSocket transport only, `auth={"token": TOKEN}`), at most
`--concurrency` handshakes at a time, and prints one JSON line:
    {"connected": n, "failed": f, "seconds": s, "errors": [...]}
then answers commands, one JSON object per stdin line, one JSON line each:
    {"cmd": "wait", "event": "ticket.created", "number": "...", "timeout": 10}
        -> {"received": k, "of": n, "first": t, "last": t}  (time.time() of arrival:
           how many clients got that ticket's event, and when the first and last did)
    {"cmd": "stats"} -> {"connected": n, "events": total, "out_of_order": k, "gaps": k, "dropped": k}
       (per client, by seq: a board hears every event, so seqs should run without gaps)
    {"cmd": "quit"} -> disconnects all, prints {"closed": n}
Every wait is bounded. `SwarmProcess` (importable anywhere: nothing is patched until
the script runs) starts one and talks to it."""
import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()


class SwarmProcess:
    """The parent's side: start `bench/swarm.py` in its own process, send commands."""

    def __init__(self, url: str, token: str, clients: int, concurrency: int = 100, timeout: float = 10):
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE), "--url", url, "--token", token, "--clients", str(clients),
             "--concurrency", str(concurrency), "--timeout", str(timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.connect_budget = timeout * (clients / concurrency + 2) + 30

    def read(self, timeout: float) -> dict:
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                raise TimeoutError(f"swarm said nothing in {timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"swarm exited ({self.proc.poll()})")
        return json.loads(line)

    def connected(self) -> dict:
        """The connect report (call once, first)."""
        return self.read(self.connect_budget)

    def send(self, timeout: float = 60, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self.read(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send(cmd="quit", timeout=40)
            except (OSError, TimeoutError, RuntimeError, ValueError):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


def _say(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _serve() -> None:
    """The swarm itself: patch first, then python-socketio on greenlets."""
    from gevent import monkey

    monkey.patch_all()

    import argparse
    import logging

    import gevent
    import gevent.socket
    import socketio
    from gevent.pool import Pool



    class Swarm:
        def __init__(self, url: str, token: str):
            self.url, self.token = url, token
            self.clients: list[socketio.Client] = []
            self.errors: list[str] = []
            self.failed = 0
            self.arrivals: dict[tuple[str, str], list[float]] = {}  # (event, number) -> [count, first, last]
            self.events = self.out_of_order = self.gaps = self.dropped = 0

        def _client(self) -> socketio.Client:
            # websocket-client checks each text frame's UTF-8 in pure Python (about 1 ms for a
            # 3 KB card): a swarm process would fall seconds behind and miss the server's pings.
            sio = socketio.Client(reconnection=False, handle_sigint=False,
                                  websocket_extra_options={"skip_utf8_validation": True})
            # engine.io's client hands every message to a new threading.Thread (here a
            # patched one, heavy): a bare greenlet does the same for a fraction of the CPU,
            # so one swarm process keeps up with more pushes.
            sio.eio.start_background_task = gevent.spawn
            state = {"last": None}

            def on_any(name, data):
                now = time.time()
                self.events += 1
                if isinstance(data, dict):
                    seq = data.get("seq")
                    if isinstance(seq, int):
                        if state["last"] is not None:
                            if seq <= state["last"]:
                                self.out_of_order += 1
                            elif seq > state["last"] + 1:
                                self.gaps += seq - state["last"] - 1
                        state["last"] = max(seq, state["last"] or 0)
                    number = data.get("number")
                    if number is not None:
                        slot = self.arrivals.setdefault((name, str(number)), [0, now, now])
                        slot[0] += 1
                        slot[2] = now

            sio.on("*", on_any)
            sio.on("disconnect", lambda *_a: self._lost())
            return sio

        def _lost(self) -> None:
            self.dropped += 1

        def connect(self, n: int, concurrency: int, timeout: float) -> dict:
            def one(_k):
                sio = self._client()
                try:
                    sio.connect(self.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=timeout)
                    self.clients.append(sio)
                except Exception as exc:  # noqa: BLE001 (counted and reported)
                    self.failed += 1
                    if len(self.errors) < 5:
                        self.errors.append(f"{type(exc).__name__}: {exc}")

            t0 = time.monotonic()
            pool = Pool(concurrency)
            for k in range(n):
                pool.spawn(one, k)
            pool.join(timeout=timeout * (n / concurrency + 2))
            pool.kill(block=False)
            return {"connected": len(self.clients), "failed": self.failed, "seconds": round(time.monotonic() - t0, 3),
                    "errors": self.errors}

        def connected(self) -> int:
            return sum(1 for c in self.clients if c.connected)

        def wait(self, event: str, number: str, timeout: float) -> dict:
            deadline = time.monotonic() + timeout
            of = self.connected()
            while time.monotonic() < deadline:
                slot = self.arrivals.get((event, number))
                if slot and slot[0] >= of:
                    break
                gevent.sleep(0.005)
            count, first, last = self.arrivals.get((event, number), [0, None, None])
            return {"received": count, "of": of, "first": first, "last": last}

        def stats(self) -> dict:
            return {"connected": self.connected(), "events": self.events, "out_of_order": self.out_of_order,
                    "gaps": self.gaps, "dropped": self.dropped}

        def close(self) -> dict:
            pool = Pool(200)
            for c in self.clients:
                pool.spawn(c.disconnect)
            pool.join(timeout=30)
            return {"closed": len(self.clients)}


    def main() -> None:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--url", required=True)
        parser.add_argument("--token", required=True)
        parser.add_argument("--clients", type=int, default=100)
        parser.add_argument("--concurrency", type=int, default=100, help="handshakes at a time (default 100)")
        parser.add_argument("--timeout", type=float, default=10, help="seconds for one handshake (default 10)")
        args = parser.parse_args()
        # A dropped client is counted (stats: dropped), not logged once per client.
        logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
        logging.getLogger("socketio.client").setLevel(logging.CRITICAL)

        swarm = Swarm(args.url, args.token)
        _say(swarm.connect(args.clients, args.concurrency, args.timeout))
        while True:
            gevent.socket.wait_read(sys.stdin.fileno())  # the hub runs the clients meanwhile
            line = sys.stdin.readline()
            if not line:
                break
            cmd = json.loads(line)
            if cmd["cmd"] == "wait":
                _say(swarm.wait(cmd["event"], str(cmd["number"]), float(cmd.get("timeout", 10))))
            elif cmd["cmd"] == "stats":
                _say(swarm.stats())
            elif cmd["cmd"] == "quit":
                break
        _say(swarm.close())

    main()


if __name__ == "__main__":
    _serve()
