// The ticket page's "Link an article" (templates/jinja2/knowledge/agent/_link_article.html): a
// result's "Insert link" puts "Title: address" into the reply box at the cursor.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-kb-insert]") : null;
    if (!button) return;
    var box = document.querySelector("#reply textarea[name=body]");
    if (!box) return;
    var title = button.getAttribute("data-kb-title") || "";
    var text = title + ": " + button.getAttribute("data-kb-insert");
    var start = box.selectionStart || box.value.length;
    var end = box.selectionEnd || start;
    var before = box.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? "\n" : "";
    box.value = before + glue + text + "\n" + box.value.slice(end);
    box.focus();
    var panel = button.closest("[data-kb-link]");
    var status = panel && panel.querySelector("[data-kb-link-status]");
    if (status) status.textContent = (panel.getAttribute("data-inserted-label") || "%s").replace("%s", title);
  });
})();
