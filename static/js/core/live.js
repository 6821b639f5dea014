/* The shared page core, part 5 of 5: live state, one snapshot plus the events after it.

   Hotline.live({snapshotUrl, onSnapshot, onEvent, onState}) connects the Socket.IO
   client (session cookie), loads the snapshot once connected, and applies only the
   events whose seq is newer than what the page already reflects:
   - events that arrive while a snapshot loads or a resync runs are buffered, then
     applied in seq order, each at most once;
   - on a reconnect it asks the server for what it missed ('resync' since the last
     seq); when the server says too much was missed, it reloads the snapshot.
   onState receives "connecting", "live", "reconnecting" or "signed_out".
   The returned object's reload() refetches the snapshot (debounced): use it when an
   event names a ticket the page does not know or lacks details for (a ticket event is
   the ticket's whole card: Hotline.ticketCard).
   It needs the Socket.IO client (static/vendor/socket.io.min.js), which only the live
   pages load: call it only where window.io is there. */
(function () {
  "use strict";

  const RESYNC_TIMEOUT_MS = 5000;

  function live(options) {
    const opts = Object.assign({ debounceMs: 400, onState() {}, onEvent() {}, onSnapshot() {} }, options);
    let lastSeq = null; // null until the first snapshot: nothing to resync from
    let busy = false; // a snapshot load or resync is running: buffer events
    let buffer = [];
    let reloadTimer = null;
    let reloadAgain = false;
    let clockOffset = 0; // server time minus this machine's time, in ms

    const socket = window.io({ transports: ["websocket", "polling"], withCredentials: true });

    function apply(events) {
      events.sort((a, b) => a.seq - b.seq);
      for (const ev of events) {
        if (typeof ev.seq !== "number" || ev.seq <= lastSeq) continue; // seen, or reflected by the snapshot
        lastSeq = ev.seq;
        try {
          opts.onEvent(ev);
        } catch (err) {
          console.error("live event", ev, err); // one bad event must not stop the stream
        }
      }
    }

    function drain() {
      const pending = buffer;
      buffer = [];
      busy = false;
      apply(pending);
    }

    async function loadSnapshot() {
      busy = true;
      reloadAgain = false;
      const answer = await Hotline.request("GET", opts.snapshotUrl);
      if (!answer.ok) {
        if (answer.status === 401) opts.onState("signed_out");
        setTimeout(loadSnapshot, 3000); // server away: try again, still buffering
        return;
      }
      const snap = answer.data;
      if (snap.now) clockOffset = Date.parse(snap.now) - Date.now();
      lastSeq = Math.max(lastSeq || 0, snap.seq || 0);
      opts.onSnapshot(snap);
      drain();
      if (reloadAgain) reload();
    }

    function resync() {
      busy = true;
      socket.timeout(RESYNC_TIMEOUT_MS).emit("resync", { since: lastSeq }, (err, answer) => {
        if (err || !answer || answer.error || answer.snapshot) {
          loadSnapshot();
          return;
        }
        buffer = buffer.concat(answer.events || []);
        drain();
      });
    }

    function reload() {
      if (busy) {
        reloadAgain = true; // once the running load ends
        return;
      }
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(loadSnapshot, opts.debounceMs);
    }

    function receive(name, data) {
      if (!data || typeof data.seq !== "number") return;
      if (!data.event) data.event = name;
      if (busy) buffer.push(data);
      else apply([data]);
    }

    opts.onState("connecting");
    socket.onAny(receive);
    socket.on("connect", () => {
      opts.onState("live");
      if (lastSeq === null) loadSnapshot();
      else resync();
    });
    socket.on("disconnect", (reason) => {
      opts.onState("reconnecting");
      if (reason === "io server disconnect") socket.connect(); // the server dropped us: come back
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
      seq: () => lastSeq,
      /* Milliseconds now on the server's clock (a wall screen's clock may be off). */
      now: () => Date.now() + clockOffset,
    };
    Hotline.current = handle; // for tests and the console
    return handle;
  }

  /* The ticket's card (hotline/live/views.py) a ticket.created / ticket.updated event is,
     without the event's envelope (seq, event, at) and the units it touched (`units`: code,
     load and state, as in the board snapshot's list). */
  const ENVELOPE = ["seq", "event", "at", "units"];

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
