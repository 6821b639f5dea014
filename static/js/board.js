/* The wall board: open tickets by stage, emergencies and missed or warned deadlines first, ages and
   deadlines ticking, units and their load. */
(function () {
  "use strict";

  const { $, t, el, categoryName, statusBadge, priorityBadge } = Hotline;

  const COLUMN = {
    new: "waiting",
    returned: "waiting",
    dispatched: "dispatched",
    accepted: "moving",
    en_route: "moving",
    on_site: "on_site",
  };
  const NOT_YET_ON_SITE = new Set(["new", "returned", "dispatched", "accepted", "en_route"]);

  const tickets = new Map(); // number -> board ticket: the snapshot's window, and what arrived live since
  /* The snapshot holds each column's most urgent cards (the window) and counts the rest: `beyond`
     is, per column, how many open tickets the board holds no card for (total, late, warned,
     emergency), as the server counted them. A column's count is its cards plus those. */
  const NONE = { total: 0, late: 0, warned: 0, emergency: 0 };
  let beyond = {};
  let units = [];
  let loaded = false;
  const fresh = new Set(); // numbers that arrived live: highlighted for a while
  const flashing = new Map(); // number -> "warning" | "breach", for a few seconds after an SLA event or escalation

  /* ---- sound: a short two-tone alarm made here, no audio file ----
     A browser that blocks sound until someone clicks (AudioContext 'suspended') gets a large warning
     saying so; a click anywhere turns it on. Someone who turns it off with the button gets no warning. */
  let audio = null;
  let muted = false;
  let soundChecked = false; // the first look waits a moment: a kiosk's context starts on its own
  const soundButton = $("sound");
  const soundOff = $("sound-off");

  function audioContext() {
    if (!audio) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      audio = new Ctx();
      audio.onstatechange = showSound;
    }
    return audio;
  }

  function showSound() {
    const on = !!audio && audio.state === "running";
    soundButton.setAttribute("aria-pressed", on ? "true" : "false");
    soundButton.querySelector(".label").textContent = on ? t("sound_on") : t("sound_off");
    soundOff.hidden = on || muted || !soundChecked;
  }

  function alarm() {
    const ctx = audioContext();
    if (!ctx || ctx.state !== "running") return; // blocked: the warning is up, the flashing has to do
    const start = ctx.currentTime + 0.02;
    [880, 660, 880, 660].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = freq;
      const at = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.17);
    });
  }

  function soundOn() {
    const ctx = audioContext();
    if (!ctx) return;
    muted = false;
    ctx.resume().then(() => { showSound(); alarm(); }, showSound);
  }

  soundButton.addEventListener("click", (ev) => {
    ev.stopPropagation(); // not also the click anywhere below
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state === "running") {
      muted = true;
      ctx.suspend().then(showSound);
    } else soundOn();
  });
  // Blocked: a click anywhere on the board turns it on (the warning says so).
  document.addEventListener("click", () => { if (!soundOff.hidden) soundOn(); });
  // A kiosk started with --autoplay-policy=no-user-gesture-required has sound at once.
  audioContext();
  if (audio) audio.resume().then(showSound, showSound);
  setTimeout(() => { soundChecked = true; showSound(); }, 1500);

  /* ---- rendering ---- */
  function unitName(code) {
    if (!code) return "";
    const unit = units.find((u) => u.code === code);
    return unit ? unit.name : code;
  }

  /* A card: category, the address (street level: all the board is told), the countdown, then the
     unit with any badges, and small, the age and the number. board.css sizes them for reading across the room. */
  function card(ticket) {
    const li = el("li", "card prio-" + ticket.priority + " status-" + ticket.status);
    li.dataset.number = ticket.number;
    if (fresh.has(ticket.number)) li.classList.add("arrived");
    li.append(el("div", "c-cat", categoryName(ticket.category)));
    if (ticket.street) li.append(el("div", "c-addr", ticket.street));
    const countdown = el("div", "c-sla");
    countdown.append(slaSlot(ticket.sla));
    countdown.hidden = !ticket.sla;
    li.append(countdown);
    const foot = el("div", "c-foot");
    if (ticket.unit) foot.append(el("span", "c-unit", ticket.unit_name || unitName(ticket.unit)));
    if (ticket.priority === "urgent") foot.append(priorityBadge(ticket.priority)); // an emergency: the whole card is red
    if (["returned", "en_route", "accepted"].includes(ticket.status)) foot.append(statusBadge(ticket.status));
    if (ticket.escalation) {
      const level = ticket.escalation.audience || "unit";
      foot.append(el("span", "badge escalated escalated-" + level, t("escalated_" + level)));
      li.classList.add("escalated");
    }
    const age = el("span", "age");
    age.dataset.since = ticket.created_at;
    foot.append(age, el("span", "number", ticket.number));
    li.append(foot);
    if (flashing.has(ticket.number)) li.classList.add("sla-flash-" + flashing.get(ticket.number));
    return li;
  }

  /* ---- SLA countdown: the nearest running deadline, ticking with the ages (deadline.js) ---- */
  const slaSlot = Hotline.deadline.slot;

  function showSla(node, now) {
    const state = Hotline.deadline.show(node, now);
    const cardNode = node.closest(".card");
    if (cardNode) {
      cardNode.classList.toggle("sla-warned", state === "warned");
      cardNode.classList.toggle("sla-breached", state === "breached");
    }
  }

  /* sla.warning / sla.breached: the card takes the nearest deadline the event carries (amber
     or red at once when it is of the alert's stage; another stage's alert may leave the
     nearest one as it was). An event written before they carried it: the snapshot knows. */
  function onSla(ev) {
    const known = tickets.get(ev.number);
    if (!known) return countsChanged(); // resolved tickets (their callback clock) are not on the board
    if (!Hotline.deadline.applyEvent(known, ev)) board.reload();
    flash(ev.number, ev.event === "sla.breached" ? "breach" : "warning");
    render();
  }

  function onEscalation(ev) {
    const known = tickets.get(ev.number);
    if (!known) return;
    if (!known.escalation || ev.level >= known.escalation.level) known.escalation = { level: ev.level, audience: ev.audience };
    flash(ev.number, ev.level > 1 ? "breach" : "warning");
    render();
  }

  function flash(number, kind) {
    flashing.set(number, kind);
    clearTimeout(flash.timers[number]);
    flash.timers[number] = setTimeout(() => {
      flashing.delete(number);
      document.querySelectorAll('.card[data-number="' + CSS.escape(number) + '"]').forEach((n) => {
        n.classList.remove("sla-flash-warning", "sla-flash-breach");
      });
    }, 8000);
  }
  flash.timers = {};

  /* ---- order: what needs the dispatcher is never in "+N more" ----
     fit() hides cards from the bottom of a full column, so the order decides what stays on the wall.
     In every column and in the alarm band:
       1. emergencies on top, as before;
       2. then the missed deadlines (red), the most overdue first;
       3. then the warned ones (amber), the least time left first;
       4. then the rest as before: urgent, normal, low, and within each the oldest first.
     Among the emergencies the same rule applies: missed, warned, then the oldest.
     A deadline that passes while the board shows it re-sorts the board (tick), as the events do. */
  const ranked = new Map(); // number -> its SLA rank when the board was last sorted
  const slaRank = Hotline.deadline.rank;
  const forTheWall = Hotline.deadline.lateFirst;

  function rankChanged(now) {
    for (const ticket of tickets.values()) {
      if (ranked.get(ticket.number) !== slaRank(ticket, now)) return true;
    }
    return false;
  }

  function render() {
    const now = frozenAt !== null ? frozenAt : board.now();
    const order = forTheWall(now);
    ranked.clear();
    const groups = { waiting: [], dispatched: [], moving: [], on_site: [] };
    for (const ticket of tickets.values()) {
      ranked.set(ticket.number, slaRank(ticket, now));
      const col = COLUMN[ticket.status];
      if (col) groups[col].push(ticket);
    }
    let open = 0;
    let emergenciesBeyond = 0;
    for (const [col, list] of Object.entries(groups)) {
      list.sort(order);
      const rest = beyond[col] || NONE;
      const all = list.length + rest.total;
      open += all;
      if (col !== "on_site") emergenciesBeyond += rest.emergency;
      const ol = document.querySelector('[data-cards="' + col + '"]');
      ol.replaceChildren(...list.map(card));
      document.querySelector('[data-count="' + col + '"]').textContent = all;
      document.querySelector('[data-empty="' + col + '"]').hidden = all > 0;
    }
    share(groups);
    const emergencies = [...tickets.values()]
      .filter((x) => x.priority === "emergency" && NOT_YET_ON_SITE.has(x.status))
      .sort(order);
    $("count-open").textContent = open;
    $("count-emergency").textContent = emergencies.length + emergenciesBeyond;
    $("count-emergency-wrap").hidden = emergencies.length + emergenciesBeyond === 0;
    const alarmBox = $("alarm");
    alarmBox.hidden = emergencies.length === 0;
    // The band lists the most urgent few, the rest as "+N more": a day of emergencies must not push
    // the columns off the wall.
    const listed = emergencies.slice(0, ALARM_AT_MOST);
    const unlisted = emergencies.length - listed.length + emergenciesBeyond;
    alarmsUnlisted = unlisted;
    const moreAlarms = [el("li", "alarm-item alarm-more", t("more", { n: unlisted }))];
    moreAlarms[0].hidden = !unlisted;
    $("alarm-list").replaceChildren(
      ...listed.map((x) => {
        const li = el("li", "alarm-item" + (fresh.has(x.number) ? " arrived" : ""));
        li.dataset.number = x.number;
        li.append(el("span", "number", x.number), el("span", "a-cat", categoryName(x.category)));
        li.append(el("span", "a-addr", x.street || ""));
        li.append(statusBadge(x.status));
        li.append(slaSlot(x.sla));
        const age = el("span", "age");
        age.dataset.since = x.created_at;
        li.append(age);
        return li;
      }),
      ...moreAlarms
    );
    renderUnits();
    tick();
    fit();
  }

  /* ---- sharing and fitting: a wall board never scrolls ----
     The columns share the width by how many cards they hold (N + 1 fr each, N at most what a column
     shows), none narrower than one
     card (an empty one: a narrow labelled lane). Every card keeps its full size and everything on it;
     a column that cannot hold all of its cards hides whole ones from the bottom under "+N more"
     (the order puts late and warned ones first). Phones just scroll. */
  const wallLayout = window.matchMedia("(min-width: 1101px)");
  const CARD_EM = 10; // board.css: .cards minmax(10em, 1fr)
  const LANE_EM = 7.5; // an empty column: its title, a word a line

  const SHOWN_AT_MOST = 8; // about what a column can show: 60 cards weigh no more than 8
  const ALARM_AT_MOST = 5; // emergencies listed in the alarm band above the columns

  function share(groups) {
    const tracks = ["waiting", "dispatched", "moving", "on_site"].map((col) => {
      const n = groups[col].length + (beyond[col] || NONE).total;
      // the column's padding (0.3em a side) around one card
      return "minmax(" + (n ? CARD_EM + 0.6 : LANE_EM) + "em, " + (Math.min(n, SHOWN_AT_MOST) + 1) + "fr)";
    });
    document.querySelector(".columns").style.gridTemplateColumns = tracks.join(" ");
  }

  function overflows(ol) {
    return ol.scrollHeight > ol.clientHeight + 1;
  }

  /* The alarm band gives way too: while a column with cards shows none of them (30,000 open and
     a day of emergencies), its listed emergencies leave from the bottom into its "+N more", down to one. */
  let alarmsUnlisted = 0;

  function fit() {
    const items = [...$("alarm-list").querySelectorAll(".alarm-item:not(.alarm-more)")];
    const more = $("alarm-list").querySelector(".alarm-more");
    items.forEach((li) => { li.hidden = false; });
    let hidden = 0;
    const showAlarmMore = () => {
      if (!more) return;
      more.hidden = !(alarmsUnlisted + hidden);
      more.textContent = t("more", { n: alarmsUnlisted + hidden });
    };
    showAlarmMore();
    while (fitColumns() && wallLayout.matches && items.length - hidden > 1) {
      items[items.length - 1 - hidden].hidden = true;
      hidden += 1;
      showAlarmMore();
    }
    fitUnits();
  }

  /* Fits every column; true when a column holding cards could show none of them. */
  function fitColumns() {
    let starved = false;
    document.querySelectorAll(".col[data-col]").forEach((col) => {
      const ol = col.querySelector(".cards");
      const more = col.querySelector(".col-more");
      const cards = [...ol.children];
      const rest = beyond[col.dataset.col] || NONE; // tickets the board holds no card for: counted only
      col.classList.remove("dense");
      cards.forEach((c) => { c.hidden = false; });
      more.hidden = !rest.total;
      if (rest.total) showMore(more, [], rest);
      if (!wallLayout.matches || !overflows(ol)) return;
      more.hidden = false; // takes its line first, then cards leave from the bottom until the rest fit
      hideFromBottom(ol, more, cards, rest);
      if (cards.length && cards[0].hidden) {
        // Not even one card fits (a short column): its cards drop the small print (number, age,
        // badges), keeping category, street, countdown and unit, and the column fits again.
        col.classList.add("dense");
        cards.forEach((c) => { c.hidden = false; });
        hideFromBottom(ol, more, cards, rest);
        starved = starved || cards[0].hidden;
      }
    });
    return starved;
  }

  function hideFromBottom(ol, more, cards, rest) {
    for (let i = cards.length - 1; i >= 0 && overflows(ol); i--) { // even the first: never half a card
      cards[i].hidden = true;
      showMore(more, cards.slice(i), rest);
    }
  }

  /* The unit list, secondary: the units that do not fit give way to "+N more" as well. */
  function fitUnits() {
    const ul = $("units");
    const more = $("units-more");
    const items = [...ul.children];
    more.hidden = true;
    items.forEach((u) => { u.hidden = false; });
    if (!wallLayout.matches || !overflows(ul)) return;
    more.hidden = false;
    for (let i = items.length - 1; i >= 0 && overflows(ul); i--) {
      items[i].hidden = true;
      more.textContent = t("more", { n: items.length - i });
    }
  }

  /* "+N more · 2 overdue · 3 warned": red or amber among the hidden cards (a column holding more of
     them than fit) tells the dispatcher to look. The cards' classes are current: render() ticks first.
     `rest`: the column's tickets beyond the snapshot's window, as the server counted them. */
  function showMore(more, hiddenCards, rest) {
    const count = (cls) => hiddenCards.filter((c) => c.classList.contains(cls)).length;
    more.replaceChildren(el("b", "more-part", t("more", { n: hiddenCards.length + rest.total })));
    for (const [cls, key, field] of [["sla-breached", "more_overdue", "late"], ["sla-warned", "more_warned", "warned"]]) {
      const n = count(cls) + rest[field];
      if (!n) continue;
      const part = el("b", "more-part"); // the dot wraps with its badge, never dangles
      part.append("· ", el("span", "more-" + cls, t(key, { n })));
      more.append(" ", part); // the line may break here, between parts, never inside one
    }
  }

  wallLayout.addEventListener("change", fit);
  window.addEventListener("resize", fit);
  // Whatever changes the room left for the columns (a warning or the alarm band coming or going).
  if (window.ResizeObserver) new ResizeObserver(() => fit()).observe(document.querySelector(".wall-body"));
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
  setInterval(fit, 15000); // ages grow longer and may wrap a full card

  function renderUnits() {
    const ul = $("units");
    ul.replaceChildren(
      ...units.map((u) => {
        const li = el("li", "unit unit-" + u.state + (u.parent ? " is-child" : ""));
        li.append(el("span", "u-name", u.name));
        li.append(el("span", "u-state", t("unit_" + u.state)));
        li.append(el("span", "u-load", u.load ? t("load", { n: u.load }) : ""));
        return li;
      })
    );
  }

  function tick() {
    // Cut off from the server: everything stays at the moment it was last heard (greyed, board.css).
    const now = frozenAt !== null ? frozenAt : board ? board.now() : Date.now();
    if (loaded && frozenAt === null && rankChanged(now)) return render(); // a deadline passed: red or amber moves up
    document.querySelectorAll(".age[data-since]").forEach((node) => {
      node.textContent = Hotline.age(now - Date.parse(node.dataset.since));
    });
    document.querySelectorAll(".sla[data-stage]").forEach((node) => showSla(node, now));
    $("wall-clock").textContent = localTime(now);
  }

  function markFresh(number) {
    fresh.add(number);
    setTimeout(() => {
      fresh.delete(number);
      document.querySelectorAll('[data-number="' + CSS.escape(number) + '"]').forEach((n) => n.classList.remove("arrived"));
    }, 20000);
  }

  /* ---- live ---- */
  /* The units a ticket event touched (code, load, state, as in the snapshot's list), in the
     unit strip by code; one the board did not know joins it in code order. */
  function mergeUnits(touched) {
    for (const u of touched || []) {
      const at = units.findIndex((known) => known.code === u.code);
      if (at >= 0) units[at] = u;
      else units = [...units, u].sort((a, b) => (a.code < b.code ? -1 : 1));
    }
  }

  function onSnapshot(snap) {
    tickets.clear();
    for (const ticket of snap.tickets) tickets.set(ticket.number, ticket);
    beyond = {};
    for (const [col, lane] of Object.entries(snap.lanes || {})) beyond[col] = lane.more;
    units = snap.units;
    loaded = true;
    render();
  }

  function onEvent(ev) {
    if (!ev.number) return;
    if (ev.event === "sla.warning" || ev.event === "sla.breached") return onSla(ev);
    if (ev.event === "escalation") return onEscalation(ev);
    if (ev.event === "escalation.acknowledged") {
      const known = tickets.get(ev.number);
      if (known) { known.escalation = null; render(); }
      return;
    }
    if (!String(ev.event).startsWith("ticket.")) return; // other news about a ticket: not a change of its state
    // The event is the ticket's whole card (address, creation time, deadline...) and the
    // load of the units it touched: the board needs no snapshot for it.
    mergeUnits(ev.units); // events come in order: the load is the latest, whatever the card's version
    const known = tickets.get(ev.number);
    if (known && ev.version !== undefined && ev.version < known.version) return renderUnits(); // older than what we show
    if (!known && ev.event !== "ticket.created" && countsChanged()) return renderUnits();
    // A card leaving a column with tickets beyond the window: the next of them comes in.
    if (known && COLUMN[known.status] !== COLUMN[ev.status] && (beyond[COLUMN[known.status]] || NONE).total) board.reload();
    const wasEmergency = known && known.priority === "emergency";
    if (!COLUMN[ev.status]) {
      tickets.delete(ev.number); // resolved, closed or cancelled: off the board
    } else {
      const ticket = Object.assign(known || {}, Hotline.ticketCard(ev));
      tickets.set(ev.number, ticket);
      if (!known) markFresh(ev.number);
      if (ticket.priority === "emergency" && (!known || !wasEmergency || ev.status === "returned")) {
        markFresh(ev.number);
        alarm();
      }
    }
    render();
  }

  /* News of a ticket the board holds no card for: with tickets beyond the window it may be one
     of them (which column it leaves, late or not), so the counts come again with a fresh snapshot
     (debounced: a burst of events, one request); true then. Without any, the board holds every
     open ticket: a card it does not know is new to it. */
  function countsChanged() {
    if (!Object.values(beyond).some((rest) => rest.total)) return false;
    board.reload();
    return true;
  }

  /* ---- outage: the server lost ----
     live.js says "reconnecting" when the socket drops: at once when the server closes it, within
     the engine's ping timeout (LIVE_PING_SECONDS + LIVE_PING_TIMEOUT_SECONDS, 5 s) when it just goes
     silent. The board dims under a banner saying since when (this screen's local time: the last
     thing heard from the server), ages, deadlines and the clock stop at that moment (tick), and
     live.js reconnects and resyncs by itself; then a note says when it came back, and fades. */
  let frozenAt = null; // the server-clock time the board stopped at, while the server is lost
  let backTimer = null;
  const wall = $("wall");
  const outage = $("outage");

  function localTime(ms) { // the center's time, as every time on the page (core/i18n.js)
    localTime.format = localTime.format || Hotline.dateFormat({ hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    return localTime.format.format(new Date(ms));
  }

  function connection(state) {
    Hotline.showState(state);
    if (state === "reconnecting" && frozenAt === null) {
      const heard = board.lastHeard() || Date.now();
      frozenAt = board.now() - (Date.now() - heard);
      clearTimeout(backTimer);
      const since = localTime(heard);
      outage.className = "outage";
      outage.querySelector(".o-title").textContent = t("outage_since", { time: since });
      outage.querySelector(".o-detail").textContent = t("outage_detail", { time: since });
      outage.hidden = false;
      wall.classList.add("offline");
      tick();
    } else if (state === "live" && frozenAt !== null) {
      frozenAt = null;
      wall.classList.remove("offline");
      outage.className = "outage back";
      outage.querySelector(".o-title").textContent = t("reconnected", { time: localTime(Date.now()) });
      outage.querySelector(".o-detail").textContent = "";
      clearTimeout(backTimer);
      backTimer = setTimeout(() => {
        outage.classList.add("fading");
        backTimer = setTimeout(() => { outage.hidden = true; }, 2000);
      }, 8000);
      tick();
    }
  }

  // /board?per_lane=N: cards per column the snapshot holds (the server's default fits a 4K wall).
  const perLane = new URLSearchParams(window.location.search).get("per_lane");
  const snapshotUrl = "/api/v1/board" + (perLane ? "?per_lane=" + encodeURIComponent(perLane) : "");
  const board = Hotline.live({ snapshotUrl, onSnapshot, onEvent, onState: connection, debounceMs: 800 });
  setInterval(tick, 1000);
  tick();
})();
