// Draws the dashboard's charts with the vendored Chart.js (static/vendor/chartjs); the same numbers are in the
// tables beside each chart. Loads Chart.js itself when the page arrived through Turbo without it.
(function () {
  var me = document.currentScript;
  var data = document.getElementById("dashboard-charts");
  if (!data) return;
  var charts = JSON.parse(data.textContent);
  var palette = ["#1a9850", "#d73027", "#fdae61", "#4575b4", "#91bfdb", "#999999"];

  function draw() {
    var Chart = window.Chart;
    Chart.defaults.font.family = "Roboto, 'Noto Sans', sans-serif";
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.animation = false;
    function make(id, config) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      var old = Chart.getChart(canvas);
      if (old) old.destroy();
      new Chart(canvas, config);
    }
    make("chart-status", {type: "doughnut", data: {labels: charts.status.labels,
      datasets: [{data: charts.status.values, backgroundColor: [palette[0], palette[1], palette[2]]}]},
      options: {plugins: {legend: {position: "bottom"}}}});
    make("chart-proof", {type: "doughnut", data: {labels: charts.proof.labels,
      datasets: [{data: charts.proof.values, backgroundColor: [palette[3], palette[0], palette[5]]}]},
      options: {plugins: {legend: {position: "bottom"}}}});
    make("chart-coverage", {type: "bar", data: {labels: charts.coverage.labels,
      datasets: [{label: charts.coverage.label, data: charts.coverage.values, backgroundColor: "#b71c1c"}]},
      options: {plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}});
    make("chart-slowest", {type: "bar", data: {labels: charts.slowest.labels,
      datasets: [{label: charts.slowest.label, data: charts.slowest.values, backgroundColor: palette[2]}]},
      options: {indexAxis: "y", plugins: {legend: {display: false}}, scales: {x: {beginAtZero: true}}}});
    document.documentElement.dataset.chartsDrawn = "1";
  }

  if (window.Chart) { draw(); return; }
  var script = document.createElement("script");
  script.src = me.dataset.chartjs;
  script.onload = draw;
  document.head.appendChild(script);
})();
