// The reply box's writing help (templates/jinja2/assist/_reply_tools.html): "Use in the reply"
// replaces the box's text with the suggestion, "Insert into the reply" puts it at the
// cursor. The agent reads and edits it there; nothing is sent from here.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-assist-use]") : null;
    if (!button) return;
    var box = document.querySelector("#reply textarea[name=body]");
    var panel = button.closest(".assist-suggestion");
    var source = panel && panel.querySelector("[data-assist-text]");
    if (!box || !source) return;
    var text = source.value;
    if (button.getAttribute("data-assist-use") === "replace") {
      box.value = text;
    } else {
      var start = box.selectionStart || box.value.length;
      var end = box.selectionEnd || start;
      var before = box.value.slice(0, start);
      var glue = before && !/\s$/.test(before) ? "\n" : "";
      box.value = before + glue + text + "\n" + box.value.slice(end);
    }
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
    var details = button.closest("[data-assist]");
    var status = document.createElement("p");
    status.className = "help";
    status.setAttribute("role", "status");
    status.textContent = details ? details.getAttribute("data-replaced-label") : "";
    panel.replaceWith(status);
  });
})();
