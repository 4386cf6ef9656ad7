// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Close open <details> menus when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details[open].dropdown").forEach(function (m) { m.removeAttribute("open"); });
    }
  });

  // Disclosures ("+ Add"): CSS shows the menu on hover and focus; a click on the button
  // toggles it, Escape or a click elsewhere closes it, and aria-expanded tells which.
  function disclosures() { return document.querySelectorAll("[data-disclosure]"); }
  function sync(box) {
    var button = box.querySelector("button[aria-expanded]");
    var menu = box.querySelector(".menu");
    if (button && menu) button.setAttribute("aria-expanded", getComputedStyle(menu).display !== "none" ? "true" : "false");
  }
  function close(box) {
    box.classList.remove("is-open");
    box.classList.add("is-closed");
    sync(box);
  }
  document.addEventListener("click", function (event) {
    disclosures().forEach(function (box) {
      var button = box.querySelector("button[aria-expanded]");
      if (button && button.contains(event.target)) {
        var shown = button.getAttribute("aria-expanded") === "true" && box.classList.contains("is-open");
        if (shown) close(box);
        else { box.classList.remove("is-closed"); box.classList.add("is-open"); sync(box); }
      } else if (!box.contains(event.target)) {
        box.classList.remove("is-open");
        sync(box);
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    disclosures().forEach(function (box) {
      var button = box.querySelector("button[aria-expanded]");
      if (button.getAttribute("aria-expanded") !== "true") return;
      close(box);
      if (box.contains(document.activeElement)) button.focus();
    });
  });
  // Once the pointer and the focus have both left, hover and focus open it again.
  ["mouseover", "mouseout", "focusin", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var box = event.target.closest && event.target.closest("[data-disclosure]");
      if (!box) return;
      // :hover and :focus-within are up to date once this event is handled.
      window.setTimeout(function () {
        if (!box.matches(":hover") && !box.matches(":focus-within")) box.classList.remove("is-closed");
        sync(box);
      }, 0);
    });
  });
  // A table wider than the screen scrolls inside its .table-wrap; with nothing focusable
  // in it, a keyboard cannot scroll it unless the wrapper itself takes focus.
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var ours = wrap.hasAttribute("data-scroll-focus");
      var needed = wrap.scrollWidth > wrap.clientWidth &&
        !wrap.querySelector("a[href], button, input, select, textarea, [tabindex]:not(.table-wrap)");
      if (needed && !ours) { wrap.setAttribute("tabindex", "0"); wrap.setAttribute("data-scroll-focus", ""); }
      if (!needed && ours) { wrap.removeAttribute("tabindex"); wrap.removeAttribute("data-scroll-focus"); }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
  // Elements with data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
