/* The handover pages: every action is a JSON API call; on success the page is read
   again from the server, so what is shown is always the record as it stands.
   Live: the outgoing and the incoming person work on one handover from two screens.
   When `handover.changed` says the open handover has a newer version (or a new
   addendum), the page reloads itself, unless its user has typed something not yet
   saved: then a bar says who changed it and offers the reload. The list page does the
   same when a standing item is added or closed elsewhere (`standing_item.changed`) or
   a handover it lists changes. */
(function () {
  "use strict";
  const H = window.Hotline;
  const reasons = H.readJSON("reasons");

  /* What failed, in one line: the reasons a step is refused, else the field texts, else
     (and for no connection or not allowed) as every page says it. */
  function explain(answer) {
    const d = answer.data || {};
    if (answer.status === 0 || answer.status === 403) return H.failureText(answer);
    if (d.blockers) return H.t("refused") + " " + d.blockers.map((b) => reasons[b.code] || b.message).join(" ");
    if (d.messages) return Object.values(d.messages).join(" ");
    return H.failureText(answer);
  }

  let acting = false; // a call of this page is running: its own reload follows
  let missed = null; // a change by someone else heard meanwhile: shown if the call fails
  function settled() {
    acting = false;
    const change = missed;
    missed = null;
    if (change) change();
  }

  /* Run a call; show what went wrong in the form (or the page's general box). */
  async function act(root, method, url, body) {
    acting = true;
    H.clearErrors(document);
    root.querySelectorAll("button").forEach((b) => (b.disabled = true));
    const answer = await H.request(method, url, body);
    root.querySelectorAll("button").forEach((b) => (b.disabled = false));
    if (answer.ok) {
      window.location.reload();
      return answer;
    }
    const d = answer.data || {};
    if (answer.status === 409 && d.current_version !== undefined) {
      alert(H.t("stale"));
      window.location.reload();
      return answer;
    }
    if (answer.status === 422 && d.messages) {
      H.focusErrors(root, d.messages);
      if (Object.keys(d.messages).some((k) => !root.querySelector('[data-error-for="' + CSS.escape(k) + '"]'))) {
        H.showErrors(document, { "": explain(answer) });
      }
    } else {
      H.showErrors(root.querySelector('[data-error-for=""]') ? root : document, { "": explain(answer) });
    }
    const box = document.querySelector('[data-error-for=""]:not([hidden])');
    if (box) box.scrollIntoView({ block: "center" });
    settled();
    return answer;
  }

  function on(selector, event, handler) {
    document.querySelectorAll(selector).forEach((el) => el.addEventListener(event, handler));
  }

  /* --- the list page --- */
  on("#open-handover", "submit", async (e) => {
    e.preventDefault();
    const incoming = e.target.querySelector("[name=incoming]").value || null;
    H.clearErrors(e.target);
    const answer = await H.request("POST", "/api/v1/handovers", { incoming });
    if (answer.ok) {
      window.location.href = "/handover/" + answer.data.id;
    } else if (answer.status === 409 && answer.data && answer.data.handover_id) {
      window.location.href = "/handover/" + answer.data.handover_id;
    } else {
      H.showErrors(e.target, H.fieldErrors(answer) || { "": explain(answer) });
    }
  });
  on("#add-standing", "submit", (e) => {
    e.preventDefault();
    const f = e.target;
    const value = (name) => f.querySelector("[name=" + name + "]").value.trim() || null;
    act(f, "POST", "/api/v1/standing-items", { kind: value("kind"), title: value("title") || "", source: value("source"), body: value("body") });
  });
  on(".close-standing", "submit", (e) => {
    e.preventDefault();
    const f = e.target;
    act(f, "POST", "/api/v1/standing-items/" + f.dataset.id + "/close", {
      version: Number(f.dataset.version), note: f.querySelector("[name=note]").value.trim(),
    });
  });

  /* --- live: changes made elsewhere --- */
  /* Anything typed or chosen in `root` and not saved yet (a reload would lose it). */
  function dirty(root) {
    return Array.from(root.querySelectorAll("input, textarea, select")).some((el) => {
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") {
        const initial = Array.from(el.options).findIndex((o) => o.defaultSelected);
        return el.selectedIndex !== Math.max(initial, 0);
      }
      return el.value !== el.defaultValue;
    });
  }

  /* What `root` shows was changed by `by` (null: someone, found out on connecting): reload,
     unless its user has typed something not saved yet; then the bar says who and offers it. */
  function changedElsewhere(root, by) {
    if (acting) {
      missed = () => changedElsewhere(root, by); // this page's own call reloads, or on failure this runs
      return;
    }
    if (!dirty(root)) {
      window.location.reload();
      return;
    }
    const text = H.translator("live-i18n");
    const bar = H.$("live-changed");
    bar.querySelector(".text").textContent = text("changed_by", { who: by ? by.display_name : text("someone") });
    bar.hidden = false;
  }
  on("#live-changed button", "click", () => window.location.reload());

  // The Socket.IO client loads after this script (handover/_live.html), on the live pages only.
  function follow(snapshotUrl, handlers) {
    document.addEventListener("DOMContentLoaded", () => {
      if (window.io) H.live({ snapshotUrl, ...handlers });
    });
  }

  /* The list page: its open standing items and the handovers it lists. */
  const list = H.$("handover-list");
  if (list) {
    const shown = (selector) => {
      const node = list.querySelector(selector);
      return node ? Number(node.dataset.version) : null;
    };
    follow("/api/v1/standing-items", {
      // Added or closed before the connection (or while it was down): the open items differ.
      onSnapshot: (snap) => {
        const listed = Array.from(list.querySelectorAll("[data-standing]"), (li) => li.dataset.standing + ":" + li.dataset.version);
        const open = snap.items.map((item) => item.id + ":" + item.version);
        if (listed.sort().join() !== open.sort().join()) changedElsewhere(list, null);
      },
      onEvent: (ev) => {
        if (ev.event === "standing_item.changed") {
          const v = shown('[data-standing="' + ev.id + '"]');
          if (ev.status === "open" ? v === null || ev.version > v : v !== null) changedElsewhere(list, ev.by);
        } else if (ev.event === "handover.changed") {
          const v = shown('[data-handover="' + ev.id + '"]');
          if (v !== null && ev.version > v) changedElsewhere(list, ev.by);
        }
      },
    });
  }

  /* --- one handover --- */
  const page = H.$("handover");
  if (!page) return;
  const base = "/api/v1/handovers/" + page.dataset.id;
  const version = () => Number(page.dataset.version);

  on("#save", "click", () => {
    const body = { version: version(), items: [], counts: [] };
    document.querySelectorAll("[data-step]").forEach((t) => body.items.push({ id: Number(t.dataset.step), next_step: t.value.trim() || null }));
    document.querySelectorAll("[data-count]").forEach((input) => {
      const note = document.querySelector('[data-count-note="' + input.dataset.count + '"]');
      body.counts.push({
        id: Number(input.dataset.count),
        counted: input.value === "" ? null : Number(input.value),
        note: note && note.value.trim() ? note.value.trim() : null,
      });
    });
    for (const name of ["notes", "room_state"]) {
      const field = H.$("f-" + name);
      if (field) body[name] = field.value.trim() || null;
    }
    const incoming = H.$("f-incoming");
    if (incoming) body.incoming = incoming.value || null;
    act(page, "PATCH", base, body);
  });
  on("#refresh", "click", () => act(page, "POST", base + "/refresh", { version: version() }));
  on("[data-ack]", "click", (e) =>
    act(e.target.closest("li"), "POST", base + "/items/" + e.target.dataset.ack + "/review", { version: version(), decision: "acknowledge" }),
  );
  on(".dispute-form", "submit", (e) => {
    e.preventDefault();
    const f = e.target;
    act(f, "POST", base + "/items/" + f.dataset.item + "/review", {
      version: version(), decision: "dispute", note: f.querySelector("[name=note]").value.trim() || null,
    });
  });
  on(".sign-form", "submit", (e) => {
    e.preventDefault();
    const f = e.target;
    act(f, "POST", base + "/sign", { version: version(), password: f.querySelector("[name=password]").value });
  });
  on("#override", "submit", (e) => {
    e.preventDefault();
    if (!window.confirm(H.t("confirm_override"))) return;
    act(e.target, "POST", base + "/override", { version: version(), reason: e.target.querySelector("[name=reason]").value.trim() });
  });
  on("#addendum", "submit", (e) => {
    e.preventDefault();
    act(e.target, "POST", base + "/addenda", { body: e.target.querySelector("textarea").value.trim() });
  });

  /* --- live: the other screen's changes --- */
  const addenda = () => Number(page.dataset.addenda || 0);

  function onChange(change) {
    if (change.id !== Number(page.dataset.id)) return;
    if (!(change.version > version() || change.addenda > addenda())) return; // already shown
    changedElsewhere(page, change.by);
  }

  follow(base, {
    // A change made between this page's rendering and the connection (or while
    // the connection was down) shows in the snapshot's version.
    onSnapshot: (snap) => onChange({ id: snap.id, version: snap.version, addenda: (snap.addenda || []).length, by: null }),
    onEvent: (ev) => {
      if (ev.event === "handover.changed") onChange(ev);
    },
  });
})();
