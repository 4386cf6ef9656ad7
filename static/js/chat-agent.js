// The agents' chat workspace (templates/chat/agent/workspace.html). The database is the
// mailbox, the socket a doorbell: every pane polls its chat for messages after the last
// seq it has (every 3 s, or every 20 s while the realtime client is live and rings on
// each change), and the queue polls likewise. Text is put in with textContent only.
(function () {
  "use strict";
  var FAST = 3000, SLOW = 20000;

  function desk() { return document.querySelector("[data-chat-desk]"); }
  function live() { return !!(window.SportelloRealtime && window.SportelloRealtime.live); }
  function delay() { return live() ? SLOW : FAST; }

  function request(url, options) {
    options = options || {};
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options);
  }

  function post(url, data) {
    var body = new FormData();
    Object.keys(data || {}).forEach(function (k) { body.append(k, data[k]); });
    return request(url, { method: "POST", body: body, headers: { "X-CSRFToken": desk().dataset.csrf } });
  }

  function lastSeq(pane) {
    var items = pane.querySelectorAll("[data-log] [data-seq]");
    return items.length ? parseInt(items[items.length - 1].dataset.seq, 10) : 0;
  }

  function appendMessage(pane, m) {
    var log = pane.querySelector("[data-log]");
    if (log.querySelector('[data-seq="' + m.seq + '"]')) return;
    var li = document.createElement("li");
    li.className = "chat-msg chat-msg-" + m.kind;
    li.dataset.seq = m.seq;
    if (m.kind !== "system") {
      var who = document.createElement("span");
      who.className = "chat-msg-author";
      who.textContent = m.author;
      li.appendChild(who);
    }
    var body = document.createElement("span");
    body.className = "chat-msg-body";
    body.textContent = m.body;
    li.appendChild(body);
    if (m.files && m.files.length) li.appendChild(fileList(m.files));
    var time = document.createElement("time");
    time.className = "chat-msg-time";
    if (m.created_at) time.dateTime = m.created_at;
    time.textContent = m.time;  // the server's locale format, as the page's own messages
    li.appendChild(time);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  // A message's files: a download link each (name), and its size.
  function fileList(files) {
    var ul = document.createElement("ul");
    ul.className = "chat-files";
    files.forEach(function (f) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = f.url;
      link.setAttribute("download", "");
      link.textContent = f.name;
      var size = document.createElement("span");
      size.className = "muted small";
      size.textContent = f.size_label;
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(size);
      ul.appendChild(li);
    });
    return ul;
  }

  // Delivered / Read under the agents' side's last message, from the visitor's markers.
  function showMarker(pane) {
    var labels = desk().dataset;
    var mine = pane.querySelectorAll("[data-log] .chat-msg-agent");
    var marker = pane.querySelector("[data-marker]");
    if (!mine.length) { marker.textContent = ""; return; }
    var seq = parseInt(mine[mine.length - 1].dataset.seq, 10);
    var read = parseInt(pane.dataset.visitorRead, 10), delivered = parseInt(pane.dataset.visitorDelivered, 10);
    marker.textContent = read >= seq ? labels.labelRead : delivered >= seq ? labels.labelDelivered : labels.labelSent;
  }

  function pollChat(pane) {
    var url = pane.dataset.pollUrl + "?after=" + lastSeq(pane);
    return request(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      var before = lastSeq(pane);
      data.messages.forEach(function (m) { appendMessage(pane, m); });
      pane.dataset.visitorDelivered = data.visitor_delivered;
      pane.dataset.visitorRead = data.visitor_read;
      pane.querySelector("[data-state]").textContent = data.state_label;
      var typing = pane.querySelector("[data-typing]");
      var who = data.typing || data.others_typing;
      typing.textContent = who ? who + " " + desk().dataset.labelTyping : "";
      var link = pane.querySelector("[data-ticket-link]");
      if (data.ticket) {
        link.href = data.ticket;
        link.querySelector("[data-ticket-number]").textContent = data.ticket_number;
        link.hidden = false;
      }
      if (data.state === "ended") {
        pane.classList.add("is-ended");
        pane.querySelector("[data-reply] textarea").disabled = true;
      }
      showMarker(pane);
      var last = lastSeq(pane);
      if (last > before || !pane.dataset.seenSent) {
        pane.dataset.seenSent = "1";
        var read = document.visibilityState === "visible" ? last : 0;
        post(pane.dataset.seenUrl, { delivered: last, read: read });
      }
    }).catch(function () {});
  }

  function pollQueue() {
    var root = desk();
    return request(root.dataset.queueUrl, { headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null) root.querySelector("[data-queue]").innerHTML = html;  // our own escaped fragment
        return request(root.dataset.queueUrl);
      })
      .then(function (r) { return r && r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var now = data.mine.join(","), had = root.dataset.mine;
        var drafting = Array.prototype.some.call(root.querySelectorAll("[data-reply] textarea"), function (t) { return t.value.trim(); });
        // A chat handed to this agent (or taken away): the panes are drawn again.
        if (now !== had && !drafting) window.location.reload();
      }).catch(function () {});
  }

  function loop(fn) {
    var run = function () { fn().finally(function () { setTimeout(run, delay()); }); };
    setTimeout(run, delay());
  }

  function subscribe(root) {
    if (root.dataset.subscribed || !window.SportelloRealtime) return;
    root.dataset.subscribed = "1";
    window.SportelloRealtime.subscribe(root.dataset.queueTopic, function () { pollQueue(); });
    root.querySelectorAll("[data-chat]").forEach(function (pane) {
      window.SportelloRealtime.subscribe("chat:" + pane.dataset.chat, function () { pollChat(pane); });
    });
  }

  function wire(pane) {
    var form = pane.querySelector("[data-reply]");
    var box = form.querySelector("textarea");
    var error = pane.querySelector("[data-error]");
    var typedAt = 0;
    box.addEventListener("input", function () {
      var now = Date.now();
      if (now - typedAt > 3000 && box.value.trim()) { typedAt = now; post(pane.dataset.typingUrl, {}); }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // The text and the chosen files; a refusal (a file the account's rules refuse)
      // leaves both where they are, with the reason.
      var files = form.querySelector("[data-files]");
      var body = new FormData();
      body.append("body", box.value);
      if (files) Array.prototype.forEach.call(files.files, function (f) { body.append("files", f); });
      request(pane.dataset.postUrl, { method: "POST", body: body, headers: { "X-CSRFToken": desk().dataset.csrf } })
        .then(function (r) { return r.json(); }).then(function (data) {
          error.hidden = data.ok;
          error.textContent = data.ok ? "" : data.message;
          if (data.ok) { box.value = ""; if (files) files.value = ""; pollChat(pane); }
        }).catch(function () {});
    });
    showMarker(pane);
    var log = pane.querySelector("[data-log]");
    log.scrollTop = log.scrollHeight;
    loop(function () { return pollChat(pane); });
  }

  function start() {
    var root = desk();
    if (!root) return;
    root.querySelectorAll("[data-chat]").forEach(wire);
    loop(pollQueue);
    subscribe(root);
    window.addEventListener("load", function () { subscribe(root); });
    if (location.hash) {
      var pane = document.querySelector(location.hash);
      if (pane && pane.querySelector) { var t = pane.querySelector("textarea"); if (t) t.focus(); }
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
