// Agent workspace. Loaded in <head> without defer so the "js" class is set before the
// first paint: fallbacks meant for browsers without JavaScript hide at once.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Ticket lists: "select all" checks every row; the bulk bar shows how many are checked.
  function setUpBulkSelection() {
    var all = document.querySelector("[data-select-all]");
    var boxes = function () { return document.querySelectorAll("input[name=tickets]"); };
    var counter = document.querySelector("[data-selected-count]");
    var update = function () {
      var n = 0;
      boxes().forEach(function (b) { if (b.checked) n += 1; });
      if (counter) counter.textContent = String(n);
      document.body.classList.toggle("has-selection", n > 0);
      // The bar opens: its fields load once (htmx, tickets.views.lists.bulk_fields).
      if (n > 0) document.body.dispatchEvent(new CustomEvent("bulk-open"));
      // The bar's controls act on checked rows only: unusable (and announced so) until one is.
      document.querySelectorAll(".bulk-bar select, .bulk-bar input, .bulk-bar button").forEach(function (c) {
        c.disabled = n === 0;
      });
    };
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("input[name=tickets]")) update();
    });
    document.addEventListener("htmx:afterSettle", function (event) {
      if (event.target.matches && event.target.matches(".bulk-fields")) update();
    });
    // Rows still checked when the page comes back (history): open the bar once htmx listens.
    document.addEventListener("htmx:load", function (event) {
      if (event.target === document.body) update();
    });
    update();
  }

  // Type-aheads (requester, CC): arrow keys move through the results, Enter picks one,
  // Escape closes them. Enter never submits the whole ticket form from these fields, and
  // in the inline "Add user" fields it adds the user.
  function partsOf(element) {
    var box = element.closest && element.closest("[data-typeahead]");
    if (!box) return null;
    var results = box.querySelector(".typeahead");
    return {
      input: box.querySelector("[data-typeahead-input]"),
      results: results,
      items: results ? Array.prototype.slice.call(results.querySelectorAll(".typeahead-item")) : []
    };
  }

  function onTypeaheadKey(event) {
    var target = event.target;
    if (!target.closest) return;
    var inline = target.closest(".inline-add-user");
    if (inline) {
      if (event.key === "Enter") {
        event.preventDefault();
        var add = inline.querySelector(".btn-primary");
        if (add) add.click();
      }
      return;
    }
    var parts = partsOf(target);
    if (!parts || !parts.input) return;
    var items = parts.items;
    var index = items.indexOf(target);
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      items[Math.min(index + 1, items.length - 1)].focus();
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      if (index <= 0) parts.input.focus();
      else items[index - 1].focus();
    } else if (event.key === "Escape" && parts.results && parts.results.children.length) {
      event.preventDefault();
      parts.results.innerHTML = "";
      parts.input.focus();
    } else if (event.key === "Enter" && target === parts.input) {
      var first = items.filter(function (i) { return !i.closest(".typeahead-add"); })[0];
      if (first || parts.input.id === "id_requester") event.preventDefault();
      if (first) first.click();
    }
    syncExpanded();
  }

  // A CC result replaces the address being typed (after the last comma) with its email.
  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("[data-cc-email]");
    if (!item) return;
    var parts = partsOf(item);
    var kept = parts.input.value.split(/[,;]/).slice(0, -1).map(function (s) { return s.trim(); });
    kept = kept.filter(function (s) { return s; });
    kept.push(item.getAttribute("data-cc-email"));
    parts.input.value = kept.join(", ") + ", ";
    parts.results.innerHTML = "";
    parts.input.focus();
    syncExpanded();
  });

  // Keep aria-expanded of each type-ahead input in step with its results.
  function syncExpanded() {
    document.querySelectorAll("[data-typeahead]").forEach(function (box) {
      var input = box.querySelector("[data-typeahead-input]");
      var results = box.querySelector(".typeahead");
      if (input && results) input.setAttribute("aria-expanded", results.children.length ? "true" : "false");
    });
  }

  // Quick actions on list rows: a row carries only its number and stamp (its version, for
  // conflicting edits); the page renders the three menus once (<template id="quick-menus">,
  // agent/_quick_menus.html). A row gets its copy, with its own ids, URL and stamp, when the
  // pointer enters it (which shows its actions) or the keyboard focus does (Tab reaches the
  // menus after the row's link), and when htmx swaps a row in (its answer to an action).
  function fillQuickActions(row) {
    var actions = row && row.querySelector(".quick-actions[data-number]:not([data-quick-filled])");
    var menus = document.getElementById("quick-menus");
    if (!actions || !menus) return;
    var number = actions.getAttribute("data-number");
    var url = menus.getAttribute("data-url");  // ticket 0's: the row's number goes in its place
    var at = url.lastIndexOf("/0/");
    url = url.slice(0, at) + "/" + number + "/" + url.slice(at + 3);
    var copy = menus.content.cloneNode(true);
    copy.querySelectorAll("select[data-quick-menu]").forEach(function (select) {
      var menu = select.getAttribute("data-quick-menu");
      select.id = "quick-" + menu + "-" + number;
      select.setAttribute("hx-post", url);
      var label = copy.querySelector('label[data-quick-for="' + menu + '"]');
      if (label) label.htmlFor = select.id;
    });
    actions.setAttribute("role", "group");
    actions.setAttribute("aria-label", menus.getAttribute("data-label").replace("%(number)s", number));
    actions.setAttribute("hx-vals", JSON.stringify({
      quick_stamp: actions.getAttribute("data-stamp"),
      quick_view: menus.getAttribute("data-view")
    }));
    actions.setAttribute("hx-target", "closest tr");
    actions.setAttribute("hx-swap", "outerHTML");
    actions.appendChild(copy);
    actions.setAttribute("data-quick-filled", "");
    if (window.htmx) window.htmx.process(actions);
  }
  function onRowEntered(event) {
    fillQuickActions(event.target.closest && event.target.closest(".ticket-row"));
  }
  document.addEventListener("pointerover", onRowEntered);
  document.addEventListener("focusin", onRowEntered);
  // htmx puts the focus back on an element of the new row with the focused one's id; the new
  // row's menus do not exist yet when it looks, so the menu that had the focus is noted here
  // and focused again once the row is filled.
  var quickFocus = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    quickFocus = active && active.matches && active.matches(".quick-actions select") ? active.id : null;
  });
  // A quick action refused answers with the row as it is now and the reason in it
  // (automations.quick_views: 409 when the ticket changed meanwhile, 400 when the change
  // is refused). htmx 2 swaps no 4xx answer by default, so the agent saw nothing: these
  // two are swapped in as the row, whose message is a role="alert".
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var status = detail.xhr && detail.xhr.status;
    // The menu that posted (detail.elt is the element the event fires on: the row).
    var source = detail.requestConfig && detail.requestConfig.elt;
    if ((status === 400 || status === 409) && source && source.closest && source.closest(".quick-actions")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var row = event.target;
    if (!row.matches || !row.matches(".ticket-row")) return;
    fillQuickActions(row);
    var again = quickFocus && document.getElementById(quickFocus);
    quickFocus = null;
    if (again && row.contains(again)) again.focus({ preventScroll: true });
  });

  document.addEventListener("keydown", onTypeaheadKey);
  document.addEventListener("htmx:afterSettle", function (event) {
    syncExpanded();
    // After "+ Add user" the name field is where the agent types next; after "Change"
    // (or Cancel) it is the search.
    var field = event.target && event.target.id === "requester-field" ? event.target : null;
    var next = field && (field.querySelector(".inline-add-user input") || field.querySelector("#id_requester"));
    if (next) next.focus();
  });
  document.addEventListener("DOMContentLoaded", setUpBulkSelection);
})();
