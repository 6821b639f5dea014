/* The shared page core, part 3 of 6: JSON calls to the API with the CSRF header, and what
   the API answers when it refuses one ({error, fields, messages}: `fields` in stable
   English for machines, `messages` the same in the reader's language) shown to a person:
   beside the fields, or in one line. */
(function () {
  "use strict";

  const H = window.Hotline;
  const t = H.t;

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

  /* showErrors, then the keyboard to the first field with an error. */
  function focusErrors(root, fields) {
    const first = showErrors(root, fields);
    if (first) first.focus();
    return first;
  }

  /* The answer's per-field texts {path: text}, in the reader's language when it has them;
     null when it has none. */
  function fieldErrors(answer) {
    const d = answer.data || {};
    return d.messages || d.fields || null;
  }

  /* The answer's per-field texts in one line, "path: text" each. */
  function fieldsLine(answer, separator) {
    return Object.entries(fieldErrors(answer) || {}).map(([path, text]) => path + ": " + text).join(separator);
  }

  /* What to tell a person whose call failed (other than a conflict): no connection; not
     allowed (on a page with a "forbidden" string; elsewhere the server's reason, as for
     any refusal); else "failed" and the server's reason: the answer's per-field texts,
     else its error, else its status. Which per-field texts: `fieldKey` "fields" (as sent,
     the default) or "messages" (translated, falling back to "fields"). */
  function failureText(answer, fieldKey = "fields") {
    if (answer.status === 0) return t("network");
    if (answer.status === 403 && t.has("forbidden")) return t("forbidden");
    const d = answer.data || {};
    const fields = d[fieldKey] || d.fields;
    return t("failed") + " " + (fields ? Object.values(fields).join(" ") : d.error || answer.status);
  }

  Object.assign(H, { request, clearErrors, showErrors, focusErrors, fieldErrors, fieldsLine, failureText });
})();
