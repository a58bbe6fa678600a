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
      var map = echarts.init(mapEl);
      map.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return escape(p.name) + ": " + (p.value === undefined || isNaN(p.value) ? "—" : p.value.toFixed(2)); } },
        visualMap: { min: 0, max: 100, left: 10, bottom: 10, calculable: true,
                     inRange: { color: ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]  /* blues: red is the risk map's */ } },
        series: [{ type: "map", map: "dualtrack-power",
                   label: { show: true, fontSize: 12, formatter: function (p) {  /* the county and its index */
                     return p.name + (p.value === undefined || isNaN(p.value) ? "" : "\n" + p.value.toFixed(1)); } },
                   itemStyle: { borderColor: "#fff" },
                   data: payload.regions.map(function (r) { return { name: r.name, value: r.index }; }) }]
      });
      mapEl.setAttribute("data-rendered", "true");
      window.addEventListener("resize", function () { map.resize(); });
    }
    var trendEl = document.getElementById("index-trend");
    if (trendEl) {
      var trend = echarts.init(trendEl);
      trend.setOption({
        tooltip: { trigger: "axis" }, grid: { left: 40, right: 20, top: 20, bottom: 40 },
        xAxis: { type: "category", data: payload.trend.map(function (d) { return d.date; }) },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ name: gettext("复工电力指数"), type: "line", smooth: true, color: "#b71c1c",
                   data: payload.trend.map(function (d) { return d.index; }) }]
      });
      window.addEventListener("resize", function () { trend.resize(); });
    }
  });
})();
