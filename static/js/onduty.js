/* The wall board's on-duty band: who is on the shift, at which seat, ready / busy / away
   and for how long, and what each has handled this shift. Snapshot from
   /api/v1/seats/on-duty, refreshed on every `seat.changed` event of the board's live
   connection (or its own, on a page without one) and each minute for the counts. */
(function () {
  "use strict";

  const { $, el, request } = Hotline;
  const tr = Hotline.translator("on-duty-i18n"); // the band's own strings, beside the board's "i18n"
  let snapshot = null;
  let offset = 0;
  let timer = null;

  /* "12:34", then "2h05": the band's own short form (not Hotline.age's "2h 05m"). */
  function age(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const m = Math.floor(s / 60);
    return m < 60 ? m + ":" + String(s % 60).padStart(2, "0") : Math.floor(m / 60) + "h" + String(m % 60).padStart(2, "0");
  }

  function render() {
    const snap = snapshot;
    const shift = snap.shift;
    const head = $("on-duty-shift");
    head.textContent = shift ? `${shift.name} ${shift.from}–${shift.to}` : tr("none");
    if (snap.next_shift) head.textContent += " · " + tr("next", { shift: snap.next_shift.name, from: snap.next_shift.from });
    $("on-duty-alarm").hidden = !snap.nobody_on_duty;
    $("on-duty").classList.toggle("nobody", !!snap.nobody_on_duty);
    $("on-duty-people").replaceChildren(
      ...snap.people.map((p) => {
        const li = el("li", "od-person od-" + p.state);
        li.dataset.username = p.username;
        li.dataset.state = p.state;
        const top = el("div", "od-top");
        top.append(el("span", "od-name", p.name));
        if (p.seat) top.append(el("span", "od-seat", p.seat));
        const state = el("div", "od-state");
        state.append(el("span", "od-label", tr(p.state) + (p.away_reason ? " · " + p.away_reason : "")));
        if (p.since && p.state !== "not_signed_in") {
          const since = el("span", "od-age age");
          since.dataset.since = p.since;
          state.append(" ", since);
        }
        li.append(top, state, el("div", "od-counts", tr("counts", { tickets: p.tickets, calls: p.calls })));
        return li;
      })
    );
    tick();
  }

  function tick() {
    const now = Date.now() + offset;
    document.querySelectorAll("#on-duty-people .od-age").forEach((n) => (n.textContent = age(now - Date.parse(n.dataset.since))));
  }

  async function load() {
    const answer = await request("GET", "/api/v1/seats/on-duty");
    if (!answer.ok) return;
    snapshot = answer.data;
    offset = Date.parse(snapshot.now) - Date.now();
    render();
  }

  function reloadSoon() {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  }

  const live = Hotline.current || (window.io ? Hotline.live({ snapshotUrl: "/api/v1/seats/on-duty", onSnapshot() {} }) : null);
  if (live) {
    live.socket.on("seat.changed", reloadSoon);
    live.socket.on("connect", reloadSoon); // missed events while away: take the whole list again
  }
  load();
  setInterval(tick, 1000);
  setInterval(load, 60000);
  window.OnDuty = { reload: load };
})();
