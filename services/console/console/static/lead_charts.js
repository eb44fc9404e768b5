// The leaders' charts (/lead/campaigns/{id}/charts): one ECharts line chart per figure, drawn
// from the JSON the page carries (no inline script: the CSP forbids them). Without scripts or
// ECharts the page still shows each figure as a table and scoring's PNG.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("lead-chart-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var made = [];
    data.charts.forEach(function (c) {
      var box = document.getElementById("chart-" + c.id);
      if (!box) return;
      var chart = window.echarts.init(box);
      chart.setOption({
        animation: false,
        aria: { enabled: true },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v; } },
        legend: { type: "scroll", top: 0 },
        grid: { left: 48, right: 24, top: 48, bottom: 40 },
        xAxis: { type: "category", data: data.labels, boundaryGap: false },
        yAxis: { type: "value", min: 0, max: 100 },
        series: c.lines.map(function (line) {
          return { name: line.name, type: "line", data: line.values, connectNulls: false, symbolSize: 7 };
        })
      });
      made.push(chart);
      box.setAttribute("data-drawn", "1");
    });
    window.addEventListener("resize", function () { made.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
