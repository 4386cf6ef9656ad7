// Help-center message editor: bold, italic, links and lists over a contenteditable box.
// Without JavaScript the plain textarea is posted as is. With it, the box's HTML goes in
// the hidden html_body field (sanitised again on the server) and its text in body.
(function () {
  "use strict";

  var SAFE_LINK = /^(https?:\/\/|mailto:)/i;

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function textToHtml(text) {
    return text
      .split(/\n{2,}/)
      .map(function (para) { return "<p>" + escapeText(para).replace(/\n/g, "<br>") + "</p>"; })
      .join("");
  }

  // Browsers' execCommand writes <b> and <i>; the stored message uses <strong> and <em>.
  function semanticHtml(area) {
    var copy = area.cloneNode(true);
    copy.querySelectorAll("b, i").forEach(function (el) {
      var tag = document.createElement(el.tagName === "B" ? "strong" : "em");
      while (el.firstChild) tag.appendChild(el.firstChild);
      el.replaceWith(tag);
    });
    return copy.innerHTML;
  }

  function setUp(root) {
    var source = root.querySelector("[data-editor-source]");
    var htmlField = root.querySelector("[data-editor-html]");
    var area = root.querySelector(".editor-area");
    var toolbar = root.querySelector(".editor-toolbar");
    if (!source || !htmlField || !area || !toolbar) return;

    // What the server sent back (already sanitised) after a refused message, else the text.
    if (htmlField.value) {
      area.innerHTML = htmlField.value;
    } else if (source.value) {
      area.innerHTML = textToHtml(source.value);
    }
    source.hidden = true;
    source.setAttribute("aria-hidden", "true");
    source.tabIndex = -1;
    area.hidden = false;
    toolbar.hidden = false;
    var label = root.querySelector("label[for='" + source.id + "']");
    if (label) {
      label.addEventListener("click", function (event) { event.preventDefault(); area.focus(); });
    }

    function sync() {
      var empty = !area.textContent.trim() && !area.querySelector("li");
      htmlField.value = empty ? "" : semanticHtml(area);
      source.value = empty ? "" : area.innerText;
    }
    area.addEventListener("input", sync);
    var form = root.closest("form");
    if (form) form.addEventListener("submit", sync);

    toolbar.addEventListener("mousedown", function (event) {
      // Keep the selection in the box when a button is pressed.
      if (event.target.closest("button")) event.preventDefault();
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-command]");
      if (!button) return;
      var command = button.getAttribute("data-command");
      area.focus();
      if (command === "createLink") {
        var url = window.prompt(button.getAttribute("data-prompt") || "URL", "https://");
        if (!url || !SAFE_LINK.test(url.trim())) return;
        document.execCommand("createLink", false, url.trim());
      } else {
        document.execCommand(command, false, null);
      }
      sync();
    });
    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) return;
      var key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        document.execCommand(key === "b" ? "bold" : "italic", false, null);
        sync();
      }
    });
    sync();
  }

  function init() {
    document.querySelectorAll("[data-editor]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
