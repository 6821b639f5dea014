/* The crew's phone page: its own active work orders, live, with one big button per step:
   接单 accept, 出发 set off, 到场 on site, 办结 resolve (with the result), 退回 return (with a reason).
   Each order shows its nearest deadline big (deadline.js): e.g. "到场 剩 12:34", red once missed. */
(function () {
  "use strict";

  const { $, readJSON, t, el, request, failureText, statusName, categoryName, statusBadge, priorityBadge } = Hotline;
  const myUnits = new Set(readJSON("my-units"));

  const ACTIVE = Hotline.WITH_UNIT; // a work order is active while its ticket is with a unit
  // The crew's own steps, in the order the card's `steps` (what the ticket's status allows,
  // hotline.tickets.workflow) lists them: the first one offered is the big primary button.
  // 退回 (return) has its own button, offered when `steps` has it.
  const CREW_STEPS = new Set(["accept", "en_route", "on_site", "resolve"]);

  const orders = new Map(); // ticket number -> work order (with .ticket)
  const list = $("orders");

  function mine(unit) {
    return myUnits.size === 0 || myUnits.has(unit); // the desk (no unit) sees every order
  }

  function announce(text) {
    $("crew-announce").textContent = text;
  }

  function button(cls, text, onClick) {
    const b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function textForm(li, label, confirmText, danger, send) {
    const form = el("form", "step-form");
    form.noValidate = true;
    const id = "f-" + li.dataset.number + "-" + Math.random().toString(36).slice(2, 7);
    const lab = el("label", "", label);
    lab.htmlFor = id;
    const area = el("textarea");
    area.id = id;
    area.rows = 3;
    area.maxLength = 4000;
    const actions = el("div", "actions");
    const ok = el("button", danger ? "danger" : "primary", confirmText);
    ok.type = "submit";
    actions.append(ok, button("secondary", t("cancel"), () => render(true)));
    form.append(lab, area, actions);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      send(area);
    });
    const steps = li.querySelector(".steps");
    steps.replaceWith(form);
    area.focus();
  }

  function card(order) {
    const tk = order.ticket;
    const li = el("li", "order prio-" + tk.priority + " status-" + tk.status);
    li.dataset.number = tk.number;
    li.dataset.version = tk.version;
    const head = el("div", "o-head");
    head.append(priorityBadge(tk.priority), statusBadge(tk.status));
    const link = el("a", "number", tk.number);
    link.href = "/tickets/" + encodeURIComponent(tk.number);
    head.append(link);
    const age = el("span", "age");
    age.dataset.since = tk.created_at;
    head.append(age);
    li.append(head);
    li.append(deadline(tk.sla));
    li.append(el("p", "o-cat", categoryName(tk.category)));
    const where = tk.address || tk.street; // events carry the street only: the full one comes with the order
    if (where) li.append(el("p", "o-addr", where));
    if (tk.matter) li.append(el("p", "o-matter", tk.matter));
    if (order.instructions) li.append(el("p", "o-instr", order.instructions));
    const caller = tk.caller;
    if (caller && !caller.masked && caller.phone) {
      const a = el("a", "call");
      a.href = "tel:" + caller.phone.replace(/[^\d+]/g, "");
      a.append(el("span", "", "☎"), el("span", "", t("call", { phone: "" }).trim()), el("span", "phone", caller.display_phone || caller.phone));
      if (caller.name) a.append(el("span", "", caller.name));
      li.append(a);
    } else if (caller) {
      li.append(el("p", "caller-masked", t("caller_hidden") + " " + (caller.display_phone || "")));
    }
    const steps = el("div", "steps");
    const offered = tk.steps || [];
    offered.filter((step) => CREW_STEPS.has(step)).forEach((step, i) => {
      const cls = i === 0 ? "primary" : "secondary";
      if (step === "resolve") {
        steps.append(button(cls, t("resolve"), () =>
          textForm(li, t("result"), t("confirm_resolve"), false, (area) => {
            if (!area.value.trim()) return message(li, t("result_required"), area);
            send(li, tk.number, "steps/resolve", { result: area.value.trim() }, "resolve");
          })
        ));
      } else {
        steps.append(button(cls, t(step), () => send(li, tk.number, "steps/" + step, {}, step)));
      }
    });
    if (offered.includes("return")) {
      steps.append(button("back", t("return"), () =>
        textForm(li, t("reason"), t("confirm_return"), true, (area) => {
          if (!area.value.trim()) return message(li, t("reason_required"), area);
          send(li, tk.number, "return", { reason: area.value.trim() }, "return");
        })
      ));
    }
    li.append(steps);
    const msg = el("p", "o-msg");
    msg.setAttribute("role", "alert");
    li.append(msg);
    return li;
  }

  /* The deadline block of a card; replaced in place on an SLA event (a form being typed in stays). */
  function deadline(sla) {
    const box = el("p", "o-deadline");
    box.dataset.sla = JSON.stringify(sla || null);
    box.append(Hotline.deadline.slot(sla));
    box.hidden = !sla;
    return box;
  }

  function onSla(ev) {
    const order = orders.get(ev.number);
    if (!order) return;
    // The event carries the nearest deadline; one written before they did: the list knows.
    if (!Hotline.deadline.applyEvent(order.ticket, ev)) return crew.reload();
    const li = list.querySelector('[data-number="' + CSS.escape(ev.number) + '"]');
    if (li) li.querySelector(".o-deadline").replaceWith(deadline(order.ticket.sla));
    tick();
    announce(t(ev.event === "sla.breached" ? "sla_missed" : "sla_warned", { number: ev.number, stage: t("stage_" + ev.stage) }));
    if (ev.event === "sla.breached" && navigator.vibrate) navigator.vibrate([400, 150, 400]);
  }

  function message(li, text, focus) {
    li.querySelector(".o-msg").textContent = text || "";
    if (focus) focus.focus();
  }

  async function send(li, number, path, body, step) {
    const order = orders.get(number);
    if (!order) return;
    li.querySelectorAll("button").forEach((b) => (b.disabled = true));
    message(li, "");
    const answer = await request("POST", "/api/v1/tickets/" + encodeURIComponent(number) + "/" + path, { ...body, version: order.ticket.version });
    li.querySelectorAll("button").forEach((b) => (b.disabled = false));
    if (answer.ok) {
      update(answer.data);
      announce(t("done_" + step, { number }));
      return;
    }
    if (answer.status === 409 && answer.data && answer.data.ticket) {
      update(answer.data.ticket);
      const fresh = list.querySelector('[data-number="' + CSS.escape(number) + '"]');
      if (fresh) message(fresh, t("conflict", { status: statusName(answer.data.ticket.status) }));
      return;
    }
    message(li, failureText(answer));
  }

  /* A ticket as an action's answer (with its `steps`; its deadline comes with the event) or
     an event (the ticket's card) tells it: keep, change or drop its order. */
  function update(tk) {
    const order = orders.get(tk.number);
    if (!order) return;
    if (tk.version !== undefined && tk.version < order.ticket.version) return;
    if (!ACTIVE.has(tk.status) || !mine(tk.unit)) orders.delete(tk.number); // done, returned, or another unit's now
    else Object.assign(order.ticket, Object.fromEntries(Object.entries(tk).filter(([, v]) => v !== undefined)));
    render();
  }

  function render(force) {
    const sorted = [...orders.values()].sort((a, b) => Hotline.byUrgency(a.ticket, b.ticket));
    const existing = new Map([...list.children].map((li) => [li.dataset.number, li]));
    const nodes = sorted.map((o) => {
      const li = existing.get(o.ticket.number);
      // Keep a card (and a form being typed in) unless its ticket changed.
      if (li && !force && li.dataset.version === String(o.ticket.version) && li.dataset.status === o.ticket.status) {
        // The step's answer has no deadline; the live ticket event that follows has it.
        const box = li.querySelector(".o-deadline");
        if (box.dataset.sla !== JSON.stringify(o.ticket.sla || null)) box.replaceWith(deadline(o.ticket.sla));
        return li;
      }
      const fresh = card(o);
      fresh.dataset.status = o.ticket.status;
      return fresh;
    });
    const same = nodes.length === list.children.length && nodes.every((n, i) => list.children[i] === n);
    if (!same) list.replaceChildren(...nodes);
    $("orders-empty").hidden = nodes.length > 0;
    $("count-orders").textContent = nodes.length ? "(" + nodes.length + ")" : "";
    tick();
  }

  function tick() {
    const now = crew.now();
    list.querySelectorAll(".age[data-since]").forEach((n) => (n.textContent = Hotline.age(now - Date.parse(n.dataset.since))));
    list.querySelectorAll(".order").forEach((li) => {
      const node = li.querySelector(".sla[data-stage]");
      const state = node ? Hotline.deadline.show(node, now) : null;
      li.classList.toggle("sla-warned", state === "warned");
      li.classList.toggle("sla-breached", state === "breached");
    });
  }

  function onSnapshot(snap) {
    const before = new Set(orders.keys());
    orders.clear();
    for (const order of snap.items) orders.set(order.ticket.number, order);
    const added = [...orders.keys()].filter((n) => !before.has(n));
    if (before.size && added.length) {
      announce(t("new_order", { number: added.join(", ") }));
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
    }
    render();
  }

  function onEvent(ev) {
    if (!ev.number) return;
    if (ev.event === "sla.warning" || ev.event === "sla.breached") return onSla(ev);
    // Otherwise only ticket changes: escalation events name a ticket but carry no status.
    if (!String(ev.event).startsWith("ticket.")) return;
    if (orders.has(ev.number)) return update(Hotline.ticketCard(ev)); // the card: status, steps, deadline...
    // New work for this crew: the work order's instructions and the caller's phone (masked
    // or not for this viewer) are not in an event (it goes to whole rooms): the list has them.
    if (ACTIVE.has(ev.status) && mine(ev.unit)) crew.reload(); // debounced (debounceMs)
  }

  const crew = Hotline.live({ snapshotUrl: "/api/v1/work-orders", onSnapshot, onEvent, onState: Hotline.showState, debounceMs: 150 });
  setInterval(tick, 1000);
})();
