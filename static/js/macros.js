// The ticket page's "Apply macro": a type-ahead over the macros (keyboard: arrows, Enter,
// Escape). A macro is applied to the FORM, not the ticket: its result (GET, nothing saved)
// fills the reply box, the comment type, the CCs and the sidebar's fields and tags; a
// second macro appends its text; Undo puts the form back as it was. Submit then posts the
// reply box with a copy of the sidebar's fields ("side-…") to one endpoint.
(function () {
  "use strict";

  function setUp(picker) {
    var input = picker.querySelector("input[role=combobox]");
    var list = picker.querySelector("[role=listbox]");
    var status = picker.querySelector("[data-macro-status]");
    var undo = picker.querySelector("[data-macro-undo]");
    var reply = document.getElementById("reply");
    var side = document.querySelector(".ticket-side form");
    if (!input || !list || !reply) return;
    var originalAction = reply.getAttribute("action");
    var submit = reply.querySelector(".split-submit > button[name=status]");
    var originalSubmit = submit ? { text: submit.textContent, value: submit.value } : null;
    var snapshot = null;
    var active = -1;

    function options() {
      return Array.prototype.filter.call(list.querySelectorAll("[role=option]"), function (o) {
        return !o.hidden;
      });
    }
    function open(show) {
      list.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
    }
    function highlight(index) {
      var shown = options();
      shown.forEach(function (o) { o.setAttribute("aria-selected", "false"); });
      active = Math.max(-1, Math.min(index, shown.length - 1));
      if (active >= 0) {
        shown[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", shown[active].id);
        shown[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function filter() {
      var q = input.value.trim().toLowerCase();
      var items = list.querySelectorAll("li");
      items.forEach(function (li) {
        if (li.hasAttribute("data-macro")) {
          li.hidden = q !== "" && li.getAttribute("data-title").toLowerCase().indexOf(q) === -1;
        }
      });
      // A branch shows while one of the options under it does.
      items.forEach(function (li, i) {
        if (!li.hasAttribute("data-branch")) return;
        var depth = parseInt(li.className.replace(/.*depth-(\d+).*/, "$1"), 10);
        var any = false;
        for (var j = i + 1; j < items.length; j++) {
          var next = items[j];
          var d = parseInt(next.className.replace(/.*depth-(\d+).*/, "$1"), 10);
          if (next.hasAttribute("data-branch") && d <= depth) break;
          if (next.hasAttribute("data-macro") && !next.hidden) { any = true; break; }
        }
        li.hidden = !any;
      });
      open(true);
      highlight(0);
    }

    function fieldsOf(form) {
      return form ? Array.prototype.slice.call(form.elements).filter(function (e) {
        return e.name && e.name !== "csrfmiddlewaretoken" && e.type !== "file" && e.type !== "submit";
      }) : [];
    }
    function takeSnapshot() {
      return fieldsOf(reply).concat(fieldsOf(side)).map(function (e) {
        return { el: e, value: e.value, checked: e.checked };
      });
    }
    function named(form, name) { return form ? form.querySelector("[name='" + name + "']") : null; }
    function setValue(el, value) {
      if (!el) return;
      if (el.type === "checkbox") el.checked = value === true; else el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function tagsAfter(current, tags) {
      var list = tags.set ? tags.set.slice() : current.split(/[\s,]+/).filter(Boolean);
      tags.add.forEach(function (t) { if (list.indexOf(t) === -1) list.push(t); });
      return list.filter(function (t) { return tags.remove.indexOf(t) === -1; }).join(" ");
    }

    function applyResult(number, data) {
      if (!snapshot) snapshot = takeSnapshot();
      var body = named(reply, "body");
      if (body && data.comment.body) {
        body.value = body.value.trim() ? body.value.replace(/\s+$/, "") + "\n\n" + data.comment.body : data.comment.body;
      }
      if (data.comment.public !== null) {
        var radio = reply.querySelector("input[name=comment_type][value=" + (data.comment.public ? "public" : "internal") + "]");
        if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
      }
      Object.keys(data.fields).forEach(function (name) { setValue(named(side, name), data.fields[name]); });
      if (submit && data.submit_label) {
        submit.textContent = data.submit_label;
        submit.value = data.submit_status || data.fields.status;
      }
      if (data.tags.set || data.tags.add.length || data.tags.remove.length) {
        var tags = named(side, "tags");
        if (tags) setValue(tags, tagsAfter(tags.value, data.tags));
      }
      if (data.ccs.length) {
        var ccs = named(reply, "ccs");
        if (ccs) ccs.value = ccs.value.split(/[\s,;]+/).filter(Boolean).concat(data.ccs).join(", ");
      }
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = "macro";
      marker.value = String(number);
      marker.setAttribute("data-macro-applied", "");
      reply.appendChild(marker);
      reply.setAttribute("action", picker.getAttribute("data-submit-url"));
      var said = [picker.getAttribute("data-applied-label").replace("%s", data.macro.title)];
      if (data.files.length) said.push(picker.getAttribute("data-files-label").replace("%s", data.files.join(", ")));
      if (data.notice) said.push(data.notice);
      status.textContent = said.join(" ");
      undo.hidden = false;
      if (body) body.focus();
    }

    function apply(option) {
      var number = option.getAttribute("data-macro");
      var url = picker.getAttribute("data-preview-url").replace(/\/0\/apply\/$/, "/" + number + "/apply/");
      open(false);
      input.value = "";
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) { applyResult(number, data); })
        .catch(function () { status.textContent = picker.getAttribute("data-error-label"); });
    }

    undo.addEventListener("click", function () {
      if (!snapshot) return;
      snapshot.forEach(function (s) {
        s.el.value = s.value;
        s.el.checked = s.checked;
      });
      snapshot = null;
      reply.querySelectorAll("[data-macro-applied]").forEach(function (e) { e.remove(); });
      reply.setAttribute("action", originalAction);
      if (submit && originalSubmit) {
        submit.textContent = originalSubmit.text;
        submit.value = originalSubmit.value;
      }
      status.textContent = picker.getAttribute("data-undone-label");
      undo.hidden = true;
      input.focus();
    });

    input.addEventListener("input", filter);
    input.addEventListener("focus", filter);
    input.addEventListener("keydown", function (event) {
      var shown = options();
      if (event.key === "ArrowDown") { event.preventDefault(); open(true); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter") {
        event.preventDefault();
        if (active >= 0 && shown[active]) apply(shown[active]);
      } else if (event.key === "Escape") { open(false); }
    });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) apply(option);
    });
    input.addEventListener("blur", function () { open(false); });

    // Submit after a macro: the sidebar's fields travel along, as the agent left them.
    reply.addEventListener("submit", function () {
      if (!snapshot || !side) return;
      reply.querySelectorAll("[data-side-copy]").forEach(function (e) { e.remove(); });
      fieldsOf(side).forEach(function (e) {
        if ((e.type === "checkbox" || e.type === "radio") && !e.checked) return;
        var copy = document.createElement("input");
        copy.type = "hidden";
        copy.name = e.name.indexOf("initial-") === 0 ? "initial-side-" + e.name.slice(8) : "side-" + e.name;
        copy.value = e.value;
        copy.setAttribute("data-side-copy", "");
        reply.appendChild(copy);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-macro-picker]").forEach(setUp);
  });
})();
