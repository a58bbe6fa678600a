/* 脱贫攻坚作战图: the counties (or a county's townships, a township's villages, where their boundaries are known),
   each filled by its warning or its households' state, 挂牌督战 hatched and outlined, the area drilled into outlined
   in blue; a click drills down (or opens a village's list). Data from the "poverty-map-data" json_script block: the
   colours, names, tooltips and links are the server's (warmap.map_layer). ECharts, vendored. */
(function () {
  "use strict";
  var data = window.dualtrack.data, escape = window.dualtrack.escape;  /* static/js/dualtrack.js */

  var HATCH = { symbol: "rect", symbolSize: 1, color: "rgba(31, 41, 51, 0.35)", dashArrayX: [1, 0],
                dashArrayY: [3, 5], rotation: -Math.PI / 4 };

  function render() {
    var payload = data("poverty-map-data");
    var el = document.getElementById("poverty-map");
    if (!payload || !el || !window.echarts || !window.dualtrack.hasBoundaries(el, payload.geojson)) return;
    var name = "dualtrack-poverty-" + payload.level;
    echarts.registerMap(name, payload.geojson);
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        var lines = (p.data && p.data.tip) || [p.name];
        return lines.map(function (line, i) { return i === 0 ? "<strong>" + escape(line) + "</strong>" : escape(line); })
          .join("<br>"); } },
      series: [{
        type: "map", map: name, roam: false, selectedMode: false, 
        label: { show: true, fontSize: 12 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: null, borderWidth: 3 } },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1.5 },
        data: payload.regions.map(function (r) {
          var style = { areaColor: r.fill };
          if (r.supervised) { style.decal = HATCH; style.borderColor = "#1f2933"; style.borderWidth = 3; }
          if (r.selected) { style.borderColor = "#0b5cad"; style.borderWidth = 4; }
          return { name: r.name, code: r.code, url: r.url, tip: r.tip, itemStyle: style,
                   label: { color: r.text, fontWeight: r.selected ? "bold" : "normal" },
                   cursor: r.url ? "pointer" : "default" };
        })
      }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data.url) window.location = p.data.url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-rendered", "true");
  }

  document.addEventListener("DOMContentLoaded", render);
})();
