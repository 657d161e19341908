/*
 * The live page's script. emulator-page.ts inlines this file's text, after one line that sets PER_DEVICE and
 * MAX_REQUESTS (see live-page-globals.d.ts), into a classic script element whose CSP hash it computes, so the browser
 * runs it exactly as written: plain modern JavaScript, no build step. TypeScript checks it through the JSDoc
 * types (tsconfig.json in this folder), against the emulator's own types for what the server sends.
 *
 * Names and payloads are whatever a client sent: every node is built with createElement and textContent,
 * never from HTML strings, and XML payloads go through DOMParser only to read their text.
 */

/**
 * @typedef {import("../types").Delivery} Delivery
 * @typedef {import("../types").EmulatorRequestLog} RequestLog
 * @typedef {import("../types").Installation} Installation
 * @typedef {import("../types").Registration} Registration
 * @typedef {import("../types").EmulatorHubSnapshot} HubSnapshot
 * @typedef {import("../types").EmulatorEvent} EmulatorEvent
 *
 * @typedef {{ name: string, icon: string, screen: string }} PlatformInfo
 *
 * One hub as the page holds it: devices by id, and the newest deliveries (per device) and requests first.
 * @typedef {{
 *   name: string,
 *   installations: Map<string, Installation>,
 *   registrations: Map<string, Registration>,
 *   deliveries: Map<string, Delivery[]>,
 *   requests: RequestLog[],
 * }} Hub
 *
 * One card: an installation, a registration, or a handle that direct sends reached without a device.
 * @typedef {{
 *   key: string,
 *   kind: string,
 *   id: string,
 *   name: string,
 *   platform: string,
 *   channel: string,
 *   tags: readonly string[],
 *   userId?: string | undefined,
 *   templates: string[],
 * }} Device
 *
 * How a notification is drawn: `style` picks the platform's look, `kind` is what the tests and the CSS read.
 * @typedef {{
 *   style: string,
 *   kind: string,
 *   chips: string[],
 *   title?: string | undefined,
 *   subtitle?: string | undefined,
 *   body?: string | undefined,
 *   lines?: string[] | undefined,
 *   raw?: string | undefined,
 *   pairs?: Array<[string, string]> | undefined,
 *   badge?: number | undefined,
 *   silent?: boolean | undefined,
 * }} View
 *
 * @typedef {Node | string | null | undefined | false} Child
 */

(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: the browser runs this as a classic script, not a module.
  "use strict";
  const TYPES = ["hello", "delivery", "request", "device", "registration", "deliveries-cleared"];
  /** @type {Record<string, PlatformInfo>} */
  const PLATFORMS = {
    apns: { name: "APNs", icon: "iOS", screen: "ios" },
    fcmv1: { name: "FCM v1", icon: "FCM", screen: "android" },
    gcm: { name: "FCM legacy", icon: "GCM", screen: "android" },
    wns: { name: "WNS", icon: "WNS", screen: "windows" },
    mpns: { name: "MPNS", icon: "WP", screen: "wp" },
    adm: { name: "ADM", icon: "ADM", screen: "generic" },
    baidu: { name: "Baidu", icon: "BD", screen: "generic" },
    xiaomi: { name: "Xiaomi", icon: "MI", screen: "generic" },
    browser: { name: "Web Push", icon: "WEB", screen: "generic" },
  };
  const TITLE_KEYS = ["title", "Title", "subject"];
  const BODY_KEYS = ["body", "Body", "description", "message", "msg", "text", "alert", "content"];

  /** @type {string[]} */
  let hubNames = [];
  /** @type {Record<string, Hub>} Hubs by lower-case name. */
  let data = Object.create(null);
  /** @type {string | null} The lower-case name of the hub on screen. */
  let selected = null;
  let mode = "connecting";
  /** @type {EventSource | null} */
  let source = null;
  let pollTimer = 0;
  let pollGen = 0;
  let reconnectTimer = 0;
  let renderQueued = false;
  let drawnOnce = false;
  /** @type {Set<string>} */
  const seen = new Set();

  /**
   * @param {string} id of an element of the page's own markup, which is always there
   * @returns {HTMLElement}
   */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {string | null} [cls]
   * @param {unknown} [text]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  /**
   * @template {Node} P
   * @param {P} parent
   * @param {...Child} children
   * @returns {P}
   */
  function add(parent, ...children) {
    for (const c of children) {
      if (c === undefined || c === null || c === false) continue;
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  /** @param {string} p */
  function platformOf(p) {
    return Object.hasOwn(PLATFORMS, p) ? p : "other";
  }
  /**
   * @param {string} p
   * @returns {PlatformInfo}
   */
  function info(p) {
    return PLATFORMS[platformOf(p)] || { name: String(p), icon: "?", screen: "generic" };
  }
  /** @param {unknown} v */
  function str(v) {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return undefined;
  }
  /**
   * @param {unknown} v
   * @returns {v is Record<string, unknown>}
   */
  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }
  /**
   * @param {string} s
   * @returns {unknown}
   */
  function parseJson(s) {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  }
  // Trusted Types guard every HTML sink; DOMParser is one even in XML mode, which runs no script and loads
  // nothing. This policy exists only to hand payload XML to DOMParser below and is used nowhere else.
  const xmlPolicy = window.trustedTypes?.createPolicy
    ? window.trustedTypes.createPolicy("nhub-xml", { createHTML: (s) => s })
    : null;
  /** @param {string} s */
  function parseXml(s) {
    try {
      const input = xmlPolicy ? xmlPolicy.createHTML(String(s)) : String(s);
      const doc = new DOMParser().parseFromString(input, "application/xml");
      return doc.getElementsByTagName("parsererror").length ? null : doc;
    } catch {
      return null;
    }
  }
  /**
   * @param {Delivery} d
   * @param {string} name
   */
  function headerOf(d, name) {
    const wanted = name.toLowerCase();
    const headers = d.headers || {};
    for (const k in headers)
      if (Object.hasOwn(headers, k) && k.toLowerCase() === wanted) return str(headers[k]);
    return undefined;
  }
  /**
   * @param {string} text
   * @param {number} n
   */
  function shorten(text, n) {
    const s = String(text);
    if (s.length <= n) return s;
    const head = Math.ceil((n - 1) * 0.6);
    return s.slice(0, head) + "\u2026" + s.slice(s.length - (n - 1 - head));
  }
  /** @param {string} iso */
  function clock(iso) {
    const t = new Date(iso);
    if (Number.isNaN(t.getTime())) return "";
    /** @param {number} x */
    const p = (x) => (x < 10 ? "0" : "") + x;
    return p(t.getHours()) + ":" + p(t.getMinutes()) + ":" + p(t.getSeconds());
  }
  /** @param {unknown} c */
  function channelText(c) {
    if (typeof c === "string") return c;
    return isObject(c) && typeof c.endpoint === "string" ? c.endpoint : "";
  }
  /** @param {Delivery} d */
  function keyOf(d) {
    if (d.registrationId) return "r:" + d.registrationId;
    if (d.installationId) return "i:" + d.installationId;
    return "h:" + d.platform + ":" + d.pushChannel;
  }

  // ---- state ----
  /**
   * @param {string} name
   * @returns {Hub}
   */
  function emptyHub(name) {
    return {
      name: name,
      installations: new Map(),
      registrations: new Map(),
      deliveries: new Map(),
      requests: [],
    };
  }
  /**
   * @param {Hub} h
   * @param {Delivery} d
   */
  function addDelivery(h, d) {
    const k = keyOf(d);
    let list = h.deliveries.get(k);
    if (!list) {
      list = [];
      h.deliveries.set(k, list);
    }
    list.unshift(d);
    if (list.length > PER_DEVICE) list.length = PER_DEVICE;
  }
  /**
   * @param {Hub} h
   * @param {RequestLog} r
   */
  function addRequest(h, r) {
    h.requests.unshift(r);
    if (h.requests.length > MAX_REQUESTS) h.requests.length = MAX_REQUESTS;
  }
  /** @param {HubSnapshot} s */
  function loadHub(s) {
    const h = emptyHub(String(s.name));
    (s.installations || []).forEach((i) => {
      h.installations.set(i.installationId, i);
    });
    (s.registrations || []).forEach((r) => {
      h.registrations.set(r.registrationId, r);
    });
    (s.deliveries || []).forEach((d) => {
      addDelivery(h, d);
    });
    (s.requests || []).slice(-MAX_REQUESTS).forEach((r) => {
      addRequest(h, r);
    });
    return h;
  }
  /** @param {readonly string[]} names */
  function setHubNames(names) {
    hubNames = names.map(String);
    const lower = hubNames.map((n) => n.toLowerCase());
    if (selected === null || lower.indexOf(selected) < 0) {
      const wanted = hubFromHash();
      selected = wanted !== null && lower.indexOf(wanted) >= 0 ? wanted : lower[0] || null;
    }
  }
  function hubFromHash() {
    const m = /^#hub=(.*)$/.exec(location.hash);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1] ?? "").toLowerCase();
    } catch {
      return null;
    }
  }
  /** @param {string} name */
  function hubOf(name) {
    return data[String(name).toLowerCase()];
  }

  /** @param {EmulatorEvent} ev */
  function onEvent(ev) {
    if (!isObject(ev)) return;
    if (ev.type === "hello") {
      stopPolling();
      data = Object.create(null);
      const hubs = Array.isArray(ev.hubs) ? ev.hubs : [];
      hubs.forEach((s) => {
        data[String(s.name).toLowerCase()] = loadHub(s);
      });
      setHubNames(hubs.map((s) => s.name));
      setMode("live");
    } else {
      const h = hubOf(ev.hub);
      if (!h) return;
      if (ev.type === "delivery") addDelivery(h, ev.delivery);
      else if (ev.type === "request") addRequest(h, ev.request);
      else if (ev.type === "deliveries-cleared") h.deliveries = new Map();
      else if (ev.type === "device") {
        if (ev.change === "upsert") h.installations.set(ev.installation.installationId, ev.installation);
        else h.installations.delete(ev.installationId);
      } else if (ev.type === "registration") {
        if (ev.change === "upsert") h.registrations.set(ev.registration.registrationId, ev.registration);
        else h.registrations.delete(ev.registrationId);
      }
    }
    queueRender();
  }

  // ---- transport: the event stream, polling the admin endpoints while it is down ----
  function connect() {
    reconnectTimer = 0;
    if (typeof EventSource !== "function") {
      startPolling();
      return;
    }
    /** @type {EventSource} */
    let mine;
    try {
      mine = new EventSource("/_emulator/events");
    } catch {
      startPolling();
      return;
    }
    source = mine;
    TYPES.forEach((t) => {
      mine.addEventListener(t, (e) => {
        if (mine !== source) return;
        const ev = parseJson(e.data);
        // The stream is the emulator's own: a parsed event has the shape of EmulatorEvent.
        if (ev) onEvent(/** @type {EmulatorEvent} */ (ev));
      });
    });
    mine.onerror = () => {
      if (mine !== source) return;
      startPolling();
      // A stream the browser gave up on (an error status, the wrong type) is reopened by hand, slowly.
      if (mine.readyState === 2) {
        source = null;
        if (!reconnectTimer) reconnectTimer = window.setTimeout(connect, 10000);
      }
    };
  }
  function startPolling() {
    if (mode !== "polling" && mode !== "offline") setMode("polling");
    if (pollTimer) return;
    pollTimer = window.setTimeout(poll, 0);
  }
  function stopPolling() {
    window.clearTimeout(pollTimer);
    pollTimer = 0;
    pollGen++;
  }
  /**
   * @param {string} path
   * @returns {Promise<unknown>}
   */
  function getJson(path) {
    return fetch(path, { cache: "no-store", headers: { Accept: "application/json" } }).then((r) => {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  }
  function poll() {
    const gen = pollGen;
    getJson("/_emulator/hubs")
      .then((list) => {
        const names = (Array.isArray(list) ? list : []).map((h) => String(h.name));
        if (gen !== pollGen) return;
        setHubNames(names);
        const name = names.filter((n) => n.toLowerCase() === selected)[0];
        if (name === undefined) return;
        // A slash in a hub name stays a slash: the emulator refuses encoded slashes in paths.
        const base = "/_emulator/hubs/" + name.split("/").map(encodeURIComponent).join("/") + "/";
        return Promise.all(
          ["devices", "registrations", "deliveries", "requests"].map((p) => getJson(base + p)),
        ).then((r) => {
          if (gen !== pollGen) return;
          // The admin endpoints are the emulator's own: each answers the list its name says.
          const snapshot = /** @type {HubSnapshot} */ ({
            name: name,
            installations: r[0],
            registrations: r[1],
            deliveries: r[2],
            requests: r[3],
          });
          data[name.toLowerCase()] = loadHub(snapshot);
          setMode("polling");
        });
      })
      .catch(() => {
        if (gen === pollGen) setMode("offline");
      })
      .then(() => {
        if (gen !== pollGen) return;
        pollTimer = window.setTimeout(poll, mode === "offline" ? 5000 : 1500);
        queueRender();
      });
  }
  /** @param {string} m */
  function setMode(m) {
    mode = m;
    queueRender();
  }

  // ---- what a payload looks like on its platform ----
  /**
   * @param {unknown} o
   * @param {readonly string[]} keys
   * @param {number} depth
   * @returns {string | undefined}
   */
  function findText(o, keys, depth) {
    if (!isObject(o) || depth > 4) return undefined;
    for (const key of keys) {
      const value = o[key];
      if (typeof value === "string") return value;
    }
    for (const k in o) {
      if (!Object.hasOwn(o, k) || !isObject(o[k])) continue;
      const found = findText(o[k], keys, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  /**
   * @param {unknown} o
   * @param {readonly string[]} [skip]
   * @returns {Array<[string, string]>}
   */
  function pairsOf(o, skip) {
    /** @type {Array<[string, string]>} */
    const out = [];
    if (!isObject(o)) return out;
    for (const k in o) {
      if (!Object.hasOwn(o, k) || (skip && skip.indexOf(k) >= 0)) continue;
      const v = o[k];
      const s = str(v);
      out.push([k, s !== undefined ? s : JSON.stringify(v)]);
      if (out.length === 6) break;
    }
    return out;
  }
  /**
   * @param {string} style
   * @param {Delivery} d
   * @param {string} label
   * @returns {View}
   */
  function rawView(style, d, label) {
    return { style: style, kind: "raw", raw: String(d.body), chips: label ? [label] : [] };
  }

  /**
   * @param {Delivery} d
   * @returns {View}
   */
  function apnsView(d) {
    const j = parseJson(d.body);
    if (!isObject(j)) return rawView("ios", d, "not JSON");
    const aps = isObject(j.aps) ? j.aps : {};
    /** @type {View} */
    const v = { style: "ios", kind: "ios-banner", chips: [], pairs: pairsOf(j, ["aps"]) };
    const a = aps.alert;
    if (typeof a === "string") v.body = a;
    else if (isObject(a)) {
      v.title =
        str(a.title) || (a["title-loc-key"] !== undefined ? "[" + str(a["title-loc-key"]) + "]" : undefined);
      v.subtitle = str(a.subtitle);
      v.body = str(a.body) || (a["loc-key"] !== undefined ? "[" + str(a["loc-key"]) + "]" : undefined);
    }
    if (typeof aps.badge === "number") {
      v.badge = aps.badge;
      v.chips.push("badge " + aps.badge);
    }
    if (typeof aps.sound === "string") v.chips.push("sound " + aps.sound);
    else if (isObject(aps.sound) && typeof aps.sound.name === "string")
      v.chips.push("sound " + aps.sound.name);
    const pushType = (headerOf(d, "apns-push-type") || "").toLowerCase();
    const noAlert = v.title === undefined && v.body === undefined && v.subtitle === undefined;
    if (pushType === "background" || (noAlert && aps["content-available"] === 1)) {
      v.kind = "ios-silent";
      v.silent = true;
      v.chips.unshift("silent (background)");
    } else if (noAlert && v.badge !== undefined) {
      v.kind = "ios-badge";
      v.body = "Badge set to " + v.badge;
    }
    return v;
  }

  /**
   * @param {Delivery} d
   * @returns {View}
   */
  function androidView(d) {
    const j = parseJson(d.body);
    if (!isObject(j)) return rawView("android", d, "not JSON");
    const m = isObject(j.message) ? j.message : j;
    const n = isObject(m.notification) ? m.notification : {};
    const an = isObject(m.android) && isObject(m.android.notification) ? m.android.notification : {};
    const pairs = pairsOf(m.data);
    /** @type {View} */
    const v = { style: "android", kind: "android", chips: [], pairs: pairs };
    v.title = str(an.title) || str(n.title);
    v.body = str(an.body) || str(n.body);
    if (v.title === undefined && v.body === undefined) {
      v.kind = "android-data";
      v.chips.push("data message");
      if (!pairs.length) v.pairs = pairsOf(m, ["token", "topic", "condition"]);
    }
    if (isObject(m.android) && typeof m.android.priority === "string") {
      v.chips.push("priority " + m.android.priority);
    }
    return v;
  }

  /** @param {Document} doc */
  function texts(doc) {
    /** @type {string[]} */
    const out = [];
    for (const e of doc.getElementsByTagName("text")) {
      const t = (e.textContent || "").trim();
      if (t) out.push(t);
    }
    return out;
  }
  /**
   * @param {Delivery} d
   * @returns {View}
   */
  function wnsView(d) {
    const type = (headerOf(d, "X-WNS-Type") || "").toLowerCase();
    if (type === "wns/raw") return rawView("toast", d, "raw");
    const doc = parseXml(d.body);
    if (!doc) return rawView("toast", d, "not XML");
    const root = doc.documentElement.localName;
    if (type === "wns/badge" || root === "badge") {
      const value = doc.documentElement.getAttribute("value") || "";
      const count = /^\d+$/.test(value) ? Number(value) : undefined;
      return {
        style: "tile",
        kind: "win-badge",
        badge: count,
        title: count !== undefined ? String(count) : value,
        body: count !== undefined ? "badge count" : "badge glyph",
        chips: ["badge"],
      };
    }
    const t = texts(doc);
    if (type === "wns/tile" || root === "tile") {
      return { style: "tile", kind: "win-tile", title: t[0], lines: t.slice(1), chips: ["live tile"] };
    }
    return { style: "toast", kind: "win-toast", title: t[0], lines: t.slice(1), chips: [] };
  }

  /**
   * @param {Delivery} d
   * @returns {View}
   */
  function mpnsView(d) {
    const target = (headerOf(d, "X-WindowsPhone-Target") || "").toLowerCase();
    const doc = parseXml(d.body);
    if (!doc) return rawView("wp", d, target === "" ? "raw" : "not XML");
    /** @param {string} name */
    const pick = (name) => {
      const e = doc.getElementsByTagNameNS("*", name)[0];
      const t = e ? (e.textContent || "").trim() : "";
      return t || undefined;
    };
    /** @param {string} name */
    const has = (name) => doc.getElementsByTagNameNS("*", name).length > 0;
    if (target === "toast" || has("Toast")) {
      return { style: "wp", kind: "wp-toast", title: pick("Text1"), body: pick("Text2"), chips: [] };
    }
    if (target === "token" || has("Tile")) {
      const c = pick("Count");
      const count = c !== undefined && /^\d+$/.test(c) ? Number(c) : undefined;
      return {
        style: "wptile",
        kind: "wp-tile",
        badge: count,
        title: pick("Title"),
        body: count !== undefined ? String(count) : undefined,
        lines: [pick("BackTitle"), pick("BackContent")].filter(isText),
        chips: ["live tile"],
      };
    }
    return rawView("wp", d, "raw");
  }
  /**
   * @param {string | undefined} s
   * @returns {s is string}
   */
  function isText(s) {
    return Boolean(s);
  }

  /**
   * @param {Delivery} d
   * @returns {View}
   */
  function genericView(d) {
    const j = parseJson(d.body);
    if (!isObject(j)) return rawView("generic", d, j === undefined ? "text" : "");
    /** @type {View} */
    const v = { style: "generic", kind: "generic", chips: [] };
    v.title = findText(j, TITLE_KEYS, 0);
    v.body = findText(j, BODY_KEYS, 0);
    const dataObj = isObject(j.data) ? j.data : isObject(j.payload) ? j.payload : null;
    v.pairs = dataObj ? pairsOf(dataObj) : v.title === undefined && v.body === undefined ? pairsOf(j) : [];
    return v;
  }

  /**
   * @param {Delivery} d
   * @returns {View}
   */
  function viewOf(d) {
    let v;
    switch (d.platform) {
      case "apns":
        v = apnsView(d);
        break;
      case "fcmv1":
      case "gcm":
        v = androidView(d);
        break;
      case "wns":
        v = wnsView(d);
        break;
      case "mpns":
        v = mpnsView(d);
        break;
      default:
        v = genericView(d);
    }
    if (d.format === "template") v.chips.unshift("template " + (d.templateName || ""));
    return v;
  }

  /**
   * @param {Delivery} d
   * @param {Device} dev
   */
  function drawNotification(d, dev) {
    const v = viewOf(d);
    const n = el("div", "notification " + v.style + (v.silent ? " silent" : ""));
    n.setAttribute("data-kind", v.kind);
    const id = String(d.notificationId) + "|" + keyOf(d);
    if (drawnOnce && !seen.has(id)) n.classList.add("fresh");
    seen.add(id);
    const appName =
      v.style === "ios" ? "nhub" : v.style === "android" ? "nhub \u2022 " + info(dev.platform).name : "nhub";
    add(
      n,
      add(
        el("div", "n-top"),
        el("span", "n-icon"),
        el("span", "n-app", appName),
        el("span", "n-time", clock(d.at)),
      ),
    );
    if (v.title !== undefined) add(n, el("div", "n-title", v.title));
    if (v.subtitle !== undefined) add(n, el("div", "n-subtitle", v.subtitle));
    if (v.body !== undefined) add(n, el("div", "n-body", v.body));
    (v.lines || []).forEach((line) => {
      add(n, el("div", "n-line", line));
    });
    if (v.raw !== undefined) add(n, el("pre", "n-raw", shorten(v.raw, 400)));
    if (v.pairs?.length) {
      const dl = el("dl", "n-data");
      v.pairs.forEach((p) => {
        add(dl, el("dt", null, p[0]), el("dd", null, shorten(p[1], 80)));
      });
      add(n, dl);
    }
    if (
      v.title === undefined &&
      v.body === undefined &&
      v.raw === undefined &&
      !(v.lines || []).length &&
      !(v.pairs || []).length
    ) {
      add(n, el("div", "n-body", "(no text)"));
    }
    const chips = v.chips.filter(Boolean);
    if (chips.length) {
      const row = el("div", "n-tags");
      chips.forEach((c) => {
        add(row, el("span", "chip", c));
      });
      add(n, row);
    }
    return n;
  }

  // ---- cards ----
  /**
   * @param {Hub} h
   * @returns {Device[]}
   */
  function devicesOf(h) {
    /** @type {Device[]} */
    const list = [];
    h.installations.forEach((i) => {
      const templates = isObject(i.templates) ? Object.keys(i.templates) : [];
      list.push({
        key: "i:" + i.installationId,
        kind: "installation",
        id: String(i.installationId),
        name: i.displayName ? String(i.displayName) : String(i.installationId),
        platform: String(i.platform),
        channel: channelText(i.pushChannel),
        tags: Array.isArray(i.tags) ? i.tags : [],
        userId: i.userId,
        templates: templates,
      });
    });
    Array.from(h.registrations.values())
      .sort((a, b) =>
        a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0,
      )
      .forEach((r) => {
        list.push({
          key: "r:" + r.registrationId,
          kind: "registration (" + r.kind + ")",
          id: String(r.registrationId),
          name: String(r.kind) + " registration",
          platform: String(r.platform),
          channel: channelText(r.pushChannel),
          tags: Array.isArray(r.tags) ? r.tags : [],
          templates: r.template ? [r.template.name || "body template"] : [],
        });
      });
    // Direct sends reach handles that no device holds; they get a card of their own.
    h.deliveries.forEach((ds, key) => {
      const first = ds[0];
      if (key.indexOf("h:") !== 0 || first === undefined) return;
      list.push({
        key: key,
        kind: "direct send to a bare handle",
        id: shorten(first.pushChannel, 40),
        name: "Handle without a device",
        platform: String(first.platform),
        channel: String(first.pushChannel),
        tags: [],
        templates: [],
      });
    });
    return list;
  }

  /** @param {readonly Delivery[]} list */
  function deviceBadge(list) {
    for (const d of list) {
      const v = viewOf(d);
      if (typeof v.badge === "number") return v.badge > 0 ? v.badge : null;
    }
    return null;
  }

  /**
   * @param {Device} dev
   * @param {readonly Delivery[]} deliveries
   */
  function drawCard(dev, deliveries) {
    const p = info(dev.platform);
    const card = el("article", "card plat-" + platformOf(dev.platform));
    card.setAttribute("data-device", dev.key);
    card.setAttribute("data-platform", dev.platform);
    const icon = el("div", "app-icon", p.icon);
    const badge = deviceBadge(deliveries);
    if (badge !== null) {
      const bubble = el("span", "badge-count", badge > 99 ? "99+" : badge);
      bubble.setAttribute("data-badge", String(badge));
      bubble.setAttribute("title", "badge " + badge);
      add(icon, bubble);
    }
    const who = add(
      el("div", "who"),
      el("h3", null, dev.name),
      el("div", "sub", dev.name === dev.id ? dev.kind : dev.id + " \u00b7 " + dev.kind),
    );
    add(card, add(el("header", "card-head"), icon, who, el("span", "chip platform", p.name)));

    const meta = el("dl", "meta");
    const channel = el("dd", "mono", shorten(dev.channel, 34));
    channel.setAttribute("title", dev.channel);
    add(meta, el("dt", null, "channel"), channel);
    const tags = el("dd", "tags");
    if (dev.tags.length)
      dev.tags.forEach((t) => {
        add(tags, el("span", "chip", t));
      });
    else tags.textContent = "none";
    add(meta, el("dt", null, "tags"), tags);
    if (dev.userId) add(meta, el("dt", null, "user"), el("dd", null, dev.userId));
    if (dev.templates.length)
      add(meta, el("dt", null, "templates"), el("dd", null, dev.templates.join(", ")));
    add(card, meta);

    const screen = el("div", "screen screen-" + p.screen);
    if (!deliveries.length) add(screen, el("p", "nothing", "No notifications yet"));
    deliveries.forEach((d) => {
      add(screen, drawNotification(d, dev));
    });
    add(card, screen);
    return card;
  }

  /** @param {Hub | undefined} h */
  function drawRequests(h) {
    const body = $("requests-body");
    const rows = document.createDocumentFragment();
    const list = h ? h.requests : [];
    list.forEach((r) => {
      const tr = el("tr");
      tr.setAttribute("data-status", String(r.status));
      const status = Number(r.status);
      const cls = status === 0 ? "bad" : status < 300 ? "ok" : status < 500 ? "warn" : "bad";
      const path = el("td", "path", r.path);
      if (r.query) path.setAttribute("title", r.path + "?" + r.query);
      add(
        tr,
        el("td", "time", clock(r.at)),
        el("td", "method", r.method),
        path,
        el("td", "status " + cls, status === 0 ? "none" : status),
        el("td", "format", r.format || ""),
        el("td", "tags", r.tags || ""),
        el("td", "fault", r.fault || ""),
      );
      rows.appendChild(tr);
    });
    if (!list.length) {
      const empty = el("td", "empty-row", "No requests yet.");
      empty.setAttribute("colspan", "7");
      rows.appendChild(add(el("tr"), empty));
    }
    body.replaceChildren(rows);
    $("request-count").textContent = list.length ? "(last " + list.length + ")" : "";
  }

  function drawHubPicker() {
    const select = /** @type {HTMLSelectElement} */ ($("hub"));
    const current = Array.from(select.options)
      .map((o) => o.value)
      .join("\n");
    if (current !== hubNames.join("\n")) {
      select.replaceChildren();
      hubNames.forEach((n) => {
        const o = el("option", null, n);
        o.value = n;
        select.appendChild(o);
      });
    }
    hubNames.forEach((n, i) => {
      if (n.toLowerCase() === selected) select.selectedIndex = i;
    });
    select.disabled = hubNames.length < 2;
  }

  function render() {
    renderQueued = false;
    const status = $("status");
    status.setAttribute("data-state", mode);
    status.textContent =
      mode === "live"
        ? "live"
        : mode === "polling"
          ? "polling"
          : mode === "offline"
            ? "emulator unreachable"
            : "connecting\u2026";
    drawHubPicker();
    const h = selected === null ? undefined : data[selected];
    const cards = document.createDocumentFragment();
    const devices = h ? devicesOf(h) : [];
    devices.forEach((dev) => {
      const ds = h?.deliveries.get(dev.key) || [];
      cards.appendChild(drawCard(dev, ds));
    });
    $("devices").replaceChildren(cards);
    $("no-devices").hidden = devices.length > 0 || !h;
    $("device-count").textContent = h ? "(" + devices.length + ")" : "";
    document.title = (h ? h.name + " \u00b7 " : "") + "nhub emulator";
    drawRequests(h);
    drawnOnce = drawnOnce || !!h;
  }
  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    window.setTimeout(render, 0);
  }

  $("hub").addEventListener("change", (e) => {
    const value = /** @type {HTMLSelectElement} */ (e.target).value;
    selected = String(value).toLowerCase();
    history.replaceState(null, "", "#hub=" + encodeURIComponent(value));
    if (mode !== "live") {
      window.clearTimeout(pollTimer);
      pollTimer = window.setTimeout(poll, 0);
    }
    queueRender();
  });
  window.addEventListener("hashchange", () => {
    const wanted = hubFromHash();
    if (wanted !== null && hubNames.some((n) => n.toLowerCase() === wanted)) {
      selected = wanted;
      queueRender();
    }
  });

  render();
  connect();
})();
