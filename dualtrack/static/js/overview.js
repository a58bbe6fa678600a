/* 总览: the five-colour map and the power-index map side by side (ECharts), from the cards' chart data. A county
   without a case report for the day is grey and labelled 未报送; a day without readings shows 数据未到. */
(function () {
  "use strict";
  var data = window.dualtrack.data, gettext = window.dualtrack.gettext, escape = window.dualtrack.escape;  /* static/js/dualtrack.js */
  var MISSING = "#bdbdbd";
  function draw(el, option) {
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption(option);
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var charts = data("overview-charts");
    if (!charts || !window.echarts) return;
    charts.forEach(function (c) {
      if (c.kind === "ratio") {
        draw(document.getElementById("chart-" + c.key), {
          tooltip: { trigger: "axis" }, grid: { left: 44, right: 16, top: 16, bottom: 32 },
          xAxis: { type: "category", data: c.points.map(function (p) { return p.date; }) },
          yAxis: { type: "value", axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
          series: [{ name: c.label, type: "line", color: "#b71c1c", showSymbol: false,
                     data: c.points.map(function (p) { return p.ratio; }),
                     markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#555" },
                                 data: [{ yAxis: c.threshold }] } }]
        });
        return;
      }
      if (c.kind !== "maps" || !c.geojson.features.length) return;
      var name = "dualtrack-overview-" + c.key;
      echarts.registerMap(name, c.geojson);
      var notReported = gettext("未报送"), notArrived = gettext("数据未到");
      draw(document.getElementById("map-colour-" + c.key), {
        title: { text: gettext("五色图"), left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item", formatter: function (p) {
          var r = p.data && p.data.region;
          if (!r) return escape(p.name);
          return escape(p.name) + ": " + escape(c.labels[r.colour] || r.colour) + (r.reported ? "" : "(" + notReported + ")");
        } },
        series: [{ type: "map", map: name, label: { show: true, fontSize: 11 }, itemStyle: { borderColor: "#fff" },
                   data: c.regions.map(function (r) {
                     return { name: r.name, region: r, itemStyle: { areaColor: r.reported ? c.colours[r.colour] : MISSING },
                              label: { formatter: r.reported ? "{b}" : "{b}\n" + notReported } };
                   }) }]
      });
      draw(document.getElementById("map-index-" + c.key), {
        title: { text: gettext("复工电力指数") + (c.power_arrived ? "" : "(" + notArrived + ")"), left: "center",
                 textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item", formatter: function (p) {
          return escape(p.name) + ": " + (p.value === undefined || p.value === null || isNaN(p.value) ? notArrived : p.value.toFixed(2));
        } },
        visualMap: { min: 0, max: 100, left: 0, bottom: 0, itemHeight: 80, calculable: false,
                     inRange: { color: ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]  /* blues: red is the risk map's */ },
                     outOfRange: { color: MISSING } },
        series: [{ type: "map", map: name, label: { show: true, fontSize: 11 }, itemStyle: { borderColor: "#fff", areaColor: MISSING },
                   data: c.regions.map(function (r) {
                     return r.index === null ? { name: r.name, value: NaN, label: { formatter: "{b}\n" + notArrived } }
                                              : { name: r.name, value: r.index, label: { formatter: "{b}\n" + r.index.toFixed(1) } };
                   }) }]
      });
    });
  });
})();
