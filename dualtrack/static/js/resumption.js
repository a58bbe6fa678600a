/* The resumption dashboard: a choropleth of the power index and the city's index trend (ECharts). */
(function () {
  "use strict";
  var data = window.dualtrack.data, gettext = window.dualtrack.gettext, escape = window.dualtrack.escape;  /* static/js/dualtrack.js */
  document.addEventListener("DOMContentLoaded", function () {
    var payload = data("resumption-payload");
    if (!payload || !window.echarts) return;
    var mapEl = document.getElementById("index-map");
    if (mapEl && payload.geojson.features.length) {
      echarts.registerMap("dualtrack-power", payload.geojson);
      var legend = window.dualtrack.legend, steps = payload.legend;
      window.dualtrack.drawMap(mapEl, function () { var box = window.dualtrack.mapBox(mapEl, payload.geojson); return {
        tooltip: { trigger: "item", formatter: function (p) { return escape(p.name) + ": " + (p.value === undefined || isNaN(p.value) ? "—" : p.value.toFixed(2)); } },
        /* stepped, with the numbers of the legend under the map: a colour means the same range on every day */
        visualMap: { type: "piecewise", show: false, pieces: legend.pieces(steps), outOfRange: { color: legend.missing(steps).fill } },
        series: [{ type: "map", map: "dualtrack-power", roam: false, selectedMode: false,
                   left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                   label: { show: true, fontSize: 12, formatter: function (p) {  /* the county and its index */
                     return p.name + (p.value === undefined || isNaN(p.value) ? "" : "\n" + p.value.toFixed(1)); } },
                   itemStyle: { borderColor: "#fff", areaColor: legend.missing(steps).fill },
                   data: payload.regions.map(function (r) {
                     var step = legend.step(steps, r.index);  /* its ink: contrast at least 4.5:1 on the step's fill */
                     return { name: r.name, value: r.index === null ? NaN : r.index, label: { color: step.ink },
                              emphasis: { itemStyle: { areaColor: step.fill, borderColor: "#1f2933", borderWidth: 2 },
                                          label: { color: step.ink } } };
                   }) }]
      }; });
      mapEl.setAttribute("data-rendered", "true");
    }
    var trendEl = document.getElementById("index-trend");
    if (trendEl) {
      var trend = echarts.init(trendEl);
      trend.setOption({
        tooltip: { trigger: "axis" }, grid: { left: 40, right: 20, top: 20, bottom: 40 },
        xAxis: { type: "category", data: payload.trend.map(function (d) { return d.date; }) },
        /* from 0: an index near 90 must not make a weekend's dip look like a collapse; 100 at least at the top */
        yAxis: { type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
        series: [{ name: gettext("复工电力指数"), type: "line", smooth: true, color: "#b71c1c",
                   data: payload.trend.map(function (d) { return d.index; }) }]
      });
      window.addEventListener("resize", function () { trend.resize(); });
    }
  });
})();
