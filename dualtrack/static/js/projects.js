/* Key projects: the map of lights and a project's investment curve (ECharts, vendored). */
(function () {
  "use strict";
  var data = window.dualtrack.data, gettext = window.dualtrack.gettext, escape = window.dualtrack.escape;  /* static/js/dualtrack.js */

  function renderMap() {
    var payload = data("projects-map-payload");
    var el = document.getElementById("project-map");
    if (!payload || !el || !window.echarts || !window.dualtrack.hasBoundaries(el, payload.geojson)) return;
    echarts.registerMap("dualtrack-projects", payload.geojson);
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return p.data && p.data.code ? escape(p.data.name) + "<br>" + escape(p.data.code) : escape(p.name); } },
      geo: { map: "dualtrack-projects", roam: true, label: { show: true, color: "#52606d", fontSize: 11 },
             itemStyle: { areaColor: "#f1f4f8", borderColor: "#9aa5b1" } },
      series: [{
        type: "scatter", coordinateSystem: "geo", symbolSize: 9,
        data: payload.points.map(function (p) {
          return { name: p.name, code: p.code, value: p.value, itemStyle: { color: payload.colours[p.light] || payload.colours["None"] } };
        })
      }]
    });
    chart.on("click", function (p) { if (p.data && p.data.code) window.location = payload.detail_url.replace("CODE", p.data.code); });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-rendered", "true");
  }

  function renderCurve() {
    var payload = data("investment-payload");
    var el = document.getElementById("investment-curve");
    if (!payload || !el || !window.echarts) return;
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { data: [gettext("计划累计"), gettext("完成累计")] },
      xAxis: { type: "category", data: payload.months }, yAxis: { type: "value" },
      series: [{ name: gettext("计划累计"), type: "line", data: payload.planned, lineStyle: { type: "dashed" } },
               { name: gettext("完成累计"), type: "line", data: payload.completed }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-rendered", "true");
  }

  document.addEventListener("DOMContentLoaded", function () { renderMap(); renderCurve(); });
})();
