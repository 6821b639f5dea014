/* The shared page core, part 6 of 6: common page behaviours declared in the markup, so
   that templates need no inline script or event handler (the Content-Security-Policy
   allows neither; hotline/core/security_headers.py):

     <button type="button" data-print>            prints the page
     <form data-confirm="Really?"> / <button data-confirm="Really?">
                                                  asks before submitting (or clicking on)
     <select data-autosubmit>                     submits its form when changed */
(function () {
  "use strict";

  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) {
      window.print();
      return;
    }
    const asking = target.closest("button[data-confirm], a[data-confirm], input[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", (e) => {
    const field = e.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit();
    }
  });
})();
