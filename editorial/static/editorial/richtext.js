// A small formatting editor over the bulletin textarea: bold, italic, underline, lists, paragraphs.
// The server sanitises whatever arrives (nh3), so this is a convenience, not a safety measure.
(function () {
  "use strict";
  const COMMANDS = [
    ["bold", "B", "Đậm"], ["italic", "I", "Nghiêng"], ["underline", "U", "Gạch chân"],
    ["insertUnorderedList", "•", "Danh sách"], ["insertOrderedList", "1.", "Danh sách số"],
  ];
  document.querySelectorAll("textarea[data-richtext]").forEach(function (textarea) {
    const toolbar = document.createElement("div");
    toolbar.className = "ed-richtext-toolbar";
    const editor = document.createElement("div");
    editor.className = "ed-richtext";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.innerHTML = textarea.value;
    COMMANDS.forEach(function ([command, label, title]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "mdc-button";
      button.textContent = label;
      button.title = title;
      button.addEventListener("click", function () { editor.focus(); document.execCommand(command); sync(); });
      toolbar.appendChild(button);
    });
    function sync() { textarea.value = editor.innerHTML; }
    editor.addEventListener("input", sync);
    textarea.form && textarea.form.addEventListener("submit", sync);
    textarea.hidden = true;
    textarea.required = false;  // a hidden required field would block the submit silently; the server checks
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);
  });
})();
