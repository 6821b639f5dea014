/* The roster page: the month grid (days x shifts), coverage gaps, the loud warning when
   a 24-hour center would have nobody on duty, publishing, and swap/leave requests. */
(function () {
  "use strict";

  const { $, el, option, readJSON, t, request, clearErrors, focusErrors, fieldErrors, failureText } = Hotline;
  const page = readJSON("roster-page");
  const base = "/api/v1/rosters/" + page.month;
  let roster = null;
  let requests = [];

  const names = () => Object.fromEntries(roster.staff.map((p) => [p.username, p]));
  const shiftName = (code) => (roster.shifts.find((s) => s.code === code) || { name: code }).name;
  const roleName = (r) => page.roles[r] || r;
  const localTime = (iso) =>
    new Date(iso).toLocaleString(document.documentElement.lang, { timeZone: roster.timezone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });

  const message = (text, kind) => Hotline.flash($("roster-message"), text, kind);

  function gapText(g) {
    return t(g.kind, { shift: shiftName(g.shift), day: g.day.slice(5), count: g.count, role: roleName(g.role), limit: g.limit });
  }

  /* ---- the grid ---- */
  function render() {
    const status = $("roster-status");
    status.textContent = t(roster.status);
    status.dataset.status = roster.status;
    const head = $("grid-head");
    head.replaceChildren(head.firstElementChild);
    for (const s of roster.shifts) {
      const th = el("th", null, s.name);
      th.scope = "col";
      th.append(el("span", "shift-time", s.starts + "–" + s.ends + (s.overnight ? "⁺¹" : "")));
      head.append(th);
    }
    const gapsAt = {};
    for (const g of roster.coverage.gaps) (gapsAt[g.day + "|" + g.shift] ||= []).push(g);
    const who = names();
    const today = roster.today;
    const body = $("grid-body");
    body.replaceChildren();
    for (const day of roster.days) {
      const tr = el("tr");
      const date = new Date(day + "T12:00:00");
      const weekday = date.toLocaleDateString(document.documentElement.lang, { weekday: "short" });
      const th = el("th", "day" + (date.getDay() % 6 === 0 ? " weekend" : "") + (day === today ? " today" : ""));
      th.scope = "row";
      th.append(el("b", null, day.slice(8)), " ", el("span", "weekday", weekday));
      tr.append(th);
      for (const s of roster.shifts) {
        const people = roster.cells[day][s.code] || [];
        const gaps = gapsAt[day + "|" + s.code] || [];
        const td = el("td", "cell");
        td.dataset.day = day;
        td.dataset.shift = s.code;
        if (gaps.length) td.classList.add("gap-" + gaps[0].kind);
        if (people.includes(page.me)) td.classList.add("mine");
        const list = el("ul", "people");
        for (const u of people) {
          const p = who[u] || { name: u, role: "" };
          const mine = u === page.me;
          const li = el("li", "person role-" + p.role + (mine ? " me" : ""), (mine ? "★ " : "") + p.name);
          li.title = roleName(p.role) + (mine ? " · " + t("mine") : "");
          list.append(li);
        }
        if (!people.length) list.append(el("li", "nobody", t("nobody")));
        td.append(list);
        if (gaps.length) td.title = gaps.map(gapText).join("\n");
        if (page.can_draw) {
          const button = el("button", "cell-edit");
          button.type = "button";
          button.setAttribute("aria-label", t("cell_title", { shift: s.name, day }));
          button.addEventListener("click", () => openCell(day, s));
          td.append(button);
        }
        tr.append(td);
      }
      body.append(tr);
    }
    renderCoverage();
    renderRequestForm();
    renderHistory();
    if (page.can_draw) renderRotationPeople();
  }

  function renderCoverage() {
    const c = roster.coverage;
    const alarm = $("nobody-alarm");
    alarm.hidden = !c.nobody_on_duty.length;
    $("nobody-list").replaceChildren(...c.nobody_on_duty.map((h) => el("li", null, t("hole", { from: localTime(h.from), to: localTime(h.to) }))));
    $("gap-count").textContent = c.gaps.length || "";
    $("gaps").replaceChildren(...c.gaps.map((g) => el("li", "gap gap-" + g.kind, gapText(g))));
    $("no-gaps").hidden = c.gaps.length > 0;
  }

  function renderHistory() {
    $("history").replaceChildren(
      ...roster.history.map((h) => {
        const vars = {
          who: h.actor ? h.actor.name : "", shift: h.shift ? shiftName(h.shift) : "", day: h.day || "", reason: h.reason || "",
          after: h.kind === "cell" && h.changes.people ? h.changes.people[1].join(", ") || t("nobody") : "",
          off: h.changes.off || "", on: h.changes.on || t("nobody"),
          from: h.changes.from || "", added: h.changes.added ?? "", skipped: h.changes.skipped ?? "",
        };
        const li = el("li", null, t("hist_" + h.kind, vars));
        li.prepend(el("time", "muted", localTime(h.at) + " "));
        return li;
      })
    );
  }

  /* ---- drawing a cell ---- */
  const dialog = $("cell-dialog");
  let editing = null;

  function openCell(day, shift) {
    editing = { day, shift };
    $("cell-title").textContent = t("cell_title", { shift: shift.name, day });
    $("cell-rules").textContent = shift.staffing.length
      ? t("rules", { rules: shift.staffing.map((r) => t("rule", { role: roleName(r.role), min: r.min, max: r.max ?? "∞" })).join(", ") })
      : "";
    const chosen = new Set(roster.cells[day][shift.code] || []);
    const box = $("cell-people");
    box.replaceChildren();
    for (const [role, label] of Object.entries(page.roles)) {
      const staff = roster.staff.filter((p) => p.role === role);
      if (!staff.length) continue;
      const group = el("fieldset", "role-group");
      group.append(el("legend", null, label));
      for (const p of staff) {
        const lab = el("label", "check-chip");
        const box2 = el("input");
        box2.type = "checkbox";
        box2.value = p.username;
        box2.checked = chosen.has(p.username);
        lab.append(box2, " " + p.name);
        group.append(lab);
      }
      box.append(group);
    }
    $("cell-reason").value = "";
    $("cell-error").hidden = true;
    $("cell-ask").hidden = true;
    dialog.showModal();
  }

  $("cell-form").addEventListener("submit", async (event) => {
    if (event.submitter && event.submitter.value === "cancel") return;
    event.preventDefault();
    const people = [...$("cell-people").querySelectorAll("input:checked")].map((i) => i.value);
    const answer = await request("POST", base + "/cells", {
      day: editing.day, shift: editing.shift.code, people, version: roster.version, reason: $("cell-reason").value || null,
    });
    if (answer.ok) {
      roster = answer.data;
      dialog.close();
      render();
      message(t("saved"));
      return;
    }
    const err = $("cell-error");
    if (answer.status === 409 && answer.data && answer.data.code === "double_shift") {
      err.textContent = doubleText(answer.data.double_shift);
      err.hidden = false;
      cellDouble = answer.data.double_shift;
      $("cell-ask").hidden = false;
      return;
    }
    if (answer.status === 409) {
      dialog.close();
      await load();
      message(t("conflict"), "error");
      return;
    }
    err.textContent = failureText(answer);
    err.hidden = false;
  });

  let cellDouble = null;
  $("cell-ask-button").addEventListener("click", async () => {
    if (await askApproval(cellDouble, $("cell-reason").value)) dialog.close();
  });

  /* ---- double shifts (连班): asked for here, decided by another supervisor ---- */
  async function askApproval(pair, reason) {
    const why = (reason || "").trim() || (window.prompt(t("ask_reason")) || "").trim();
    if (!why || !pair) return false;
    const answer = await request("POST", "/api/v1/double-shifts", {
      user: pair.user, first_day: pair.first_day, first_shift: pair.first_shift,
      second_day: pair.second_day, second_shift: pair.second_shift, reason: why,
    });
    message(answer.ok ? t("asked") : (answer.data && answer.data.message) || failureText(answer), answer.ok ? "ok" : "error");
    loadDoubles();
    return answer.ok;
  }

  /* The refusal in the reader's words, with the shifts by name (the API's message names their codes). */
  function doubleText(pair) {
    return t("double_refused", {
      who: pair.user_name, first: shiftName(pair.first_shift) + " " + pair.first_day, second: shiftName(pair.second_shift) + " " + pair.second_day,
    });
  }

  function askButton(pair) {
    const b = el("button", null, t("ask"));
    b.type = "button";
    b.addEventListener("click", () => askApproval(pair, ""));
    return b;
  }

  let doubles = [];
  function renderDoubles() {
    if (!$("doubles")) return;
    const pending = doubles.filter((d) => d.status === "pending");
    $("doubles-count").textContent = pending.length || "";
    $("no-doubles").hidden = doubles.length > 0;
    $("doubles").replaceChildren(...doubles.slice(0, 20).map((d) => {
      const li = el("li", "request status-" + d.status);
      const text = t("double_text", {
        who: d.user.name, first: shiftName(d.first_shift) + " " + d.first_day, second: shiftName(d.second_shift) + " " + d.second_day,
      });
      li.append(el("p", "r-head", text), el("p", "r-reason", "“" + d.reason + "” · " + t("asked_by", { who: d.requested_by.name })));
      const state = el("p", "r-state", t("status_" + d.status));
      if (d.decided_by) state.textContent = t("decided_by", { status: t("status_" + d.status), who: d.decided_by.name, at: localTime(d.decided_at) });
      if (d.decision_note) state.textContent += " · " + d.decision_note;
      li.append(state);
      // Four eyes: not the person who would work it, not the one who asked (the API refuses it too).
      if (d.status === "pending" && d.user.username !== page.me && d.requested_by.username !== page.me) {
        const box = el("div", "r-actions");
        const note = el("input", "note");
        note.placeholder = t("note");
        note.maxLength = 1000;
        const err = el("p", "field-error");
        err.hidden = true;
        for (const approve of [true, false]) {
          const b = el("button", approve ? "primary" : null, t(approve ? "approve" : "refuse"));
          b.type = "button";
          b.addEventListener("click", async () => {
            const answer = await request("POST", `/api/v1/double-shifts/${d.id}/decision`, { approve, version: d.version, note: note.value || null });
            if (answer.ok) return loadDoubles();
            err.textContent = failureText(answer);
            err.hidden = false;
          });
          box.append(b);
        }
        box.prepend(note);
        box.append(err);
        li.append(box);
      }
      return li;
    }));
  }

  async function loadDoubles() {
    if (!page.can_draw) return;
    const answer = await request("GET", "/api/v1/double-shifts");
    if (answer.ok) {
      doubles = answer.data.items;
      renderDoubles();
    }
  }

  /* ---- planning: copy last month, rotations ---- */
  function showPlan(plan) {
    $("plan-result").hidden = false;
    const n = { added: plan.added.length, skipped: plan.skipped.length };
    $("plan-summary").textContent = t(plan.skipped.length ? "plan_summary" : "plan_none_skipped", n);
    $("plan-skipped").replaceChildren(...plan.skipped.map((s) => {
      const li = el("li", "plan-skip plan-skip-" + s.code, (s.double_shift ? doubleText(s.double_shift) : s.message) + " ");
      if (s.double_shift) li.append(askButton(s.double_shift));
      return li;
    }));
  }

  function renderRotationPeople() {
    const box = $("rot-people");
    if (!box || box.childElementCount) return;
    for (const p of roster.staff.filter((x) => x.role === "operator")) {
      const lab = el("label", "check-chip");
      const input = el("input");
      input.type = "checkbox";
      input.value = p.username;
      input.checked = true;
      lab.append(input, " " + p.name);
      box.append(lab);
    }
    for (const p of roster.staff.filter((x) => x.role !== "operator")) {
      const lab = el("label", "check-chip");
      const input = el("input");
      input.type = "checkbox";
      input.value = p.username;
      lab.append(input, " " + p.name + " · " + roleName(p.role));
      box.append(lab);
    }
  }

  if ($("copy-previous")) {
    $("copy-previous").addEventListener("click", async () => {
      if (!window.confirm(t("copy_confirm"))) return;
      const answer = await request("POST", base + "/copy-previous", { version: roster.version });
      if (answer.ok) {
        roster = answer.data;
        render();
        showPlan(answer.data.plan);
        return;
      }
      if (answer.status === 409) await load();
      message(answer.status === 409 ? t("conflict") : failureText(answer), "error");
    });
    $("rotation-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      clearErrors(form);
      const answer = await request("POST", "/api/v1/roster-rotations", {
        people: [...$("rot-people").querySelectorAll("input:checked")].map((i) => i.value),
        pattern: [$("rot-pattern").value],
        start: $("rot-start").value || null,
        end: $("rot-end").value || null,
        stagger: $("rot-stagger").checked,
      });
      if (answer.ok) {
        await load();
        showPlan(answer.data);
        return;
      }
      if (answer.data && answer.data.fields) focusErrors(form, fieldErrors(answer));
      else message(failureText(answer), "error");
    });
  }

  /* ---- publishing ---- */
  async function publish(extra) {
    const answer = await request("POST", base + "/publish", Object.assign({ version: roster.version }, extra));
    if (answer.ok) {
      roster = answer.data;
      render();
      message(t("published_ok"));
      return;
    }
    const d = answer.data || {};
    if (answer.status === 409 && d.code === "gaps") {
      roster.coverage = d.coverage;
      renderCoverage();
      if (window.confirm(t("gaps_confirm", { n: d.coverage.gaps.length }))) publish({ confirm_gaps: true });
      return;
    }
    if (answer.status === 409 && d.code === "nobody_on_duty") {
      roster.coverage = d.coverage;
      renderCoverage();
      const reason = window.prompt(t("nobody_prompt"));
      if (reason && reason.trim()) publish({ confirm_gaps: true, override_reason: reason.trim() });
      return;
    }
    if (answer.status === 409) {
      await load();
      message(t("conflict"), "error");
      return;
    }
    message(failureText(answer), "error");
  }
  if ($("publish")) $("publish").addEventListener("click", () => publish({}));

  /* ---- requests ---- */
  function myShifts(username) {
    const out = [];
    for (const day of roster.days.filter((d) => d >= roster.today)) {
      for (const s of roster.shifts) if ((roster.cells[day][s.code] || []).includes(username)) out.push({ day, shift: s.code });
    }
    return out;
  }

  function renderRequestForm() {
    const mine = myShifts(page.me);
    const shiftSel = $("r-shift");
    const keep = shiftSel.value;
    shiftSel.replaceChildren(...mine.map((m) => option(m.day + "|" + m.shift, m.day + " " + shiftName(m.shift))));
    if (!mine.length) shiftSel.append(option("", t("no_shifts")));
    if (keep) shiftSel.value = keep;
    const partnerSel = $("r-partner");
    const keepPartner = partnerSel.value;
    partnerSel.replaceChildren(
      ...roster.staff.filter((p) => p.username !== page.me).map((p) => option(p.username, p.name + " · " + roleName(p.role)))
    );
    if (keepPartner) partnerSel.value = keepPartner;
    renderPartnerShifts();
    $("request-form").hidden = roster.status !== "published";
  }

  function renderPartnerShifts() {
    const sel = $("r-partner-shift");
    const first = sel.firstElementChild;
    sel.replaceChildren(first, ...myShifts($("r-partner").value).map((m) => option(m.day + "|" + m.shift, m.day + " " + shiftName(m.shift))));
  }
  $("r-partner").addEventListener("change", renderPartnerShifts);

  function kind() {
    return document.querySelector('input[name="kind"]:checked').value;
  }
  function showKind() {
    document.querySelectorAll(".swap-only").forEach((n) => (n.hidden = kind() !== "swap"));
  }
  document.querySelectorAll('input[name="kind"]').forEach((r) => r.addEventListener("change", showKind));
  showKind();

  $("request-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    clearErrors(form);
    const [day, shift] = ($("r-shift").value || "|").split("|");
    const body = { kind: kind(), day: day || null, shift, reason: $("r-reason").value };
    if (kind() === "swap") {
      body.partner = $("r-partner").value || null;
      const back = $("r-partner-shift").value;
      if (back) [body.partner_day, body.partner_shift] = back.split("|");
    }
    const answer = await request("POST", "/api/v1/shift-requests", body);
    if (answer.ok) {
      $("r-reason").value = "";
      message(t("request_sent"));
      loadRequests();
      return;
    }
    if (answer.data && answer.data.fields) focusErrors(form, fieldErrors(answer));
    else message(failureText(answer), "error");
  });

  function requestText(r) {
    const vars = { who: r.requester.name, shift: shiftName(r.shift), day: r.day, partner: r.partner ? r.partner.name : "" };
    if (r.kind === "leave") return t("leave_text", vars);
    let text = t("swap_text", vars);
    if (r.partner_day) text += t("swap_back", { shift: shiftName(r.partner_shift), day: r.partner_day });
    return text;
  }

  function renderRequests() {
    const list = $("requests");
    list.replaceChildren();
    $("no-requests").hidden = requests.length > 0;
    for (const r of requests) {
      const li = el("li", "request status-" + r.status);
      li.dataset.id = r.id;
      const head = el("p", "r-head");
      head.append(el("span", "badge kind-" + r.kind, t("kind_" + r.kind)), " ", el("span", "r-text", requestText(r)));
      li.append(head, el("p", "r-reason", "“" + r.reason + "”"));
      const state = el("p", "r-state", t("status_" + r.status));
      if (r.decided_by) state.textContent = t("decided_by", { status: t("status_" + r.status), who: r.decided_by.name, at: localTime(r.decided_at) });
      if (r.substitute) state.textContent += " · " + t("substitute") + ": " + r.substitute.name;
      if (r.decision_note) state.textContent += " · " + r.decision_note;
      li.append(state);
      if (r.status === "pending") li.append(actions(r));
      list.append(li);
    }
  }

  function actions(r) {
    const box = el("div", "r-actions");
    const err = el("p", "field-error");
    err.hidden = true;
    async function send(url, body) {
      const answer = await request("POST", url, body);
      if (answer.ok) {
        await Promise.all([load(), loadRequests()]);
        return;
      }
      const d = answer.data || {};
      err.textContent = d.code === "coverage" ? d.error : d.code === "double_shift" ? doubleText(d.double_shift) : failureText(answer);
      err.hidden = false;
      if (d.code === "double_shift") err.append(" ", askButton(d.double_shift));
    }
    // Four eyes: nobody decides a request they made or are the partner of (the API refuses it too).
    const mine = r.requester.username === page.me || (r.partner && r.partner.username === page.me);
    if (page.can_draw && !mine) {
      let substitute = null;
      if (r.kind === "leave") {
        substitute = el("select", "substitute");
        substitute.setAttribute("aria-label", t("substitute"));
        substitute.append(option("", t("no_substitute")));
        roster.staff.filter((p) => p.username !== r.requester.username).forEach((p) => substitute.append(option(p.username, p.name + " · " + roleName(p.role))));
        box.append(substitute);
      }
      const note = el("input", "note");
      note.placeholder = t("note");
      note.maxLength = 1000;
      const approve = el("button", "primary", t("approve"));
      const refuse = el("button", null, t("refuse"));
      approve.type = refuse.type = "button";
      approve.addEventListener("click", () =>
        send(`/api/v1/shift-requests/${r.id}/decision`, { approve: true, version: r.version, substitute: substitute && substitute.value ? substitute.value : null, note: note.value || null })
      );
      refuse.addEventListener("click", () => send(`/api/v1/shift-requests/${r.id}/decision`, { approve: false, version: r.version, note: note.value || null }));
      box.append(note, approve, refuse);
    }
    if (r.requester.username === page.me) {
      const withdraw = el("button", null, t("withdraw"));
      withdraw.type = "button";
      withdraw.addEventListener("click", () => send(`/api/v1/shift-requests/${r.id}/withdraw`, { version: r.version }));
      box.append(withdraw);
    }
    box.append(err);
    return box;
  }

  async function load() {
    const answer = await request("GET", base);
    if (!answer.ok) {
      message(failureText(answer), "error");
      return;
    }
    roster = answer.data;
    render();
  }

  async function loadRequests() {
    const answer = await request("GET", "/api/v1/shift-requests");
    if (answer.ok) {
      requests = answer.data.items;
      renderRequests();
    }
  }

  load().then(() => Promise.all([loadRequests(), loadDoubles()]));
})();
