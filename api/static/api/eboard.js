/* E-board (bảng tin điện tử công cộng): rotates the unit's current bulletins; an emergency pushed over the
   websocket takes the screen over at once, without a reload. Every bulletin shown is reported back ("shown").
   The content is refreshed from the API (/api/v1/units/<code>/eboard) with the board's own token. */
(function () {
  "use strict";
  var body = document.body;
  var token = body.dataset.token;
  var unit = body.dataset.unit;
  var rotateMs = Math.max(3, parseInt(body.dataset.rotate, 10) || 15) * 1000;
  var refreshMs = Math.max(10, parseInt(body.dataset.refresh, 10) || 120) * 1000;
  var contentUrl = body.dataset.contentUrl;
  var initial = JSON.parse(document.getElementById("eboard-content").textContent);

  var state = {items: initial.items || [], emergency: initial.emergency || null, index: 0, current: null,
               mode: "rotation", socket: "closed", shownReports: 0, received: 0};
  var socket = null, retry = 0, rotateTimer = null, pendingShown = [];

  var el = function (id) { return document.getElementById(id); };

  function show(item, emergency) {
    state.current = item ? item.id : null;
    state.mode = emergency ? "emergency" : "rotation";
    body.classList.toggle("eboard--emergency", !!emergency);
    el("eboard-badge").hidden = !emergency;
    el("eboard-empty").hidden = !!item;
    el("eboard-title").textContent = item ? item.title : "";
    el("eboard-summary").textContent = item ? item.summary : "";
    var image = item && item.images && item.images.length ? item.images[0] : null;
    el("eboard-figure").hidden = !image;
    if (image) { el("eboard-image").src = image; } else { el("eboard-image").removeAttribute("src"); }
    var rotation = state.items.filter(function (i) { return i.priority !== "emergency"; });
    el("eboard-position").textContent = emergency || !rotation.length ? "" :
      (state.index % rotation.length + 1) + " / " + rotation.length;
    if (item) { reportShown(item.id); }
  }

  function reportShown(id) {
    var message = JSON.stringify({type: "shown", bulletin_id: id});
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(message); state.shownReports++; }
    else { pendingShown = [message]; }
  }

  function next() {
    if (state.emergency) { show(state.emergency, true); return; }
    var rotation = state.items.filter(function (i) { return i.priority !== "emergency"; });
    if (!rotation.length) { show(null, false); return; }
    state.index = (state.index + 1) % rotation.length;
    show(rotation[state.index], false);
  }

  function startRotation() {
    clearInterval(rotateTimer);
    rotateTimer = setInterval(next, rotateMs);
  }

  function takeOver(item) {
    state.emergency = item;
    if (!state.items.some(function (i) { return i.id === item.id; })) { state.items.unshift(item); }
    show(item, true);
  }

  function apply(content) {
    state.items = content.items || [];
    // An emergency stays on screen until the content no longer carries it (its air window closed).
    state.emergency = content.emergency || null;
    if (state.emergency) { show(state.emergency, true); }
    else if (state.mode === "emergency" || state.current === null) { state.index = -1; next(); }
  }

  function refresh() {
    fetch(contentUrl, {headers: {"Authorization": "Bearer " + token, "Accept": "application/json"},
                       cache: "no-store", referrerPolicy: "no-referrer"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (content) { if (content) { apply(content); } })
      .catch(function () {});
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/eboard/" + encodeURIComponent(unit) + "/?token=" +
                           encodeURIComponent(token));
    socket.onopen = function () {
      state.socket = "open"; retry = 0;
      pendingShown.splice(0).forEach(function (m) { socket.send(m); state.shownReports++; });
      refresh();  // whatever was published while the socket was down
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      state.received++;
      if (message.type === "emergency" && message.item) { takeOver(message.item); }
    };
    socket.onclose = function (event) {
      state.socket = "closed";
      if (event.code === 4403) { return; }  // token refused: reloading will not help
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, Math.pow(2, retry) * 500 + Math.random() * 500);
    };
  }

  function tick() {
    var now = new Date();
    el("eboard-clock").textContent = now.toLocaleTimeString("vi-VN", {hour: "2-digit", minute: "2-digit"}) +
      " · " + now.toLocaleDateString("vi-VN");
  }

  window.ttcsEboard = {
    state: function () { return {mode: state.mode, current: state.current, socket: state.socket,
                                 items: state.items.length, shownReports: state.shownReports,
                                 received: state.received}; },
    next: next,
  };

  tick(); setInterval(tick, 15000);
  state.index = -1; next();
  startRotation();
  setInterval(refresh, refreshMs);
  connect();
})();
