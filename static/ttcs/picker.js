// Searchable pickers: every <select data-picker="search"> becomes a Tom Select (static/vendor/tom-select), on the
// first load and after every Turbo visit. Without this script the plain multi-select still works.
// A <select data-autosubmit> sends its form when changed (a handler here: the Content-Security-Policy refuses
// inline on* attributes); without script its form's <noscript> button does.
(function () {
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) el.form.requestSubmit();
  });
  function start() {
    if (typeof TomSelect === "undefined") return;
    document.querySelectorAll('select[data-picker="search"]').forEach(function (el) {
      if (el.tomselect) return;
      new TomSelect(el, {
        plugins: ["remove_button"],
        maxOptions: 2000,
        hidePlaceholder: true,
        placeholder: el.dataset.placeholder || "Gõ để tìm…",
        render: {
          no_results: function () { return '<div class="no-results">Không tìm thấy đơn vị.</div>'; },
        },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("turbo:load", start);
  document.addEventListener("turbo:render", start);
})();
