// Polls the status of recordings being rendered, then reloads the audio section once they are done.
(function () {
  "use strict";
  const items = Array.from(document.querySelectorAll("[data-status-url]"));
  if (!items.length) return;
  let delay = 1500;
  async function poll() {
    let pending = 0;
    for (const item of items) {
      if (item.dataset.done) continue;
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
      window.location.hash = "audio";
      window.location.reload();
    }
  }
  window.setTimeout(poll, delay);
})();
