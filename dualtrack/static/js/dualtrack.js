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
  /* The phone menu button opens and closes the role's menu. */
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-menu-toggle]") : null;
    if (!button) return;
    var header = button.closest("header");
    var open = header.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  /* A list table (one plain header row, no merged cells) gets each cell labelled with its column's name,
     so that below 600 px the stylesheet can show every row as a card. */
  function stackTables(root) {
    var tables = (root.querySelectorAll ? root.querySelectorAll("table") : []);
    Array.prototype.forEach.call(tables, function (table) {
      if (table.classList.contains("stack") || table.classList.contains("no-stack")) return;
      // The header is the <thead>'s one row, or a first row made only of <th> cells.
      var headRow = null;
      if (table.tHead) {
        if (table.tHead.rows.length !== 1) return;
        headRow = table.tHead.rows[0];
      } else if (table.rows.length && Array.prototype.every.call(table.rows[0].cells, function (c) { return c.tagName === "TH"; })) {
        headRow = table.rows[0];
      }
      if (!headRow || headRow.cells.length < 2) return;
      var names = [];
      var plain = Array.prototype.every.call(headRow.cells, function (cell) {
        names.push(cell.textContent.replace(/\s+/g, " ").trim());
        return cell.colSpan === 1 && cell.rowSpan === 1;
      });
      if (!plain) return;
      var merged = false;
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          if (row === headRow) { row.classList.add("stack-head"); return; }
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (cell.rowSpan > 1) merged = true;
            if (!cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", cell.colSpan > 1 ? "" : (names[column] || ""));
            }
            column += cell.colSpan;
          });
        });
      });
      if (!merged) table.classList.add("stack");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { stackTables(document); });
  document.addEventListener("htmx:load", function (event) { stackTables(event.target); });
  /* A map needs the counties' boundaries: without them (a city that has not imported them yet) the map's box
     says so instead of failing. Returns whether the map can be drawn. */
  function hasBoundaries(el, geojson) {
    if (geojson && geojson.features && geojson.features.length) return true;
    el.classList.add("map-empty");
    el.textContent = gettext("尚未导入区县边界，无法绘制地图");
    el.setAttribute("data-rendered", "empty");
    return false;
  }
  /* A map's legend, as the server wrote it under the map (core/_map_legend.html) and put in the chart's data: entries
     {key, fill, ink, name, min, max, missing}. "ink" is the label colour chosen on the server for its contrast with
     the fill (core/colours.py, at least 4.5:1), so a county's name reads on every colour. */
  var legend = {
    entry: function (entries, key) {
      for (var i = 0; i < (entries || []).length; i++) { if (entries[i].key === key) return entries[i]; }
      return null;
    },
    missing: function (entries) {
      for (var i = 0; i < (entries || []).length; i++) { if (entries[i].missing) return entries[i]; }
      return { key: "missing", fill: "#bdbdbd", ink: "#1f2933" };
    },
    /* the step an index value falls in (min included, max excluded); the grey entry for no value */
    step: function (entries, value) {
      if (value === null || value === undefined || isNaN(value)) return legend.missing(entries);
      for (var i = 0; i < (entries || []).length; i++) {
        var e = entries[i];
        if (!e.missing && (e.min === null || value >= e.min) && (e.max === null || value < e.max)) return e;
      }
      return legend.missing(entries);
    },
    /* the steps as an ECharts piecewise visualMap's pieces */
    pieces: function (entries) {
      return (entries || []).filter(function (e) { return !e.missing; }).map(function (e) {
        var piece = { color: e.fill, label: e.name };
        if (e.min !== null) piece.gte = e.min;
        if (e.max !== null) piece.lt = e.max;
        return piece;
      });
    }
  };
  /* Where an ECharts map series sits in its element: as large as the element allows at the map's own proportions
     (ECharts' aspectScale 0.75), left and right or top and bottom at ``margin`` px, whichever binds, centred the
     other way. Given all four sides ECharts would stretch the map; given none it draws it at 80 %. */
  function mapAspect(geojson) {
    var box = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
    function walk(c) {
      if (typeof c[0] === "number") {
        box.minX = Math.min(box.minX, c[0]); box.maxX = Math.max(box.maxX, c[0]);
        box.minY = Math.min(box.minY, c[1]); box.maxY = Math.max(box.maxY, c[1]);
      } else { c.forEach(walk); }
    }
    ((geojson && geojson.features) || []).forEach(function (f) { if (f.geometry) walk(f.geometry.coordinates); });
    if (!(box.maxX > box.minX) || !(box.maxY > box.minY)) return null;
    return (box.maxX - box.minX) / (box.maxY - box.minY) * 0.75;
  }
  function mapBox(el, geojson, margin) {
    var m = margin === undefined ? 6 : margin;
    var aspect = mapAspect(geojson), w = el.clientWidth - 2 * m, h = el.clientHeight - 2 * m;
    if (!aspect || w <= 0 || h <= 0) return {};
    return aspect > w / h ? { left: m, right: m, top: "middle" } : { top: m, bottom: m, left: "center" };
  }
  /* A map box no higher than its map needs at its width (a wide city on a phone leaves no empty band above and
     below); the stylesheet's height is the most it takes. */
  function fitHeight(el, geojson, margin) {
    var m = margin === undefined ? 6 : margin;
    el.style.height = "";
    var aspect = mapAspect(geojson), w = el.clientWidth - 2 * m;
    if (!aspect || w <= 0) return;
    var needed = Math.ceil(w / aspect + 2 * m);
    if (needed < el.clientHeight) el.style.height = Math.max(needed, 160) + "px";
  }
  /* Draw a map chart from ``build()`` (an ECharts option, read again on a resize so the map keeps its fit);
     ``geojson`` given: the box's height fitted to the map first, and again on a resize. */
  function drawMap(el, build, geojson) {
    if (geojson) fitHeight(el, geojson);
    var chart = echarts.init(el);
    chart.setOption(build());
    window.addEventListener("resize", function () {
      if (geojson) fitHeight(el, geojson);
      chart.resize();
      chart.setOption(build(), true);
    });
    return chart;
  }
  window.dualtrack = { data: data, gettext: gettext, escape: escape, hasBoundaries: hasBoundaries, legend: legend,
                       mapBox: mapBox, drawMap: drawMap };
})();
