"""The reference live client: the rule static/js/core/live.js follows, in Python,
for the tests and bench/board.py (python-socketio), so that what they measure is what
a browser does.

Each event carries `seq` and `prev`: for each room it went to, the seq of the
previous event in that room. A client knows its rooms (the `hello` answer) and
`seen[room]`, the last seq it reflects in each (a snapshot or a resync with head S
sets it to at least S). An event
- is a duplicate when e.seq <= seen[r] for every one of my rooms in e.prev;
- applies when prev[r] <= seen[r] for every one of my rooms in e.prev (then
  seen[r] = e.seq);
- otherwise waits in a buffer: an event committed earlier may still be on its way
  from another web process. If the buffer cannot be drained within GRACE seconds,
  the client resyncs since min(seen) and applies the answer by the same rule.
A `live.head {room, seq}` above seen[room] starts the same grace timer, and no head
for HEAD_MISSES intervals while connected means a resync. Nothing is ever skipped."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

GRACE = 1.5
HEAD_MISSES = 3


class Follower:
    """The rule alone, with time passed in: no socket, no thread."""

    def __init__(self, on_event: Callable[[dict], None] | None = None, grace: float = GRACE,
                 clock: Callable[[], float] = time.monotonic):
        self.on_event = on_event or (lambda ev: None)
        self.grace = grace
        self.clock = clock
        self.rooms: list[str] | None = None
        self.seen: dict[str, int] = {}
        self.ready = False  # a snapshot (or a first head) gave seen its start
        self.buffer: dict[int, dict] = {}
        self.heads: dict[str, int] = {}  # heads announced above seen
        self.due: float | None = None  # when the grace timer fires
        self.interval = 5.0
        self.last_head = clock()
        # Figures: what the wire did, and what the rule repaired.
        self.received = 0
        self.duplicates = 0
        self.wire_reorders = 0  # an event arriving after one with a greater seq
        self._wire_max = 0
        self.resyncs = 0
        self.applied_seqs: list[int] = []
        self.applied_start = 0  # the seq the client started from

    # -- inputs ------------------------------------------------------------------------

    def join(self, rooms: list[str], interval: float | None = None) -> None:
        self.rooms = list(rooms)
        for room in self.rooms:
            self.seen.setdefault(room, 0)
        if interval:
            self.interval = interval
        self.last_head = self.clock()

    def snapshot(self, seq: int) -> None:
        """The page now reflects everything up to `seq`."""
        for room in self.rooms or ():
            self.seen[room] = max(self.seen.get(room, 0), seq)
        self.ready = True
        self._drain()

    def receive(self, ev: dict) -> None:
        self.received += 1
        if ev["seq"] < self._wire_max:
            self.wire_reorders += 1
        self._wire_max = max(self._wire_max, ev["seq"])
        self.buffer.setdefault(ev["seq"], ev)
        if self.ready:
            self._drain()

    def head(self, room: str, seq: int) -> None:
        self.last_head = self.clock()
        if self.rooms and room in self.rooms and seq > self.seen.get(room, 0):
            self.heads[room] = max(self.heads.get(room, 0), seq)
            self._arm()

    def resynced(self, events: list[dict], seq: int) -> None:
        """A resync's answer: the events after min(seen) I may see, and the head."""
        for ev in sorted(events, key=lambda e: e["seq"]):
            self.buffer.setdefault(ev["seq"], ev)
        self._drain()
        self.snapshot(seq)

    def since(self) -> int:
        return min(self.seen.values()) if self.seen else 0

    def poll(self) -> bool:
        """True when the client should resync now (and it is counted as asked)."""
        now = self.clock()
        if self.ready and now - self.last_head > HEAD_MISSES * self.interval:
            self.last_head = now  # one resync per silence
            return self._ask()
        if self.due is not None and now >= self.due:
            self.due = None
            self._drain()
            if self.buffer or self._behind():
                return self._ask()
        return False

    # -- the rule ----------------------------------------------------------------------

    def _mine(self, ev: dict) -> list[str]:
        prev = ev.get("prev") or {}
        return [r for r in prev if r in self.seen]

    def _duplicate(self, ev: dict, mine: list[str]) -> bool:
        return all(ev["seq"] <= self.seen[r] for r in mine)

    def _applies(self, ev: dict, mine: list[str]) -> bool:
        return all(ev["prev"][r] <= self.seen[r] for r in mine)

    def _drain(self) -> None:
        if not self.ready or self.rooms is None:
            return
        progress = True
        while progress and self.buffer:
            progress = False
            for seq in sorted(self.buffer):
                ev = self.buffer[seq]
                mine = self._mine(ev)
                if not mine or self._duplicate(ev, mine):
                    del self.buffer[seq]
                    self.duplicates += 1 if mine else 0
                    progress = True
                    continue
                if self._applies(ev, mine):
                    del self.buffer[seq]
                    for r in mine:
                        self.seen[r] = max(self.seen[r], seq)
                    self.applied_seqs.append(seq)
                    self.on_event(ev)
                    progress = True
                    break  # from the lowest again
        for room in [r for r, s in self.heads.items() if s <= self.seen.get(r, 0)]:
            del self.heads[room]
        if self.buffer or self.heads:
            self._arm()
        else:
            self.due = None

    def _behind(self) -> bool:
        return any(s > self.seen.get(r, 0) for r, s in self.heads.items())

    def _arm(self) -> None:
        if self.due is None:
            self.due = self.clock() + self.grace

    def _ask(self) -> bool:
        self.resyncs += 1
        self.due = None
        return True


class LiveClient:
    """A python-socketio client driven by a Follower: `hello` on each connect, the
    start at the hello's head (the snapshot a page would load) or a resync on a
    reconnect, `live.head`, and a thread that fires the timers. `events` lists what
    was applied, in order."""

    def __init__(self, url: str, token: str, on_event: Callable[[dict], None] | None = None,
                 grace: float = GRACE, transports=("websocket",), since: int | None = None,
                 on_wire: Callable[[dict], None] | None = None):
        import socketio  # the client side of python-socketio (tests, bench)

        self.url, self.token, self.transports = url, token, list(transports)
        self.events: list[dict] = []
        self._user_on_event = on_event
        self._on_wire = on_wire  # every event as it came off the socket (the benchmark's receipts)
        self.lock = threading.RLock()
        self.follower = Follower(self._applied, grace=grace)
        self.start_seq = since  # None: start from the head at the first hello
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.connects = 0
        self.snapshots = 0  # resyncs answered "too many missed"
        self._hello_due = False
        self._stop = threading.Event()
        self.sio.on("connect", self._on_connect)
        self.sio.on("live.head", self._on_head)
        self.sio.on("*", self._on_any)
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _applied(self, ev: dict) -> None:
        self.events.append(ev)
        if self._user_on_event:
            self._user_on_event(ev)

    def _on_connect(self):
        self.connects += 1
        self._hello_due = True  # not here: a call inside a handler would block the reader

    def _on_head(self, data):
        with self.lock:
            self.follower.head(data["room"], data["seq"])

    def _on_any(self, name, data):
        if isinstance(data, dict) and isinstance(data.get("seq"), int) and "prev" in data:
            if self._on_wire:
                self._on_wire(data)
            with self.lock:
                self.follower.receive(data)

    def start(self, wait: float = 10) -> "LiveClient":
        self.sio.connect(self.url, auth={"token": self.token}, transports=self.transports, wait_timeout=5)
        self._thread.start()
        deadline = time.monotonic() + wait
        while not self.follower.ready and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.follower.ready:
            raise RuntimeError("live client: no hello answer")
        return self

    def _hello(self) -> None:
        answer = self.sio.call("hello", {}, timeout=5)
        with self.lock:
            self.follower.join(answer["rooms"], answer.get("interval"))
            first = not self.follower.ready
        if first:
            with self.lock:
                self.follower.applied_start = answer["seq"] if self.start_seq is None else self.start_seq
                self.follower.snapshot(self.follower.applied_start)
        else:
            with self.lock:
                self.follower.resyncs += 1  # a reconnect: whatever came meanwhile
            self._resync()

    def _resync(self) -> None:
        with self.lock:
            since = self.follower.since()
        answer = self.sio.call("resync", {"since": since}, timeout=10)
        with self.lock:
            if answer.get("snapshot"):
                self.snapshots += 1
                self.follower.snapshot(answer["seq"])
            elif "events" in answer:
                self.follower.resynced(answer["events"], answer["seq"])

    def resync(self) -> None:
        with self.lock:
            self.follower.resyncs += 1
        self._resync()

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            if not self.sio.connected:
                continue
            hello = self._hello_due
            try:
                if hello:
                    self._hello_due = False
                    self._hello()
                    continue
                with self.lock:
                    ask = self.follower.poll()
                if ask:
                    self._resync()
            except Exception:  # a call timed out (server or queue away): try at the next turn
                if hello:
                    self._hello_due = True
                    continue
                with self.lock:
                    self.follower._arm()

    def close(self) -> None:
        self._stop.set()
        try:
            self.sio.disconnect()
        except Exception:
            pass
