// Conditional fields (issue 19): a field named by a form's condition shows only while
// its parent field shows and has the condition's value, as the person types. The same
// rules run on the server (customfields/conditions.py), which clears a hidden field's
// value whatever is posted; this only shows and hides. A condition whose parent has no
// input here (an agent-only field on the help center) keeps what the page was given.
(function () {
  "use strict";

  function inputs(box, prefix, number) {
    return box.querySelectorAll('[name="' + prefix + "-" + number + '"]');
  }

  function valueOf(list) {
    var first = list[0];
    if (first.tagName === "SELECT") return first.value;
    if (first.type === "checkbox" && list.length === 1 && !first.value.length) return first.checked;
    if (first.type === "checkbox") {
      // A checkbox field's one input has value "on"; a multi-select's are its options.
      if (list.length === 1 && first.value === "on") return first.checked;
      var chosen = [];
      list.forEach(function (input) { if (input.checked) chosen.push(input.value); });
      return chosen;
    }
    return first.value;
  }

  function matches(current, wanted) {
    if (typeof current === "boolean") return current === (wanted === true || wanted === "true");
    if (Array.isArray(current)) return current.indexOf(String(wanted)) !== -1;
    return current !== "" && String(current) === String(wanted);
  }

  function update(box, prefix, conditions) {
    var children = {};
    conditions.forEach(function (c) {
      c.child_fields.forEach(function (child) { children[child.id] = true; });
    });
    var visible = {};
    box.querySelectorAll("[data-cf-field]").forEach(function (row) {
      var number = row.getAttribute("data-cf-field");
      if (!children[number]) visible[number] = true;
    });
    var required = {};
    var changed = true;
    while (changed) {
      changed = false;
      conditions.forEach(function (c) {
        var list = inputs(box, prefix, c.parent_field_id);
        var row = box.querySelector('[data-cf-field="' + c.parent_field_id + '"]');
        var shown = list.length ? visible[c.parent_field_id] : row === null;
        if (!shown) return;
        if (list.length && !matches(valueOf(list), c.value)) return;
        if (!list.length) return; // no input for the parent: the page's state stays
        c.child_fields.forEach(function (child) {
          if (!visible[child.id]) { visible[child.id] = true; changed = true; }
          if (child.is_required) required[child.id] = true;
        });
      });
    }
    box.querySelectorAll("[data-cf-field]").forEach(function (row) {
      var number = row.getAttribute("data-cf-field");
      if (!children[number]) return;
      var parentsHere = conditions.some(function (c) {
        return inputs(box, prefix, c.parent_field_id).length &&
          c.child_fields.some(function (x) { return String(x.id) === number; });
      });
      if (!parentsHere) return;
      row.hidden = !visible[number];
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.type === "hidden" || input.type === "checkbox") return;
        input.required = Boolean(visible[number] && required[number]);
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-cf-conditions]").forEach(function (box) {
      var data = document.getElementById(box.getAttribute("data-cf-conditions"));
      if (!data || box.hasAttribute("data-cf-started")) return;
      box.setAttribute("data-cf-started", "");
      var conditions = JSON.parse(data.textContent);
      var prefix = box.getAttribute("data-cf-prefix");
      var form = box.closest("form") || box;
      form.addEventListener("change", function () { update(box, prefix, conditions); });
      form.addEventListener("input", function () { update(box, prefix, conditions); });
      update(box, prefix, conditions);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", start);
})();
