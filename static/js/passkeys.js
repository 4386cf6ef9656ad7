// Passkeys: a form marked data-passkey="create" or "get" asks the server for the
// ceremony's options (data-passkey-options, a POST: it keeps the challenge in the
// session), hands them to navigator.credentials, and posts the browser's answer as JSON
// in the form's "credential" field. The server (py_webauthn) checks everything; this file
// only converts between base64url strings and the ArrayBuffers the browser wants.
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creation(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: withIds(options.excludeCredentials),
    });
  }

  function request(options) {
    var result = Object.assign({}, options, { challenge: toBytes(options.challenge) });
    if (options.allowCredentials) { result.allowCredentials = withIds(options.allowCredentials); }
    return result;
  }

  function answer(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      if (r.userHandle) { response.userHandle = toText(r.userHandle); }
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    });
  }

  function fail(form, message) {
    var status = form.querySelector("[data-passkey-status]");
    if (status) {
      status.textContent = message;
      status.hidden = false;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-passkey]");
    if (!form || form.dataset.passkeyDone) { return; }
    event.preventDefault();
    if (!window.PublicKeyCredential || !navigator.credentials) {
      fail(form, form.dataset.passkeyUnsupported);
      return;
    }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(form.dataset.passkeyOptions, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    })
      .then(function (reply) {
        if (!reply.ok) { throw new Error("options " + reply.status); }
        return reply.json();
      })
      .then(function (options) {
        return form.dataset.passkey === "create"
          ? navigator.credentials.create({ publicKey: creation(options) })
          : navigator.credentials.get({ publicKey: request(options) });
      })
      .then(function (credential) {
        form.querySelector("input[name=credential]").value = answer(credential);
        form.dataset.passkeyDone = "1";
        form.submit();
      })
      .catch(function () { fail(form, form.dataset.passkeyError); });
  });
})();
