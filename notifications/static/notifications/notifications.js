/* TTCS Hà Nội — live notifications in the browser. No build step, no dependencies.
 *
 * One websocket per page load (viewflow pages navigate with Turbo, which swaps <body> but keeps this script
 * running): the bell is re-attached after every Turbo render. On (re)connect the script sends the last id it
 * saw (kept in localStorage per user) and receives what it missed. When the socket keeps failing it polls
 * the JSON endpoint until the socket is back. Server payloads: notifications/payloads.py. */
(function () {
  "use strict";
  if (window.ttcsNotifications) {
    window.ttcsNotifications.mount();
    return;
  }

  var config = window.ttcsNotificationsConfig || {}; // optional overrides, e.g. {pollMs: 5000}
  var MAX_LIST = 20;
  var TOAST_MS = 8000;
  var TOAST_URGENT_MS = 20000;
  var MAX_TOASTS = 4;
  var BACKOFF_START_MS = 1000;
  var BACKOFF_MAX_MS = 60000;
  var POLL_AFTER_FAILURES = 2;
  var POLL_VISIBLE_MS = config.pollMs || 15000;
  var POLL_HIDDEN_MS = 60000;
  var PING_MS = 25000;

  var T = {
    title: "Thông báo",
    empty: "Chưa có thông báo nào.",
    loading: "Đang tải…",
    markAll: "Đánh dấu tất cả là đã đọc",
    markOne: "Đã đọc",
    seeAll: "Xem tất cả",
    preferences: "Tùy chọn",
    open: "Xem",
    close: "Đóng",
    enableDesktop: "Bật thông báo trên màn hình",
    reconnecting: "Mất kết nối trực tiếp, đang thử lại…",
    polling: "Đang cập nhật định kỳ (không có kết nối trực tiếp).",
    loadFailed: "Không tải được thông báo.",
    manyNew: function (n) { return "Bạn có " + n + " thông báo mới."; },
    moreMissed: "Còn thông báo cũ hơn trong danh sách đầy đủ.",
    unreadLabel: function (n) { return n + " thông báo chưa đọc"; }
  };

  var state = {
    userId: null,
    socket: null,
    wanted: false, // a socket should be open (false after disconnect() or when logged out)
    failures: 0,
    reconnectTimer: null,
    pollTimer: null,
    pingTimer: null,
    lastId: null,
    unread: null,
    items: [], // newest first, at most MAX_LIST
    seen: new Set(),
    listLoaded: false,
    audio: null,
    mode: "idle" // idle | live | reconnecting | polling
  };

  // ------------------------------------------------------------------------------------------ storage
  function storageKey() { return "ttcs.notifications.lastId." + state.userId; }

  function loadLastId() {
    try {
      var v = window.localStorage.getItem(storageKey());
      return v === null ? null : parseInt(v, 10) || 0;
    } catch (e) { return null; }
  }

  function rememberLastId(id) {
    if (typeof id !== "number" || isNaN(id)) { return; }
    state.lastId = id;
    try { window.localStorage.setItem(storageKey(), String(id)); } catch (e) { /* private mode */ }
  }

  function advanceLastId(id) {
    if (state.lastId === null || id > state.lastId) { rememberLastId(id); }
  }

  // ---------------------------------------------------------------------------------------------- DOM
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function safeLink(link) {
    return typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/" ? link : "";
  }

  function bell() { return document.getElementById("ttcs-bell"); }
  function panel() { return document.getElementById("ttcs-bell-panel"); }

  function toastBox() {
    var box = document.getElementById("ttcs-toasts");
    if (!box) {
      box = el("div", "ttcs-toasts");
      box.id = "ttcs-toasts";
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    return box;
  }

  function renderCount() {
    var badge = document.getElementById("ttcs-bell-count");
    var button = document.getElementById("ttcs-bell-button");
    if (!badge) { return; }
    var n = state.unread || 0;
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.hidden = n === 0;
    badge.dataset.count = String(n);
    if (button) { button.setAttribute("aria-label", T.title + (n ? " — " + T.unreadLabel(n) : "")); }
    document.querySelectorAll('[data-ttcs-counter="unread"]').forEach(function (node) { node.textContent = String(n); });
  }

  function renderStatus(root) {
    var line = root.querySelector(".ttcs-bell__status");
    if (!line) { return; }
    var text = state.mode === "polling" ? T.polling : state.mode === "reconnecting" ? T.reconnecting : "";
    line.textContent = text;
    line.hidden = !text;
  }

  function renderPanel() {
    var root = panel();
    if (!root) { return; }
    root.textContent = "";
    var head = el("div", "ttcs-bell__head");
    head.appendChild(el("strong", null, T.title));
    var all = el("button", "ttcs-bell__mark-all", T.markAll);
    all.type = "button";
    all.disabled = !state.unread;
    all.addEventListener("click", function () { markAllRead(); });
    head.appendChild(all);
    root.appendChild(head);
    var status = el("div", "ttcs-bell__status");
    root.appendChild(status);
    renderStatus(root);

    var list = el("ul", "ttcs-bell__list");
    if (!state.listLoaded) {
      list.appendChild(el("li", "ttcs-bell__empty", T.loading));
    } else if (!state.items.length) {
      list.appendChild(el("li", "ttcs-bell__empty", T.empty));
    }
    state.items.forEach(function (n) { list.appendChild(renderItem(n)); });
    root.appendChild(list);

    var foot = el("div", "ttcs-bell__foot");
    var seeAll = el("a", null, T.seeAll);
    seeAll.href = root.dataset.listUrl || "/notifications/";
    foot.appendChild(seeAll);
    var prefs = el("a", null, T.preferences);
    prefs.href = root.dataset.preferencesUrl || "/notifications/preferences/";
    foot.appendChild(prefs);
    if ("Notification" in window && window.Notification.permission === "default") {
      var ask = el("button", "ttcs-bell__desktop", T.enableDesktop);
      ask.type = "button";
      ask.addEventListener("click", function () {
        unlockAudio();
        window.Notification.requestPermission().then(renderPanel, renderPanel);
      });
      foot.appendChild(ask);
    }
    root.appendChild(foot);
  }

  function renderItem(n) {
    var li = el("li", "ttcs-bell__item ttcs-bell__item--" + n.level + (n.read ? "" : " is-unread"));
    li.dataset.id = String(n.id);
    var link = safeLink(n.link);
    var main = el(link ? "a" : "div", "ttcs-bell__item-main");
    if (link) {
      main.href = link;
      main.addEventListener("click", function () { if (!n.read) { markRead([n.id]); } });
    }
    main.appendChild(el("span", "ttcs-bell__item-title", n.title));
    var meta = n.kind_label + " · " + n.created_display + (n.actor ? " · " + n.actor : "");
    main.appendChild(el("span", "ttcs-bell__item-meta", meta));
    li.appendChild(main);
    if (!n.read) {
      var read = el("button", "ttcs-bell__item-read", T.markOne);
      read.type = "button";
      read.addEventListener("click", function (ev) { ev.stopPropagation(); markRead([n.id]); });
      li.appendChild(read);
    }
    return li;
  }

  function setPanelOpen(open) {
    var root = panel();
    var button = document.getElementById("ttcs-bell-button");
    if (!root || !button) { return; }
    root.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      renderPanel();
      loadList();
    }
  }

  function loadList() {
    var root = panel();
    var url = (root && root.dataset.sinceUrl) || "/notifications/api/since/";
    fetchJson(url + "?last_id=0&limit=" + MAX_LIST).then(function (data) {
      state.items = data.notifications.slice().reverse();
      state.items.forEach(function (n) { state.seen.add(n.id); });
      state.listLoaded = true;
      setUnread(data.unread);
      if (panel() && !panel().hidden) { renderPanel(); }
    }, function () {
      var list = panel() && panel().querySelector(".ttcs-bell__list");
      if (list) { list.textContent = ""; list.appendChild(el("li", "ttcs-bell__empty", T.loadFailed)); }
    });
  }

  // ---------------------------------------------------------------------------- toasts, desktop, sound
  function toast(n) {
    var box = toastBox();
    while (box.children.length >= MAX_TOASTS) { box.removeChild(box.firstChild); }
    var node = el("div", "ttcs-toast ttcs-toast--" + (n.level || "info"));
    node.setAttribute("role", n.level === "urgent" ? "alert" : "status");
    if (n.id) { node.dataset.id = String(n.id); }
    var text = el("div", "ttcs-toast__text");
    if (n.kind_label) { text.appendChild(el("div", "ttcs-toast__kind", n.kind_label)); }
    text.appendChild(el("div", "ttcs-toast__title", n.title));
    if (n.body) { text.appendChild(el("div", "ttcs-toast__body", n.body.length > 160 ? n.body.slice(0, 157) + "…" : n.body)); }
    node.appendChild(text);
    var link = safeLink(n.link);
    if (link) {
      var open = el("a", "ttcs-toast__open", T.open);
      open.href = link;
      open.addEventListener("click", function () { if (n.id) { markRead([n.id]); } });
      node.appendChild(open);
    }
    var close = el("button", "ttcs-toast__close", "×");
    close.type = "button";
    close.setAttribute("aria-label", T.close);
    close.addEventListener("click", function () { node.remove(); });
    node.appendChild(close);
    box.appendChild(node);
    window.setTimeout(function () { node.remove(); }, n.level === "urgent" ? TOAST_URGENT_MS : TOAST_MS);
  }

  function desktop(n) {
    if (!("Notification" in window) || window.Notification.permission !== "granted") { return; }
    if (!document.hidden && n.level !== "urgent") { return; } // the toast is enough when the page is in view
    try {
      var d = new window.Notification(n.title, { body: n.body || n.kind_label || "", tag: "ttcs-" + n.id, lang: "vi" });
      var link = safeLink(n.link);
      d.onclick = function () { window.focus(); if (link) { window.location.assign(link); } d.close(); };
    } catch (e) { /* some mobile browsers only allow service-worker notifications */ }
  }

  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (!state.audio) {
      try { state.audio = new Ctx(); } catch (e) { return null; }
    }
    if (state.audio.state === "suspended") { state.audio.resume().catch(function () {}); }
    return state.audio;
  }

  function beep() {
    var ctx = unlockAudio();
    if (!ctx) { return; }
    try {
      var t = ctx.currentTime;
      [0, 0.25].forEach(function (offset) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, t + offset);
        gain.gain.exponentialRampToValueAtTime(0.25, t + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + offset + 0.18);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t + offset);
        osc.stop(t + offset + 0.2);
      });
      state.beeps = (state.beeps || 0) + 1;
    } catch (e) { /* no audio output */ }
  }

  function bumpCounters(kind) {
    document.querySelectorAll('[data-ttcs-counter="' + kind + '"]').forEach(function (node) {
      node.textContent = String((parseInt(node.textContent, 10) || 0) + 1);
    });
  }

  // ---------------------------------------------------------------------------------- incoming events
  function setUnread(n) {
    if (typeof n === "number") { state.unread = n; renderCount(); }
  }

  function addItem(n) {
    state.items = state.items.filter(function (m) { return m.id !== n.id; });
    state.items.unshift(n);
    state.items.sort(function (a, b) { return b.id - a.id; });
    if (state.items.length > MAX_LIST) { state.items.length = MAX_LIST; }
  }

  function receiveNew(list, options) {
    var fresh = list.filter(function (n) { return !state.seen.has(n.id); });
    fresh.forEach(function (n) {
      state.seen.add(n.id);
      advanceLastId(n.id);
      if (state.listLoaded) { addItem(n); }
      bumpCounters(n.kind);
    });
    if (fresh.length > 3 && options.summarise) {
      toast({ level: fresh.some(function (n) { return n.level === "urgent"; }) ? "urgent" : "info",
              title: T.manyNew(fresh.length), body: options.truncated ? T.moreMissed : "",
              link: (panel() && panel().dataset.listUrl) || "/notifications/" });
    } else {
      fresh.forEach(function (n) { toast(n); desktop(n); });
    }
    if (fresh.some(function (n) { return n.level === "urgent"; })) { beep(); }
    if (fresh.length && panel() && !panel().hidden) { renderPanel(); }
    document.dispatchEvent(new CustomEvent("ttcs:notifications", { detail: { notifications: fresh } }));
    return fresh;
  }

  function receiveRead(msg) {
    state.items.forEach(function (n) {
      if (msg.all || msg.ids.indexOf(n.id) !== -1) { n.read = true; }
    });
    setUnread(msg.unread);
    if (panel() && !panel().hidden) { renderPanel(); }
  }

  function onMessage(msg) {
    if (!msg || typeof msg.type !== "string") { return; }
    if (msg.type === "notification") {
      // A push carries no count: one more unread than the count had on connect or with the last "read".
      var fresh = receiveNew([msg.notification], { summarise: false });
      if (fresh.length && !msg.notification.read && typeof state.unread === "number") { setUnread(state.unread + 1); }
    } else if (msg.type === "catch_up") {
      receiveNew(msg.notifications, { summarise: true, truncated: msg.truncated });
      rememberLastId(Math.max(msg.last_id, state.lastId || 0));
    } else if (msg.type === "unread") {
      setUnread(msg.count);
    } else if (msg.type === "read") {
      receiveRead(msg);
    }
  }

  // ------------------------------------------------------------------------------------------ network
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fetchJson(url, body) {
    var options = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrfToken();
      options.body = JSON.stringify(body);
    }
    return window.fetch(url, options).then(function (r) {
      if (r.status === 401) { stop(); throw new Error("unauthenticated"); }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function markRead(ids) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify({ type: "mark_read", ids: ids }));
      return;
    }
    var url = (panel() && panel().dataset.readUrl) || "/notifications/api/read/";
    fetchJson(url, { ids: ids }).then(function (data) {
      receiveRead({ ids: ids, all: false, unread: data.unread });
    }, function () {});
  }

  function markAllRead() {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify({ type: "mark_all_read" }));
      return;
    }
    var url = (panel() && panel().dataset.readUrl) || "/notifications/api/read/";
    fetchJson(url, { all: true }).then(function (data) {
      receiveRead({ ids: [], all: true, unread: data.unread });
    }, function () {});
  }

  function setMode(mode) {
    state.mode = mode;
    var root = panel();
    if (root) { renderStatus(root); }
    var b = bell();
    if (b) { b.dataset.mode = mode; }
  }

  function connect() {
    if (!state.wanted || state.socket) { return; }
    window.clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/notifications/");
    } catch (e) {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    socket.onopen = function () {
      state.opens = (state.opens || 0) + 1;
      state.failures = 0;
      stopPolling();
      setMode("live");
      socket.send(JSON.stringify({ type: "hello", last_id: state.lastId }));
      window.clearInterval(state.pingTimer);
      state.pingTimer = window.setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) { socket.send('{"type":"ping"}'); }
      }, PING_MS);
    };
    socket.onmessage = function (ev) {
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      onMessage(msg);
    };
    socket.onclose = function () {
      window.clearInterval(state.pingTimer);
      if (state.socket === socket) { state.socket = null; }
      if (state.wanted) { scheduleReconnect(); }
    };
    socket.onerror = function () { /* onclose follows */ };
  }

  function scheduleReconnect() {
    state.failures += 1;
    if (state.failures >= POLL_AFTER_FAILURES) { startPolling(); } else { setMode("reconnecting"); }
    var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * Math.pow(2, state.failures - 1));
    delay = delay / 2 + Math.random() * delay / 2; // jitter: a restarted server is not stormed by every tab at once
    window.clearTimeout(state.reconnectTimer);
    state.reconnectTimer = window.setTimeout(connect, delay);
  }

  function poll() {
    var root = panel();
    var url = (root && root.dataset.sinceUrl) || "/notifications/api/since/";
    var query = state.lastId === null ? "" : "?last_id=" + state.lastId;
    fetchJson(url + query).then(function (data) {
      onMessage({ type: "catch_up", notifications: data.notifications, truncated: data.truncated, last_id: data.last_id });
      setUnread(data.unread);
    }, function () {}).then(function () {
      if (state.mode === "polling") {
        state.pollTimer = window.setTimeout(poll, document.hidden ? POLL_HIDDEN_MS : POLL_VISIBLE_MS);
      }
    });
  }

  function startPolling() {
    if (state.mode === "polling") { return; }
    setMode("polling");
    poll();
  }

  function stopPolling() {
    window.clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }

  function start(userId) {
    state.userId = userId;
    state.lastId = loadLastId();
    state.unread = null;
    state.items = [];
    state.seen = new Set();
    state.listLoaded = false;
    state.failures = 0;
    state.wanted = true;
    connect();
  }

  function stop() {
    state.wanted = false;
    window.clearTimeout(state.reconnectTimer);
    window.clearInterval(state.pingTimer);
    stopPolling();
    setMode("idle");
    if (state.socket) {
      var s = state.socket;
      state.socket = null;
      s.close();
    }
  }

  // -------------------------------------------------------------------------------------------- mount
  function mount() {
    var b = bell();
    if (!b) {
      if (state.userId !== null) { stop(); state.userId = null; } // logged out
      return;
    }
    var userId = b.dataset.user;
    if (userId !== state.userId) {
      stop();
      start(userId);
    } else if (!state.wanted) {
      state.wanted = true;
      connect();
    }
    b.dataset.mode = state.mode;
    if (b.dataset.ttcsBound !== "1") {
      b.dataset.ttcsBound = "1";
      var button = document.getElementById("ttcs-bell-button");
      if (button) {
        button.addEventListener("click", function (ev) {
          ev.preventDefault();
          unlockAudio();
          var root = panel();
          setPanelOpen(root ? root.hidden : false);
        });
      }
    }
    renderCount();
  }

  document.addEventListener("click", function (ev) {
    var root = panel();
    var b = bell();
    if (!ev.target.isConnected) { return; } // a control inside the panel that re-rendered itself
    if (root && !root.hidden && b && !b.contains(ev.target)) { setPanelOpen(false); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { setPanelOpen(false); }
  });
  // Browsers allow sound only after a user gesture: take the first one.
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("turbo:load", mount);
  document.addEventListener("turbo:render", mount);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && state.wanted && !state.socket) { connect(); }
  });
  window.addEventListener("online", function () { if (state.wanted && !state.socket) { connect(); } });

  window.ttcsNotifications = {
    mount: mount,
    /* Close the socket and stay away until connect(); for tests and for pages that want quiet. */
    disconnect: stop,
    connect: function () { state.wanted = true; state.failures = 0; connect(); },
    state: function () {
      return { mode: state.mode, unread: state.unread, lastId: state.lastId, open: !!(state.socket && state.socket.readyState === 1),
               failures: state.failures, beeps: state.beeps || 0, opens: state.opens || 0,
               seen: Array.from(state.seen) };
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
