/* The handover checklist page: the whole list is sent at once (PUT); on success the page
   is read again from the server. */
(function () {
  "use strict";
  const form = Hotline.$("checklist");
  if (!form) return;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const items = [];
    e.target.querySelectorAll("tr[data-line]").forEach((tr) => {
      const name = tr.querySelector("[name=name]").value.trim();
      const expected = tr.querySelector("[name=expected]").value;
      if (!name && tr.dataset.line === "") return;
      items.push({ id: tr.dataset.line ? Number(tr.dataset.line) : null, name, expected: expected === "" ? null : Number(expected),
                   active: tr.querySelector("[name=active]").checked });
    });
    Hotline.clearErrors(e.target);
    const answer = await Hotline.request("PUT", "/api/v1/handover-checklist", { items });
    if (answer.ok) window.location.reload();
    else Hotline.showErrors(e.target, { "": Hotline.fieldErrors(answer) ? Hotline.fieldsLine(answer, " ") : answer.status });
  });
})();
