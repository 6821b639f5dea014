/* Hotline page helpers: JSON calls with the CSRF header, translated strings, and
   field errors shown beside their fields. Data is only ever set as text. */
(function () {
  "use strict";

  function readJSON(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : {};
  }

  const strings = readJSON("i18n");

  /* A translated string; {name} placeholders filled from vars. */
  function t(key, vars) {
    let text = strings[key] || key;
    for (const [name, value] of Object.entries(vars || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* fetch() that never throws: {ok, status, data}; status 0 when the network failed. */
  async function request(method, url, body) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrfToken();
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (err) {
      return { ok: false, status: 0, data: null };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    return { ok: response.ok, status: response.status, data };
  }

  function selectorFor(attr, key) {
    return "[" + attr + '="' + CSS.escape(key) + '"]';
  }

  function clearErrors(root) {
    root.querySelectorAll("[data-error-for]").forEach((box) => {
      box.textContent = "";
      box.hidden = true;
    });
    root.querySelectorAll('[aria-invalid="true"]').forEach((el) => el.removeAttribute("aria-invalid"));
    root.querySelectorAll(".field.invalid").forEach((el) => el.classList.remove("invalid"));
  }

  /* The error box for a field path: the path itself, else its parents ('facts.when' ->
     'facts'), else the general box (''). */
  function errorBox(root, path) {
    const parts = path ? path.split(".") : [];
    for (let n = parts.length; n >= 0; n--) {
      const box = root.querySelector(selectorFor("data-error-for", parts.slice(0, n).join(".")));
      if (box) return box;
    }
    return null;
  }

  /* Show {path: message} beside each field; returns the first control to focus. */
  function showErrors(root, fields) {
    let first = null;
    for (const [path, message] of Object.entries(fields || {})) {
      const box = errorBox(root, path);
      if (box) {
        const prefix = box.getAttribute("data-error-for") === path || !path ? "" : path + ": ";
        box.textContent = (box.textContent ? box.textContent + " " : "") + prefix + message;
        box.hidden = false;
        const wrap = box.closest(".field");
        if (wrap) wrap.classList.add("invalid");
      }
      const control = root.querySelector(selectorFor("data-field", path));
      if (control) {
        control.setAttribute("aria-invalid", "true");
        first = first || control;
      }
    }
    return first;
  }

  window.Hotline = { readJSON, t, request, clearErrors, showErrors };
})();
