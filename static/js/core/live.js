/* The shared page core, part 5 of 6: live state, one snapshot plus the events after it.

   Hotline.live({snapshotUrl, onSnapshot, onEvent, onState}) connects the Socket.IO
   client (session cookie), asks the server which rooms this connection hears
   ('hello'), loads the snapshot, and applies each event once, in order, never
   skipping one. The rule (the same as hotline/live/follower.py, the reference client
   the tests and bench/board.py use):
   - every event carries `seq` and `prev`: for each room it went to, the seq of the
     previous event in that room; `seen[room]` is the last seq the page reflects in
     each of its rooms (a snapshot or a resync with head S sets it to at least S);
   - an event is a duplicate when seq <= seen[r] for every one of my rooms in prev;
     it applies when prev[r] <= seen[r] for each of them (then seen[r] = seq);
   - otherwise it waits: an event committed earlier in another web process may still
     be on its way. If the waiting ones cannot be applied within GRACE_MS, the page
     asks for everything after min(seen) ('resync') and applies the answer by the same
     rule; when the server says too much was missed, it reloads the snapshot;
   - every few seconds the server tells each room its head ('live.head'): a head above
     seen starts the same wait (the last event was lost: a Redis outage), and no head
     for HEAD_MISSES intervals while connected means a resync.
   On a reconnect it resyncs. onState receives "connecting", "live", "reconnecting"
   or "signed_out". When the server ends the socket (`session.ended`, or a disconnect
   by the server: the session ended) the page goes to the sign-in page.
   snapshotUrl may be a function (a page whose filters choose the snapshot: it reloads on a change).
   The returned object's reload() refetches the snapshot (debounced: the calls within debounceMs
   of the first make one request): use it when an
   event names a ticket the page does not know or lacks details for (a ticket event is
   the ticket's whole card: Hotline.ticketCard); seq() is the last seq the page
   reflects (the least over its rooms); now() the server's clock; lastHeard() when this
   machine last heard anything from the server (Date.now() ms; engine.io pings included: a
   page shows since when it is cut off). The engine.io ping (the server's LIVE_PING_SECONDS
   and LIVE_PING_TIMEOUT_SECONDS) drops a silent connection within 5 s: "reconnecting".
   It needs the Socket.IO client (static/vendor/socket.io.min.js), which only the live
   pages load: call it only where window.io is there. */
(function () {
  "use strict";

  const RESYNC_TIMEOUT_MS = 5000;
  const GRACE_MS = 1500;
  const HEAD_MISSES = 3;

  function live(options) {
    const opts = Object.assign({ debounceMs: 400, onState() {}, onEvent() {}, onSnapshot() {} }, options);
    let rooms = null; // from 'hello'
    let seen = {}; // room -> last seq reflected
    let started = false; // a snapshot gave `seen` its start
    let busy = false; // a snapshot load or resync is running: only buffer
    const buffer = new Map(); // seq -> event waiting for the ones before it
    let heads = {}; // room -> a head announced above seen
    let graceTimer = null;
    let headInterval = 5000;
    let lastHead = Date.now();
    let reloadTimer = null;
    let reloadAgain = false;
    let clockOffset = 0; // server time minus this machine's time, in ms
    const stats = { received: 0, applied: 0, duplicates: 0, resyncs: 0, wireReorders: 0 };
    let wireMax = 0;

    const socket = window.io({ transports: ["websocket", "polling"], withCredentials: true });
    let lastHeard = null;
    const heard = () => { lastHeard = Date.now(); };
    socket.io.on("open", () => {
      heard();
      socket.io.engine.on("packet", heard); // every packet, the server's pings too
    });

    function mine(ev) {
      return Object.keys(ev.prev || {}).filter((r) => r in seen);
    }

    function deliver(ev) {
      stats.applied += 1;
      try {
        opts.onEvent(ev);
      } catch (err) {
        console.error("live event", ev, err); // one bad event must not stop the stream
      }
    }

    function armGrace() {
      if (graceTimer === null) graceTimer = setTimeout(graceOver, GRACE_MS);
    }

    function disarm() {
      clearTimeout(graceTimer);
      graceTimer = null;
    }

    function behind() {
      return Object.keys(heads).some((r) => heads[r] > (seen[r] || 0));
    }

    /* Apply what can be applied, lowest seq first; drop duplicates; keep the rest. */
    function drain() {
      if (!started || busy) return;
      let progress = true;
      while (progress && buffer.size) {
        progress = false;
        for (const seq of [...buffer.keys()].sort((a, b) => a - b)) {
          const ev = buffer.get(seq);
          const rs = mine(ev);
          if (!rs.length || rs.every((r) => seq <= seen[r])) {
            buffer.delete(seq);
            if (rs.length) stats.duplicates += 1;
            progress = true;
            continue;
          }
          if (rs.every((r) => ev.prev[r] <= seen[r])) {
            buffer.delete(seq);
            for (const r of rs) seen[r] = Math.max(seen[r], seq);
            deliver(ev);
            progress = true;
            break; // from the lowest again
          }
        }
      }
      for (const r of Object.keys(heads)) if (heads[r] <= (seen[r] || 0)) delete heads[r];
      if (buffer.size || behind()) armGrace();
      else disarm();
    }

    function graceOver() {
      graceTimer = null;
      if (busy) return; // the running load or resync decides
      drain();
      if (buffer.size || behind()) resync();
    }

    function startAt(seq) {
      for (const r of rooms || []) seen[r] = Math.max(seen[r] || 0, seq || 0);
      started = true;
    }

    async function loadSnapshot() {
      busy = true;
      reloadAgain = false;
      const url = typeof opts.snapshotUrl === "function" ? opts.snapshotUrl() : opts.snapshotUrl;
      const answer = await Hotline.request("GET", url);
      if (!answer.ok) {
        if (answer.status === 401) opts.onState("signed_out");
        setTimeout(loadSnapshot, 3000); // server away: try again, still buffering
        return;
      }
      const snap = answer.data;
      if (snap.now) clockOffset = Date.parse(snap.now) - Date.now();
      startAt(snap.seq);
      opts.onSnapshot(snap);
      busy = false;
      drain();
      if (reloadAgain) reload();
    }

    function leastSeen() {
      const values = Object.values(seen);
      return values.length ? Math.min(...values) : 0;
    }

    function resync() {
      if (busy) return;
      if (!started || !socket.connected) return; // on (re)connect
      busy = true;
      disarm();
      stats.resyncs += 1;
      socket.timeout(RESYNC_TIMEOUT_MS).emit("resync", { since: leastSeen() }, (err, answer) => {
        if (err || !answer || answer.error || answer.snapshot) {
          loadSnapshot();
          return;
        }
        busy = false;
        for (const ev of answer.events || []) if (!buffer.has(ev.seq)) buffer.set(ev.seq, ev);
        drain();
        startAt(answer.seq);
        drain();
      });
    }

    function reload() {
      if (busy) {
        reloadAgain = true; // once the running load ends
        return;
      }
      if (reloadTimer !== null) return; // one is coming: a steady stream of calls must not put it off for ever
      reloadTimer = setTimeout(() => {
        reloadTimer = null;
        loadSnapshot();
      }, opts.debounceMs);
    }

    function receive(name, data) {
      if (name === "live.head") return head(data);
      if (!data || typeof data.seq !== "number" || !data.prev) return;
      if (!data.event) data.event = name;
      stats.received += 1;
      if (data.seq < wireMax) stats.wireReorders += 1;
      wireMax = Math.max(wireMax, data.seq);
      if (!buffer.has(data.seq)) buffer.set(data.seq, data);
      drain();
    }

    function head(data) {
      lastHead = Date.now();
      if (!data || !rooms || !rooms.includes(data.room) || !started) return;
      if (data.seq > (seen[data.room] || 0)) {
        heads[data.room] = Math.max(heads[data.room] || 0, data.seq);
        armGrace();
      }
    }

    function hello() {
      socket.timeout(RESYNC_TIMEOUT_MS).emit("hello", {}, (err, answer) => {
        if (err || !answer || answer.error) {
          setTimeout(() => socket.connected && hello(), 1000);
          return;
        }
        rooms = answer.rooms || [];
        for (const r of rooms) if (!(r in seen)) seen[r] = started ? leastSeen() : 0;
        if (answer.interval) headInterval = answer.interval * 1000;
        lastHead = Date.now();
        if (!started) loadSnapshot();
        else resync();
      });
    }

    // No head for a while on a connected socket: something between us and the
    // server lost messages (the queue restarted); ask.
    setInterval(() => {
      if (!socket.connected || !started || busy) return;
      if (Date.now() - lastHead > HEAD_MISSES * headInterval) {
        lastHead = Date.now();
        resync();
      }
    }, 1000);

    opts.onState("connecting");
    socket.onAny(receive);
    socket.on("connect", () => {
      opts.onState("live");
      hello();
    });
    // The server ends a socket only when its session ended (signed out elsewhere, a
    // password change, deactivation, a revoked board token): never come back as that
    // dead session; the sign-in page brings the person (or the kiosk URL the screen) back.
    let ended = false;
    function sessionEnded() {
      if (ended) return;
      ended = true;
      opts.onState("signed_out");
      socket.disconnect();
      const here = window.location.pathname + window.location.search;
      window.location.assign("/login?next=" + encodeURIComponent(here));
    }
    socket.on("session.ended", sessionEnded);
    socket.on("disconnect", (reason) => {
      if (reason === "io server disconnect") return sessionEnded();
      if (!ended) opts.onState("reconnecting");
    });
    socket.on("connect_error", (err) => {
      // Refused (session ended): the client does not retry by itself.
      if (!socket.active) {
        opts.onState("signed_out");
        setTimeout(() => socket.connect(), 10000);
      } else {
        opts.onState("reconnecting");
      }
    });

    const handle = {
      reload,
      socket,
      seq: () => (started ? leastSeen() : null),
      /* Milliseconds now on the server's clock (a wall screen's clock may be off). */
      now: () => Date.now() + clockOffset,
      lastHeard: () => lastHeard,
      stats, // for tests and the console
    };
    Hotline.current = handle; // for tests and the console
    return handle;
  }

  /* The ticket's card (hotline/live/views.py) a ticket.created / ticket.updated event is,
     without the event's envelope (seq, prev, event, at) and the units it touched (`units`:
     code, load and state, as in the board snapshot's list). */
  const ENVELOPE = ["seq", "prev", "event", "at", "units"];

  function ticketCard(ev) {
    const card = { ...ev };
    for (const key of ENVELOPE) delete card[key];
    return card;
  }

  /* The connection indicator: <span id="live-state"> with data-state and a label. */
  function showState(state) {
    const box = Hotline.$("live-state");
    if (!box) return;
    box.dataset.state = state;
    box.querySelector(".label").textContent = Hotline.t("state_" + state);
  }

  Object.assign(Hotline, { live, showState, ticketCard });
})();
