/* The seat page: sign in to a shift and a seat, then ready / busy (示忙) / away with a
   reason; the time in the state ticks, and past five minutes away a warning shows. */
(function () {
  "use strict";

  const { $, option, readJSON, t, age, request, clearErrors, showErrors, fieldErrors, failureText } = Hotline;
  const page = readJSON("seat-page");
  let me = null;
  let offset = 0; // server clock minus ours

  const message = (text, kind) => Hotline.flash($("seat-message"), text, kind);
  const failure = (answer) => failureText(answer, "messages"); // the field texts translated

  function render() {
    const session = me.session;
    $("sign-in").hidden = !!session;
    $("on-seat").hidden = !session;
    if (!session) {
      $("s-shift").replaceChildren(...me.shifts.map((s) => option(s.day + "|" + s.shift, t("shift_option", { shift: s.name, day: s.day, from: s.from, to: s.to }))));
      $("s-seat").replaceChildren(
        ...me.seats.map((s) => {
          const o = option(s.code, s.taken_by ? t("taken", { seat: s.name, who: s.taken_by.name }) : s.name);
          o.disabled = !!s.taken_by;
          return o;
        })
      );
      $("sign-in-form").hidden = !me.shifts.length;
      $("no-shift").hidden = me.shifts.length > 0;
      return;
    }
    const shift = me.shifts.find((s) => s.shift === session.shift && s.day === session.day);
    $("seat-where").textContent = t("where", {
      seat: session.seat_name || session.seat, shift: shift ? shift.name : session.shift, day: session.day,
      from: session.from, to: session.to,
    });
    const box = $("seat-state");
    box.dataset.state = session.state;
    box.querySelector(".state-label").textContent = t("state_" + session.state) + (session.away_reason ? " · " + session.away_reason : "");
    document.querySelectorAll(".state-btn").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.state === session.state)));
    $("count-tickets").textContent = session.tickets;
    $("count-calls").textContent = session.calls;
    tick();
  }

  function tick() {
    if (!me || !me.session) return;
    const since = Date.now() + offset - Date.parse(me.session.since);
    $("state-age").textContent = age(since, { days: false });
    $("away-warning").hidden = !(me.session.state === "away" && since > page.away_minutes * 60000);
  }
  setInterval(tick, 1000);

  async function act(method, url, body, form) {
    if (form) clearErrors(form);
    const answer = await request(method, url, body);
    if (answer.ok) {
      me = answer.data;
      offset = Date.parse(me.now) - Date.now();
      render();
      return true;
    }
    const d = answer.data || {};
    if (answer.status === 409 && d.code === "stale") {
      await load();
      message(t("conflict"), "error");
    } else if (form && d.fields) {
      showErrors(form, fieldErrors(answer));
    } else {
      message(failure(answer), "error");
    }
    return false;
  }

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const [day, shift] = ($("s-shift").value || "|").split("|");
    if (await act("POST", "/api/v1/seats/sign-in", { seat: $("s-seat").value, shift: shift || null, day: day || null }, event.currentTarget)) message(t("signed_in"));
  });

  document.querySelectorAll(".state-buttons .state-btn").forEach((button) =>
    button.addEventListener("click", () => {
      message("");
      act("POST", "/api/v1/seats/state", { state: button.dataset.state, version: me.session.version });
    })
  );

  $("away-form").addEventListener("submit", (event) => {
    event.preventDefault();
    message("");
    act("POST", "/api/v1/seats/state", { state: "away", reason: $("away-reason").value || null, version: me.session.version }, event.currentTarget);
  });

  $("sign-out").addEventListener("click", async () => {
    if (await act("POST", "/api/v1/seats/sign-out", { version: me.session.version })) message(t("signed_out"));
  });

  async function load() {
    const answer = await request("GET", "/api/v1/seats/me");
    if (!answer.ok) {
      message(failure(answer), "error");
      return;
    }
    me = answer.data;
    offset = Date.parse(me.now) - Date.now();
    render();
  }
  load();
  setInterval(load, 60000); // counts of tickets and calls
})();
