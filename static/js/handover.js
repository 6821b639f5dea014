/* The handover pages: every action is a JSON API call.
   One handover: on success the page is read again from the server and merged in place,
   part by part (data-part): no reload, the scroll and the keyboard stay where they were,
   anything typed and not saved yet is kept, and a status line says what was done.
   Live: the outgoing and the incoming person work on one handover from two screens.
   When `handover.changed` says the open handover has a newer version (or a new
   addendum), the page merges the change in the same way and says who made it.
   The list page reloads itself when a standing item is added or closed elsewhere
   (`standing_item.changed`) or a handover it lists changes, unless its user has typed
   something not yet saved: then a bar says who changed it and offers the reload. */
(function () {
  "use strict";
  const H = window.Hotline;

  /* What failed, in one line: a refusal as the server words it in the reader's language
     (it names the tickets), else the field texts, else (and for no connection or not
     allowed) as every page says it. */
  function explain(answer) {
    const d = answer.data || {};
    if (answer.status === 0 || answer.status === 403) return H.failureText(answer);
    if (d.blockers) return d.message || H.t("refused");
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

  /* The handover page's status line (aria-live): what was just done, or what changed. */
  function status(text, warning) {
    const line = H.$("ho-status");
    if (!line) return;
    line.classList.toggle("is-warning", Boolean(warning));
    line.textContent = text;
  }

  /* What a page shows after a call of its own succeeded: the handover page merges itself
     (its `update`), the list page reloads. */
  let update = async () => window.location.reload();

  /* Run a call; `done(answer)` after it succeeded and the page shows the result; what
     went wrong is shown in the form (or the page's general box). */
  async function act(root, method, url, body, done) {
    acting = true;
    H.clearErrors(document);
    status("");
    const buttons = Array.from(root.querySelectorAll("button"));
    buttons.forEach((b) => (b.disabled = true));
    const answer = await H.request(method, url, body);
    buttons.forEach((b) => (b.disabled = false));
    if (answer.ok) {
      saved(root); // what it sent is the record now
      await update();
      if (done) done(answer);
      settled();
      return answer;
    }
    const d = answer.data || {};
    if (answer.status === 409 && d.current_version !== undefined && !d.blockers) {
      await update();
      status(H.t("stale"), true);
      settled();
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
    if (d.blockers) await update(); // what was collected again before the signature shows
    const box = document.querySelector('[data-error-for=""]:not([hidden])');
    if (box) box.scrollIntoView({ block: "center" });
    settled();
    return answer;
  }

  /* The controls in `root` hold what was saved: no longer "typed and not saved". */
  function saved(root) {
    root.querySelectorAll("input, textarea, select").forEach((el) => {
      if (el.type === "password") el.value = "";
      else if (el.type === "checkbox" || el.type === "radio") el.defaultChecked = el.checked;
      else if (el.tagName === "SELECT") Array.from(el.options).forEach((o) => (o.defaultSelected = o.selected));
      else el.defaultValue = el.value;
    });
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

  /* The page's parts are replaced as they change: its buttons are handled from the page. */
  function onClick(selector, handler) {
    page.addEventListener("click", (e) => {
      const target = e.target.closest(selector);
      if (target && page.contains(target)) handler(target, e);
    });
  }
  function onSubmit(selector, handler) {
    page.addEventListener("submit", (e) => {
      if (!e.target.matches(selector)) return;
      e.preventDefault();
      handler(e.target);
    });
  }
  // The center's clock, as the page's times are (the browser's zone may differ).
  const clockFormat = H.dateFormat({ hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const now = () => clockFormat.format(new Date());
  const numberOf = (li) => {
    const link = li && li.querySelector(".number");
    return link ? link.textContent.trim() : "";
  };

  onClick("#save", () => {
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
    act(page, "PATCH", base, body, () => status(H.t("saved", { time: now() })));
  });

  onClick("[data-save-item]", (button) => {
    const li = button.closest("li");
    const step = li.querySelector("[data-step]");
    act(li, "PATCH", base, { version: version(), items: [{ id: Number(button.dataset.saveItem), next_step: step.value.trim() || null }] }, () => {
      status(H.t("saved_item", { number: numberOf(li), time: now() }));
      flash(button.dataset.saveItem);
    });
  });
  onClick("#refresh", (button) => act(page, "POST", base + "/refresh", { version: version() }, () => status(H.t("collected"))));
  onClick("[data-ack]", (button) => {
    const li = button.closest("li");
    act(li, "POST", base + "/items/" + button.dataset.ack + "/review", { version: version(), decision: "acknowledge" }, () => {
      status(H.t("acknowledged_item", { number: numberOf(li) || "#" + button.dataset.ack, time: now() }));
      flash(button.dataset.ack);
    });
  });
  onClick("[data-ack-all]", (button) => {
    act(button.closest("section"), "POST", base + "/acknowledge-all", { version: version() }, (answer) => {
      const left = answer.data.items.filter((i) => i.review === "disputed").length;
      status(H.t("acknowledged_all", { time: now() }) + (left ? " " + H.t("disputed_left", { n: left }) : ""));
    });
  });
  onSubmit(".dispute-form", (f) => {
    act(f, "POST", base + "/items/" + f.dataset.item + "/review", {
      version: version(), decision: "dispute", note: f.querySelector("[name=note]").value.trim() || null,
    }, () => status(H.t("disputed", { number: numberOf(page.querySelector('[data-part="item-' + f.dataset.item + '"]')), time: now() })));
  });
  onSubmit(".sign-form", (f) => {
    act(f, "POST", base + "/sign", { version: version(), password: f.querySelector("[name=password]").value },
      () => status(H.t("signed", { time: now() })));
  });
  onSubmit("#override", (f) => {
    if (!window.confirm(H.t("confirm_override"))) return;
    act(f, "POST", base + "/override", { version: version(), reason: f.querySelector("[name=reason]").value.trim() },
      () => status(H.t("overridden")));
  });
  onSubmit("#addendum", (f) => {
    act(f, "POST", base + "/addenda", { body: f.querySelector("textarea").value.trim() }, () => status(H.t("added")));
  });

  /* The item just saved or acknowledged, marked for a moment. */
  function flash(itemId) {
    const li = page.querySelector('[data-part="item-' + itemId + '"]');
    if (!li) return;
    li.classList.add("just-saved");
    setTimeout(() => li.classList.remove("just-saved"), 1500);
  }

  /* --- merging the page as the server renders it now --- */
  const parts = (root) => Array.from(root.querySelectorAll("[data-part]")).filter((el) => !el.parentElement.closest("[data-part]") || el.parentElement.closest("[data-part]") === root);

  /* `local` becomes `fresh`; a part with something typed and not saved stays as it is
     (its own parts inside are merged one by one: an item being written keeps its text). */
  function mergePart(local, fresh) {
    if (!dirty(local)) {
      local.replaceWith(document.importNode(fresh, true));
      return;
    }
    const inner = parts(fresh).filter((p) => p !== fresh);
    if (!inner.length) return;
    const node = document.importNode(fresh, true);
    for (const kid of parts(node).filter((p) => p !== node)) {
      const here = local.querySelector('[data-part="' + CSS.escape(kid.dataset.part) + '"]');
      if (here && dirty(here)) kid.replaceWith(here);
    }
    local.replaceWith(node);
  }

  async function refreshInPlace() {
    let response;
    try {
      response = await fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch (err) {
      status(H.t("network"), true);
      return false;
    }
    if (!response.ok) return false;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("handover");
    if (!fresh) return false;
    const focused = document.activeElement && document.activeElement.id;
    for (const part of parts(fresh)) {
      const here = page.querySelector('[data-part="' + CSS.escape(part.dataset.part) + '"]');
      if (here) mergePart(here, part);
    }
    page.dataset.version = fresh.dataset.version;
    page.dataset.addenda = fresh.dataset.addenda;
    if (focused && H.$(focused) && document.activeElement !== H.$(focused)) H.$(focused).focus({ preventScroll: true });
    return true;
  }
  update = refreshInPlace;

  /* --- live: the other screen's changes --- */
  const addenda = () => Number(page.dataset.addenda || 0);

  async function onChange(change) {
    if (change.id !== Number(page.dataset.id)) return;
    if (!(change.version > version() || change.addenda > addenda())) return; // already shown
    if (acting) {
      missed = () => onChange(change); // this page's own call merges, or on failure this runs
      return;
    }
    if (await refreshInPlace()) {
      status(H.t("changed_by", { who: change.by ? change.by.display_name : H.t("someone") }), true);
    }
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
