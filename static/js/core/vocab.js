/* The shared page core, part 4 of 6: the words for a ticket's codes. Status and priority
   names come from the server (hotline/labels.py js_labels(), rendered by base.html as
   <script id="labels">); category names from the page's <script id="category-names">,
   where it has one. A code without a name is shown as the code. */
(function () {
  "use strict";

  const H = window.Hotline;

  let labels = null;
  let categories = null;
  const names = (kind) => (labels || (labels = H.readJSON("labels")))[kind] || {};

  function statusName(code) {
    return names("status")[code] || code;
  }

  function priorityName(code) {
    return names("priority")[code] || code;
  }

  /* A category's name; `fallback` (else the code) when the page does not know it. */
  function categoryName(code, fallback = code) {
    return (categories || (categories = H.readJSON("category-names")))[code] || fallback;
  }

  /* The badges a ticket's status and priority are shown with (css/app.css colours them). */
  function statusBadge(code) {
    return H.el("span", "badge status status-" + code, statusName(code));
  }

  function priorityBadge(code) {
    return H.el("span", "badge prio prio-" + code, priorityName(code));
  }

  /* Where a ticket's status puts it: waiting for the dispatch desk, with a unit, or done
     with (nothing more happens). "resolved" is in none: it waits for its callback. */
  const WAITING = new Set(["new", "returned"]);
  const WITH_UNIT = new Set(["dispatched", "accepted", "en_route", "on_site"]);
  const ENDED = new Set(["closed", "cancelled"]);

  /* Priorities, the most pressing first. */
  const PRIORITIES = ["emergency", "urgent", "normal", "low"];

  /* Emergencies first, then the oldest. */
  function byUrgency(a, b) {
    const rank = (p) => (PRIORITIES.includes(p) ? PRIORITIES.indexOf(p) : 9);
    return rank(a.priority) - rank(b.priority) || Date.parse(a.created_at) - Date.parse(b.created_at);
  }

  Object.assign(H, {
    statusName, priorityName, categoryName, statusBadge, priorityBadge, WAITING, WITH_UNIT, ENDED, PRIORITIES, byUrgency,
  });
})();
