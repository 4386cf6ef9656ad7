/* Sportello realtime: one socket per page, opened on the first subscription, to
 * /ws/realtime/ (realtime/consumers.py has the protocol). A doorbell, never the mailbox:
 * everything an event announces is in the database already, and the page fetches it
 * the way it always does. So a caller keeps polling, only less often while live:
 *
 *   var sub = SportelloRealtime.subscribe("chat:42", function (event, topic) {
 *     refresh();                      // event.resync: events may have been missed
 *   });
 *   (function poll() { refresh(); setTimeout(poll, sub.live ? 20000 : 3000); })();
 *   sub.close();                      // when the page no longer needs it
 *
 * sub.live is true while the socket is open and the server accepted the topic;
 * SportelloRealtime.live while the socket is open; SportelloRealtime.accepted(topic)
 * while the server accepts the topic on it (what a page, or a test, waits for before
 * counting on the doorbell). The socket reconnects with backoff
 * (1 s doubling to 30 s, jittered) and subscribes again; each accepted (re)subscription
 * calls onEvent({resync: true}) once, since events may have rung while it was away.
 * A close with a 44xx code (no account at this host, a page of another host) is final:
 * the page polls. A close with 4001 (the session it was opened under ended: signed out)
 * reconnects like any other, with the cookie the browser holds now; the server accepts
 * again only what that session may hear. */
(function () {
  "use strict";
  if (window.SportelloRealtime) return;

  var PATH = "/ws/realtime/";
  var PING_MS = 25000;
  var MAX_BACKOFF_MS = 30000;
  var handlers = new Map(); // topic -> Set of onEvent
  var accepted = new Set(); // topics the server accepted on the open socket
  var socket = null;
  var open = false;
  var attempts = 0;
  var retryTimer = null;
  var pingTimer = null;
  var stopped = !("WebSocket" in window);

  function url() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + PATH;
  }

  function send(message) {
    if (open) socket.send(JSON.stringify(message));
  }

  function deliver(topic, event) {
    var set = handlers.get(topic);
    if (!set) return;
    set.forEach(function (onEvent) {
      try {
        onEvent(event, topic);
      } catch (error) {
        if (window.console) console.error(error);
      }
    });
  }

  function onMessage(message) {
    if (typeof message.subscribed === "string") {
      accepted.add(message.subscribed);
      deliver(message.subscribed, { resync: true });
    } else if (typeof message.refused === "string") {
      accepted.delete(message.refused);
    } else if (typeof message.topic === "string" && accepted.has(message.topic)) {
      deliver(message.topic, message.event || {});
    }
  }

  function schedule() {
    if (retryTimer || stopped || !handlers.size) return;
    var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, attempts));
    attempts += 1;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      connect();
    }, delay * (0.5 + Math.random() / 2));
  }

  function connect() {
    if (socket || stopped || !handlers.size) return;
    try {
      socket = new WebSocket(url());
    } catch (error) {
      socket = null;
      schedule();
      return;
    }
    socket.onopen = function () {
      open = true;
      attempts = 0;
      handlers.forEach(function (_, topic) {
        send({ subscribe: topic });
      });
      pingTimer = setInterval(function () {
        send({ ping: Date.now() });
      }, PING_MS);
    };
    socket.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message && typeof message === "object") onMessage(message);
    };
    socket.onclose = function (event) {
      open = false;
      socket = null;
      accepted.clear();
      clearInterval(pingTimer);
      if (event.code >= 4400 && event.code < 4500) {
        stopped = true;
        return;
      }
      schedule();
    };
  }

  window.addEventListener("online", function () {
    // Back on the network: try now rather than at the end of a long backoff.
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    attempts = 0;
    connect();
  });

  window.SportelloRealtime = {
    subscribe: function (topic, onEvent) {
      var set = handlers.get(topic);
      var first = !set;
      if (first) {
        set = new Set();
        handlers.set(topic, set);
      }
      set.add(onEvent);
      if (first) send({ subscribe: topic });
      connect();
      return {
        close: function () {
          var current = handlers.get(topic);
          if (!current || !current.delete(onEvent) || current.size) return;
          handlers.delete(topic);
          accepted.delete(topic);
          send({ unsubscribe: topic });
        },
        get live() {
          return open && accepted.has(topic) && (handlers.get(topic) || new Set()).has(onEvent);
        },
      };
    },
    accepted: function (topic) {
      return open && accepted.has(topic);
    },
    get live() {
      return open;
    },
  };
})();
