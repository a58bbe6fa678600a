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
  window.dualtrack = { data: data, gettext: gettext };
})();
