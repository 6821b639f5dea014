/* The operator console: look the caller up as the number is typed, fill, save with one key. */
(function () {
  "use strict";
  const H = window.Hotline;
  const { $, el, showText, t, request, clearErrors, focusErrors, fieldErrors, failureText, categoryName } = H;
  const timeFormat = H.dateFormat({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  const LOOKUP_DELAY_MS = 250;

  const form = $("intake");
  const phone = $("f-caller-phone");
  const callerName = $("f-caller-name");
  const typeahead = $("f-category");
  const chips = Array.from(form.querySelectorAll(".chip"));
  const address = $("f-address");
  const matter = $("f-matter");
  const answer = $("f-answer");
  const general = form.querySelector('[data-error-for=""]');

  let startedAt = null; // when this call's form got its first keystroke
  let lookupTimer = null;
  let lookupSeq = 0;
  let escArmedUntil = 0;
  let saving = false;

  const setGeneral = (message) => showText(general, message);

  /* ---- caller history ---------------------------------------------------- */

  function digitCount(text) {
    return (text.match(/\d/g) || []).length;
  }

  function showHistory(visible) {
    $("history-body").hidden = !visible;
    $("history-empty").hidden = visible;
  }

  function scheduleLookup() {
    clearTimeout(lookupTimer);
    lookupSeq++;
    const number = phone.value.trim();
    if (digitCount(number) < 7) {
      showHistory(false);
      $("history-empty").textContent = t("idle");
      return;
    }
    lookupTimer = setTimeout(() => lookup(number, lookupSeq), LOOKUP_DELAY_MS);
  }

  async function lookup(number, seq) {
    const res = await request("GET", "/api/v1/callers/" + encodeURIComponent(number) + "/tickets");
    if (seq !== lookupSeq) return; // a newer keystroke asked again
    if (res.status === 422) {
      showHistory(false);
      $("history-empty").textContent = t("bad_phone");
      return;
    }
    if (!res.ok || !res.data) return;
    renderHistory(res.data);
  }

  function renderHistory(data) {
    const caller = data.caller;
    showHistory(true);
    const repeat = $("repeat");
    repeat.hidden = !data.repeat;
    repeat.textContent = data.repeat ? t("repeat", { n: data.recent_count }) : "";
    $("h-name").textContent = caller ? caller.name || t("unknown_name") : t("new_caller");
    $("h-phone").textContent = caller ? caller.display_phone : "";
    const open = $("h-open");
    open.hidden = !data.open_count;
    open.textContent = data.open_count ? t("open_count", { n: data.open_count }) : "";
    if (caller && caller.name && !callerName.value) callerName.value = caller.name;
    renderAddresses(caller ? caller.addresses : []);
    renderTickets(data.tickets || []);
  }

  function renderAddresses(addresses) {
    const list = $("h-addresses");
    const datalist = $("known-addresses");
    list.replaceChildren();
    datalist.replaceChildren();
    $("h-addr-title").hidden = addresses.length === 0;
    for (const text of addresses) {
      const button = el("button", "address-pick", text);
      button.type = "button";
      button.title = t("use_address");
      button.addEventListener("click", () => {
        address.value = text;
        matter.focus();
      });
      const item = el("li");
      item.append(button);
      list.append(item);
      const option = el("option");
      option.value = text;
      datalist.append(option);
    }
  }

  function renderTickets(tickets) {
    const list = $("h-tickets");
    list.replaceChildren();
    if (!tickets.length) {
      list.append(el("li", "muted", t("no_tickets")));
      return;
    }
    for (const ticket of tickets) {
      const isOpen = !H.ENDED.has(ticket.status);
      const item = el("li", isOpen ? "is-open" : "");
      const head = el("div", "h-head");
      const link = el("a", "number", ticket.number);
      link.href = "/tickets/" + encodeURIComponent(ticket.number);
      link.target = "_blank";
      link.rel = "noopener";
      head.append(link);
      if (isOpen) head.append(el("span", "flag-open", t("open")));
      head.append(H.priorityBadge(ticket.priority), H.statusBadge(ticket.status));
      const meta = el("div", "h-meta");
      meta.append(el("time", "", ticket.created_at ? timeFormat.format(new Date(ticket.created_at)) : ""));
      meta.append(el("span", "", categoryName(ticket.category)));
      if (ticket.address) meta.append(el("span", "", ticket.address));
      const text = ticket.matter.length > 140 ? ticket.matter.slice(0, 140) + "…" : ticket.matter;
      item.append(head, meta, el("p", "h-matter", text));
      list.append(item);
    }
  }

  /* ---- category and priority -------------------------------------------- */

  function visibleChips() {
    return chips.filter((chip) => !chip.hidden);
  }

  function filterCategories() {
    const query = typeahead.value.trim().toLowerCase();
    const byNumber = /^\d$/.test(query);
    for (const chip of chips) {
      chip.hidden = !(query === "" || byNumber || chip.dataset.search.includes(query));
    }
  }

  function chipForKey(key) {
    const index = key === "0" ? 9 : Number(key) - 1;
    return chips[index] || null;
  }

  function chooseCategory(chip) {
    if (!chip) return false;
    const radio = chip.querySelector("input");
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function onCategoryChange(radio) {
    typeahead.value = categoryName(radio.value);
    chips.forEach((chip) => (chip.hidden = false));
    const priority = form.querySelector('input[name="priority"][value="' + radio.dataset.priority + '"]');
    if (priority) {
      priority.checked = true;
      onPriorityChange();
    }
    const answerable = Boolean(radio.dataset.answerable);
    $("answer-wrap").hidden = !answerable;
    if (!answerable) answer.value = "";
  }

  function onPriorityChange() {
    const checked = form.querySelector('input[name="priority"]:checked');
    form.classList.toggle("is-emergency", Boolean(checked) && checked.value === "emergency");
  }

  typeahead.addEventListener("input", filterCategories);
  typeahead.addEventListener("focus", () => typeahead.select());
  typeahead.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      const query = typeahead.value.trim();
      const picked = /^\d$/.test(query) ? chipForKey(query) : visibleChips()[0];
      if (chooseCategory(picked)) address.focus();
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      const target = form.querySelector('input[name="category"]:checked') || (visibleChips()[0] || {}).firstElementChild;
      if (target) target.focus();
    }
  });
  $("category-list").addEventListener("keydown", (event) => {
    if (/^\d$/.test(event.key) && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      const chip = chipForKey(event.key);
      if (chooseCategory(chip)) chip.querySelector("input").focus();
    }
  });

  form.addEventListener("change", (event) => {
    if (event.target.name === "category") onCategoryChange(event.target);
    if (event.target.name === "priority") onPriorityChange();
  });

  /* ---- saving ------------------------------------------------------------ */

  function value(input) {
    const text = input.value.trim();
    return text === "" ? undefined : text;
  }

  function buildBody() {
    const checked = (name) => form.querySelector('input[name="' + name + '"]:checked');
    const facts = {};
    form.querySelectorAll('[data-field^="facts."]').forEach((input) => {
      const text = value(input);
      if (text !== undefined) facts[input.dataset.field.slice(6)] = text;
    });
    const category = checked("category");
    const body = {
      category: category ? category.value : "",
      priority: checked("priority") ? checked("priority").value : undefined,
      matter: matter.value.trim(),
      channel: "phone",
      confidential: $("f-confidential").checked,
      caller: { phone: phone.value.trim(), name: value(callerName) },
      address: value(address),
      call: { answered_at: startedAt || new Date().toISOString(), ended_at: new Date().toISOString() },
    };
    if (Object.keys(facts).length) body.facts = facts;
    if (category && category.dataset.answerable && value(answer)) body.answer = value(answer);
    return body;
  }

  function missingFields(body) {
    const fields = {};
    if (!body.caller.phone) fields["caller.phone"] = t("required");
    if (!body.category) fields.category = t("pick_category");
    if (!body.matter) fields.matter = t("required");
    return fields;
  }

  function setBusy(busy) {
    saving = busy;
    $("save").disabled = busy;
    $("busy").hidden = !busy;
  }

  async function save() {
    if (saving) return;
    clearErrors(form);
    const body = buildBody();
    const missing = missingFields(body);
    if (Object.keys(missing).length) return focusErrors(form, missing);
    setBusy(true);
    const res = await request("POST", "/api/v1/tickets", body);
    setBusy(false);
    if (res.status === 201 && res.data) {
      showSaved(res.data);
      reset();
      return;
    }
    if (res.status === 401) return setGeneral(t("signed_out"));
    if (res.status === 422 && res.data && res.data.fields) return focusErrors(form, fieldErrors(res));
    setGeneral(failureText(res));
  }

  function showSaved(ticket) {
    const closed = ticket.status === "closed";
    $("saved-label").textContent = closed ? t("saved_closed") : t("saved");
    const link = $("saved-link");
    link.textContent = ticket.number;
    link.href = "/tickets/" + encodeURIComponent(ticket.number);
    $("saved").hidden = false;
  }

  function reset() {
    form.reset();
    clearErrors(form);
    chips.forEach((chip) => (chip.hidden = false));
    $("answer-wrap").hidden = true;
    $("facts").open = false;
    onPriorityChange();
    clearTimeout(lookupTimer);
    lookupSeq++;
    showHistory(false);
    $("history-empty").textContent = t("idle");
    startedAt = null;
    escArmedUntil = 0;
    phone.focus();
  }

  function isEmpty() {
    return Array.from(form.querySelectorAll("input[type=text], input[type=tel], textarea")).every((i) => !i.value.trim());
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  form.addEventListener("input", (event) => {
    if (!startedAt) startedAt = new Date().toISOString();
    if (event.target === phone) scheduleLookup();
  });
  $("clear").addEventListener("click", reset);

  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      if (isEmpty()) return reset();
      if (Date.now() < escArmedUntil) return reset();
      escArmedUntil = Date.now() + 2000;
      setGeneral(t("confirm_clear"));
    } else if (event.altKey && (event.key === "c" || event.key === "C")) {
      event.preventDefault();
      typeahead.focus();
    }
  });
})();
