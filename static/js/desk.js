/* The dispatch desk: the queue waiting for dispatch (new and returned) and the work in
   progress, late first (emergencies, then missed and warned deadlines: deadline.js);
   dispatch (派单) and transfer (转办) from the keyboard. Rows are updated in place so a
   live event never wipes a form being filled in. */
(function () {
  "use strict";

  const { $, t, el, option, request, failureText, statusName, categoryName, statusBadge, priorityBadge } = Hotline;

  const tickets = new Map(); // number -> board ticket
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

  function unitOptions(select, exclude) {
    const keep = select.value;
    const options = [option("", t("choose_unit"))];
    for (const u of units) {
      if (u.kind === "center" || u.takes_work_orders === false || u.code === exclude) continue; // offers only units work may go to
      const n = load.get(u.code) || 0;
      options.push(option(u.code, (u.parent ? "\u3000" : "") + u.name + (n ? " · " + t("load", { n }) : "")));
    }
    select.replaceChildren(...options);
    select.value = keep;
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
    const where = ticket.address || ticket.street; // the card (board, events) has the street only
    if (where) parts.push(el("div", "j-addr", where));
    if (ticket.status === "returned") {
      const r = reasons.get(ticket.number);
      const p = el("p", "j-reason", r && r.text ? t("returned_because", { reason: r.text }) : t("returned_see"));
      parts.push(p);
      if (!r || r.version !== ticket.version) fetchReason(ticket);
    }
    if (groupOf(ticket) === "progress" && ticket.unit) parts.push(el("div", "j-unit", "→ " + unitName(ticket.unit)));
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
    const select = el("select");
    select.name = "unit";
    select.dataset.role = "unit";
    unitOptions(select);
    const instr = el("input");
    instr.name = "instructions";
    instr.maxLength = 2000;
    const button = el("button", "primary", t("dispatch"));
    button.type = "submit";
    form.append(field(t("unit"), select), field(t("instructions"), instr), button);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(form, ticket.number, "dispatch", () => {
        if (!select.value) return { error: t("unit_required"), focus: select };
        return { body: { unit: select.value, instructions: instr.value.trim() || undefined }, done: (d) => t("dispatched_to", { number: d.number, unit: unitName(d.unit) }) };
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
    const select = el("select");
    select.name = "unit";
    select.dataset.role = "unit";
    const reason = el("input");
    reason.name = "reason";
    reason.maxLength = 1000;
    const submit = el("button", "primary", t("transfer"));
    submit.type = "submit";
    const cancel = el("button", "secondary", t("cancel"));
    cancel.type = "button";
    form.append(field(t("transfer_to"), select), field(t("reason"), reason, "reason"), submit, cancel);
    open.addEventListener("click", () => {
      unitOptions(select, tickets.get(ticket.number)?.unit);
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
        if (!select.value) return { error: t("unit_required"), focus: select };
        if (!reason.value.trim()) return { error: t("reason_required"), focus: reason };
        return { body: { unit: select.value, reason: reason.value.trim() }, done: (d) => t("transferred_to", { number: d.number, unit: unitName(d.unit) }) };
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
      merge({ number: d.number, status: d.status, priority: d.priority, category: d.category, unit: d.unit, version: d.version, address: d.address, created_at: d.created_at });
      announce(plan.done(d));
      // Keep the keyboard moving: the next ticket in the queue.
      if (action === "dispatch") focusFirst("queue");
      return;
    }
    if (answer.status === 409 && answer.data && answer.data.ticket) {
      const cur = answer.data.ticket;
      merge({ number: cur.number, status: cur.status, priority: cur.priority, category: cur.category, unit: cur.unit, version: cur.version, address: cur.address, created_at: cur.created_at });
      const row = rows.get(number);
      if (row) message(row.li, t("conflict", { status: statusName(cur.status) }));
      return;
    }
    message(li, failureText(answer));
  }

  function announce(text) {
    $("desk-announce").textContent = text;
  }

  function buildRow(ticket, group) {
    const li = el("li", "job");
    li.tabIndex = 0;
    li.dataset.number = ticket.number;
    li.append(el("div", "j-info"));
    li.append(group === "queue" ? dispatchForm(ticket) : transferForm(ticket));
    const msg = el("p", "j-msg");
    msg.setAttribute("role", "status");
    li.append(msg);
    return li;
  }

  function updateRow(li, ticket) {
    li.className = "job prio-" + ticket.priority + " status-" + ticket.status;
    li.querySelector(".j-info").replaceChildren(...info(ticket));
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
    for (const ticket of tickets.values()) {
      const g = groupOf(ticket);
      if (g) want[g].push(ticket);
    }
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
      $("count-" + group).textContent = list.length;
      $(group + "-empty").hidden = list.length > 0;
    }
    showDeadlines(now);
    if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
  }

  function merge(ticket) {
    const known = tickets.get(ticket.number);
    if (known && ticket.version < known.version) return;
    if (!groupOf(ticket)) tickets.delete(ticket.number);
    else tickets.set(ticket.number, Object.assign(known || {}, Object.fromEntries(Object.entries(ticket).filter(([, v]) => v !== undefined))));
    render();
  }

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
      const select = row.querySelector(".dispatch-form select");
      if (select) select.focus();
      else row.querySelector(".transfer-open")?.click();
      e.preventDefault();
    } else if (key === "t") {
      row.querySelector(".transfer-open")?.click();
      e.preventDefault();
    }
  });

  /* ---- live ---- */
  /* Units' load (the snapshot's list, or the units a ticket event touched) into the unit
     choices, except one being chosen from. */
  function showLoad(list) {
    for (const u of list || []) load.set(u.code, u.load);
    document.querySelectorAll('select[data-role="unit"]').forEach((s) => {
      if (document.activeElement !== s) unitOptions(s, s.closest(".transfer-form") ? tickets.get(s.closest(".job").dataset.number)?.unit : undefined);
    });
  }

  function onSnapshot(snap) {
    tickets.clear();
    for (const ticket of snap.tickets) tickets.set(ticket.number, ticket);
    load.clear();
    showLoad(snap.units);
    render();
  }

  /* sla.warning / sla.breached (with the ticket's nearest deadline), escalation,
     escalation.acknowledged: they name a ticket but carry no status; the row's deadline or
     badge changes, nothing else. */
  function onDeadlineEvent(ev) {
    const known = tickets.get(ev.number);
    if (!known) return;
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
    merge(Hotline.ticketCard(ev));
    showLoad(ev.units);
  }

  const desk = Hotline.live({ snapshotUrl: "/api/v1/board", onSnapshot, onEvent, onState: Hotline.showState });

  request("GET", "/api/v1/units").then((answer) => {
    if (!answer.ok) return;
    units = answer.data.items;
    document.querySelectorAll('select[data-role="unit"]').forEach((s) => unitOptions(s));
    render();
  });

  setInterval(() => {
    const now = desk.now();
    if (rankChanged(now)) return render(); // a deadline passed: the late row moves up
    document.querySelectorAll(".age[data-since]").forEach((n) => (n.textContent = Hotline.age(now - Date.parse(n.dataset.since))));
    showDeadlines(now);
  }, 1000);
})();
