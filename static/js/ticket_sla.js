/* The ticket page's SLA panel: each running clock's time left ticks every second and
   turns to "overdue by" at its deadline (the server wrote the first value). */
(function () {
  "use strict";
  const t = Hotline.t;

  /* "12:34" under an hour, "3h 12m" under a day, then "2d 3h" (as the wall board writes it). */
  function span(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const pad = (n) => String(n).padStart(2, "0");
    if (s < 3600) return Math.floor(s / 60) + ":" + pad(s % 60);
    if (s < 86400) return t("age_hours", { h: Math.floor(s / 3600), m: pad(Math.floor((s % 3600) / 60)) });
    return t("age_days", { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll(".sla-count[data-due]").forEach((node) => {
      const left = Date.parse(node.dataset.due) - now;
      node.textContent = left >= 0 ? t("left", { t: span(left) }) : t("overdue", { t: span(-left) });
      const row = node.closest(".sla-clock");
      if (row && left < 0) {
        row.classList.add("sla-overdue");
        row.classList.remove("sla-warned");
      }
    });
  }

  tick();
  setInterval(tick, 1000);
})();
