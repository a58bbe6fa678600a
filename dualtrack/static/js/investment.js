/* A lead's stage form shows only the fields the chosen stage reads: the server marks each field's paragraph with
   data-stages (the stages that read it, actions.stage_fields). Without this script every field shows, each
   labelled with the stages it is for. No inline handler: the CSP forbids them. */
(function () {
  "use strict";
  function apply(form) {
    var select = form.querySelector("select[name=stage]");
    if (!select) return;
    Array.prototype.forEach.call(form.querySelectorAll("[data-stages]"), function (row) {
      var stages = row.getAttribute("data-stages").split(" ");
      row.hidden = stages.indexOf(select.value) < 0;
    });
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    var form = el && el.closest ? el.closest("form[data-stage-form]") : null;
    if (form && el.name === "stage") apply(form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-stage-form]"), apply);
  });
})();
