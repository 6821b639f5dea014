/* The handover pages: every action is a JSON API call; on success the page is read
   again from the server, so what is shown is always the record as it stands.
   Live: the outgoing and the incoming person work on one handover from two screens.
   When `handover.changed` says the open handover has a newer version (or a new
   addendum), the page reloads itself, unless its user has typed something not yet
   saved: then a bar says who changed it and offers the reload. */
(function () {
  "use strict";
  const H = window.Hotline;
  const reasons = H.readJSON("reasons");

  function explain(answer) {
    const d = answer.data || {};
    if (answer.status === 0) return H.t("network");
    if (answer.status === 403) return H.t("forbidden");
    if (d.blockers) return H.t("refused") + " " + d.blockers.map((b) => reasons[b.code] || b.message).join(" ");
    if (d.messages) return Object.values(d.messages).join(" ");
    return H.t("failed") + " " + (d.error || answer.status);
  }

  let acting = false; // a call of this page is running: its own reload follows
  let missed = null; // a change by someone else heard meanwhile
  function settled() {
    acting = false;
    const change = missed;
    missed = null;
    if (change && H.onHandoverChange) H.onHandoverChange(change);
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
      const first = H.showErrors(root, d.messages);
      if (first) first.focus();
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
      H.showErrors(e.target, (answer.data && answer.data.messages) || { "": explain(answer) });
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

  /* --- one handover --- */
  const page = document.getElementById("handover");
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
      const el = document.getElementById("f-" + name);
      if (el) body[name] = el.value.trim() || null;
    }
    const incoming = document.getElementById("f-incoming");
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
  const liveText = H.readJSON("live-i18n");
  const addenda = () => Number(page.dataset.addenda || 0);

  /* Anything typed or chosen on the page and not saved yet (a reload would lose it). */
  function dirty() {
    return Array.from(page.querySelectorAll("input, textarea, select")).some((el) => {
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") {
        const initial = Array.from(el.options).findIndex((o) => o.defaultSelected);
        return el.selectedIndex !== Math.max(initial, 0);
      }
      return el.value !== el.defaultValue;
    });
  }

  function onChange(change) {
    if (change.id !== Number(page.dataset.id)) return;
    if (!(change.version > version() || change.addenda > addenda())) return; // already shown
    if (acting) {
      missed = change; // this page's own call reloads, or on failure this runs again
      return;
    }
    if (!dirty()) {
      window.location.reload();
      return;
    }
    const bar = document.getElementById("live-changed");
    const who = change.by ? change.by.display_name : liveText.someone;
    bar.querySelector(".text").textContent = liveText.changed_by.split("{who}").join(who);
    bar.hidden = false;
  }
  H.onHandoverChange = onChange;

  on("#live-changed button", "click", () => window.location.reload());

  // live.js and the Socket.IO client load after this script.
  document.addEventListener("DOMContentLoaded", () => {
    if (!H.live || !window.io) return;
    H.live({
      snapshotUrl: base,
      // A change made between this page's rendering and the connection (or while
      // the connection was down) shows in the snapshot's version.
      onSnapshot: (snap) => onChange({ id: snap.id, version: snap.version, addenda: (snap.addenda || []).length, by: null }),
      onEvent: (ev) => {
        if (ev.event === "handover.changed") onChange(ev);
      },
    });
  });
})();
