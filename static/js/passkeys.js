// Passkeys (WebAuthn): a form with data-passkey="register" or "authenticate" asks the
// server for options (data-options-url), hands them to the browser's authenticator and
// posts the form with the authenticator's answer in its hidden "passkey" field.
// The server checks everything (accounts/passkeys.py); the messages shown here come
// from the form's data attributes, in the page's language.
(function () {
  "use strict";

  function toBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function toBase64url(buffer) {
    let text = "";
    new Uint8Array(buffer).forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(list) {
    return (list || []).map((c) => Object.assign({}, c, { id: toBytes(c.id) }));
  }

  function creationOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withBytes(json.excludeCredentials),
    });
  }

  function requestOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: withBytes(json.allowCredentials),
    });
  }

  function answerJSON(credential) {
    const r = credential.response;
    const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      response.userHandle = r.userHandle ? toBase64url(r.userHandle) : null;
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null,
    });
  }

  function say(form, text) {
    const status = form.querySelector("[data-passkey-status]");
    status.textContent = text;
    status.hidden = !text;
  }

  async function ceremony(form) {
    const kind = form.dataset.passkey;
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const reply = await fetch(form.dataset.optionsUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    });
    if (!reply.ok) {
      throw new Error("options " + reply.status);
    }
    const json = await reply.json();
    const credential = kind === "register"
      ? await navigator.credentials.create({ publicKey: creationOptions(json) })
      : await navigator.credentials.get({ publicKey: requestOptions(json) });
    form.querySelector("[name=passkey]").value = answerJSON(credential);
    form.submit();
  }

  function start(event) {
    const form = event.currentTarget;
    event.preventDefault();
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say(form, form.dataset.msgUnsupported);
      return;
    }
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    say(form, "");
    ceremony(form).catch((error) => {
      button.disabled = false;
      const cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
      const known = error && error.name === "InvalidStateError";
      say(form, cancelled ? form.dataset.msgCancelled
        : known ? form.dataset.msgKnown : form.dataset.msgFailed);
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach((form) => {
    form.addEventListener("submit", start);
  });
})();
