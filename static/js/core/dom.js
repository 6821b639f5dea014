/* The shared page core, part 1 of 6 (templates/base.html loads them in order: dom, i18n,
   http, vocab, live, ui). Every page script finds them on window.Hotline.

   Here: the small DOM helpers. Data is only ever set as text, never as HTML. */
(function () {
  "use strict";

  const H = (window.Hotline = window.Hotline || {});

  /* The element with this id (null when the page has none). */
  function $(id) {
    return document.getElementById(id);
  }

  /* The data a template put in <script type="application/json" id="...">; {} without one. */
  function readJSON(id) {
    const node = $(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  /* An element with a class and text (never HTML). */
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* An <option> of a <select>. */
  function option(value, text) {
    const node = el("option", null, text);
    node.value = value;
    return node;
  }

  /* Text in a box that is hidden while it has none. */
  function showText(node, text) {
    node.textContent = text || "";
    node.hidden = !text;
    return node;
  }

  /* A page's message line: class "flash ok" (or "flash error"), hidden when empty. */
  function flash(node, text, kind) {
    node.className = "flash " + (kind || "ok");
    return showText(node, text);
  }

  Object.assign(H, { $, readJSON, el, option, showText, flash });
})();
