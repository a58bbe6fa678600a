/* 总览: the five-colour map and the power-index map side by side (ECharts), from the cards' chart data, coloured and
   labelled from the legends written under them (fills, steps and label colours from the server). A county without a
   case report for the day is grey and labelled 未报送; a day without readings shows 数据未到. */
(function () {
  "use strict";
  var data = window.dualtrack.data, gettext = window.dualtrack.gettext, escape = window.dualtrack.escape;  /* static/js/dualtrack.js */
  var legend = window.dualtrack.legend;
  function draw(el, option) {
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption(option);
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  /* a map: its series placed at the map's own proportions, again on a resize */
  function drawMap(el, geojson, option) {
    if (!el) return;
    window.dualtrack.drawMap(el, function () {
      var box = window.dualtrack.mapBox(el, geojson);
      option.series.forEach(function (s) {
        ["left", "right", "top", "bottom"].forEach(function (k) { delete s[k]; });
        Object.keys(box).forEach(function (k) { s[k] = box[k]; });
      });
      return option;
    }, geojson);
    el.setAttribute("data-rendered", "true");
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
      var grey = legend.missing(c.colour_legend);
      /* the map fills its box; the legend is the list under it (the page's, not the chart's) */
      drawMap(document.getElementById("map-colour-" + c.key), c.geojson, {
        tooltip: { trigger: "item", formatter: function (p) {
          var r = p.data && p.data.region;
          if (!r) return escape(p.name);
          return escape(p.name) + ": " + escape(c.labels[r.colour] || r.colour) + (r.reported ? "" : "(" + notReported + ")");
        } },
        series: [{ type: "map", map: name, roam: false, selectedMode: false, label: { show: true, fontSize: 12 },
                   itemStyle: { borderColor: "#fff", borderWidth: 1 },
                   data: c.regions.map(function (r) {
                     var e = (r.reported && legend.entry(c.colour_legend, r.colour)) || grey;
                     return { name: r.name, region: r, itemStyle: { areaColor: e.fill },
                              label: { color: e.ink, formatter: r.reported ? "{b}" : "{b}\n" + notReported },
                              emphasis: { itemStyle: { areaColor: e.fill, borderColor: "#1f2933", borderWidth: 2 },
                                          label: { color: e.ink } } };
                   }) }]
      });
      drawMap(document.getElementById("map-index-" + c.key), c.geojson, {
        tooltip: { trigger: "item", formatter: function (p) {
          return escape(p.name) + ": " + (p.value === undefined || p.value === null || isNaN(p.value) ? notArrived : p.value.toFixed(2));
        } },
        /* stepped, with the legend's numbers: a colour means the same range on every day */
        visualMap: { type: "piecewise", show: false, pieces: legend.pieces(c.index_legend),
                     outOfRange: { color: legend.missing(c.index_legend).fill } },
        series: [{ type: "map", map: name, roam: false, selectedMode: false, label: { show: true, fontSize: 12 },
                   itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: legend.missing(c.index_legend).fill },
                   data: c.regions.map(function (r) {
                     var e = legend.step(c.index_legend, r.index);
                     var text = r.index === null ? notArrived : r.index.toFixed(1);
                     return { name: r.name, value: r.index === null ? NaN : r.index,
                              label: { color: e.ink, formatter: "{b}\n" + text },
                              emphasis: { itemStyle: { areaColor: e.fill, borderColor: "#1f2933", borderWidth: 2 },
                                          label: { color: e.ink } } };
                   }) }]
      });
    });
  });
})();
