/* An economy indicator's months (ECharts): completion against time progress for an amount indicator, growth
   against the target growth for both kinds. Data from the page's json_script block. */
(function () {
  "use strict";
  var data = window.dualtrack.data, gettext = window.dualtrack.gettext;
  document.addEventListener("DOMContentLoaded", function () {
    var c = data("economy-chart"), el = document.getElementById("economy-chart-box");
    if (!c || !el || !window.echarts) return;
    var series = [
      { name: gettext("累计增速"), type: "line", data: c.growth, color: "#1e88e5", connectNulls: false },
      { name: gettext("目标增速"), type: "line", data: c.target_growth, color: "#9aa5b1", lineStyle: { type: "dashed" },
        showSymbol: false }
    ];
    if (c.amount) {
      series.unshift({ name: gettext("时序进度"), type: "line", data: c.time_progress, color: "#616e7c",
                       lineStyle: { type: "dotted" }, showSymbol: false });
      series.unshift({ name: gettext("完成率"), type: "bar", data: c.completion, color: "#b71c1c", barMaxWidth: 24 });
    }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { top: 0 }, grid: { left: 44, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: c.months },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: series
    });
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
