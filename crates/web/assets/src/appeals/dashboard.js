// The appeals dashboard's charts, drawn with Apache ECharts from the figures
// the page carries as JSON (`#dashboard-data`). Each chart has its numbers in
// the table beside it, so the page says everything without this script.

import * as echarts from "echarts/core";
import { BarChart, PieChart, ScatterChart } from "echarts/charts";
import { GridComponent, TooltipComponent, TitleComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, PieChart, ScatterChart, GridComponent, TooltipComponent, TitleComponent, CanvasRenderer]);

const source = document.getElementById("dashboard-data");
if (source) {
  const data = JSON.parse(source.textContent);
  const red = "#c8102e";

  const bars = (el, rows) => {
    const chart = echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r.label) },
      series: [{ type: "bar", data: rows.map((r) => r.count), itemStyle: { color: red } }],
    });
    return chart;
  };

  const heat = (el, cells) => {
    const chart = echarts.init(el);
    const most = Math.max(1, ...cells.map((c) => c.count));
    chart.setOption({
      animation: false,
      tooltip: { formatter: (p) => `${p.value[1].toFixed(1)}, ${p.value[0].toFixed(1)}: ${p.value[2]}` },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", scale: true, name: "lng" },
      yAxis: { type: "value", scale: true, name: "lat" },
      series: [{
        type: "scatter",
        data: cells.map((c) => [c.lng + 0.05, c.lat + 0.05, c.count]),
        symbolSize: (v) => 6 + 24 * Math.sqrt(v[2] / most),
        itemStyle: { color: red, opacity: 0.6 },
      }],
    });
    return chart;
  };

  const charts = [];
  for (const el of document.querySelectorAll("[data-chart]")) {
    const name = el.getAttribute("data-chart");
    const rows = data[name];
    if (!rows || rows.length === 0) continue;
    charts.push(name === "heat" ? heat(el, rows) : bars(el, rows));
    el.setAttribute("data-drawn", "true");
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
}
