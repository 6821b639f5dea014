/* The shared page core, part 2 of 6: words and times in the reader's language.

   A page's translated strings come in <script type="application/json" id="i18n">, which
   its template renders after this file: they are read on the first t() call. */
(function () {
  "use strict";

  const H = window.Hotline;

  /* t(key, vars) for the strings in the JSON blob `id`: the translated string, {name}
     placeholders filled from vars; the key itself when the page has no such string.
     t.has(key) says whether it has one. */
  function translator(id) {
    let strings = null;
    const all = () => strings || (H.$(id) ? (strings = H.readJSON(id)) : {});
    function t(key, vars) {
      let text = all()[key] || key;
      for (const [name, value] of Object.entries(vars || {})) {
        text = text.split("{" + name + "}").join(String(value));
      }
      return text;
    }
    t.has = (key) => Object.prototype.hasOwnProperty.call(all(), key);
    return t;
  }

  const t = translator("i18n");

  /* A time span: "12:34" under an hour, "3h 12m" under a day, then "2d 3h" (the page's
     age_hours and age_days strings). With {days: false} the hours go on counting. */
  function age(ms, { days = true } = {}) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const pad = (n) => String(n).padStart(2, "0");
    if (s < 3600) return Math.floor(s / 60) + ":" + pad(s % 60);
    if (s < 86400 || !days) return t("age_hours", { h: Math.floor(s / 3600), m: pad(Math.floor((s % 3600) / 60)) });
    return t("age_days", { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
  }

  /* Intl.DateTimeFormat in the page's language and the center's time zone (the page's
     <meta name="hotline-tz">, else this machine's). */
  function dateFormat(options) {
    const tz = document.querySelector('meta[name="hotline-tz"]');
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, { timeZone: tz ? tz.content : undefined, ...options });
  }

  Object.assign(H, { t, translator, age, dateFormat });
})();
