/* A ticket's nearest deadline (hotline.sla.engine.summary: stage, due_at, warn_at, warned,
   breached, paused) as the wall board, the dispatch desk and the crew page show it: the
   stage and the time left, amber after the warning, red "overdue" after the breach, or
   "paused". Time alone also turns it: the colour never waits for the event.
   Needs the strings of templates/dispatch/_deadline_strings.html. */
(function () {
  "use strict";

  const { t, el } = Hotline;

  /* "paused" | "breached" | "warned" | "running" for a deadline (`ticket.sla`, or a node's
     dataset, which carries the same fields as strings); null without one. */
  function state(sla, now) {
    if (!sla) return null;
    if (sla.paused) return "paused";
    const due = Date.parse(sla.due_at);
    const warn = Date.parse(sla.warn_at);
    if (sla.breached || now >= due) return "breached";
    if (sla.warned || now >= warn) return "warned";
    return "running";
  }

  function fromNode(node) {
    const d = node.dataset;
    return { paused: d.paused, due_at: d.due, warn_at: d.warn, warned: d.warned, breached: d.breached };
  }

  /* The countdown node (hidden without a deadline); show() fills it in and ticks it. */
  function slot(sla) {
    const node = el("span", "sla");
    node.dataset.slot = "sla";
    node.hidden = !sla;
    if (sla) {
      node.dataset.stage = sla.stage;
      node.dataset.due = sla.due_at || "";
      node.dataset.warn = sla.warn_at || "";
      node.dataset.warned = sla.warned ? "1" : "";
      node.dataset.breached = sla.breached ? "1" : "";
      node.dataset.paused = sla.paused ? "1" : "";
    }
    return node;
  }

  /* The translated sentence with the stage's name and the time in spans of their own (sla-of,
     sla-t): the wall board sets the time larger than the words around it. */
  function write(node, key, vars) {
    const parts = t(key, { ...vars, stage: "\u0000", t: "\u0001" }).split(/([\u0000\u0001])/);
    node.replaceChildren(...parts.filter(Boolean).map((part) => {
      if (part === "\u0000") return el("span", "sla-of", t("stage_" + node.dataset.stage));
      if (part === "\u0001") return el("span", "sla-t", vars.t);
      return part;
    }));
  }

  /* Fill a slot in for `now`; returns its state. */
  function show(node, now) {
    const current = state(fromNode(node), now);
    const due = Date.parse(node.dataset.due);
    if (current === "paused") write(node, "sla_paused", {});
    else if (current === "breached") write(node, "sla_overdue", { t: Hotline.age(now - due) });
    else write(node, "sla_left", { t: Hotline.age(due - now) });
    node.className = "sla sla-" + current;
    return current;
  }

  /* Every slot under `root`. */
  function tick(root, now) {
    root.querySelectorAll(".sla[data-stage]").forEach((node) => show(node, now));
  }

  /* An sla.warning / sla.breached event on a ticket's card: the event carries the ticket's
     nearest deadline with the alert recorded (`sla`, whichever stage the alert names), which
     becomes the card's; returns true. An event written before they carried it (replayed by a
     resync) can only mark the deadline shown when it names its stage; false for another
     stage (the page reloads: its snapshot knows which deadline is now the nearest). */
  function applyEvent(ticket, ev) {
    if (ev.sla !== undefined) {
      ticket.sla = ev.sla;
      return true;
    }
    const sla = ticket.sla;
    if (!sla || sla.paused || sla.stage !== ev.stage) return false;
    sla.warned = true;
    sla.breached = sla.breached || ev.event === "sla.breached";
    return true;
  }

  /* Late first: emergencies on top, then the missed deadlines (the most overdue first),
     then the warned ones (the least time left first), then the rest by urgency and age. */
  const RANK = { breached: 0, warned: 1 };

  function rank(ticket, now) {
    return RANK[state(ticket.sla, now)] ?? 2;
  }

  function lateFirst(now) {
    return (a, b) => {
      const ra = rank(a, now);
      const rb = rank(b, now);
      return (
        (a.priority === "emergency" ? 0 : 1) - (b.priority === "emergency" ? 0 : 1) ||
        ra - rb ||
        (ra < 2 ? Date.parse(a.sla.due_at) - Date.parse(b.sla.due_at) : 0) ||
        Hotline.byUrgency(a, b)
      );
    };
  }

  Hotline.deadline = { state, slot, show, tick, applyEvent, rank, lateFirst };
})();
