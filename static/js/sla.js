// Ticket page: the running SLA targets count down without a request. Each carries its
// breach time (data-sla-breach, ISO) and the page's own words for "… left" and
// "Breached … ago"; without JavaScript the text from page load stays.
(function () {
  "use strict";
  var AT_RISK = 3600 * 1000; // as servicelevels.templatetags.sla.AT_RISK
  var UNITS = [["day", 86400], ["hour", 3600], ["minute", 60]];
  var lang = document.documentElement.lang || undefined;

  function duration(ms) {
    var seconds = Math.abs(ms) / 1000;
    var unit = UNITS[UNITS.length - 1];
    for (var i = 0; i < UNITS.length; i += 1) {
      if (seconds >= UNITS[i][1]) { unit = UNITS[i]; break; }
    }
    var text = new Intl.NumberFormat(lang, { style: "unit", unit: unit[0], unitDisplay: "long" })
      .format(Math.floor(seconds / unit[1]));
    return text.replace(/ /g, "\u00a0");
  }

  function tick(list) {
    var now = Date.now();
    list.querySelectorAll("[data-sla-breach]").forEach(function (time) {
      var left = Date.parse(time.getAttribute("data-sla-breach")) - now;
      if (isNaN(left)) return;
      var words = left > 0 ? list.getAttribute("data-sla-left") : list.getAttribute("data-sla-ago");
      time.textContent = words.replace("%(time)s", duration(left));
      var state = left <= 0 ? "sla-breached" : left <= AT_RISK ? "sla-at-risk" : "sla-ok";
      var item = time.closest(".sla-target");
      item.classList.remove("sla-ok", "sla-at-risk", "sla-breached");
      item.classList.add(state);
    });
  }

  function start() {
    document.querySelectorAll("[data-sla-left]").forEach(function (list) {
      tick(list);
      setInterval(function () { tick(list); }, 20000);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
