/* 亩均论英雄: the distribution of the rated enterprises' scores (ECharts). Data and its axis names, translated on the
   server, from the page's json_script block. */
(function () {
  "use strict";
  var data = window.dualtrack.data;
  document.addEventListener("DOMContentLoaded", function () {
    var c = data("assessment-scores"), el = document.getElementById("assessment-scores-box");
    if (!c || !el || !window.echarts) return;
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 44, right: 16, top: 24, bottom: 40 },
      xAxis: { type: "category", data: c.labels, name: c.x_name, nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "value", name: c.y_name, minInterval: 1 },
      series: [{ name: c.y_name, type: "bar", data: c.counts, color: "#b71c1c", barCategoryGap: "8%" }]
    });
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
