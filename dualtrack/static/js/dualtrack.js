/* Helpers every page script shares: JSON blocks written by json_script, and the texts translated on the
   server (the "js-catalog" block of base.html, filled from core/i18n.py). */
(function () {
  "use strict";
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var catalog = null;
  function gettext(text) {
    if (catalog === null) catalog = data("js-catalog") || {};
    return catalog[text] || text;
  }
  /* Text from data (names of projects, enterprises, counties) put into a chart's HTML tooltip: escaped, so a
     name such as <img onerror=…> is shown, never run. */
  function escape(value) {
    return String(value === undefined || value === null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  /* <select data-autosubmit> submits its form when changed (no inline handler: the CSP forbids them). */
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
  window.dualtrack = { data: data, gettext: gettext, escape: escape };
})();
