(function () {
  "use strict";
  var TYPES = ["hello", "delivery", "request", "device", "registration", "deliveries-cleared"];
  var PLATFORMS = {
    apns: { name: "APNs", icon: "iOS", screen: "ios" },
    fcmv1: { name: "FCM v1", icon: "FCM", screen: "android" },
    gcm: { name: "FCM legacy", icon: "GCM", screen: "android" },
    wns: { name: "WNS", icon: "WNS", screen: "windows" },
    mpns: { name: "MPNS", icon: "WP", screen: "wp" },
    adm: { name: "ADM", icon: "ADM", screen: "generic" },
    baidu: { name: "Baidu", icon: "BD", screen: "generic" },
    xiaomi: { name: "Xiaomi", icon: "MI", screen: "generic" },
    browser: { name: "Web Push", icon: "WEB", screen: "generic" }
  };
  var TITLE_KEYS = ["title", "Title", "subject"];
  var BODY_KEYS = ["body", "Body", "description", "message", "msg", "text", "alert", "content"];

  var hubNames = [];
  var data = Object.create(null);
  var selected = null;
  var mode = "connecting";
  var source = null;
  var pollTimer = 0;
  var pollGen = 0;
  var reconnectTimer = 0;
  var renderQueued = false;
  var drawnOnce = false;
  var seen = new Set();

  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === undefined || c === null || c === false) continue;
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function platformOf(p) { return Object.prototype.hasOwnProperty.call(PLATFORMS, p) ? p : "other"; }
  function info(p) { return PLATFORMS[platformOf(p)] || { name: String(p), icon: "?", screen: "generic" }; }
  function str(v) {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return undefined;
  }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function parseJson(s) { try { return JSON.parse(s); } catch (e) { return undefined; } }
  // Trusted Types guard every HTML sink; DOMParser is one even in XML mode, which runs no script and loads
  // nothing. This policy exists only to hand payload XML to DOMParser below and is used nowhere else.
  var xmlPolicy = window.trustedTypes && window.trustedTypes.createPolicy
    ? window.trustedTypes.createPolicy("nhub-xml", { createHTML: function (s) { return s; } })
    : null;
  function parseXml(s) {
    try {
      var input = xmlPolicy ? xmlPolicy.createHTML(String(s)) : String(s);
      var doc = new DOMParser().parseFromString(input, "application/xml");
      return doc.getElementsByTagName("parsererror").length ? null : doc;
    } catch (e) { return null; }
  }
  function headerOf(d, name) {
    var wanted = name.toLowerCase();
    var headers = d.headers || {};
    for (var k in headers) if (Object.prototype.hasOwnProperty.call(headers, k) && k.toLowerCase() === wanted) return str(headers[k]);
    return undefined;
  }
  function shorten(s, n) {
    s = String(s);
    if (s.length <= n) return s;
    var head = Math.ceil((n - 1) * 0.6);
    return s.slice(0, head) + "\u2026" + s.slice(s.length - (n - 1 - head));
  }
  function clock(iso) {
    var t = new Date(iso);
    if (isNaN(t.getTime())) return "";
    var p = function (x) { return (x < 10 ? "0" : "") + x; };
    return p(t.getHours()) + ":" + p(t.getMinutes()) + ":" + p(t.getSeconds());
  }
  function channelText(c) {
    if (typeof c === "string") return c;
    return isObject(c) && typeof c.endpoint === "string" ? c.endpoint : "";
  }
  function keyOf(d) {
    if (d.registrationId) return "r:" + d.registrationId;
    if (d.installationId) return "i:" + d.installationId;
    return "h:" + d.platform + ":" + d.pushChannel;
  }

  // ---- state ----
  function emptyHub(name) {
    return { name: name, installations: new Map(), registrations: new Map(), deliveries: new Map(), requests: [] };
  }
  function addDelivery(h, d) {
    var k = keyOf(d);
    var list = h.deliveries.get(k);
    if (!list) { list = []; h.deliveries.set(k, list); }
    list.unshift(d);
    if (list.length > PER_DEVICE) list.length = PER_DEVICE;
  }
  function addRequest(h, r) {
    h.requests.unshift(r);
    if (h.requests.length > MAX_REQUESTS) h.requests.length = MAX_REQUESTS;
  }
  function loadHub(s) {
    var h = emptyHub(String(s.name));
    (s.installations || []).forEach(function (i) { h.installations.set(i.installationId, i); });
    (s.registrations || []).forEach(function (r) { h.registrations.set(r.registrationId, r); });
    (s.deliveries || []).forEach(function (d) { addDelivery(h, d); });
    (s.requests || []).slice(-MAX_REQUESTS).forEach(function (r) { addRequest(h, r); });
    return h;
  }
  function setHubNames(names) {
    hubNames = names.map(String);
    var lower = hubNames.map(function (n) { return n.toLowerCase(); });
    if (selected === null || lower.indexOf(selected) < 0) {
      var wanted = hubFromHash();
      selected = wanted !== null && lower.indexOf(wanted) >= 0 ? wanted : (lower[0] || null);
    }
  }
  function hubFromHash() {
    var m = /^#hub=(.*)$/.exec(location.hash);
    if (!m) return null;
    try { return decodeURIComponent(m[1]).toLowerCase(); } catch (e) { return null; }
  }
  function hubOf(name) { return data[String(name).toLowerCase()]; }

  function onEvent(ev) {
    if (!isObject(ev)) return;
    if (ev.type === "hello") {
      stopPolling();
      data = Object.create(null);
      var hubs = Array.isArray(ev.hubs) ? ev.hubs : [];
      hubs.forEach(function (s) { data[String(s.name).toLowerCase()] = loadHub(s); });
      setHubNames(hubs.map(function (s) { return s.name; }));
      setMode("live");
    } else {
      var h = hubOf(ev.hub);
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
    if (typeof EventSource !== "function") { startPolling(); return; }
    try { source = new EventSource("/_emulator/events"); } catch (e) { startPolling(); return; }
    var mine = source;
    TYPES.forEach(function (t) {
      mine.addEventListener(t, function (e) {
        if (mine !== source) return;
        var ev = parseJson(e.data);
        if (ev) onEvent(ev);
      });
    });
    mine.onerror = function () {
      if (mine !== source) return;
      startPolling();
      // A stream the browser gave up on (an error status, the wrong type) is reopened by hand, slowly.
      if (mine.readyState === 2) {
        source = null;
        if (!reconnectTimer) reconnectTimer = setTimeout(connect, 10000);
      }
    };
  }
  function startPolling() {
    if (mode !== "polling" && mode !== "offline") setMode("polling");
    if (pollTimer) return;
    pollTimer = setTimeout(poll, 0);
  }
  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = 0;
    pollGen++;
  }
  function getJson(path) {
    return fetch(path, { cache: "no-store", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  }
  function poll() {
    var gen = pollGen;
    getJson("/_emulator/hubs").then(function (list) {
      var names = (Array.isArray(list) ? list : []).map(function (h) { return String(h.name); });
      if (gen !== pollGen) return;
      setHubNames(names);
      var name = names.filter(function (n) { return n.toLowerCase() === selected; })[0];
      if (name === undefined) return;
      // A slash in a hub name stays a slash: the emulator refuses encoded slashes in paths.
      var base = "/_emulator/hubs/" + name.split("/").map(encodeURIComponent).join("/") + "/";
      return Promise.all(["devices", "registrations", "deliveries", "requests"].map(function (p) { return getJson(base + p); }))
        .then(function (r) {
          if (gen !== pollGen) return;
          data[name.toLowerCase()] = loadHub({ name: name, installations: r[0], registrations: r[1], deliveries: r[2], requests: r[3] });
          setMode("polling");
        });
    }).catch(function () {
      if (gen === pollGen) setMode("offline");
    }).then(function () {
      if (gen !== pollGen) return;
      pollTimer = setTimeout(poll, mode === "offline" ? 5000 : 1500);
      queueRender();
    });
  }
  function setMode(m) {
    mode = m;
    queueRender();
  }

  // ---- what a payload looks like on its platform ----
  function findText(o, keys, depth) {
    if (!isObject(o) || depth > 4) return undefined;
    for (var i = 0; i < keys.length; i++) if (typeof o[keys[i]] === "string") return o[keys[i]];
    for (var k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k) || !isObject(o[k])) continue;
      var found = findText(o[k], keys, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  function pairsOf(o, skip) {
    var out = [];
    if (!isObject(o)) return out;
    for (var k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k) || (skip && skip.indexOf(k) >= 0)) continue;
      var v = o[k];
      out.push([k, str(v) !== undefined ? str(v) : JSON.stringify(v)]);
      if (out.length === 6) break;
    }
    return out;
  }
  function rawView(style, d, label) {
    return { style: style, kind: "raw", raw: String(d.body), chips: label ? [label] : [] };
  }

  function apnsView(d) {
    var j = parseJson(d.body);
    if (!isObject(j)) return rawView("ios", d, "not JSON");
    var aps = isObject(j.aps) ? j.aps : {};
    var v = { style: "ios", kind: "ios-banner", chips: [], pairs: pairsOf(j, ["aps"]) };
    var a = aps.alert;
    if (typeof a === "string") v.body = a;
    else if (isObject(a)) {
      v.title = str(a.title) || (a["title-loc-key"] !== undefined ? "[" + str(a["title-loc-key"]) + "]" : undefined);
      v.subtitle = str(a.subtitle);
      v.body = str(a.body) || (a["loc-key"] !== undefined ? "[" + str(a["loc-key"]) + "]" : undefined);
    }
    if (typeof aps.badge === "number") { v.badge = aps.badge; v.chips.push("badge " + aps.badge); }
    if (typeof aps.sound === "string") v.chips.push("sound " + aps.sound);
    else if (isObject(aps.sound) && typeof aps.sound.name === "string") v.chips.push("sound " + aps.sound.name);
    var pushType = (headerOf(d, "apns-push-type") || "").toLowerCase();
    var noAlert = v.title === undefined && v.body === undefined && v.subtitle === undefined;
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

  function androidView(d) {
    var j = parseJson(d.body);
    if (!isObject(j)) return rawView("android", d, "not JSON");
    var m = isObject(j.message) ? j.message : j;
    var n = isObject(m.notification) ? m.notification : {};
    var an = isObject(m.android) && isObject(m.android.notification) ? m.android.notification : {};
    var v = { style: "android", kind: "android", chips: [], pairs: pairsOf(m.data) };
    v.title = str(an.title) || str(n.title);
    v.body = str(an.body) || str(n.body);
    if (v.title === undefined && v.body === undefined) {
      v.kind = "android-data";
      v.chips.push("data message");
      if (!v.pairs.length) v.pairs = pairsOf(m, ["token", "topic", "condition"]);
    }
    if (isObject(m.android) && typeof m.android.priority === "string") v.chips.push("priority " + m.android.priority);
    return v;
  }

  function texts(doc) {
    var out = [];
    var all = doc.getElementsByTagName("text");
    for (var i = 0; i < all.length; i++) {
      var t = (all[i].textContent || "").trim();
      if (t) out.push(t);
    }
    return out;
  }
  function wnsView(d) {
    var type = (headerOf(d, "X-WNS-Type") || "").toLowerCase();
    if (type === "wns/raw") return rawView("toast", d, "raw");
    var doc = parseXml(d.body);
    if (!doc) return rawView("toast", d, "not XML");
    var root = doc.documentElement.localName;
    if (type === "wns/badge" || root === "badge") {
      var value = doc.documentElement.getAttribute("value") || "";
      var count = /^\d+$/.test(value) ? Number(value) : undefined;
      return {
        style: "tile", kind: "win-badge", badge: count, title: count !== undefined ? String(count) : value,
        body: count !== undefined ? "badge count" : "badge glyph", chips: ["badge"]
      };
    }
    var t = texts(doc);
    if (type === "wns/tile" || root === "tile") {
      return { style: "tile", kind: "win-tile", title: t[0], lines: t.slice(1), chips: ["live tile"] };
    }
    return { style: "toast", kind: "win-toast", title: t[0], lines: t.slice(1), chips: [] };
  }

  function mpnsView(d) {
    var target = (headerOf(d, "X-WindowsPhone-Target") || "").toLowerCase();
    var doc = parseXml(d.body);
    if (!doc) return rawView("wp", d, target === "" ? "raw" : "not XML");
    var pick = function (name) {
      var e = doc.getElementsByTagNameNS("*", name)[0];
      var t = e ? (e.textContent || "").trim() : "";
      return t || undefined;
    };
    var has = function (name) { return doc.getElementsByTagNameNS("*", name).length > 0; };
    if (target === "toast" || has("Toast")) {
      return { style: "wp", kind: "wp-toast", title: pick("Text1"), body: pick("Text2"), chips: [] };
    }
    if (target === "token" || has("Tile")) {
      var c = pick("Count");
      var count = c !== undefined && /^\d+$/.test(c) ? Number(c) : undefined;
      return {
        style: "wptile", kind: "wp-tile", badge: count, title: pick("Title"),
        body: count !== undefined ? String(count) : undefined,
        lines: [pick("BackTitle"), pick("BackContent")].filter(Boolean), chips: ["live tile"]
      };
    }
    return rawView("wp", d, "raw");
  }

  function genericView(d) {
    var j = parseJson(d.body);
    if (!isObject(j)) return rawView("generic", d, j === undefined ? "text" : "");
    var v = { style: "generic", kind: "generic", chips: [] };
    v.title = findText(j, TITLE_KEYS, 0);
    v.body = findText(j, BODY_KEYS, 0);
    var dataObj = isObject(j.data) ? j.data : isObject(j.payload) ? j.payload : null;
    v.pairs = dataObj ? pairsOf(dataObj) : v.title === undefined && v.body === undefined ? pairsOf(j) : [];
    return v;
  }

  function viewOf(d) {
    var v;
    switch (d.platform) {
      case "apns": v = apnsView(d); break;
      case "fcmv1": case "gcm": v = androidView(d); break;
      case "wns": v = wnsView(d); break;
      case "mpns": v = mpnsView(d); break;
      default: v = genericView(d);
    }
    if (d.format === "template") v.chips.unshift("template " + (d.templateName || ""));
    return v;
  }

  function drawNotification(d, dev) {
    var v = viewOf(d);
    var n = el("div", "notification " + v.style + (v.silent ? " silent" : ""));
    n.setAttribute("data-kind", v.kind);
    var id = String(d.notificationId) + "|" + keyOf(d);
    if (drawnOnce && !seen.has(id)) n.classList.add("fresh");
    seen.add(id);
    var appName = v.style === "ios" ? "nhub" : v.style === "android" ? "nhub \u2022 " + info(dev.platform).name : "nhub";
    add(n, add(el("div", "n-top"), el("span", "n-icon"), el("span", "n-app", appName), el("span", "n-time", clock(d.at))));
    if (v.title !== undefined) add(n, el("div", "n-title", v.title));
    if (v.subtitle !== undefined) add(n, el("div", "n-subtitle", v.subtitle));
    if (v.body !== undefined) add(n, el("div", "n-body", v.body));
    (v.lines || []).forEach(function (line) { add(n, el("div", "n-line", line)); });
    if (v.raw !== undefined) add(n, el("pre", "n-raw", shorten(v.raw, 400)));
    if (v.pairs && v.pairs.length) {
      var dl = el("dl", "n-data");
      v.pairs.forEach(function (p) { add(dl, el("dt", null, p[0]), el("dd", null, shorten(p[1], 80))); });
      add(n, dl);
    }
    if (v.title === undefined && v.body === undefined && v.raw === undefined && !(v.lines || []).length && !(v.pairs || []).length) {
      add(n, el("div", "n-body", "(no text)"));
    }
    var chips = v.chips.filter(Boolean);
    if (chips.length) {
      var row = el("div", "n-tags");
      chips.forEach(function (c) { add(row, el("span", "chip", c)); });
      add(n, row);
    }
    return n;
  }

  // ---- cards ----
  function devicesOf(h) {
    var list = [];
    h.installations.forEach(function (i) {
      var templates = isObject(i.templates) ? Object.keys(i.templates) : [];
      list.push({
        key: "i:" + i.installationId, kind: "installation", id: String(i.installationId),
        name: i.displayName ? String(i.displayName) : String(i.installationId), platform: String(i.platform),
        channel: channelText(i.pushChannel), tags: Array.isArray(i.tags) ? i.tags : [],
        userId: i.userId, templates: templates
      });
    });
    Array.from(h.registrations.values()).sort(function (a, b) {
      return a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0;
    }).forEach(function (r) {
      list.push({
        key: "r:" + r.registrationId, kind: "registration (" + r.kind + ")", id: String(r.registrationId),
        name: String(r.kind) + " registration", platform: String(r.platform), channel: channelText(r.pushChannel),
        tags: Array.isArray(r.tags) ? r.tags : [], templates: r.template ? [r.template.name || "body template"] : []
      });
    });
    // Direct sends reach handles that no device holds; they get a card of their own.
    h.deliveries.forEach(function (ds, key) {
      if (key.indexOf("h:") !== 0 || !ds.length) return;
      list.push({
        key: key, kind: "direct send to a bare handle", id: shorten(ds[0].pushChannel, 40),
        name: "Handle without a device", platform: String(ds[0].platform), channel: String(ds[0].pushChannel),
        tags: [], templates: []
      });
    });
    return list;
  }

  function deviceBadge(list) {
    for (var i = 0; i < list.length; i++) {
      var v = viewOf(list[i]);
      if (typeof v.badge === "number") return v.badge > 0 ? v.badge : null;
    }
    return null;
  }

  function drawCard(dev, deliveries) {
    var p = info(dev.platform);
    var card = el("article", "card plat-" + platformOf(dev.platform));
    card.setAttribute("data-device", dev.key);
    card.setAttribute("data-platform", dev.platform);
    var icon = el("div", "app-icon", p.icon);
    var badge = deviceBadge(deliveries);
    if (badge !== null) {
      var bubble = el("span", "badge-count", badge > 99 ? "99+" : badge);
      bubble.setAttribute("data-badge", String(badge));
      bubble.setAttribute("title", "badge " + badge);
      add(icon, bubble);
    }
    var who = add(el("div", "who"), el("h3", null, dev.name), el("div", "sub", dev.name === dev.id ? dev.kind : dev.id + " \u00b7 " + dev.kind));
    add(card, add(el("header", "card-head"), icon, who, el("span", "chip platform", p.name)));

    var meta = el("dl", "meta");
    var channel = el("dd", "mono", shorten(dev.channel, 34));
    channel.setAttribute("title", dev.channel);
    add(meta, el("dt", null, "channel"), channel);
    var tags = el("dd", "tags");
    if (dev.tags.length) dev.tags.forEach(function (t) { add(tags, el("span", "chip", t)); });
    else tags.textContent = "none";
    add(meta, el("dt", null, "tags"), tags);
    if (dev.userId) add(meta, el("dt", null, "user"), el("dd", null, dev.userId));
    if (dev.templates.length) add(meta, el("dt", null, "templates"), el("dd", null, dev.templates.join(", ")));
    add(card, meta);

    var screen = el("div", "screen screen-" + p.screen);
    if (!deliveries.length) add(screen, el("p", "nothing", "No notifications yet"));
    deliveries.forEach(function (d) { add(screen, drawNotification(d, dev)); });
    add(card, screen);
    return card;
  }

  function drawRequests(h) {
    var body = $("requests-body");
    var rows = document.createDocumentFragment();
    var list = h ? h.requests : [];
    list.forEach(function (r) {
      var tr = el("tr");
      tr.setAttribute("data-status", String(r.status));
      var status = Number(r.status);
      var cls = status === 0 ? "bad" : status < 300 ? "ok" : status < 500 ? "warn" : "bad";
      var path = el("td", "path", r.path);
      if (r.query) path.setAttribute("title", r.path + "?" + r.query);
      add(tr,
        el("td", "time", clock(r.at)),
        el("td", "method", r.method),
        path,
        el("td", "status " + cls, status === 0 ? "none" : status),
        el("td", "format", r.format || ""),
        el("td", "tags", r.tags || ""),
        el("td", "fault", r.fault || ""));
      rows.appendChild(tr);
    });
    if (!list.length) {
      var empty = el("td", "empty-row", "No requests yet.");
      empty.setAttribute("colspan", "7");
      rows.appendChild(add(el("tr"), empty));
    }
    body.replaceChildren(rows);
    $("request-count").textContent = list.length ? "(last " + list.length + ")" : "";
  }

  function drawHubPicker() {
    var select = $("hub");
    var current = Array.from(select.options).map(function (o) { return o.value; }).join("\n");
    if (current !== hubNames.join("\n")) {
      select.replaceChildren();
      hubNames.forEach(function (n) {
        var o = el("option", null, n);
        o.value = n;
        select.appendChild(o);
      });
    }
    hubNames.forEach(function (n, i) { if (n.toLowerCase() === selected) select.selectedIndex = i; });
    select.disabled = hubNames.length < 2;
  }

  function render() {
    renderQueued = false;
    var status = $("status");
    status.setAttribute("data-state", mode);
    status.textContent = mode === "live" ? "live" : mode === "polling" ? "polling" : mode === "offline" ? "emulator unreachable" : "connecting\u2026";
    drawHubPicker();
    var h = selected === null ? undefined : data[selected];
    var cards = document.createDocumentFragment();
    var devices = h ? devicesOf(h) : [];
    var shown = 0;
    devices.forEach(function (dev) {
      var ds = h.deliveries.get(dev.key) || [];
      shown += ds.length;
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
    setTimeout(render, 0);
  }

  $("hub").addEventListener("change", function (e) {
    selected = String(e.target.value).toLowerCase();
    history.replaceState(null, "", "#hub=" + encodeURIComponent(e.target.value));
    if (mode !== "live") { clearTimeout(pollTimer); pollTimer = setTimeout(poll, 0); }
    queueRender();
  });
  window.addEventListener("hashchange", function () {
    var wanted = hubFromHash();
    if (wanted !== null && hubNames.some(function (n) { return n.toLowerCase() === wanted; })) { selected = wanted; queueRender(); }
  });

  render();
  connect();
})();
