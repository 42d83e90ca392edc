/* Recovery Connector web chat: the page side of the contract in docs/web.md (issue 18).
 *
 * Plain JavaScript, no framework, no build step, no third-party requests. What the bot
 * and the person write is only ever put on the page with textContent (never innerHTML),
 * so a listing called "<script>..." shows as those characters. Nothing is kept in the
 * browser but two sessionStorage keys (gone when the tab closes): the anonymous session
 * id and the message counter. No cookies, nothing in localStorage, nothing in the URL.
 */
(function () {
  "use strict";

  // -- the page's own words, English first (the bot's replies carry their own language) --

  const WORDS = {
    en: {
      title: "Find recovery support",
      urgent: "Urgent help",
      exit: "Quick exit",
      close: "Close",
      exitHint: "Press Escape at any time to leave this page quickly.",
      conversation: "Conversation",
      label: "Your message",
      send: "Send",
      working: "One moment…",
      connecting: "Connecting…",
      reconnecting: "Connection lost. Trying again…",
      shareLocation: "Share my location",
      locationPrompt: "Your browser will now ask whether to share your location. We use it " +
        "only to find groups near you, and it is not kept. You can type a town or " +
        "postcode instead.",
      locationYes: "Share it",
      locationNo: "Not now",
      locationShared: "My location",
      locationDenied: "No problem: type a town or postcode instead.",
      locationFailed: "Sorry, your location could not be found. Type a town or postcode instead.",
      noLocation: "This browser cannot share a location. Type a town or postcode instead.",
      map: "Open map (OpenStreetMap)",
      download: "Download the calendar file",
      newTab: "opens in a new tab",
      error: "Sorry, something went wrong. Please try again.",
    },
    cy: {
      title: "Dod o hyd i gymorth adferiad",
      urgent: "Help brys",
      exit: "Gadael yn gyflym",
      close: "Cau",
      exitHint: "Pwysa Escape unrhyw bryd i adael y dudalen hon yn gyflym.",
      conversation: "Sgwrs",
      label: "Dy neges",
      send: "Anfon",
      working: "Un eiliad…",
      connecting: "Yn cysylltu…",
      reconnecting: "Collwyd y cysylltiad. Yn trio eto…",
      shareLocation: "Rhannu fy lleoliad",
      locationPrompt: "Bydd dy borwr nawr yn gofyn a wyt ti am rannu dy leoliad. Dim ond i " +
        "ddod o hyd i grwpiau gerllaw y byddwn ni'n ei ddefnyddio, a dydy o ddim yn cael " +
        "ei gadw. Gelli di deipio tref neu god post yn lle.",
      locationYes: "Rhannu",
      locationNo: "Dim nawr",
      locationShared: "Fy lleoliad",
      locationDenied: "Dim problem: teipia dref neu god post yn lle.",
      locationFailed: "Sori, doedd dim modd dod o hyd i dy leoliad. Teipia dref neu god " +
        "post yn lle.",
      noLocation: "Dydy'r porwr yma ddim yn gallu rhannu lleoliad. Teipia dref neu god " +
        "post yn lle.",
      map: "Agor map (OpenStreetMap)",
      download: "Lawrlwytho'r ffeil calendr",
      newTab: "yn agor mewn tab newydd",
      error: "Sori, aeth rhywbeth o'i le. Tria eto, os gweli di'n dda.",
    },
  };

  // Reconnect backoff (contract: exponential): 0.5 s, 1 s, 2 s ... at most 10 s, with
  // jitter so a restarted server is not met by every page in the same instant.
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  // A WebSocket that has never opened and fails this many times in a row: HTTP polling
  // (a proxy that does not pass WebSockets).
  const WS_FAILURES_BEFORE_POLLING = 2;
  const OPEN_TIMEOUT_MS = 10000;
  const MAX_TEXT = 2000; // the server refuses longer text (contract)
  const SESSION_KEY = "rc-session";
  const COUNTER_KEY = "rc-counter";

  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const input = $("text");
  const statusLine = $("status");
  const working = $("working");
  const conversation = $("conversation");

  const exitMeta = document.querySelector('meta[name="rc-exit"]');
  const EXIT_URL = (exitMeta && exitMeta.content) || "https://www.bbc.co.uk/weather";
  const params = new URLSearchParams(window.location.search);
  const embedded = params.get("embed") === "1";
  // The embedding organisation: shown in the title only, never sent with messages.
  const org = (params.get("org") || "").replace(/[^\w .-]/g, "").slice(0, 60);

  // -- storage: sessionStorage only, and only these two keys ---------------------------

  const memory = new Map(); // where storage is blocked (some privacy settings)

  function load(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (e) {
      return memory.has(key) ? memory.get(key) : null;
    }
  }

  function save(key, value) {
    try {
      window.sessionStorage.setItem(key, value);
    } catch (e) {
      memory.set(key, value);
    }
  }

  function sessionId() {
    let id = load(SESSION_KEY);
    if (!id || !/^[0-9a-f]{32}$/.test(id)) {
      const bytes = new Uint8Array(16); // 128 bits
      window.crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      save(SESSION_KEY, id);
    }
    return id;
  }

  function nextId() {
    const n = (parseInt(load(COUNTER_KEY) || "0", 10) || 0) + 1;
    save(COUNTER_KEY, String(n));
    return n;
  }

  // A tab that talked to the bot before (a reload, or the next page of a site with the
  // widget) carries on where it was; a new one starts with the greeting.
  const returning = /^[0-9a-f]{32}$/.test(load(SESSION_KEY) || "") && !!load(COUNTER_KEY);
  const session = sessionId();

  // -- language --------------------------------------------------------------------------

  let lang = "en";

  function words(code) {
    return WORDS[code || lang] || WORDS.en;
  }

  function setLang(code) {
    code = WORDS[code] ? code : "en";
    if (code === lang) return;
    lang = code;
    document.documentElement.lang = code;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = words()[node.dataset.i18n];
    }
    showStatus(connectionState);
    setTitle();
  }

  function setTitle() {
    const title = words().title;
    document.title = org ? title + " – " + org : title;
    $("title").textContent = document.title;
  }

  // -- what goes on the page (textContent only) -----------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // Bring a new message into view at once (no smooth scrolling: a screen magnifier or a
  // screenshot must not meet the page half-way). A message taller than the conversation
  // (a list of results) is shown from its first line.
  function reveal(node) {
    const tall = node.offsetHeight > conversation.clientHeight;
    node.scrollIntoView({ block: tall ? "start" : "nearest", behavior: "auto" });
  }

  function addMine(text) {
    const li = el("li", "msg me");
    li.append(el("p", "", text));
    log.append(li);
    reveal(li);
  }

  function addNote(text) {
    const li = el("li", "msg note");
    li.append(el("p", "", text));
    log.append(li);
    reveal(li);
  }

  // Only phone and text links, as the server computed them (contract: `links`).
  const CALL_LINK = /^(tel|sms):[0-9+*#][^\s"'<>]*$/i;

  function safeMapUrl(url) {
    try {
      const u = new URL(String(url));
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function addReply(frame) {
    const w = words(frame.lang);
    const li = el("li", "msg bot");
    let box = li;
    if (frame.crisis) {
      li.classList.add("crisis");
      box = el("div");
      box.setAttribute("role", "alert");
      li.append(box);
    }
    box.append(el("p", "", frame.text || ""));

    const links = (frame.links || []).filter((l) => l && CALL_LINK.test(String(l.href)));
    if (links.length) {
      const row = el("div", "links");
      for (const link of links) {
        const a = el("a", "call", link.label || link.href);
        a.href = String(link.href);
        row.append(a);
      }
      box.append(row);
    }

    const card = frame.card;
    if (card && card.title) {
      const div = el("div", "card");
      div.append(el("h3", "", card.title));
      if (card.address) div.append(el("p", "", card.address));
      const href = safeMapUrl(card.map_url);
      if (href) {
        const a = el("a", "", w.map);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.append(el("span", "visually-hidden", " (" + w.newTab + ")"));
        const p = el("p");
        p.append(a);
        div.append(p);
      }
      box.append(div);
    }

    // A file with the reply (a calendar entry): a download link to this session's copy,
    // on our own origin only.
    const file = frame.attachment;
    if (file && typeof file.url === "string" && file.url.startsWith("/files/")) {
      const a = el("a", "file", w.download + " " + String(file.filename || ""));
      a.href = file.url;
      a.setAttribute("download", String(file.filename || "meeting.ics"));
      const p = el("p");
      p.append(a);
      box.append(p);
    }

    const rows = frame.buttons || [];
    if (rows.length || frame.request_location) {
      const choices = el("div", "choices");
      for (const row of rows) {
        for (const b of row || []) {
          if (!b || !b.payload) continue;
          const button = el("button", "choice", b.label);
          button.type = "button";
          button.addEventListener("click", () => sendButton(b.label, b.payload));
          choices.append(button);
        }
      }
      if (frame.request_location) {
        const button = el("button", "choice", w.shareLocation);
        button.type = "button";
        button.addEventListener("click", () => askLocation(button, frame.lang));
        choices.append(button);
      }
      box.append(choices);
    }

    log.append(li);
    reveal(li);
  }

  // -- sharing a location: our own clear prompt first, then the browser's ---------------

  function askLocation(trigger, code) {
    const w = words(code);
    if (!navigator.geolocation) {
      addNote(w.noLocation);
      input.focus();
      return;
    }
    const old = trigger.parentElement.querySelector(".ask-location");
    if (old) {
      old.querySelector("button").focus();
      return;
    }
    const promptId = "ask-" + Math.random().toString(36).slice(2);
    const box = el("div", "ask-location");
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", promptId);
    const text = el("p", "", w.locationPrompt);
    text.id = promptId;
    const yes = el("button", "primary", w.locationYes);
    yes.type = "button";
    const no = el("button", "close", w.locationNo);
    no.type = "button";
    const row = el("div", "choices");
    row.append(yes, no);
    box.append(text, row);
    trigger.parentElement.after(box);
    yes.focus();

    const done = () => {
      box.remove();
      trigger.focus();
    };
    no.addEventListener("click", () => {
      done();
      addNote(w.locationDenied);
      input.focus();
    });
    yes.addEventListener("click", () => {
      done();
      navigator.geolocation.getCurrentPosition(
        (pos) => sendLocation(pos.coords.latitude, pos.coords.longitude, w),
        (err) => {
          addNote(err && err.code === 1 ? w.locationDenied : w.locationFailed);
          input.focus();
        },
        { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 },
      );
    });
  }

  // -- sending ---------------------------------------------------------------------------

  // Messages sent but not yet answered in full ("done"), by id: resent, with the same
  // id, after a reconnect (the server's claim + journal replays instead of rerunning).
  const pending = new Map();
  const seen = new Set(); // "id:index" of replies shown: a replayed turn shows once

  function queue(frame) {
    pending.set(frame.id, frame);
    updateWorking();
    transmit(frame);
  }

  function sendText(text) {
    addMine(text);
    queue({ type: "message", id: nextId(), text: text });
  }

  function sendButton(label, payload) {
    addMine(label);
    queue({ type: "button", id: nextId(), payload: String(payload) });
  }

  function sendLocation(latitude, longitude, w) {
    addMine(w.locationShared);
    // Three decimals (about 100 m) find the nearest groups as well as the exact spot,
    // and tell the server less about where someone is.
    const round = (x) => Math.round(x * 1000) / 1000;
    queue({ type: "location", id: nextId(), latitude: round(latitude),
            longitude: round(longitude) });
  }

  function updateWorking() {
    working.hidden = pending.size === 0;
  }

  // -- what the server sends ------------------------------------------------------------

  function receive(frame) {
    if (!frame || typeof frame !== "object" || exiting) return;
    if (frame.type === "reply") {
      const key = frame.id + ":" + frame.index;
      if (seen.has(key)) return;
      seen.add(key);
      setLang(frame.lang);
      addReply(frame);
    } else if (frame.type === "done") {
      pending.delete(frame.id);
      updateWorking();
    } else if (frame.type === "error") {
      if (frame.id !== null && frame.id !== undefined) pending.delete(frame.id);
      updateWorking();
      addNote(frame.text || words().error);
    }
  }

  // -- the connection: a WebSocket, reconnecting; HTTP polling when it cannot open ------

  let mode = "ws";
  let socket = null;
  let everOpened = false;
  let failures = 0; // WebSocket attempts in a row that never opened
  let attempt = 0; // for the backoff
  let timer = null;
  let exiting = false;
  let connectionState = "connecting";
  let pollAfter = 0;
  let pollAbort = null;
  const accepted = new Set(); // polling: ids the server took (202)

  function showStatus(state) {
    connectionState = state;
    statusLine.textContent = state === "open" ? "" : words()[state];
  }

  function backoff() {
    const ms = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
    attempt += 1;
    return ms * (0.75 + Math.random() * 0.5);
  }

  function hello() {
    const code = (navigator.language || "").toLowerCase().split("-")[0];
    return code ? { type: "hello", lang: code } : null;
  }

  function transmit(frame) {
    if (mode === "poll") {
      postPending();
    } else if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    } else if (timer !== null) {
      // Waiting out a backoff: the person wants an answer now, so try now.
      clearTimeout(timer);
      timer = null;
      connect();
    }
  }

  function connect() {
    timer = null;
    if (exiting) return;
    if (mode === "poll") {
      startPolling();
      return;
    }
    const url = new URL("/ws", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = "?session=" + session;
    url.hash = "";
    let ws;
    try {
      ws = new WebSocket(url.href);
    } catch (e) {
      lost(false);
      return;
    }
    socket = ws;
    let opened = false;
    // A socket that neither opens nor fails in this long (a proxy holding the upgrade
    // request) counts as failed.
    const opening = setTimeout(() => ws.close(), OPEN_TIMEOUT_MS);
    const gone = () => {
      clearTimeout(opening);
      if (socket !== ws) return;
      socket = null;
      lost(opened);
    };
    ws.addEventListener("open", () => {
      clearTimeout(opening);
      opened = true;
      everOpened = true;
      failures = 0;
      attempt = 0;
      showStatus("open");
      const hi = hello();
      if (hi) ws.send(JSON.stringify(hi));
      for (const frame of pending.values()) ws.send(JSON.stringify(frame));
    });
    ws.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      receive(frame);
    });
    // Usually "error" then "close"; a connection the browser blocks fires "error" alone.
    ws.addEventListener("error", gone);
    ws.addEventListener("close", gone);
  }

  function lost(wasOpen) {
    if (exiting) return;
    if (!wasOpen && !everOpened) {
      failures += 1;
      if (failures >= WS_FAILURES_BEFORE_POLLING) {
        mode = "poll";
        attempt = 0;
        connect();
        return;
      }
    }
    showStatus(everOpened ? "reconnecting" : "connecting");
    timer = setTimeout(connect, backoff());
  }

  async function api(path, options) {
    const url = new URL(path, window.location.href);
    url.searchParams.set("session", session);
    return fetch(url.href, Object.assign({ credentials: "omit", cache: "no-store" }, options));
  }

  let posting = false;

  async function postPending() {
    if (posting || exiting) return;
    posting = true;
    try {
      for (const frame of Array.from(pending.values())) {
        if (accepted.has(frame.id)) continue;
        const response = await api("/api/send", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(frame),
        });
        if (response.status === 202) {
          accepted.add(frame.id);
        } else if (response.status >= 400 && response.status < 500) {
          const body = await response.json().catch(() => null);
          receive(Object.assign({ type: "error", text: "" }, body || {}, { id: frame.id }));
        } else {
          break; // the server is in trouble: try again after the next poll
        }
      }
    } catch (e) {
      // offline: the next successful poll sends them
    } finally {
      posting = false;
    }
  }

  let polling = false;

  async function startPolling() {
    if (polling || exiting) return;
    polling = true;
    const hi = hello();
    let greeted = false;
    while (!exiting) {
      try {
        if (!greeted && hi) {
          const r = await api("/api/send", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(hi),
          });
          if (r.status >= 500) throw new Error("send " + r.status);
          greeted = true;
        }
        postPending();
        pollAbort = new AbortController();
        const response = await api("/api/poll?after=" + pollAfter, { signal: pollAbort.signal });
        if (!response.ok) throw new Error("poll " + response.status);
        const body = await response.json();
        showStatus("open");
        attempt = 0;
        if (typeof body.next === "number" && body.next < pollAfter) {
          // The server restarted and lost what it held in memory: send again whatever
          // has not been answered (the journal replays it, so nothing runs twice).
          accepted.clear();
        }
        for (const event of body.events || []) receive(event);
        if (typeof body.next === "number") pollAfter = body.next;
      } catch (e) {
        if (exiting) break;
        showStatus(everOpened ? "reconnecting" : "connecting");
        await new Promise((resolve) => setTimeout(resolve, backoff()));
      }
    }
    polling = false;
  }

  // -- leaving: Quick exit and Escape ---------------------------------------------------

  function quickExit() {
    exiting = true;
    try {
      window.sessionStorage.clear();
    } catch (e) {
      // storage blocked: nothing was kept there
    }
    memory.clear();
    clearTimeout(timer);
    if (socket) {
      const ws = socket;
      socket = null;
      ws.close();
    }
    if (pollAbort) pollAbort.abort();
    log.replaceChildren();
    input.value = "";
    // replace(): no history entry to come Back to. From the widget's iframe this is a
    // navigation of the top page, allowed because the person just pressed a key or button.
    try {
      window.top.location.replace(EXIT_URL);
    } catch (e) {
      window.location.replace(EXIT_URL);
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.isComposing) {
      event.preventDefault();
      quickExit();
    }
  });

  // -- wiring ----------------------------------------------------------------------------

  $("exit").addEventListener("click", quickExit);

  $("urgent").addEventListener("click", () => {
    addMine(words().urgent);
    queue({ type: "message", id: nextId(), text: "/crisis" });
  });

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = "";
    sendText(text.slice(0, MAX_TEXT));
    input.focus();
  });

  if (embedded) {
    document.body.classList.add("embed");
    const close = $("close");
    close.hidden = false;
    // Ask the page around the widget to hide the panel (widget.js checks where it came
    // from); the message carries nothing of the conversation.
    close.addEventListener("click", () => window.parent.postMessage({ rc: "close" }, "*"));
    // The widget moves focus into this frame when it opens: put it in the message box.
    window.addEventListener("focus", () => {
      if (document.activeElement === document.body || !document.activeElement) input.focus();
    });
  }

  setTitle();
  showStatus("connecting");
  // A new visit starts with the bot's greeting (what it does, privacy, crisis contacts)
  // and its first choices, as Telegram's /start does; a returning tab gets the question
  // it was at asked again ("resume", as after a crisis reply). No bubble for either.
  if (returning) {
    queue({ type: "button", id: nextId(), payload: "resume" });
  } else {
    queue({ type: "message", id: nextId(), text: "/start" });
  }
  connect();
})();
