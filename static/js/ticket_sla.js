/* The ticket page's SLA panel: each running clock's time left ticks every second and
   turns to "overdue by" at its deadline (the server wrote the first value). */
(function () {
  "use strict";
  const { t, age: span } = Hotline; // "12:34", "3h 12m", "2d 3h", as the wall board writes it

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
