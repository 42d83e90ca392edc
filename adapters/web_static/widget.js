/* Recovery Connector widget: one line on any organisation's page,
 *
 *   <script src="https://HOST/widget.js" data-org="leeds-lero" defer></script>
 *
 * adds a "Find support" button at the bottom right that opens the chat (HOST/?embed=1)
 * in a panel. It runs in the host page, so it keeps to itself: no globals, no cookies, no
 * storage, no requests but the chat frame itself, and its look set through the CSSOM
 * (element.style), which a host page's Content-Security-Policy does not block as it would
 * an injected <style>. Only origins in the bot's WEB_ALLOWED_ORIGINS may frame the chat:
 * the browser enforces that (frame-ancestors), not this script.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.src || window.__recoveryConnectorWidget) return;
  window.__recoveryConnectorWidget = true; // the tag pasted twice: one launcher

  const HOST = new URL(script.src).origin; // the chat lives where this script came from
  const org = (script.getAttribute("data-org") || "").slice(0, 60);
  const pageLang = script.getAttribute("data-lang") || document.documentElement.lang || "";
  const welsh = /^cy\b/i.test(pageLang);
  const WORDS = welsh
    ? { open: "Cymorth", frame: "Sgwrs cymorth adferiad" }
    : { open: "Find support", frame: "Recovery support chat" };
  const PANEL_ID = "recovery-connector-panel";
  const FOCUS_RING = "0 0 0 3px #ffffff, 0 0 0 6px #1b1b1b";
  const SHADOW = "0 2px 8px rgba(0, 0, 0, 0.35)";

  let launcher = null;
  let panel = null;
  let frame = null;
  let loaded = false;

  function css(node, rules) {
    for (const [name, value] of Object.entries(rules)) node.style.setProperty(name, value);
  }

  function build() {
    launcher = document.createElement("button");
    launcher.type = "button";
    launcher.textContent = WORDS.open;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", PANEL_ID);
    css(launcher, {
      position: "fixed", right: "16px", bottom: "16px", "z-index": "2147483000",
      "min-height": "48px", "min-width": "48px", padding: "12px 20px",
      "border-radius": "24px", border: "2px solid #ffffff",
      background: "#0b4f8a", color: "#ffffff", // 8.5:1
      font: "700 16px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
      cursor: "pointer", "box-shadow": SHADOW,
    });
    // A visible focus ring whatever the host page's own styles say (WCAG 2.4.7).
    launcher.addEventListener("focus", () => {
      css(launcher, { outline: "3px solid #ffbf00", "outline-offset": "2px",
                      "box-shadow": FOCUS_RING });
    });
    launcher.addEventListener("blur", () => {
      css(launcher, { outline: "none", "box-shadow": SHADOW });
    });
    launcher.addEventListener("click", () => (isOpen() ? close() : open()));
    document.body.appendChild(launcher);
    window.addEventListener("message", onMessage);
  }

  function isOpen() {
    return panel !== null && !panel.hidden;
  }

  function makePanel() {
    panel = document.createElement("div");
    panel.id = PANEL_ID;
    css(panel, {
      position: "fixed", right: "8px", bottom: "80px", "z-index": "2147483000",
      width: "min(400px, calc(100vw - 16px))", height: "min(640px, calc(100vh - 96px))",
      border: "1px solid #6b6b6b", "border-radius": "12px", overflow: "hidden",
      background: "#ffffff", "box-shadow": SHADOW,
    });
    frame = document.createElement("iframe");
    let src = HOST + "/?embed=1";
    if (org) src += "&org=" + encodeURIComponent(org);
    frame.src = src;
    frame.title = WORDS.frame;
    // The chat's "Share my location" needs the browser's geolocation inside the frame.
    frame.allow = "geolocation";
    frame.referrerPolicy = "no-referrer";
    css(frame, { width: "100%", height: "100%", border: "0", display: "block" });
    frame.addEventListener("load", () => {
      loaded = true;
      if (isOpen()) focusChat();
    });
    panel.appendChild(frame);
    launcher.after(panel);
  }

  function focusChat() {
    frame.focus();
    // The chat puts focus in its message box when its window gains focus.
    if (frame.contentWindow) frame.contentWindow.focus();
  }

  function open() {
    if (panel === null) makePanel();
    panel.hidden = false;
    css(panel, { display: "block" });
    launcher.setAttribute("aria-expanded", "true");
    if (loaded) focusChat();
  }

  function close() {
    if (panel === null) return;
    panel.hidden = true;
    css(panel, { display: "none" });
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  // The chat's Close button: postMessage({rc: "close"}) from our own frame only.
  function onMessage(event) {
    if (event.origin !== HOST || !frame || event.source !== frame.contentWindow) return;
    if (event.data && event.data.rc === "close") close();
  }

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
