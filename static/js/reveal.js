/* The ticket page's reveal of a confidential caller: a typed reason, sent to
   POST /api/v1/tickets/<number>/caller/reveal (recorded in the audit log), and the
   answer shown below the form. Nothing is kept once the page is left. */
(function () {
  "use strict";

  const { $, request, clearErrors, focusErrors, fieldErrors, showText } = Hotline;
  const t = Hotline.translator("reveal-i18n");
  const form = $("reveal-form");
  if (!form) return;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const reason = $("f-reveal-reason").value.trim();
    const answer = await request("POST", form.dataset.url, { reason });
    if (!answer.ok) {
      const fields = fieldErrors(answer);
      if (fields) focusErrors(form, fields);
      else focusErrors(form, { "": answer.status === 0 ? t("network") : t("failed") + " " + ((answer.data && answer.data.error) || answer.status) });
      return;
    }
    const d = answer.data;
    showText($("revealed-name"), d.name || "—");
    showText($("revealed-phone"), d.display_phone);
    showText($("revealed-address"), d.address || "—");
    $("revealed").hidden = false;
    form.hidden = true;
  });
})();
