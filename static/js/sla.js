/* The supervisor's deadlines page: warnings and breaches live (a new breach flashes),
   breaches to acknowledge first, then warnings, then the rest, each by deadline (the
   API's order=urgent), 100 at a time and more on demand (keyset: `next`); filters kept
   in the URL, acknowledge with a comment in place, or tick several and acknowledge them
   in one request; open escalations,
   pending extension requests and on-time rates beside them. Rows are updated in place
   so a live event never wipes a comment being typed. */
(function () {
  "use strict";

  const { $, readJSON, t, el, request, failureText, fieldsLine, categoryName, priorityBadge } = Hotline;
  const data = readJSON("sla-data");
  const FILTERS = ["unit", "category", "stage", "kind", "acknowledged", "from", "to"];
  const PAGE_SIZE = 100;

  const unitNames = Object.fromEntries(data.units.map((u) => [u.code, u.name]));
  const unitParent = Object.fromEntries(data.units.map((u) => [u.code, u.parent]));
  const timeFormat = new Intl.DateTimeFormat(data.locale, { timeZone: data.timezone, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const dayFormat = new Intl.DateTimeFormat(data.locale, { timeZone: data.timezone, year: "numeric", month: "2-digit", day: "2-digit" });

  const alerts = new Map(); // id -> alert
  const rows = new Map(); // id -> li
  const ticked = new Set(); // ids of open alerts selected for one acknowledgement
  let total = 0;
  let capped = false; // more match than the server counted: total is a floor ("10,000+")
  let next = null; // the cursor of the page after the loaded ones; null: all loaded
  const list = $("alerts");
  const form = $("filters");

  function when(iso) {
    return iso ? timeFormat.format(new Date(iso)) : "";
  }

  function announce(text) {
    $("sla-announce").textContent = text;
  }

  /* ---- filters <-> URL ---- */
  function filters() {
    const params = new URLSearchParams(location.search);
    const out = {};
    for (const key of FILTERS) if (params.get(key)) out[key] = params.get(key);
    return out;
  }

  function query(extra) {
    return new URLSearchParams(Object.assign({}, filters(), extra || {})).toString();
  }

  /* datetime-local (this machine's time) <-> ISO 8601 with a zone, as the API wants. */
  function toLocalInput(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function fillForm() {
    const f = filters();
    for (const key of FILTERS) {
      const input = form.elements[key];
      input.value = key === "from" || key === "to" ? (f[key] ? toLocalInput(f[key]) : "") : f[key] || "";
    }
    $("export").href = "/sla/alerts.csv" + (query() ? "?" + query() : "");
  }

  /* A new filter is a new page: the URL is the filter, and the live list starts from it. */
  function applyForm() {
    const params = new URLSearchParams();
    for (const key of FILTERS) {
      let value = form.elements[key].value;
      if ((key === "from" || key === "to") && value) value = new Date(value).toISOString();
      if (value) params.set(key, value);
    }
    location.assign(location.pathname + (params.toString() ? "?" + params : ""));
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    applyForm();
  });
  $("clear").addEventListener("click", () => {
    form.reset();
    for (const key of FILTERS) form.elements[key].value = "";
    applyForm();
  });
  form.querySelectorAll(".presets button").forEach((b) =>
    b.addEventListener("click", () => {
      const now = new Date(live.now());
      form.elements.from.value = toLocalInput(new Date(now - Number(b.dataset.hours) * 3600e3).toISOString());
      form.elements.to.value = "";
      applyForm();
    })
  );

  /* Does a live alert belong in the filtered list? */
  function matches(alert) {
    const f = filters();
    if (f.unit && alert.unit !== f.unit && unitParent[alert.unit] !== f.unit) return false;
    if (f.category && alert.category !== f.category) return false;
    if (f.stage && alert.stage !== f.stage) return false;
    if (f.kind && alert.kind !== f.kind) return false;
    if (f.acknowledged === "true") return false; // a new alert is not acknowledged yet
    if (f.from && Date.parse(alert.at) < Date.parse(f.from)) return false;
    if (f.to && Date.parse(alert.at) > Date.parse(f.to)) return false;
    return true;
  }

  /* ---- alert rows ---- */
  function ticketLink(number) {
    const a = el("a", "number", number);
    a.href = "/tickets/" + encodeURIComponent(number);
    return a;
  }

  function alertInfo(a) {
    const head = el("div", "a-head");
    head.append(
      el("span", "badge kind kind-" + a.kind, data.kinds[a.kind] || a.kind),
      el("span", "a-stage", data.stages[a.stage] || a.stage),
      ticketLink(a.number),
      priorityBadge(a.priority),
      el("span", "a-cat", categoryName(a.category) || ""),
    );
    const age = el("span", "age");
    age.dataset.since = a.at;
    age.textContent = t("ago", { age: Hotline.age(live.now() - Date.parse(a.at)) });
    head.append(age);
    const meta = el("div", "a-meta");
    meta.append(el("span", "a-unit", unitNames[a.unit] || a.unit || t("no_unit")), el("span", "a-due", t("due", { time: when(a.due_at) })));
    return [head, meta];
  }

  function ackState(a) {
    const box = el("div", "a-ack");
    if (a.acknowledged_at) {
      box.append(el("span", "acked", t("acknowledged_by", { name: a.acknowledged_by ? a.acknowledged_by.name : "", time: when(a.acknowledged_at) })));
      if (a.comment) box.append(el("q", "a-comment", a.comment));
    }
    return box;
  }

  function ackForm(a) {
    const f = el("form", "ack-form");
    f.noValidate = true;
    const input = el("input");
    input.name = "comment";
    input.maxLength = 2000;
    input.placeholder = t("comment");
    input.setAttribute("aria-label", t("comment") + " · " + a.number);
    const button = el("button", "primary", t("acknowledge"));
    button.type = "submit";
    f.append(input, button);
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      button.disabled = true;
      const answer = await request("POST", "/api/v1/sla/alerts/" + a.id + "/acknowledge", { comment: input.value.trim() || undefined });
      button.disabled = false;
      const li = rows.get(a.id);
      if (!answer.ok) {
        message(li, failureText(answer));
        return;
      }
      alerts.set(a.id, answer.data);
      announce(t("acked_alert", { number: a.number }));
      updateRow(li, answer.data);
      countOpen();
    });
    return f;
  }

  function message(li, text) {
    if (li) li.querySelector(".msg").textContent = text || "";
  }

  function buildRow(a) {
    const li = el("li", "alert");
    li.dataset.id = a.id;
    const box = el("input", "a-select");
    box.type = "checkbox";
    box.setAttribute("aria-label", t("select_alert", { number: a.number }));
    box.addEventListener("change", () => tick(a.id, box.checked));
    li.append(box, el("div", "a-info"), el("div", "a-ack-wrap"));
    const msg = el("p", "msg");
    msg.setAttribute("role", "status");
    li.append(msg);
    return li;
  }

  function updateRow(li, a) {
    li.className = "alert kind-" + a.kind + " prio-" + a.priority + (a.acknowledged_at ? " is-acked" : "") + (li.classList.contains("flash") ? " flash" : "");
    li.querySelector(".a-info").replaceChildren(...alertInfo(a));
    const wrap = li.querySelector(".a-ack-wrap");
    const hasForm = wrap.querySelector(".ack-form");
    if (a.acknowledged_at) wrap.replaceChildren(ackState(a));
    else if (!hasForm) wrap.replaceChildren(ackForm(a));
    li.querySelector(".a-select").hidden = !!a.acknowledged_at;
  }

  /* The API's order=urgent (hotline/sla/supervision/reports.py): open breaches, open
     warnings, the rest; then by deadline, then id. */
  function rank(a) {
    return a.acknowledged_at ? 2 : a.kind === "breach" ? 0 : 1;
  }

  function urgent(x, y) {
    return rank(x) - rank(y) || Date.parse(x.due_at) - Date.parse(y.due_at) || x.id - y.id;
  }

  function render() {
    const sorted = [...alerts.values()].sort(urgent);
    const nodes = sorted.map((a) => {
      let li = rows.get(a.id);
      if (!li) {
        li = buildRow(a);
        rows.set(a.id, li);
      }
      updateRow(li, a);
      return li;
    });
    for (const [id, li] of rows) if (!alerts.has(id)) rows.delete(id) && li.remove();
    const same = nodes.length === list.children.length && nodes.every((n, i) => list.children[i] === n);
    if (!same) list.replaceChildren(...nodes);
    const shownTotal = total.toLocaleString() + (capped ? "+" : "");
    $("count-alerts").textContent = shownTotal;
    $("alerts-empty").hidden = alerts.size > 0;
    const more = $("alerts-more");
    more.hidden = !next;
    $("alerts-more-text").textContent = t("more", { shown: alerts.size, total: shownTotal });
    showTicked();
  }

  /* ---- several acknowledged at once ---- */
  function showTicked() {
    for (const id of [...ticked]) if (!alerts.has(id) || alerts.get(id).acknowledged_at) ticked.delete(id);
    const open = [...alerts.values()].filter((a) => !a.acknowledged_at).length;
    const any = ticked.size > 0;
    $("ack-count").hidden = $("ack-comment").hidden = $("ack-go").hidden = !any;
    $("ack-count").textContent = t("selected", { n: ticked.size });
    $("ack-all").checked = open > 0 && ticked.size === open;
    $("ack-all").indeterminate = any && ticked.size < open;
    $("bulk-ack").hidden = open === 0;
    for (const [id, li] of rows) {
      const box = li.querySelector(".a-select");
      if (box) box.checked = ticked.has(id);
    }
  }

  function tick(id, on) {
    if (on) ticked.add(id);
    else ticked.delete(id);
    showTicked();
  }

  $("ack-all").addEventListener("change", (e) => {
    for (const a of alerts.values()) if (!a.acknowledged_at) tick(a.id, e.target.checked);
  });

  $("bulk-ack").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!ticked.size) return;
    const button = $("ack-go");
    button.disabled = true;
    const answer = await request("POST", "/api/v1/sla/alerts/acknowledge", { ids: [...ticked], comment: $("ack-comment").value.trim() || undefined });
    button.disabled = false;
    if (!answer.ok) {
      $("ack-msg").textContent = failureText(answer);
      return;
    }
    $("ack-msg").textContent = "";
    $("ack-comment").value = "";
    for (const a of answer.data.items) alerts.set(a.id, a);
    ticked.clear();
    announce(t("acked_many", { n: answer.data.items.length }));
    render();
    countOpen();
  });

  async function loadMore() {
    if (!next) return;
    const button = $("alerts-next");
    button.disabled = true;
    const answer = await request("GET", "/api/v1/sla/alerts?" + query({ order: "urgent", per_page: PAGE_SIZE, after: next }));
    button.disabled = false;
    if (!answer.ok) return;
    for (const a of answer.data.items) alerts.set(a.id, a);
    next = answer.data.next;
    total = answer.data.total;
    capped = answer.data.total_capped;
    render();
  }

  $("alerts-next").addEventListener("click", loadMore);

  /* ---- the open counts in the header ---- */
  async function countOpen() {
    for (const [kind, id] of [["breach", "open-breaches"], ["warning", "open-warnings"]]) {
      const answer = await request("GET", "/api/v1/sla/alerts?kind=" + kind + "&acknowledged=false&per_page=1");
      if (answer.ok) {
        const box = $(id);
        box.querySelector("b").textContent = answer.data.total.toLocaleString() + (answer.data.total_capped ? "+" : "");
        box.classList.toggle("zero", answer.data.total === 0);
      }
    }
  }

  /* ---- escalations ---- */
  function ladder(e) {
    const ol = el("ol", "ladder");
    for (const s of e.steps) {
      const li = el("li", "step" + (s.acknowledged_at ? " acked" : ""));
      li.append(el("b", "", data.audiences[s.audience] || s.audience), el("span", "", " " + when(s.at)));
      if (s.acknowledged_at) {
        li.append(el("span", "acked", " " + t("acknowledged_by", { name: s.acknowledged_by ? s.acknowledged_by.name : "", time: when(s.acknowledged_at) })));
        if (s.note) li.append(el("q", "", s.note));
      }
      ol.append(li);
    }
    return ol;
  }

  function escalationRow(e) {
    const li = el("li", "esc level-" + e.level + " prio-" + e.priority);
    const head = el("div", "a-head");
    head.append(
      el("span", "badge level", t("level", { level: e.level }) + " · " + (data.audiences[e.audience] || e.audience)),
      ticketLink(e.number),
      priorityBadge(e.priority),
      el("span", "a-cat", categoryName(e.category) || ""),
    );
    const meta = el("div", "a-meta");
    meta.append(
      el("span", "", t("reason_" + e.reason)),
      el("span", "a-unit", unitNames[e.unit] || e.unit || t("no_unit")),
      el("span", "", e.next_at ? t("next_climb", { time: when(e.next_at) }) : t("top")),
    );
    const f = el("form", "ack-form");
    f.noValidate = true;
    const input = el("input");
    input.maxLength = 2000;
    input.placeholder = t("note");
    input.setAttribute("aria-label", t("note") + " · " + e.number);
    const button = el("button", "primary", t("acknowledge"));
    button.type = "submit";
    f.append(input, button);
    const msg = el("p", "msg");
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      const answer = await request("POST", "/api/v1/sla/escalations/" + e.id + "/acknowledge", { note: input.value.trim() || undefined });
      button.disabled = false;
      if (!answer.ok) {
        msg.textContent = failureText(answer);
        return;
      }
      announce(t("acked_escalation", { number: e.number }));
      loadEscalations();
    });
    li.append(head, meta, ladder(e), f, msg);
    return li;
  }

  let typingIn = null; // a list whose form is being filled in is not redrawn under the cursor
  // `answer`: the page the items came from; its total may be more than the items shown
  function redraw(id, items, build, answer) {
    const box = $(id);
    if (box.contains(document.activeElement) && document.activeElement.value) {
      typingIn = id;
      return;
    }
    box.replaceChildren(...items.map(build));
    const all = answer ? answer.total : items.length;
    const count = all.toLocaleString() + (answer && answer.total_capped ? "+" : "");
    $("count-" + id).textContent = count;
    $("jump-" + id).textContent = count;
    $("count-" + id).title = all > items.length ? t("more", { shown: items.length, total: count }) : "";
    $(id + "-empty").hidden = items.length > 0;
  }

  async function loadEscalations() {
    const answer = await request("GET", "/api/v1/sla/escalations?open=1&per_page=100");
    if (answer.ok) redraw("escalations", answer.data.items, escalationRow, answer.data);
  }

  /* ---- extensions ---- */
  function extensionRow(x) {
    const li = el("li", "ext prio-" + x.priority);
    const head = el("div", "a-head");
    head.append(
      el("span", "badge plus", x.minutes % 60 ? t("plus_minutes", { minutes: x.minutes }) : t("plus_hours", { hours: x.minutes / 60 })),
      el("span", "a-stage", data.stages[x.stage] || x.stage),
      ticketLink(x.number),
      priorityBadge(x.priority),
    );
    const meta = el("div", "a-meta");
    meta.append(
      el("span", "a-unit", unitNames[x.unit] || x.unit || t("no_unit")),
      el("span", "a-due", t("due", { time: when(x.due_at) })),
      el("span", "", t("requested_by", { name: x.requested_by ? x.requested_by.name : "", time: when(x.requested_at) })),
    );
    const reason = el("p", "x-reason", x.reason);
    const f = el("form", "ack-form decide");
    f.noValidate = true;
    const input = el("input");
    input.maxLength = 2000;
    input.placeholder = t("note");
    input.setAttribute("aria-label", t("note") + " · " + x.number);
    const yes = el("button", "primary", t("approve"));
    const no = el("button", "secondary refuse", t("refuse"));
    yes.type = no.type = "button";
    const msg = el("p", "msg");
    async function decide(approve) {
      yes.disabled = no.disabled = true;
      const answer = await request("POST", "/api/v1/sla/extensions/" + x.id + "/decision", { approve, note: input.value.trim() || undefined });
      yes.disabled = no.disabled = false;
      if (!answer.ok && answer.status !== 409) {
        msg.textContent = failureText(answer);
        return;
      }
      if (answer.ok) announce(t(approve ? "decided_approved" : "decided_refused", { number: x.number }));
      input.value = "";
      loadExtensions(); // decided (here or by someone else): it leaves the list
    }
    yes.addEventListener("click", () => decide(true));
    no.addEventListener("click", () => decide(false));
    f.append(input, yes, no);
    // Four eyes: nobody decides their own request (the API refuses it too).
    const own = x.requested_by && x.requested_by.username === data.me;
    li.append(head, meta, reason, own ? el("p", "muted own-request", t("own_request")) : f, msg);
    return li;
  }

  async function loadExtensions() {
    const answer = await request("GET", "/api/v1/sla/extensions?status=pending&per_page=100");
    if (answer.ok) redraw("extensions", answer.data.items, extensionRow, answer.data);
  }

  /* ---- on-time rates ---- */
  function by() {
    return document.querySelector('input[name="by"]:checked').value;
  }

  function rateClass(rate) {
    if (rate === null) return "none";
    if (rate >= 0.95) return "good";
    if (rate >= 0.8) return "fair";
    return "poor";
  }

  function cell(c, tag) {
    const td = el(tag || "td", "rate");
    if (!c) {
      td.className = "rate none";
      td.textContent = "–";
      return td;
    }
    td.className = "rate " + rateClass(c.rate);
    td.append(el("b", "", c.rate === null ? "–" : Math.round(c.rate * 100) + "%"));
    if (c.total) {
      td.append(el("span", "frac", c.met + "/" + c.total));
      td.title = t("rate_title", { met: c.met, total: c.total });
    }
    if (c.overdue) {
      const over = el("span", "overdue", "⚠ " + c.overdue);
      over.title = t("overdue", { n: c.overdue });
      td.append(over);
    }
    return td;
  }

  async function loadOnTime() {
    const f = filters();
    const params = new URLSearchParams({ by: by() });
    if (f.from) params.set("from", f.from);
    if (f.to) params.set("to", f.to);
    const answer = await request("GET", "/api/v1/sla/on-time?" + params);
    const table = $("ontime");
    if (!answer.ok) {
      table.replaceChildren();
      return;
    }
    const r = answer.data;
    $("ontime-period").textContent = t("period", { from: dayFormat.format(new Date(r.from)), to: dayFormat.format(new Date(r.to)) });
    if (!r.groups.length) {
      table.replaceChildren(el("caption", "", t("no_data")));
      return;
    }
    const head = el("tr");
    head.append(el("th", "", t("col_group_" + r.by)), ...r.stages.map((s) => el("th", "", data.stages[s] || s)));
    const body = r.groups.map((g) => {
      const tr = el("tr");
      const name = g.key === null ? t("no_unit") : r.by === "unit" ? g.name : categoryName(g.key, g.name);
      const th = el("th", "", name);
      th.scope = "row";
      tr.append(th, ...r.stages.map((s) => cell(g.stages[s])));
      return tr;
    });
    const foot = el("tr", "all");
    const allTh = el("th", "", t("all"));
    allTh.scope = "row";
    foot.append(allTh, ...r.stages.map((s) => cell(r.all[s])));
    const thead = el("thead");
    thead.append(head);
    const tbody = el("tbody");
    tbody.append(...body);
    const tfoot = el("tfoot");
    tfoot.append(foot);
    table.replaceChildren(thead, tbody, tfoot);
  }

  document.querySelectorAll('input[name="by"]').forEach((r) => r.addEventListener("change", loadOnTime));

  /* ---- live ---- */
  function onSnapshot(snap) {
    alerts.clear();
    for (const a of snap.items) alerts.set(a.id, a);
    total = snap.total;
    capped = snap.total_capped;
    next = snap.next;
    render();
    countOpen();
    loadEscalations();
    loadExtensions();
  }

  let sideTimer = null;
  function refreshSide() {
    clearTimeout(sideTimer);
    sideTimer = setTimeout(() => {
      loadEscalations();
      loadOnTime();
      countOpen();
    }, 500);
  }

  function onEvent(ev) {
    if (ev.event === "sla.warning" || ev.event === "sla.breached") {
      const a = {
        id: ev.alert_id, kind: ev.event === "sla.breached" ? "breach" : "warning", stage: ev.stage, number: ev.number,
        priority: ev.priority, category: ev.category, unit: ev.unit, due_at: ev.due_at, at: ev.at || new Date(live.now()).toISOString(),
        acknowledged_at: null, acknowledged_by: null, comment: null,
      };
      if (matches(a) && !alerts.has(a.id)) {
        total += 1;
        const last = [...alerts.values()].sort(urgent).pop();
        if (next && last && urgent(a, last) > 0) return render(); // beyond the loaded pages: it comes with "more"
        alerts.set(a.id, a);
        render();
        const li = rows.get(a.id);
        li.classList.add("flash", "new");
        setTimeout(() => li.classList.remove("flash"), 6000);
        if (a.kind === "breach") announce(t("new_breach", { number: a.number, stage: data.stages[a.stage] || a.stage }));
      }
      refreshSide();
    } else if (ev.event === "escalation" || ev.event === "escalation.acknowledged") {
      refreshSide();
    }
  }

  /* A URL with a bad filter (edited by hand, an old bookmark): say what is wrong and
     show everything rather than retrying a request that can never succeed. */
  async function checkFilters() {
    const answer = await request("GET", "/api/v1/sla/alerts?" + query({ per_page: 1 }));
    if (answer.status !== 422) return;
    const box = form.querySelector('[data-error-for=""]');
    box.textContent = t("bad_filter") + " " + fieldsLine(answer, "; ");
    box.hidden = false;
    history.replaceState(null, "", location.pathname);
  }

  let live = { now: () => Date.now(), reload() {} };
  checkFilters().then(() => {
    fillForm();
    live = Hotline.live({
      snapshotUrl: "/api/v1/sla/alerts?" + query({ order: "urgent", per_page: PAGE_SIZE }),
      onSnapshot,
      onEvent,
      onState: Hotline.showState,
    });
    loadOnTime();
  });

  setInterval(() => {
    const now = live.now();
    document.querySelectorAll(".age[data-since]").forEach((n) => (n.textContent = t("ago", { age: Hotline.age(now - Date.parse(n.dataset.since)) })));
  }, 1000);
  // Requests and rates change without a live event of their own: a quiet refresh.
  setInterval(() => {
    if (typingIn !== "extensions") loadExtensions();
    typingIn = null;
    loadOnTime();
  }, 60000);
})();
