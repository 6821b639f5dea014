/* The duty log page: a new entry and the day's review, each a JSON API call; on success
   the page is read again from the server. */
(function () {
  "use strict";
  const H = window.Hotline;
  async function send(form, url, body) {
    H.clearErrors(form);
    form.querySelectorAll("button").forEach((b) => (b.disabled = true));
    const answer = await H.request("POST", url, body);
    form.querySelectorAll("button").forEach((b) => (b.disabled = false));
    if (answer.ok) return window.location.reload();
    H.focusErrors(form, H.fieldErrors(answer) || { "": H.failureText(answer) });
  }
  const entry = H.$("log-entry");
  if (entry) entry.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = (n) => entry.querySelector("[name=" + n + "]").value.trim();
    send(entry, "/api/v1/duty-log", { kind: v("kind"), body: v("body"), ticket: v("ticket") || null });
  });
  const review = H.$("log-review");
  if (review) review.addEventListener("submit", (e) => {
    e.preventDefault();
    send(review, "/api/v1/duty-log/reviews", { day: review.dataset.day, comment: review.querySelector("[name=comment]").value.trim() || null });
  });
})();
