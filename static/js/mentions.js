// @mention completion in the ticket's reply box (internal notes only): typing "@an"
// lists the account's agents whose name starts so (notifications' JSON endpoint), arrow
// keys move, Enter or a click inserts "@handle ". No inline script: CSP-safe.
(function () {
  "use strict";
  function setUp() {
    var root = document.querySelector("[data-mentions-url]");
    var form = document.getElementById("reply");
    if (!root || !form) return;
    var box = form.querySelector("textarea[name=body]");
    if (!box) return;
    var url = root.getAttribute("data-mentions-url");
    var list = document.createElement("ul");
    list.className = "menu mention-menu";
    list.id = "mention-menu";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.parentNode.appendChild(list);
    box.setAttribute("aria-controls", list.id);
    var active = -1, start = -1, pending = 0;

    function internal() {
      var checked = form.querySelector("input[name=comment_type]:checked");
      return !checked || checked.value !== "public";
    }
    function close() { list.hidden = true; list.textContent = ""; active = -1; start = -1; }
    function items() { return list.querySelectorAll("li"); }
    function mark(index) {
      var all = items();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    }
    function pick(li) {
      var handle = li.getAttribute("data-handle");
      var before = box.value.slice(0, start), after = box.value.slice(box.selectionStart);
      box.value = before + "@" + handle + " " + after;
      var caret = before.length + handle.length + 2;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
    }
    function query() {
      var caret = box.selectionStart;
      var text = box.value.slice(0, caret);
      var match = /(^|[^\w@])@([\w.\-]{0,30})$/.exec(text);
      if (!match || !internal()) { close(); return; }
      start = caret - match[2].length - 1;
      var ticket = ++pending;
      fetch(url + "?q=" + encodeURIComponent(match[2]), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { agents: [] }; })
        .then(function (data) {
          if (ticket !== pending) return;
          list.textContent = "";
          (data.agents || []).forEach(function (agent) {
            var li = document.createElement("li");
            li.setAttribute("role", "option");
            li.setAttribute("data-handle", agent.handle);
            li.textContent = agent.name + " (@" + agent.handle + ")";
            li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(li); });
            list.appendChild(li);
          });
          list.hidden = !items().length;
          if (items().length) mark(0);
        })
        .catch(close);
    }
    box.addEventListener("input", query);
    box.addEventListener("blur", function () { window.setTimeout(close, 150); });
    box.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
      else if (event.key === "Enter" || event.key === "Tab") { if (active >= 0) { event.preventDefault(); pick(items()[active]); } }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
