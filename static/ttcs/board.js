// The emergency board (workflows/broadcast): a socket says "changed" when a unit's state changes; the rows are
// fetched again (at most every 300 ms) and swapped in. Works after a Turbo visit; reconnects when dropped.
(function () {
  var socket = null, timer = null, retry = 1000;
  function board() { return document.getElementById("emergency-board"); }
  function refresh() {
    var el = board();
    if (!el) return;
    fetch(el.dataset.rows, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        document.getElementById("board-rows").innerHTML = html;
        var live = document.getElementById("board-live");
        if (live) live.textContent = "Cập nhật lúc " + new Date().toLocaleTimeString("vi-VN");
      })
      .catch(function () {});
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  function connect() {
    var el = board();
    if (!el || socket) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + el.dataset.socket);
    socket.onopen = function () { retry = 1000; el.dataset.connected = "1"; refresh(); };
    socket.onmessage = function (e) {
      try { if (JSON.parse(e.data).type === "changed") later(); } catch (err) { /* not ours */ }
    };
    socket.onclose = function () {
      socket = null; delete el.dataset.connected;
      if (board()) setTimeout(connect, retry = Math.min(retry * 2, 30000));
    };
  }
  function start() { if (socket && !board()) { socket.close(); socket = null; } connect(); }
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("turbo:load", start);
})();
