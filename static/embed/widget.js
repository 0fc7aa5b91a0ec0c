/*
 * fomo chat widget. Include on any page whose origin the key allows:
 *   <script src="https://FOMO/embed/widget.js" data-fomo-key="pk_fomo_..." async></script>
 * Optional: data-fomo-title="Ask us", data-fomo-mode="inline" (fills its page; used by /embed/<key>/).
 * Self-contained: no dependencies, styles isolated in a shadow root, no cookies sent.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-fomo-key]");
  if (!script || !script.getAttribute("data-fomo-key")) return;
  var key = script.getAttribute("data-fomo-key");
  var base = new URL(script.src, location.href).origin;
  var inline = script.getAttribute("data-fomo-mode") === "inline";
  var title = script.getAttribute("data-fomo-title") || "Chat";
  var storeKey = "fomo-embed-session:" + key;

  function loadSession() {
    try { return localStorage.getItem(storeKey) || ""; } catch (e) { return ""; }
  }
  function saveSession(s) {
    try { localStorage.setItem(storeKey, s); } catch (e) { /* private mode: the session lasts this page */ }
  }
  var session = loadSession();

  var css = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}",
    ".bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;",
    "background:#4f46e5;color:#fff;font-size:26px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}",
    ".panel{position:fixed;right:20px;bottom:88px;width:360px;max-width:calc(100vw - 40px);height:520px;",
    "max-height:calc(100vh - 120px);display:flex;flex-direction:column;background:#fff;color:#111;border-radius:12px;",
    "box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;z-index:2147483000}",
    ".panel[hidden]{display:none}",
    ".inline{position:fixed;inset:0;width:auto;height:auto;max-width:none;max-height:none;border-radius:0;box-shadow:none}",
    "header{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#4f46e5;color:#fff;font-weight:600}",
    "header button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f7f7fb}",
    ".msg{max-width:85%;padding:8px 11px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word;line-height:1.4;font-size:14px}",
    ".user{align-self:flex-end;background:#4f46e5;color:#fff}",
    ".assistant{align-self:flex-start;background:#fff;border:1px solid #e3e3ee}",
    ".error{align-self:center;color:#b42318;font-size:13px}",
    "form{display:flex;gap:6px;padding:10px;border-top:1px solid #e3e3ee}",
    "textarea{flex:1;resize:none;height:40px;padding:8px;border:1px solid #ccc;border-radius:8px;font-size:14px}",
    "form button{border:0;border-radius:8px;background:#4f46e5;color:#fff;padding:0 14px;cursor:pointer}",
    "form button:disabled{opacity:.5;cursor:default}"
  ].join("");

  var host = document.createElement("div");
  host.setAttribute("data-fomo-widget", "");
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  // A page with a nonce-based Content-Security-Policy (fomo's own /embed/<key>/ frame, or a site
  // that includes the widget with nonce="…") allows this inline style by the script's nonce.
  if (script.nonce) style.nonce = script.nonce;
  style.textContent = css;
  root.appendChild(style);

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }

  var panel = el("section", "panel" + (inline ? " inline" : ""));
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  var header = el("header");
  header.appendChild(el("span", "", title));
  var log = el("div", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form");
  var input = el("textarea");
  input.setAttribute("aria-label", "Your message");
  input.setAttribute("placeholder", "Type a message…");
  input.maxLength = 4000;
  var send = el("button", "", "Send");
  send.type = "submit";
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(form);

  if (!inline) {
    var close = el("button", "", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close chat");
    header.appendChild(close);
    var bubble = el("button", "bubble", "💬");
    bubble.type = "button";
    bubble.setAttribute("aria-label", "Open chat");
    panel.hidden = true;
    bubble.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      if (!panel.hidden) input.focus();
    });
    close.addEventListener("click", function () { panel.hidden = true; });
    root.appendChild(bubble);
  }
  root.appendChild(panel);

  function add(cls, text) {
    var n = el("div", "msg " + cls, text);
    log.appendChild(n);
    log.scrollTop = log.scrollHeight;
    return n;
  }

  function parseBlock(block) {
    var event = "message", data = "";
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event: ") === 0) event = line.slice(7);
      else if (line.indexOf("data: ") === 0) data += line.slice(6);
    });
    var parsed = null;
    try { parsed = data ? JSON.parse(data) : null; } catch (e) { parsed = null; }
    return { event: event, data: parsed };
  }

  function failure(resp, body) {
    if (resp.status === 429) {
      var wait = resp.headers.get("Retry-After");
      return "Too many messages. Try again in " + (wait || "a few") + " seconds.";
    }
    return (body && body.error && body.error.message) || "The chat is not available right now.";
  }

  async function ask(message) {
    var answer = add("assistant", "");
    answer.setAttribute("aria-busy", "true");
    var text = "";
    var resp;
    try {
      resp = await fetch(base + "/embed/api/" + encodeURIComponent(key) + "/chat", {
        method: "POST", mode: "cors", credentials: "omit",
        headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
        body: JSON.stringify({ message: message, session: session })
      });
    } catch (e) {
      // Refused by CORS (this page's origin is not allowed) or the network.
      answer.remove();
      throw e;
    }
    if (!resp.ok || !resp.body) {
      var body = null;
      try { body = await resp.json(); } catch (e) { body = null; }
      answer.remove();
      add("error", failure(resp, body));
      return;
    }
    var reader = resp.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      var cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        var frame = parseBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        var d = frame.data || {};
        if (frame.event === "ready" && d.session) {
          session = d.session;
          saveSession(session);
        } else if (frame.event === "token") {
          text += d.text || "";
          answer.textContent = text;
        } else if (frame.event === "reset") {
          text = "";
          answer.textContent = "";
        } else if (frame.event === "done") {
          answer.textContent = d.answer;
          answer.setAttribute("data-done", "true");
        } else if (frame.event === "error") {
          answer.remove();
          add("error", d.message || "No answer.");
        }
        log.scrollTop = log.scrollHeight;
      }
    }
    answer.removeAttribute("aria-busy");
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var message = input.value.trim();
    if (!message || send.disabled) return;
    input.value = "";
    add("user", message);
    send.disabled = true;
    ask(message).catch(function () {
      add("error", "The chat could not be reached.");
    }).finally(function () {
      send.disabled = false;
      input.focus();
    });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
