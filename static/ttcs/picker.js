// Searchable pickers: every <select data-picker="search"> becomes a Tom Select (static/vendor/tom-select), on the
// first load and after every Turbo visit. Without this script the plain multi-select still works.
(function () {
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
