/* The callback queue (回访): one card open at a time, answered with the keyboard or a
   thumb; saved through the API, after which the card leaves and the next one opens.
   Live: when another operator records a callback (`callback.changed`), its card
   leaves this queue or moves to the waiting list; new callbacks (`callback.opened`)
   appear. The card this operator has open, or has typed into, is never pulled away:
   it is marked "handled by someone else" until the operator dismisses it. */
(function () {
  "use strict";
  const H = window.Hotline;
  const { $, el, showText, t, request, clearErrors, focusErrors, fieldErrors, failureText } = H;
  const hhmm = H.dateFormat({ month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  const dueList = $("due-list");
  const waitingList = $("waiting-list");
  const status = $("cb-status");

  const cards = () => Array.from(document.querySelectorAll(".cb-card"));
  const openCard = () => document.querySelector(".cb-card.is-open");
  const checked = (form, name) => {
    const input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  };

  function updateCounts() {
    const due = dueList.querySelectorAll(".cb-card").length;
    const waiting = waitingList.querySelectorAll(".cb-card").length;
    const overdue = document.querySelectorAll(".cb-card.is-overdue").length;
    $("cb-counts").textContent = t("counts", { due, overdue, waiting });
    $("due-empty").hidden = due > 0;
    $("waiting-empty").hidden = waiting > 0;
  }

  const say = (message) => showText(status, message);

  /* ---- one card open at a time (what was typed in the others stays) ------ */

  function open(card, focus = true) {
    const current = openCard();
    if (current && current !== card) close(current);
    if (!card) return;
    card.classList.add("is-open");
    card.querySelector(".cb-head").setAttribute("aria-expanded", "true");
    card.querySelector(".cb-body").hidden = false;
    card.scrollIntoView({ block: "nearest" });
    if (focus) focusNextStep(card);
  }

  function close(card) {
    card.classList.remove("is-open");
    card.querySelector(".cb-head").setAttribute("aria-expanded", "false");
    card.querySelector(".cb-body").hidden = true;
  }

  function toggle(card) {
    if (card.classList.contains("is-open")) close(card);
    else open(card);
  }

  function move(step) {
    const list = cards();
    if (!list.length) return;
    const current = openCard() || document.activeElement.closest(".cb-card");
    const index = current ? list.indexOf(current) : -1;
    const next = list[Math.min(Math.max(index + step, 0), list.length - 1)];
    open(next, false);
    next.querySelector(".cb-head").focus();
  }

  /* ---- the form: reached? -> solved? -> satisfaction -> words ------------ */

  function wordsRequired(form) {
    return checked(form, "reached") === "yes" &&
      (checked(form, "solved") === "no" || checked(form, "satisfaction") === "dissatisfied");
  }

  function refresh(form) {
    const reached = checked(form, "reached");
    form.querySelector(".cb-answer").hidden = reached !== "yes";
    form.querySelector(".cb-retry").hidden = reached !== "no";
    const words = form.querySelector('[data-field="words"]');
    words.required = wordsRequired(form);
    words.closest(".field").classList.toggle("is-required", words.required);
  }

  /* Focus the first question not yet answered, else the save button. */
  function focusNextStep(card) {
    const form = card.querySelector(".cb-form");
    if (!form) return card.querySelector(".cb-tel, .cb-head").focus();
    const reached = checked(form, "reached");
    let target;
    if (!reached) target = form.querySelector('input[name="reached"]');
    else if (reached === "yes" && !checked(form, "solved")) target = form.querySelector('input[name="solved"]');
    else if (reached === "yes" && !checked(form, "satisfaction")) target = form.querySelector('input[name="satisfaction"]');
    else if (wordsRequired(form) && !form.querySelector('[data-field="words"]').value.trim()) target = form.querySelector('[data-field="words"]');
    else target = form.querySelector('button[type="submit"]');
    target.focus();
  }

  function choose(form, name, value) {
    const input = form.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (!input || input.closest("[hidden]")) return false;
    input.checked = true;
    refresh(form);
    return true;
  }

  function missing(form) {
    const fields = {};
    const reached = checked(form, "reached");
    if (!reached) fields.reached = t("say_reached");
    if (reached === "yes") {
      if (!checked(form, "solved")) fields.solved = t("say_solved");
      if (!checked(form, "satisfaction")) fields.satisfaction = t("say_satisfaction");
      if (wordsRequired(form) && !form.querySelector('[data-field="words"]').value.trim()) fields.words = t("say_words");
    }
    return fields;
  }

  function body(card, form) {
    const reached = checked(form, "reached") === "yes";
    const words = form.querySelector('[data-field="words"]').value.trim();
    const out = { version: Number(card.dataset.version), reached };
    if (reached) {
      out.solved = checked(form, "solved") === "yes";
      out.satisfaction = checked(form, "satisfaction");
    }
    if (words) out.words = words;
    return out;
  }

  async function save(card) {
    const form = card.querySelector(".cb-form");
    if (!form || form.dataset.busy) return;
    clearErrors(form);
    const lacking = missing(form);
    if (Object.keys(lacking).length) return focusErrors(form, lacking);
    form.dataset.busy = "1";
    form.querySelector(".cb-busy").hidden = false;
    form.querySelector('button[type="submit"]').disabled = true;
    const res = await request("POST", "/api/v1/callbacks/" + card.dataset.id + "/attempts", body(card, form));
    delete form.dataset.busy;
    form.querySelector(".cb-busy").hidden = true;
    form.querySelector('button[type="submit"]').disabled = false;
    try {
      if (res.status === 201 && res.data) return saved(card, form, res.data);
      report(form, res);
    } finally {
      heardWhileSaving(card);
    }
  }

  function report(form, res) {
    const general = form.querySelector('[data-error-for=""]');
    const data = res.data || {};
    let message;
    if (res.status === 401) message = t("signed_out");
    else if (res.status === 409) message = data.current_version ? t("stale") : data.error;
    else if (res.status === 422 && data.fields) return focusErrors(form, fieldErrors(res));
    else message = failureText(res);
    general.textContent = message;
    general.hidden = false;
  }

  /* A callback tried without reaching the caller: to the waiting list, form emptied. */
  function toWaiting(card, cb) {
    card.dataset.version = cb.version;
    const form = card.querySelector(".cb-form");
    if (form) {
      form.reset();
      refresh(form);
    }
    const tries = card.querySelector(".cb-tries");
    tries.textContent = t("tried", { n: cb.attempts });
    tries.hidden = false;
    const nextTry = card.querySelector(".cb-next");
    nextTry.querySelector("time").textContent = hhmm.format(new Date(cb.next_try_at));
    nextTry.hidden = false;
    card.classList.add("is-waiting");
    close(card);
    waitingList.append(card);
  }

  function saved(card, form, data) {
    const cb = data.callback;
    const number = data.ticket.number;
    const after = cards().filter((c) => c !== card && c.closest("#due-list"));
    const next = after.find((c) => cards().indexOf(c) > cards().indexOf(card)) || after[0];
    if (cb.status === "pending") {
      toWaiting(card, cb);
      say(t("retry", { number, n: cb.attempts, at: hhmm.format(new Date(cb.next_try_at)) }));
    } else {
      card.remove();
      const key = cb.status === "unreachable" ? "unreachable" : data.ticket.status === "closed" ? "closed" : "reopened";
      say(t(key, { number, n: cb.attempts }));
    }
    updateCounts();
    if (next) open(next);
  }

  /* ---- events ------------------------------------------------------------ */

  document.addEventListener("click", (event) => {
    const head = event.target.closest(".cb-head");
    if (head) toggle(head.closest(".cb-card"));
  });

  document.addEventListener("change", (event) => {
    const form = event.target.closest(".cb-form");
    if (!form || event.target.type !== "radio") return;
    refresh(form);
    clearErrors(form);
    focusNextStep(form.closest(".cb-card"));
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest(".cb-form");
    if (!form) return;
    event.preventDefault();
    save(form.closest(".cb-card"));
  });

  const KEYS = {
    r: ["reached", "yes"], n: ["reached", "no"], s: ["solved", "yes"], u: ["solved", "no"],
    1: ["satisfaction", "very_satisfied"], 2: ["satisfaction", "satisfied"],
    3: ["satisfaction", "neutral"], 4: ["satisfaction", "dissatisfied"],
  };

  document.addEventListener("keydown", (event) => {
    const card = openCard();
    const typing = event.target.matches("textarea, input[type=text], input[type=date]");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (card) {
        event.preventDefault();
        save(card);
      }
      return;
    }
    if (event.key === "Escape") {
      if (card) {
        close(card);
        card.querySelector(".cb-head").focus();
      }
      return;
    }
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    const onRadio = event.target.matches("input[type=radio]");
    if (event.key === "j" || (event.key === "ArrowDown" && !onRadio)) {
      event.preventDefault();
      return move(1);
    }
    if (event.key === "k" || (event.key === "ArrowUp" && !onRadio)) {
      event.preventDefault();
      return move(-1);
    }
    const form = card && card.querySelector(".cb-form");
    if (!form) return;
    const key = event.key.toLowerCase();
    if (key === "w") {
      event.preventDefault();
      form.querySelector('[data-field="words"]').focus();
    } else if (KEYS[key] && choose(form, ...KEYS[key])) {
      event.preventDefault();
      clearErrors(form);
      focusNextStep(card);
    }
  });

  /* ---- live: the other operators' work ---------------------------------- */

  const heard = new Map(); // callback id -> a change heard while this page was saving it

  function typedIn(card) {
    const form = card.querySelector(".cb-form");
    return !!form && (!!form.querySelector("input:checked") || form.querySelector('[data-field="words"]').value.trim() !== "");
  }

  const busy = (card) => !!card.querySelector(".cb-form[data-busy]");
  const inUse = (card) => card.classList.contains("is-open") || typedIn(card);

  /* The card this operator is on: leave it where it is and say what happened; `apply`
     runs when the operator dismisses the note. */
  function markTaken(card, status, who, apply) {
    let note = card.querySelector(".cb-taken");
    if (!note) {
      note = el("p", "cb-taken live-changed");
      note.setAttribute("role", "status");
      const ok = el("button", "cb-taken-ok", t("taken_ok"));
      ok.type = "button";
      note.append(el("span", "text"), " ", ok);
      card.querySelector(".cb-head").after(note);
    }
    const key = status === "pending" ? "taken_retry" : status === "unreachable" ? "taken_unreachable" : "taken_done";
    note.querySelector(".text").textContent = t(key, { who: who || t("someone") });
    note.apply = apply;
    card.classList.add("is-taken");
    const submit = card.querySelector('.cb-form button[type="submit"]');
    if (submit) submit.disabled = true; // its version is gone: a save could only be refused
  }

  /* Someone recorded an attempt (callback.changed). */
  function onChanged(change) {
    const card = $("cb-" + change.id);
    if (!card || !(change.version > Number(card.dataset.version))) return; // not here, or this page's own save
    if (busy(card)) {
      heard.set(change.id, change); // decided once this page's own save has answered
      return;
    }
    const apply = () => {
      if (change.status === "pending") toWaiting(card, change);
      else card.remove();
      updateCounts();
    };
    if (inUse(card)) markTaken(card, change.status, change.by && change.by.display_name, apply);
    else apply();
  }

  function heardWhileSaving(card) {
    const change = heard.get(Number(card.dataset.id));
    heard.delete(Number(card.dataset.id));
    if (change && card.isConnected) onChanged(change);
  }

  document.addEventListener("click", (event) => {
    const ok = event.target.closest(".cb-taken-ok");
    if (!ok) return;
    const card = ok.closest(".cb-card");
    const note = ok.closest(".cb-taken");
    const wasOpen = card.classList.contains("is-open");
    card.classList.remove("is-taken");
    const submit = card.querySelector('.cb-form button[type="submit"]');
    if (submit) submit.disabled = false;
    note.remove();
    note.apply();
    if (wasOpen && !openCard()) {
      const next = dueList.querySelector(".cb-card");
      if (next) open(next);
    }
  });

  /* New callbacks (callback.opened), and whatever was missed while the connection
     was down: the queue as the server renders it now, merged in card by card. */
  let merging = false;
  let mergeAgain = false;
  let mergeTimer = null;

  function merge() {
    clearTimeout(mergeTimer);
    mergeTimer = setTimeout(runMerge, 300);
  }

  async function runMerge() {
    if (merging) {
      mergeAgain = true;
      return;
    }
    merging = true;
    mergeAgain = false;
    try {
      const response = await fetch(window.location.pathname, { credentials: "same-origin" });
      if (response.ok) mergeFrom(new DOMParser().parseFromString(await response.text(), "text/html"));
    } catch (err) {
      // the server is away: the next event or reconnect merges again
    } finally {
      merging = false;
      if (mergeAgain) merge();
    }
  }

  function mergeFrom(fresh) {
    const freshCards = new Map(Array.from(fresh.querySelectorAll(".cb-card")).map((c) => [c.id, c]));
    for (const card of cards()) {
      if (busy(card) || card.classList.contains("is-taken")) continue;
      const now = freshCards.get(card.id);
      if (now && Number(now.dataset.version) <= Number(card.dataset.version)) continue; // as it was
      const replace = () => {
        card.remove(); // a newer one, if any, is put in its place below
        updateCounts();
      };
      if (!inUse(card)) replace();
      else if (!now) markTaken(card, "done", null, replace);
      else markTaken(card, "pending", null, () => {
        card.replaceWith(document.importNode(now, true));
        updateCounts();
      });
    }
    for (const listId of ["due-list", "waiting-list"]) {
      const list = $(listId);
      let previous = null;
      for (const card of fresh.querySelectorAll("#" + listId + " .cb-card")) {
        const here = $(card.id);
        if (here) {
          if (list.contains(here)) previous = here;
          continue;
        }
        const node = document.importNode(card, true);
        if (previous) previous.after(node);
        else list.prepend(node);
        previous = node;
      }
    }
    updateCounts();
  }

  function startLive() {
    if (!window.io) return;
    H.live({
      snapshotUrl: "/api/v1/callbacks?per_page=1", // marks the moment; the merge reads the queue itself
      onSnapshot: merge,
      onEvent(ev) {
        if (ev.event === "callback.changed") onChanged(ev);
        else if (ev.event === "callback.opened") merge();
      },
    });
  }

  updateCounts();
  const first = dueList.querySelector(".cb-card");
  if (first) open(first, false);
  startLive();
})();
