// Polls the status of recordings being rendered and shows it as it changes, then refreshes the page once they are
// done (a Turbo visit when Turbo drives the page). Runs on the first load and after every Turbo visit (a deferred
// script runs once per full load only: "Tạo âm thanh" answers with a Turbo visit), once per recording.
(function () {
  "use strict";

  function refresh() {
    if (window.Turbo && typeof window.Turbo.visit === "function") {
      window.Turbo.visit(window.location.pathname + window.location.search + "#audio", { action: "replace" });
    } else {
      window.location.hash = "audio";
      window.location.reload();
    }
  }

  function start() {
    const items = Array.from(document.querySelectorAll("[data-status-url]")).filter((item) => !item.dataset.polling);
    if (!items.length) return;
    items.forEach((item) => { item.dataset.polling = "1"; });
    let delay = 1500;
    async function poll() {
      if (!items.some((item) => item.isConnected)) return; // the user went elsewhere
      let pending = 0;
      for (const item of items) {
        if (item.dataset.done || !item.isConnected) continue;
        try {
          const response = await fetch(item.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
          if (!response.ok) { pending += 1; continue; }
          const data = await response.json();
          const status = item.querySelector(".ed-audio__status");
          if (status) status.textContent = data.status_label;
          if (data.done) item.dataset.done = "1"; else pending += 1;
        } catch (error) {
          pending += 1;
        }
      }
      if (pending) {
        delay = Math.min(delay * 1.3, 10000);
        window.setTimeout(poll, delay);
      } else {
        refresh();
      }
    }
    window.setTimeout(poll, delay);
  }

  document.addEventListener("turbo:load", start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
