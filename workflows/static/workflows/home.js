// The home cards' counts of what waits (workflows.inbox.inbox_counts), read again whenever a notification
// arrives over the websocket (notifications.js dispatches "ttcs:notifications") and when the tab comes back.
(function () {
  "use strict";
  var timer = null;

  function grid() { return document.querySelector("[data-counts-url]"); }

  function render(counts) {
    document.querySelectorAll("[data-home-count]").forEach(function (node) {
      var n = counts[node.dataset.homeCount];
      if (typeof n !== "number") { return; }
      node.textContent = String(n);
      node.dataset.count = String(n);
      node.setAttribute("aria-label", n + " việc đang chờ");
    });
  }

  function refresh() {
    var box = grid();
    if (!box) { return; }
    fetch(box.dataset.countsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) { if (counts) { render(counts); } })
      .catch(function () {});
  }

  function soon() {  // a burst of notifications is one read
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  document.addEventListener("ttcs:notifications", soon);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { soon(); } });
  window.ttcsHomeCounts = { refresh: refresh };
})();
