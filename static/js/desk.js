/* The dispatch desk: the queue waiting for dispatch (new and returned) and the work in
   progress, late first (emergencies, then missed and warned deadlines: deadline.js);
   dispatch (派单) and transfer (转办) from the keyboard. Rows are updated in place so a
   live event never wipes a form being filled in.
   Each card shows what the caller said and where (GET /api/v1/desk/tickets: the live
   card has neither, it reaches wall boards too), and for a waiting ticket the unit the
   routing rules suggest, the least loaded of the rule's crews by the live load. The unit
   field is type-ahead (a datalist of the units). Filters and saved views (per person, on
   the server); selected cards go to one unit in one request (POST /api/v1/desk/dispatch). */
(function () {
  "use strict";

  const { $, t, el, option, request, failureText, statusName, categoryName, statusBadge, priorityBadge } = Hotline;

  const tickets = new Map(); // number -> board ticket: the snapshot's window, and what arrived live since
  /* The snapshot (GET /api/v1/desk/board, filtered on the server) holds each list's most urgent
     cards and counts the rest: per list, `beyond` the tickets matching the filters the desk holds no
     card for, `beyondAll` those with or without the filters. A list's count is its cards plus those. */
  let beyond = {};
  let beyondAll = {};
  const details = new Map(); // number -> {version, matter, address, area, suggestion}
  const selected = new Set(); // numbers of the queue's cards ticked for dispatch at once
  const rows = new Map(); // number -> {li, group}
  const reasons = new Map(); // number -> {version, text}: why a unit returned it
  let units = []; // from /api/v1/units, with load from the snapshot and the ticket events
  const load = new Map();

  const lists = { queue: $("queue"), progress: $("progress") };

  /* The queue waiting for dispatch, or the work in progress (a unit has it). */
  function groupOf(ticket) {
    if (Hotline.WAITING.has(ticket.status)) return "queue";
    if (Hotline.WITH_UNIT.has(ticket.status)) return "progress";
    return null;
  }

  function unitName(code) {
    const unit = units.find((u) => u.code === code);
    return unit ? unit.name : code || "";
  }

  /* The units work may go to, with their load, as the unit fields' type-ahead list: typing
     a part of the name or the code narrows it (the browser's datalist). */
  function unitOptions() {
    const options = [];
    for (const u of units) {
      if (u.kind === "center" || u.takes_work_orders === false) continue; // offers only units work may go to
      const n = load.get(u.code) || 0;
      const o = option(u.code, u.name + " · " + t("load", { n }));
      options.push(o);
    }
    $("desk-units").replaceChildren(...options);
  }

  /* The unit a field names: its code, or a unit's whole name (any case); null if none. */
  function unitCode(text) {
    const v = text.trim().toLowerCase();
    if (!v) return null;
    const u = units.find((x) => x.code.toLowerCase() === v || x.name.toLowerCase() === v);
    return u ? u.code : null;
  }

  function unitInput(name) {
    const input = el("input");
    input.name = name || "unit";
    input.dataset.role = "unit";
    input.setAttribute("list", "desk-units");
    input.autocomplete = "off";
    input.placeholder = t("choose_unit");
    input.addEventListener("focus", () => input.select()); // typing replaces the suggestion
    input.addEventListener("input", () => (input.dataset.touched = "1"));
    return input;
  }

  /* The routing rule's suggestion with today's load: the least loaded of its candidates
     (the first on ties), as the server chose it (dispatch/desk/services.py). */
  function suggestion(number) {
    const s = details.get(number)?.suggestion;
    if (!s) return null;
    let best = s.candidates[0];
    for (const c of s.candidates) if ((load.get(c) ?? 0) < (load.get(best) ?? 0)) best = c;
    return { unit: best, load: load.get(best) ?? 0, rule: s.rule };
  }

  function suggestionLine(number) {
    const d = details.get(number);
    if (!d) return null;
    const s = suggestion(number);
    if (!s) return el("div", "j-suggest none", t("no_rule"));
    const rule = categoryName(s.rule.category) + " · " + (s.rule.area || t("rule_any_area")) + " → " + unitName(s.rule.unit);
    return el("div", "j-suggest", t("suggested", { unit: unitName(s.unit), rule, n: s.load }));
  }

  function field(label, control, cls) {
    const wrap = el("div", "field " + (cls || ""));
    const id = "f-" + Math.random().toString(36).slice(2);
    control.id = id;
    const lab = el("label", "", label);
    lab.htmlFor = id;
    wrap.append(lab, control);
    return wrap;
  }

  /* ---- rows ---- */
  function info(ticket) {
    const head = el("div", "j-head");
    head.append(priorityBadge(ticket.priority));
    const link = el("a", "number", ticket.number);
    link.href = "/tickets/" + encodeURIComponent(ticket.number);
    link.title = t("open_ticket", { number: ticket.number });
    head.append(link);
    if (ticket.status !== "new") head.append(statusBadge(ticket.status));
    head.append(el("span", "j-cat", categoryName(ticket.category)));
    const age = el("span", "age");
    age.dataset.since = ticket.created_at;
    age.textContent = Hotline.age(desk.now() - Date.parse(ticket.created_at));
    head.append(age);
    const parts = [head];
    if (ticket.sla || ticket.escalation) parts.push(deadline(ticket));
    const d = details.get(ticket.number);
    if (d && d.matter) {
      const said = el("p", "j-matter", d.matter);
      said.title = d.matter;
      parts.push(said);
    }
    // The address as this person may see it; until it comes, the live card's street.
    const where = d ? d.address : ticket.street;
    if (where) parts.push(el("div", "j-addr", where));
    if (ticket.status === "returned") {
      const r = reasons.get(ticket.number);
      const p = el("p", "j-reason", r && r.text ? t("returned_because", { reason: r.text }) : t("returned_see"));
      parts.push(p);
      if (!r || r.version !== ticket.version) fetchReason(ticket);
    }
    if (groupOf(ticket) === "progress" && ticket.unit) parts.push(el("div", "j-unit", "→ " + unitName(ticket.unit)));
    if (groupOf(ticket) === "queue") {
      const line = suggestionLine(ticket.number);
      if (line) parts.push(line);
    }
    return parts;
  }

  /* The nearest deadline ticking (as on the wall board) and an unacknowledged escalation. */
  function deadline(ticket) {
    const line = el("div", "j-deadline");
    line.append(Hotline.deadline.slot(ticket.sla));
    if (ticket.escalation) {
      const level = ticket.escalation.audience || "unit";
      line.append(el("span", "badge escalated escalated-" + level, t("escalated_" + level)));
    }
    return line;
  }

  function showDeadlines(now) {
    for (const { li } of rows.values()) {
      const node = li.querySelector(".sla[data-stage]");
      const state = node ? Hotline.deadline.show(node, now) : null;
      li.classList.toggle("sla-warned", state === "warned");
      li.classList.toggle("sla-breached", state === "breached");
    }
  }

  async function fetchReason(ticket) {
    reasons.set(ticket.number, { version: ticket.version, text: null });
    const answer = await request("GET", "/api/v1/tickets/" + encodeURIComponent(ticket.number));
    if (!answer.ok) return;
    const back = (answer.data.timeline || []).filter((e) => e.kind === "return").pop();
    reasons.set(ticket.number, { version: answer.data.version, text: back ? back.message : null });
    const row = rows.get(ticket.number);
    if (row && tickets.has(ticket.number)) updateRow(row.li, tickets.get(ticket.number));
  }

  function message(li, text, ok) {
    const box = li.querySelector(".j-msg");
    box.textContent = text || "";
    box.classList.toggle("ok", !!ok);
  }

  function dispatchForm(ticket) {
    const form = el("form", "dispatch-form");
    form.noValidate = true;
    const select = unitInput();
    const instr = el("input");
    instr.name = "instructions";
    instr.maxLength = 2000;
    const button = el("button", "primary", t("dispatch"));
    button.type = "submit";
    form.append(field(t("unit"), select), field(t("instructions"), instr), button);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(form, ticket.number, "dispatch", () => {
        const code = unitCode(select.value);
        if (!select.value.trim()) return { error: t("unit_required"), focus: select };
        if (!code) return { error: t("unit_unknown", { text: select.value.trim() }), focus: select };
        return { body: { unit: code, instructions: instr.value.trim() || undefined }, done: (d) => t("dispatched_to", { number: d.number, unit: unitName(d.unit) }) };
      });
    });
    return form;
  }

  function transferForm(ticket) {
    const open = el("button", "secondary transfer-open", t("transfer"));
    open.type = "button";
    const form = el("form", "transfer-form");
    form.noValidate = true;
    form.hidden = true;
    const select = unitInput();
    const reason = el("input");
    reason.name = "reason";
    reason.maxLength = 1000;
    const submit = el("button", "primary", t("transfer"));
    submit.type = "submit";
    const cancel = el("button", "secondary", t("cancel"));
    cancel.type = "button";
    form.append(field(t("transfer_to"), select), field(t("reason"), reason, "reason"), submit, cancel);
    open.addEventListener("click", () => {
      form.hidden = false;
      open.hidden = true;
      select.focus();
    });
    const close = () => {
      form.hidden = true;
      open.hidden = false;
      open.focus();
    };
    cancel.addEventListener("click", close);
    form.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        close();
      }
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(form, ticket.number, "transfer", () => {
        const code = unitCode(select.value);
        if (!select.value.trim()) return { error: t("unit_required"), focus: select };
        if (!code) return { error: t("unit_unknown", { text: select.value.trim() }), focus: select };
        if (!reason.value.trim()) return { error: t("reason_required"), focus: reason };
        return { body: { unit: code, reason: reason.value.trim() }, done: (d) => t("transferred_to", { number: d.number, unit: unitName(d.unit) }) };
      });
    });
    const wrap = el("div", "j-actions");
    wrap.append(open, form);
    return wrap;
  }

  async function act(form, number, action, build) {
    const li = form.closest(".job");
    const plan = build();
    if (plan.error) {
      message(li, plan.error);
      plan.focus.focus();
      return;
    }
    const ticket = tickets.get(number);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    message(li, t("sending"), true);
    const answer = await request("POST", "/api/v1/tickets/" + encodeURIComponent(number) + "/" + action, { ...plan.body, version: ticket.version });
    buttons.forEach((b) => (b.disabled = false));
    if (answer.ok) {
      const d = answer.data;
      merge(cardOf(d));
      announce(plan.done(d));
      // Keep the keyboard moving: the next ticket in the queue.
      if (action === "dispatch") focusFirst("queue");
      return;
    }
    if (answer.status === 409 && answer.data && answer.data.ticket) {
      const cur = answer.data.ticket;
      merge(cardOf(cur));
      const row = rows.get(number);
      if (row) message(row.li, t("conflict", { status: statusName(cur.status) }));
      return;
    }
    message(li, failureText(answer));
  }

  /* The fields of the live card an action's answer (a ticket) carries. */
  function cardOf(d) {
    return { number: d.number, status: d.status, priority: d.priority, category: d.category, unit: d.unit, version: d.version, created_at: d.created_at };
  }

  function announce(text) {
    $("desk-announce").textContent = text;
  }

  function buildRow(ticket, group) {
    const li = el("li", "job");
    li.tabIndex = 0;
    li.dataset.number = ticket.number;
    if (group === "queue") {
      const box = el("input", "j-select");
      box.type = "checkbox";
      box.setAttribute("aria-label", t("select_ticket", { number: ticket.number }));
      box.checked = selected.has(ticket.number);
      box.addEventListener("change", () => toggleSelect(ticket.number, box.checked));
      li.append(box);
    }
    li.append(el("div", "j-info"));
    li.append(group === "queue" ? dispatchForm(ticket) : transferForm(ticket));
    const msg = el("p", "j-msg");
    msg.setAttribute("role", "status");
    li.append(msg);
    return li;
  }

  function updateRow(li, ticket) {
    li.className = "job prio-" + ticket.priority + " status-" + ticket.status + (selected.has(ticket.number) ? " is-selected" : "");
    li.querySelector(".j-info").replaceChildren(...info(ticket));
    // The unit field starts at the suggestion until the person types in it.
    const field = li.querySelector('.dispatch-form input[data-role="unit"]');
    const s = suggestion(ticket.number);
    if (field && !field.dataset.touched && document.activeElement !== field) field.value = s ? s.unit : "";
  }

  const ranked = new Map(); // number -> its deadline's rank when the desk was last sorted

  function rankChanged(now) {
    for (const ticket of tickets.values()) {
      if (ranked.get(ticket.number) !== Hotline.deadline.rank(ticket, now)) return true;
    }
    return false;
  }

  function render() {
    const focused = document.activeElement;
    const now = desk.now();
    const order = Hotline.deadline.lateFirst(now);
    ranked.clear();
    for (const ticket of tickets.values()) ranked.set(ticket.number, Hotline.deadline.rank(ticket, now));
    const want = { queue: [], progress: [] };
    const all = { queue: 0, progress: 0 };
    const f = filters();
    for (const ticket of tickets.values()) {
      const g = groupOf(ticket);
      if (!g) continue;
      all[g] += 1;
      if (passes(ticket, f, now)) want[g].push(ticket);
    }
    for (const number of [...selected]) if (!want.queue.some((x) => x.number === number)) selected.delete(number);
    for (const [number, row] of rows) {
      const ticket = tickets.get(number);
      if (!ticket || groupOf(ticket) !== row.group) {
        row.li.remove();
        rows.delete(number);
      }
    }
    for (const [group, list] of Object.entries(want)) {
      list.sort(order);
      const nodes = list.map((ticket) => {
        let row = rows.get(ticket.number);
        if (!row) {
          row = { li: buildRow(ticket, group), group };
          rows.set(ticket.number, row);
        }
        updateRow(row.li, ticket);
        return row.li;
      });
      const ol = lists[group];
      const same = nodes.length === ol.children.length && nodes.every((n, i) => ol.children[i] === n);
      if (!same) ol.replaceChildren(...nodes);
      const count = $("count-" + group);
      const rest = beyond[group] || 0;
      const shown = list.length + rest;
      const total = all[group] + (beyondAll[group] || 0);
      count.textContent = shown === total ? shown : t("filtered", { shown, total });
      $(group + "-empty").hidden = shown > 0;
      const more = $(group + "-more");
      more.hidden = !rest;
      more.textContent = rest ? t("more_beyond", { n: rest }) : "";
    }
    showDeadlines(now);
    showSelection();
    if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
  }

  function merge(ticket) {
    const known = tickets.get(ticket.number);
    if (known && ticket.version < known.version) return;
    // A card leaving a list with tickets beyond the window: the next of them comes in.
    if (known && groupOf(known) !== groupOf(ticket) && beyond[groupOf(known)]) desk.reload();
    if (!groupOf(ticket)) tickets.delete(ticket.number);
    else tickets.set(ticket.number, Object.assign(known || {}, Object.fromEntries(Object.entries(ticket).filter(([, v]) => v !== undefined))));
    const d = details.get(ticket.number);
    if (groupOf(ticket) && (!d || d.version < ticket.version)) fetchDetails([ticket.number]);
    render();
  }

  /* ---- details: the caller's words, the address, the suggestion ---- */
  let wanted = new Set(); // numbers to ask for; null: every ticket on the desk
  let detailTimer = null;

  function fetchDetails(numbers) {
    if (numbers === null) wanted = null;
    else if (wanted !== null) numbers.forEach((n) => wanted.add(n));
    clearTimeout(detailTimer);
    detailTimer = setTimeout(loadDetails, 150); // a burst of events: one request
  }

  const DETAILS_AT_ONCE = 200; // GET /api/v1/desk/tickets takes at most 200 numbers

  async function loadDetails() {
    const ask = wanted === null ? new Set(tickets.keys()) : wanted; // null: every card the desk holds
    wanted = new Set();
    const numbers = [...ask];
    for (let i = 0; i < numbers.length; i += DETAILS_AT_ONCE) {
      const query = numbers.slice(i, i + DETAILS_AT_ONCE).map((n) => "number=" + encodeURIComponent(n)).join("&");
      const answer = await request("GET", "/api/v1/desk/tickets?" + query);
      if (!answer.ok) return;
      for (const d of answer.data.items) details.set(d.number, d);
    }
    render();
  }

  /* ---- several at once ---- */
  function toggleSelect(number, on) {
    if (on) selected.add(number);
    else selected.delete(number);
    const row = rows.get(number);
    if (row) row.li.classList.toggle("is-selected", on);
    showSelection();
  }

  function showSelection() {
    const bar = $("bulk");
    bar.hidden = selected.size === 0;
    $("bulk-count").textContent = t("selected", { n: selected.size });
    for (const [number, row] of rows) {
      const box = row.li.querySelector(".j-select");
      if (box) box.checked = selected.has(number);
    }
    const shown = [...lists.queue.querySelectorAll(".job")].length;
    const all = $("select-all");
    all.checked = shown > 0 && selected.size === shown;
    all.indeterminate = selected.size > 0 && selected.size < shown;
  }

  $("select-all").addEventListener("change", (e) => {
    lists.queue.querySelectorAll(".job").forEach((li) => toggleSelect(li.dataset.number, e.target.checked));
  });
  $("bulk-none").addEventListener("click", () => {
    [...selected].forEach((n) => toggleSelect(n, false));
    $("bulk-msg").textContent = "";
  });

  $("bulk").addEventListener("submit", async (e) => {
    e.preventDefault();
    const field = $("bulk-unit");
    const msg = $("bulk-msg");
    const code = unitCode(field.value);
    if (!code) {
      msg.textContent = field.value.trim() ? t("unit_unknown", { text: field.value.trim() }) : t("unit_required");
      field.focus();
      return;
    }
    const items = [...selected].filter((n) => tickets.has(n)).map((n) => ({ number: n, version: tickets.get(n).version }));
    const button = e.target.querySelector('button[type="submit"]');
    button.disabled = true;
    msg.textContent = t("sending");
    const answer = await request("POST", "/api/v1/desk/dispatch", { unit: code, tickets: items, instructions: $("bulk-instructions").value.trim() || undefined });
    button.disabled = false;
    if (!answer.ok) {
      msg.textContent = failureText(answer);
      return;
    }
    const failed = [];
    for (const r of answer.data.results) {
      if (r.ok) {
        selected.delete(r.number);
        merge(cardOf(r.ticket));
        continue;
      }
      if (r.current) merge(cardOf(r.current));
      const row = rows.get(r.number);
      if (row) message(row.li, r.message);
      failed.push(t("bulk_failed", { number: r.number, message: r.message }));
    }
    const done = t("bulk_done", { ok: answer.data.dispatched, total: items.length, unit: unitName(code) });
    msg.textContent = [done, ...failed].join(" ");
    announce(done);
    if (!failed.length) $("bulk-instructions").value = "";
    showSelection();
  });

  /* ---- filters and saved views ---- */
  const filterForm = $("desk-filters");
  const FILTERS = ["category", "area", "priority", "state", "late"];
  let views = [];

  function filters() {
    const f = {};
    for (const key of FILTERS) if (filterForm.elements[key].value) f[key] = filterForm.elements[key].value;
    return f;
  }

  function passes(ticket, f, now) {
    if (f.category && ticket.category !== f.category) return false;
    if (f.priority && ticket.priority !== f.priority) return false;
    if (f.state && ticket.status !== f.state) return false;
    if (f.area && details.get(ticket.number)?.area !== f.area) return false;
    if (f.late) {
      const state = Hotline.deadline.state(ticket.sla, now);
      const ok = f.late === "late" ? state === "breached" : f.late === "warned" ? state === "warned" : state === "breached" || state === "warned";
      if (!ok) return false;
    }
    return true;
  }

  function setFilters(f) {
    for (const key of FILTERS) {
      const sel = filterForm.elements[key];
      const value = f[key] || "";
      if (value && ![...sel.options].some((o) => o.value === value)) sel.append(option(value, value)); // an area no longer listed
      sel.value = value;
    }
    render();
    desk.reload(); // the server's window and counts for these filters
  }

  filterForm.addEventListener("change", (e) => {
    if (e.target.id === "df-view") {
      const v = views.find((x) => String(x.id) === e.target.value);
      setFilters(v ? v.filters : {});
      $("df-delete").hidden = !v;
      return;
    }
    if (FILTERS.includes(e.target.name)) {
      $("df-view").value = "";
      $("df-delete").hidden = true;
      render();
      desk.reload(); // the server's window and counts for these filters
    }
  });
  filterForm.addEventListener("submit", (e) => e.preventDefault());
  $("df-clear").addEventListener("click", () => {
    $("df-view").value = "";
    $("df-delete").hidden = true;
    setFilters({});
  });
  $("df-save").addEventListener("click", () => {
    const box = $("df-save-box");
    box.hidden = !box.hidden;
    if (!box.hidden) $("df-name").focus();
  });
  $("df-name").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      saveView();
    }
  });
  $("df-save-go").addEventListener("click", saveView);
  $("df-delete").addEventListener("click", async () => {
    const id = $("df-view").value;
    if (!id) return;
    const answer = await request("DELETE", "/api/v1/desk/views/" + id);
    if (!answer.ok) return showError(failureText(answer));
    await loadViews("");
    $("df-delete").hidden = true;
  });

  function showError(text) {
    Hotline.showText($("df-error"), text);
  }

  async function saveView() {
    const name = $("df-name").value.trim();
    if (!name) return showError(t("view_name_required"));
    const answer = await request("POST", "/api/v1/desk/views", { name, filters: filters() });
    if (!answer.ok) return showError(failureText(answer));
    showError("");
    $("df-save-box").hidden = true;
    $("df-name").value = "";
    announce(t("view_saved", { name }));
    await loadViews(String(answer.data.id));
    $("df-delete").hidden = false;
  }

  async function loadViews(chosen) {
    const answer = await request("GET", "/api/v1/desk/views");
    if (!answer.ok) return;
    views = answer.data.items;
    const sel = $("df-view");
    sel.replaceChildren(option("", "—"), ...views.map((v) => option(String(v.id), v.name)));
    sel.value = chosen || "";
  }

  loadViews("");

  /* ---- keyboard ---- */
  function focusFirst(group) {
    const first = lists[group].querySelector(".job");
    if (first) first.focus();
  }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    const typing = target.matches("input, textarea, select");
    const row = target.closest && target.closest(".job");
    if (e.key === "Escape" && row && typing) {
      row.focus();
      return;
    }
    if (e.key === "Enter" && target.tagName === "SELECT" && target.form) {
      target.form.requestSubmit(); // a select does not submit its form by itself
      e.preventDefault();
      return;
    }
    if (typing) return;
    const key = e.key.toLowerCase();
    if (key === "1" || key === "2") {
      focusFirst(key === "1" ? "queue" : "progress");
      e.preventDefault();
      return;
    }
    if (!row) {
      if (key === "j" || e.key === "ArrowDown") {
        focusFirst("queue");
        e.preventDefault();
      }
      return;
    }
    if (key === "j" || e.key === "ArrowDown" || key === "k" || e.key === "ArrowUp") {
      const all = [...document.querySelectorAll(".job")];
      const next = all[all.indexOf(row) + (key === "j" || e.key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
      e.preventDefault();
    } else if (key === "d" || (e.key === "Enter" && target === row)) {
      const field = row.querySelector('.dispatch-form input[data-role="unit"]');
      if (field) field.focus();
      else row.querySelector(".transfer-open")?.click();
      e.preventDefault();
    } else if (key === "t") {
      row.querySelector(".transfer-open")?.click();
      e.preventDefault();
    } else if (key === "x") {
      const box = row.querySelector(".j-select");
      if (box) toggleSelect(row.dataset.number, !box.checked);
      e.preventDefault();
    }
  });

  /* ---- live ---- */
  /* Units' load (the snapshot's list, or the units a ticket event touched) into the unit
     choices, except one being chosen from. */
  function showLoad(list) {
    for (const u of list || []) load.set(u.code, u.load);
    unitOptions();
  }

  function onSnapshot(snap) {
    tickets.clear();
    for (const ticket of snap.tickets) tickets.set(ticket.number, ticket);
    beyond = {};
    beyondAll = {};
    for (const [group, lane] of Object.entries(snap.lanes || {})) {
      beyond[group] = lane.more.total;
      const held = snap.tickets.filter((x) => groupOf(x) === group).length;
      beyondAll[group] = Math.max(0, (lane.all ?? lane.total) - held);
    }
    load.clear();
    showLoad(snap.units);
    render();
    fetchDetails(null);
  }

  /* sla.warning / sla.breached (with the ticket's nearest deadline), escalation,
     escalation.acknowledged: they name a ticket but carry no status; the row's deadline or
     badge changes, nothing else. */
  function onDeadlineEvent(ev) {
    const known = tickets.get(ev.number);
    if (!known) {
      if (!ev.event.startsWith("escalation")) countsChanged(); // late or warned now: it may belong in the window
      return;
    }
    if (ev.event === "escalation") {
      if (!known.escalation || ev.level >= known.escalation.level) known.escalation = { level: ev.level, audience: ev.audience };
    } else if (ev.event === "escalation.acknowledged") {
      known.escalation = null;
    } else if (!Hotline.deadline.applyEvent(known, ev)) {
      desk.reload(); // an event written before SLA events carried the nearest deadline: the snapshot has it
    }
    render();
  }

  function onEvent(ev) {
    if (!ev.number) return;
    if (ev.event === "sla.warning" || ev.event === "sla.breached" || String(ev.event).startsWith("escalation")) return onDeadlineEvent(ev);
    if (!String(ev.event).startsWith("ticket.")) return;
    // The event is the ticket's card, and the load of the units it touched (newer than
    // any the desk has: events come in order), so the desk needs no snapshot for it.
    showLoad(ev.units);
    if (!tickets.has(ev.number) && ev.event !== "ticket.created" && countsChanged()) return;
    merge(Hotline.ticketCard(ev));
  }

  /* News of a ticket the desk holds no card for: with tickets beyond the window it may be one of
     them (which list it leaves, late or not), so the window and counts come again (debounced: a
     burst of events, one request); true then. Without any, the desk holds every open ticket. */
  function countsChanged() {
    const any = (counts) => Object.values(counts).some((n) => n > 0);
    if (!any(beyond) && !any(beyondAll)) return false;
    desk.reload();
    return true;
  }

  /* The snapshot for the filters chosen: the server picks the most urgent matching cards. */
  function snapshotUrl() {
    const f = filters();
    const query = Object.keys(f).map((k) => k + "=" + encodeURIComponent(f[k])).join("&");
    return "/api/v1/desk/board" + (query ? "?" + query : "");
  }

  const desk = Hotline.live({ snapshotUrl, onSnapshot, onEvent, onState: Hotline.showState });

  request("GET", "/api/v1/units").then((answer) => {
    if (!answer.ok) return;
    units = answer.data.items;
    unitOptions();
    render();
  });

  setInterval(() => {
    const now = desk.now();
    if (rankChanged(now)) return render(); // a deadline passed: the late row moves up
    document.querySelectorAll(".age[data-since]").forEach((n) => (n.textContent = Hotline.age(now - Date.parse(n.dataset.since))));
    showDeadlines(now);
  }, 1000);
})();
