/* The epidemic map and a county's charts (ECharts, vendored). Data comes from json_script blocks. */
(function () {
  "use strict";
  var data = window.dualtrack.data, gettext = window.dualtrack.gettext, escape = window.dualtrack.escape;  /* static/js/dualtrack.js */

  function renderMap() {
    var payload = data("map-payload");
    var el = document.getElementById("epidemic-map");
    if (!payload || !el || !window.echarts || !window.dualtrack.hasBoundaries(el, payload.geojson)) return;
    echarts.registerMap("dualtrack-city", payload.geojson);
    /* fills and label colours from the legend written under the map (the server's: contrast at least 4.5:1) */
    var legend = window.dualtrack.legend, entries = payload.legend, grey = legend.missing(entries);
    var chart = window.dualtrack.drawMap(el, function () { var box = window.dualtrack.mapBox(el, payload.geojson); return {
      tooltip: { trigger: "item", formatter: function (p) {
        var missing = p.data && p.data.reported === false ? "(" + gettext("未报送") + ")" : "";
        return escape(p.name) + ": " + escape(payload.labels[p.data && p.data.colour] || "") + missing; } },
      series: [{
        type: "map", map: "dualtrack-city", roam: false, selectedMode: false,
        left: box.left, right: box.right, top: box.top, bottom: box.bottom,
        label: { show: true, fontSize: 13 },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1.5 },
        data: payload.regions.map(function (r) {
          /* a county without a case report for the day is grey and says so: never shown as green */
          var missing = r.reported === false;
          var e = (!missing && legend.entry(entries, r.colour)) || grey;
          return { name: r.name, code: r.code, colour: r.colour, reported: r.reported,
                   itemStyle: { areaColor: e.fill },
                   label: missing ? { color: e.ink, formatter: "{b}\n" + gettext("未报送") } : { color: e.ink },
                   emphasis: { itemStyle: { areaColor: e.fill, borderColor: "#1f2933", borderWidth: 2 }, label: { color: e.ink } } };
        })
      }]
    }; });
    chart.on("click", function (p) {
      if (p.data && p.data.code) {
        var date = document.getElementById("date-input").value;
        window.location = payload.county_url.replace("CODE", p.data.code) + "?date=" + date;
      }
    });
    el.setAttribute("data-rendered", "true");
  }

  function bindSlider() {
    var slider = document.getElementById("date-slider");
    var input = document.getElementById("date-input");
    var payload = data("map-payload");
    if (!slider || !input || !payload) return;
    var first = new Date(payload.first + "T00:00:00Z");
    function iso(offset) { var d = new Date(first.getTime() + offset * 86400000); return d.toISOString().slice(0, 10); }
    slider.addEventListener("input", function () { input.value = iso(parseInt(slider.value, 10)); });
    slider.addEventListener("change", function () { input.form.submit(); });
  }

  function renderCounty() {
    var payload = data("county-payload");
    if (!payload || !window.echarts) return;
    var h = payload.history;
    var dates = h.map(function (d) { return d.date; });
    var cases = echarts.init(document.getElementById("cases-chart"));
    cases.setOption({
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 20, top: 30, bottom: 50 },
      xAxis: { type: "category", data: dates }, yAxis: { type: "value", minInterval: 1 },
      series: [{ name: gettext("新增确诊"), type: "bar", data: h.map(function (d) {
        return { value: d.new_confirmed, itemStyle: { color: payload.colours[d.colour] } }; }) }]
    });
    var rtChart = echarts.init(document.getElementById("rt-chart"));
    rtChart.setOption({
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 20, top: 30, bottom: 50 },
      xAxis: { type: "category", data: dates }, yAxis: { type: "value", min: 0 },
      series: [
        { name: gettext("95%下限"), type: "line", stack: "ci", symbol: "none", lineStyle: { opacity: 0 },
          data: h.map(function (d) { return d.rt_low; }) },
        { name: gettext("95%区间"), type: "line", stack: "ci", symbol: "none", lineStyle: { opacity: 0 },
          areaStyle: { color: "rgba(183,28,28,0.15)" },
          data: h.map(function (d) { return d.rt_high === null ? null : d.rt_high - d.rt_low; }) },
        /* Rt where the estimate is reliable: solid; where it is not (too few cases, CV > 0.3): dashed grey, joined
           at the edges so the line does not break. A quiet county's estimate drifting up stays visibly unreliable. */
        { name: "Rt", type: "line", color: "#b71c1c", symbol: "none", connectNulls: false,
          data: h.map(function (d) { return d.rt_reliable ? d.rt_mean : null; }),
          markLine: { silent: true, symbol: "none", data: [{ yAxis: 1 }], lineStyle: { type: "dashed", color: "#616e7c" } } },
        { name: gettext("Rt(不可靠)"), type: "line", color: "#9aa5b1", symbol: "none", lineStyle: { type: "dashed" },
          data: h.map(function (d, i) {
            var edge = !d.rt_reliable || (h[i - 1] && !h[i - 1].rt_reliable) || (h[i + 1] && !h[i + 1].rt_reliable);
            return edge ? d.rt_mean : null; }) }
      ]
    });
    window.addEventListener("resize", function () { cases.resize(); rtChart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () { renderMap(); bindSlider(); renderCounty(); });
})();
