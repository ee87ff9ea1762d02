// Polls the fan-out progress of a directive and reloads the page when it is done.
(function () {
  var box = document.getElementById("fanout");
  if (!box || box.dataset.polling) return;
  box.dataset.polling = "1";
  var bar = document.getElementById("fanout-bar"), text = document.getElementById("fanout-text");
  function tick() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
      bar.max = p.total || 1; bar.value = p.done; text.textContent = p.done + "/" + p.total;
      if (p.status !== "fanning_out") { window.location.reload(); } else { setTimeout(tick, 1000); }
    }).catch(function () { setTimeout(tick, 3000); });
  }
  tick();
})();
