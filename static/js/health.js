/* Server-side trouble on a wall screen: polls /healthz every 15 s and shows a banner naming what is
   down (the database, Redis that carries live events between processes, the SLA deadline monitor),
   or that the server does not answer. A lost socket alone is shown by the live state; this sees
   what a connected socket cannot: a board can stay connected while deadlines go unwatched. */
(function () {
  "use strict";

  const { $, t } = Hotline;
  const EVERY_MS = 15000;
  const banner = $("server-trouble");
  if (!banner) return;
  const text = banner.querySelector(".text");

  function show(message) {
    text.textContent = message;
    banner.hidden = false;
  }

  async function check() {
    let body = null;
    try {
      const response = await fetch("/healthz", { cache: "no-store", headers: { Accept: "application/json" } });
      body = await response.json().catch(() => null);
      if (response.ok) {
        banner.hidden = true;
        return;
      }
    } catch (err) {
      show(t("health_unreachable"));
      return;
    }
    const down = (body && Array.isArray(body.down) && body.down.length) ? body.down : ["server"];
    const names = down.map((part) => t("health_part_" + part)).join(t("health_separator"));
    show(t("health_down", { parts: names }));
  }

  check();
  setInterval(check, EVERY_MS);
  window.HotlineHealth = { check }; // for tests
})();
