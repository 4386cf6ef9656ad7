// The help center's live chat widget (issue 28; templates/chat/_widget.html).
// The database is the mailbox, the socket a doorbell: the widget polls /hc/chat/<n>/
// every 3 s, or every 20 s while window.SportelloRealtime is live and rings on the
// chat's topic (a ring makes it poll at once). Without a chat it asks the status every
// 20 s: that is the signed-in visitor's presence beat, and how a chat an agent started
// from a ticket's page reaches the widget.
(function () {
  "use strict";
  const FAST = 3000;
  const SLOW = 20000;
  const TYPING_EVERY = 3000;

  function init() {
    const root = document.getElementById("chat-widget");
    if (!root) return;
    const d = root.dataset;
    const dialog = root.querySelector(".chat-dialog");
    const launcher = root.querySelector(".chat-launcher");
    const errorBox = root.querySelector(".chat-error");
    const list = root.querySelector(".chat-messages");
    const marker = document.createElement("span");
    marker.className = "chat-marker muted small";
    const typingLine = root.querySelector(".chat-typing");
    const stateLine = root.querySelector(".chat-state");
    const compose = root.querySelector(".chat-compose");
    const endButton = root.querySelector(".chat-end");
    const newButton = root.querySelector(".chat-new");
    const token = (root.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
    let status = null;
    let chat = null; // the number of the chat shown
    let after = 0;
    let lastMine = 0;
    let state = "";
    let timer = null;
    let subscribed = null;
    let lastTyping = 0;

    const chatUrl = (n, action) => d.chatUrl.replace(/0\/$/, n + "/") + (action ? action + "/" : "");
    const realtime = () => window.SportelloRealtime;
    const interval = () => (realtime() && realtime().live ? SLOW : FAST);

    function show(panel) {
      root.querySelectorAll("[data-panel]").forEach((el) => {
        el.hidden = el.dataset.panel !== panel;
      });
    }
    function fail(message) {
      errorBox.textContent = message || "";
      errorBox.hidden = !message;
    }
    function send(url, data) {
      const body = data instanceof FormData ? data : new FormData();
      if (!(data instanceof FormData)) {
        Object.entries(data || {}).forEach(([k, v]) => body.append(k, v));
      }
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        body: body,
      }).then((reply) =>
        reply.json().then(
          (json) => ({ ok: reply.ok, json: json }),
          () => ({ ok: false, json: {} }),
        ),
      );
    }
    function get(url) {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((reply) => (reply.ok ? reply.json() : Promise.reject(reply.status)));
    }
    function open(yes) {
      dialog.hidden = !yes;
      launcher.setAttribute("aria-expanded", yes ? "true" : "false");
      if (yes) {
        const field = dialog.querySelector("[data-panel]:not([hidden]) textarea, [data-panel]:not([hidden]) input:not([type=hidden])");
        if (field) field.focus();
        markRead();
      } else {
        launcher.focus();
      }
    }
    function later(fn, ms) {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    }

    // --- without a chat: the status -------------------------------------------------
    function refreshStatus() {
      get(d.statusUrl).then((answer) => {
        status = answer;
        root.hidden = !answer.enabled;
        if (!answer.enabled) return later(refreshStatus, SLOW);
        if (answer.chats.length && chat === null) return follow(answer.chats[0]);
        if (chat === null) {
          show(!answer.may_chat ? "signin" : answer.open ? "start" : "leave");
          later(refreshStatus, SLOW);
        }
      }, () => later(refreshStatus, SLOW));
    }

    // --- with a chat: the poll ------------------------------------------------------
    function follow(number) {
      chat = number;
      after = 0;
      lastMine = 0;
      list.replaceChildren();
      show("conversation");
      compose.querySelector("textarea").disabled = false;
      endButton.hidden = false;
      newButton.hidden = true;
      const rt = realtime();
      if (rt && typeof rt.subscribe === "function") {
        try {
          subscribed = rt.subscribe("chat:" + number, () => poll());
        } catch (e) {
          subscribed = null;
        }
      }
      poll();
    }
    function unfollow() {
      if (subscribed && typeof subscribed === "function") subscribed();
      if (subscribed && typeof subscribed.close === "function") subscribed.close();
      subscribed = null;
    }
    function poll() {
      if (chat === null) return;
      const number = chat;
      get(chatUrl(number) + "?after=" + after).then((answer) => {
        if (number !== chat) return;
        const fresh = answer.messages.length > 0;
        answer.messages.forEach(addMessage);
        if (fresh && answer.started_by_agent && dialog.hidden && !sessionStorage.getItem("chat-opened-" + number)) {
          sessionStorage.setItem("chat-opened-" + number, "1");
          open(true);
        }
        showMarkers(answer.markers);
        typingLine.textContent = answer.typing ? d.textTyping.replace("{name}", answer.typing) : "";
        setState(answer.state);
        if (fresh) markSeen();
        later(poll, interval());
      }, () => later(poll, interval()));
    }
    function addMessage(m) {
      // Polls overlap once the socket rings (a message, its read marker and a post's
      // own fetch each ask for what came after the same seq): each message once.
      if (m.seq <= after) return;
      const item = document.createElement("li");
      item.className = "chat-message chat-" + m.kind;
      const who = document.createElement("span");
      who.className = "chat-author";
      who.textContent = m.kind === "visitor" ? d.textYou : m.author;
      const when = document.createElement("time");
      when.dateTime = m.created_at;
      // The server's locale format (chat.selectors.message_time), as the agents see it.
      when.textContent = m.time;
      const text = document.createElement("p");
      text.textContent = m.body;
      if (m.kind !== "system") item.append(who, " ", when);
      if (m.body) item.append(text);
      if (m.files && m.files.length) item.append(fileList(m.files));
      list.append(item);
      list.scrollTop = list.scrollHeight;
      after = Math.max(after, m.seq);
      if (m.kind === "visitor") {
        lastMine = m.seq;
        item.append(marker); // "Delivered" / "Read" under the visitor's last message
      }
    }
    // A message's files: a download link each (name), and its size.
    function fileList(files) {
      const ul = document.createElement("ul");
      ul.className = "chat-files";
      files.forEach((f) => {
        const li = document.createElement("li");
        const link = document.createElement("a");
        link.href = f.url;
        link.setAttribute("download", "");
        link.textContent = f.name;
        const size = document.createElement("span");
        size.className = "muted small";
        size.textContent = f.size_label;
        li.append(link, " ", size);
        ul.append(li);
      });
      return ul;
    }
    function showMarkers(markers) {
      if (!lastMine) return (marker.textContent = "");
      marker.textContent = markers.read >= lastMine ? d.textRead : markers.delivered >= lastMine ? d.textDelivered : "";
    }
    function setState(next) {
      state = next;
      stateLine.textContent = next === "queued" ? d.textWaiting : next === "ended" ? d.textEnded : "";
      const ended = next === "ended";
      endButton.hidden = ended;
      newButton.hidden = !ended;
    }
    // Delivered once the page has the messages; read once the visitor can see them.
    function markSeen() {
      if (chat === null || !after) return;
      const shown = !(dialog.hidden || document.hidden);
      send(chatUrl(chat, "read"), { seq: after, shown: shown ? "1" : "0" });
    }
    function markRead() {
      if (chat === null || dialog.hidden || document.hidden || !after) return;
      send(chatUrl(chat, "read"), { seq: after, shown: "1" });
    }

    // --- the visitor's acts ---------------------------------------------------------
    launcher.addEventListener("click", () => open(dialog.hidden));
    root.querySelector(".chat-close").addEventListener("click", () => open(false));
    dialog.addEventListener("keydown", (e) => {
      if (e.key === "Escape") open(false);
    });
    document.addEventListener("visibilitychange", markRead);

    function submitter(form, url, done) {
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        fail("");
        const data = new FormData(form);
        data.append("page_url", window.location.pathname);
        send(url(), data).then((reply) => {
          if (!reply.ok) return fail(reply.json.message || d.textFailed);
          done(reply.json, form);
        }, () => fail(d.textFailed));
      });
    }
    submitter(root.querySelector(".chat-start"), () => d.startUrl, (json, form) => {
      form.reset();
      follow(json.chat);
    });
    submitter(root.querySelector(".chat-leave"), () => d.leaveUrl, (json, form) => {
      form.reset();
      show("sent");
    });
    submitter(compose, () => chatUrl(chat, "post"), (json, form) => {
      form.reset();
      poll();
    });
    compose.querySelector("textarea").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        compose.requestSubmit();
      }
    });
    compose.querySelector("textarea").addEventListener("input", () => {
      const now = Date.now();
      if (chat === null || now - lastTyping < TYPING_EVERY) return;
      lastTyping = now;
      send(chatUrl(chat, "typing"), {});
    });
    endButton.addEventListener("click", () => {
      if (chat === null) return;
      send(chatUrl(chat, "end"), {}).then(() => poll());
    });
    newButton.addEventListener("click", () => {
      unfollow();
      chat = null;
      fail("");
      refreshStatus();
    });

    refreshStatus();
  }

  // The widget's markup comes from the slot's URL (empty where chat is not offered),
  // our own escaped fragment, put in once; then it starts.
  function load() {
    const slot = document.getElementById("chat-widget-slot");
    if (!slot) return init();
    fetch(slot.dataset.url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html.trim()) return;
        slot.outerHTML = html;
        init();
      })
      .catch(function () { /* no chat this time; the page is unaffected */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
