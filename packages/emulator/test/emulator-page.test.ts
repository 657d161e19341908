/**
 * The live page and its event stream, in a real headless browser driven by playwright-core: NHUB_CHROMIUM, a
 * system Chromium or Chrome, or the Chromium that the @sparticuz/chromium devDependency ships in its npm tarball
 * (never a browser downloaded at install or test time). Sends go through core's NotificationHub, and the page must redraw from the
 * stream without a reload.
 */
import { createHash } from "node:crypto";
import { createNotification, NotificationHub } from "@nhub/core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, findChromium, INSTALL_HINT } from "../scripts/find-chromium.mjs";
import { type Emulator, type EmulatorEvent, type Installation, startEmulator } from "../src/index";
import { JSON_TYPE } from "./helpers";

const WAIT = { timeout: 10_000 };
const XML_TYPE = "application/xml;charset=utf-8";

const DEVICES: Installation[] = [
  {
    installationId: "anna",
    displayName: "Anna's iPhone",
    platform: "apns",
    pushChannel: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
    tags: ["sports"],
  },
  { installationId: "bruno", platform: "fcmv1", pushChannel: "fcm-token-bruno", tags: ["news"] },
  {
    installationId: "carla",
    displayName: "Carla's PC",
    platform: "wns",
    pushChannel: "https://wns.example/carla",
    tags: ["politics"],
  },
  { installationId: "dan", platform: "mpns", pushChannel: "https://mpns.example/dan", tags: ["phone"] },
  { installationId: "eve", platform: "adm", pushChannel: "amzn1.adm-registration.eve", tags: ["kindle"] },
  { installationId: "finn", platform: "gcm", pushChannel: "gcm-token-finn", tags: ["legacy"] },
  {
    installationId: "gil",
    displayName: "Gil's Pixel",
    platform: "fcmv1",
    pushChannel: "fcm-token-gil",
    tags: ["greetings"],
    templates: {
      english: { body: '{"message":{"notification":{"title":"Greeting","body":"$(greeting_en)"}}}' },
    },
  },
  {
    installationId: "mallory",
    displayName: '<img src=x onerror="window.__pwned=1">Mallory',
    platform: "apns",
    pushChannel: "b".repeat(64),
    tags: ["evil"],
  },
];

let emulator: Emulator;
let hub: NotificationHub;
let launched: Browser | undefined;
/** Why no browser is running: the search or the launch failed, with what to install. */
let launchError: Error | undefined;

/**
 * The browser, or a failure that says what is missing: each browser test fails (never skips) without it, while
 * the HTTP tests of this file still run.
 */
function browser(): Browser {
  if (!launched) throw launchError ?? new Error("Chromium did not start; see the error of beforeAll.");
  return launched;
}

beforeAll(async () => {
  emulator = await startEmulator({ hubs: ["myhub", "team/alerts"], devices: DEVICES });
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
  try {
    const found = await findChromium();
    try {
      launched = await chromium.launch({
        executablePath: found.path,
        args: [...CHROMIUM_ARGS],
        headless: true,
      });
    } catch (error) {
      const first = String((error as Error).message)
        .split("\n")
        .slice(0, 6)
        .join("\n");
      launchError = new Error(
        `Chromium from ${found.source} at ${found.path} did not start:\n${first}\n${INSTALL_HINT}`,
      );
    }
  } catch (error) {
    launchError = error as Error;
  }
}, 60_000);

afterAll(async () => {
  await launched?.close();
  await hub?.close();
  await emulator?.close();
});

/** A page with everything it asked for and everything that went wrong on it, checked after each test. */
interface Watched {
  readonly page: Page;
  readonly urls: string[];
  readonly problems: string[];
}
const opened: Watched[] = [];

async function openPage(url = emulator.url): Promise<Page> {
  const context = await browser().newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watched: Watched = { page, urls: [], problems: [] };
  page.on("request", (r) => watched.urls.push(r.url()));
  page.on("pageerror", (e) => watched.problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // A CSP violation or a script error is reported as a console error.
    if (m.type() === "error") watched.problems.push(`console: ${m.text()}`);
  });
  opened.push(watched);
  await page.goto(url);
  await page.locator('#status[data-state="live"]').waitFor(WAIT);
  return page;
}

afterEach(async () => {
  for (const w of opened.splice(0)) {
    await w.page.context().close();
    // Only the emulator itself (and the data: favicon) may ever be asked for anything.
    for (const u of w.urls) {
      const url = new URL(u);
      expect(url.protocol === "data:" || url.hostname === "127.0.0.1", u).toBe(true);
    }
    expect(w.problems).toEqual([]);
  }
});

function card(page: Page, key: string) {
  return page.locator(`[data-device="${key}"]`);
}

function apple(aps: Record<string, unknown>, extra: Record<string, unknown> = {}, headers = {}) {
  return createNotification({
    format: "apple",
    contentType: JSON_TYPE,
    body: JSON.stringify({ aps, ...extra }),
    headers,
  });
}

function toast(xml: string, type = "wns/toast") {
  return createNotification({
    format: "windows",
    contentType: XML_TYPE,
    body: xml,
    headers: { "X-WNS-Type": type },
  });
}

/** Reads Server-Sent Events from a fetch response body. */
async function* sse(res: Response): AsyncGenerator<{ event: string; data: string }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) yield { event, data };
      end = buffer.indexOf("\n\n");
    }
  }
}

async function nextEvent(
  events: AsyncGenerator<{ event: string; data: string }>,
  type: string,
): Promise<EmulatorEvent> {
  for (;;) {
    const { value, done } = await events.next();
    if (done) throw new Error(`the stream ended before a "${type}" event`);
    if (value.event === type) {
      const parsed = JSON.parse(value.data) as EmulatorEvent;
      expect(parsed.type).toBe(type);
      return parsed;
    }
  }
}

describe("the page over HTTP", () => {
  it("is one self-contained document with a hash-based CSP at / and /_emulator/", async () => {
    for (const path of ["", "_emulator/", "_emulator"]) {
      const res = await fetch(emulator.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const html = await res.text();
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("require-trusted-types-for 'script'");
      expect(csp).not.toContain("unsafe-inline");
      // Exactly one inline script and one inline style, each allowed by its own hash, and no other origin.
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
      expect(scripts).toHaveLength(1);
      expect(styles).toHaveLength(1);
      const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
      expect(csp).toContain(`script-src ${hash(scripts[0]!)}`);
      expect(csp).toContain(`style-src ${hash(styles[0]!)}`);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)=["'](?!data:)/);
      // The script at least compiles (the browser tests below run it).
      expect(() => new Function(scripts[0]!)).not.toThrow();
    }
  });

  it("leaves other methods on the root to the REST surface (404 XML)", async () => {
    const res = await fetch(emulator.url, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<Code>404</Code>");
  });
});

describe("GET /_emulator/events", () => {
  it("opens with a hello snapshot, then streams deliveries, requests and device changes", async () => {
    const abort = new AbortController();
    const res = await fetch(`${emulator.url}_emulator/events`, { signal: abort.signal });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const events = sse(res);
      const hello = await nextEvent(events, "hello");
      if (hello.type !== "hello") throw new Error("unreachable");
      expect(hello.hubs.map((h) => h.name)).toEqual(["myhub", "team/alerts"]);
      expect(hello.hubs[0]!.installations.map((i) => i.installationId)).toEqual(
        DEVICES.map((d) => d.installationId),
      );

      await hub.send(apple({ alert: "stream me" }), { tags: "sports" });
      const delivery = await nextEvent(events, "delivery");
      expect(delivery).toMatchObject({
        type: "delivery",
        hub: "myhub",
        delivery: { installationId: "anna", platform: "apns", body: '{"aps":{"alert":"stream me"}}' },
      });
      const request = await nextEvent(events, "request");
      expect(request).toMatchObject({
        type: "request",
        hub: "myhub",
        request: { method: "POST", path: "/myhub/messages/", status: 201, format: "apple", tags: "sports" },
      });

      emulator
        .hub()
        .upsertInstallation({ installationId: "zoe", platform: "browser", pushChannel: ep("zoe") });
      expect(await nextEvent(events, "device")).toMatchObject({
        hub: "myhub",
        change: "upsert",
        installation: { installationId: "zoe" },
      });
      emulator.hub().deleteInstallation("zoe");
      expect(await nextEvent(events, "device")).toEqual({
        type: "device",
        hub: "myhub",
        change: "delete",
        installationId: "zoe",
      });
    } finally {
      abort.abort();
    }
  });

  it("limits a stream to one hub with ?hub= and answers 404 for an unknown hub", async () => {
    const abort = new AbortController();
    const res = await fetch(`${emulator.url}_emulator/events?hub=${encodeURIComponent("team/alerts")}`, {
      signal: abort.signal,
    });
    try {
      const events = sse(res);
      const hello = await nextEvent(events, "hello");
      if (hello.type !== "hello") throw new Error("unreachable");
      expect(hello.hubs.map((h) => h.name)).toEqual(["team/alerts"]);
      // A change on the first hub is not sent; the next event is the other hub's.
      emulator.hub("myhub").upsertInstallation({ installationId: "skip", platform: "gcm", pushChannel: "s" });
      emulator
        .hub("team/alerts")
        .upsertInstallation({ installationId: "keep", platform: "gcm", pushChannel: "k" });
      expect(await nextEvent(events, "device")).toMatchObject({
        hub: "team/alerts",
        installation: { installationId: "keep" },
      });
    } finally {
      abort.abort();
      emulator.hub("myhub").deleteInstallation("skip");
      emulator.hub("team/alerts").deleteInstallation("keep");
    }
    const unknown = await fetch(`${emulator.url}_emulator/events?hub=nohub`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { status: 404, message: 'No hub named "nohub".' } });
  });

  it("is ended by close(), which does not wait for the clients", async () => {
    const own = await startEmulator({ hubs: ["h1"] });
    const streams = await Promise.all([1, 2, 3].map(() => fetch(`${own.url}_emulator/events`)));
    const readers = streams.map((r) => sse(r));
    for (const r of readers) await nextEvent(r, "hello");
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const r of readers) {
      // Each stream ends (or is cut) instead of hanging.
      const end = await r.next().catch(() => ({ done: true }));
      expect(end.done).toBe(true);
    }
  });
});

function ep(name: string) {
  return { endpoint: `https://push.example/${name}`, p256dh: "p256dh-key", auth: "auth-secret" };
}

describe("the page in Chromium", () => {
  it("draws every device as a card", async () => {
    const page = await openPage();
    await card(page, "i:anna").waitFor(WAIT);
    const keys = await page
      .locator("#devices [data-device]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-device")));
    expect(keys).toEqual(DEVICES.map((d) => `i:${d.installationId}`));
    expect(await card(page, "i:anna").locator("h3").textContent()).toBe("Anna's iPhone");
    expect(await card(page, "i:anna").getAttribute("data-platform")).toBe("apns");
    expect(await card(page, "i:anna").locator(".chip.platform").textContent()).toBe("APNs");
    expect(await card(page, "i:carla").locator(".tags").textContent()).toBe("politics");
    expect(await card(page, "i:gil").locator(".meta").textContent()).toContain("english");
    expect(await page.locator("#hub option").allTextContents()).toEqual(["myhub", "team/alerts"]);
  });

  it("shows an APNs alert as an iOS banner with the badge count, live", async () => {
    const page = await openPage();
    await hub.send(
      apple({
        alert: { title: "Match day", subtitle: "Final", body: "Goal! 2-1" },
        badge: 7,
        sound: "default",
      }),
      { tags: "sports" },
    );
    const banner = card(page, "i:anna").locator('[data-kind="ios-banner"]', { hasText: "Goal! 2-1" });
    await banner.waitFor(WAIT);
    expect(await banner.locator(".n-title").textContent()).toBe("Match day");
    expect(await banner.locator(".n-subtitle").textContent()).toBe("Final");
    expect(await banner.locator(".n-tags").textContent()).toContain("badge 7");
    expect(await card(page, "i:anna").locator(".badge-count").textContent()).toBe("7");
    // Newest first.
    await hub.send(apple({ alert: "Second goal" }), { tags: "sports" });
    await card(page, "i:anna").locator(".notification", { hasText: "Second goal" }).waitFor(WAIT);
    expect(await card(page, "i:anna").locator(".notification .n-body").first().textContent()).toBe(
      "Second goal",
    );
    // A background push is marked silent.
    await hub.send(
      apple({ "content-available": 1 }, { refresh: "inbox" }, { "apns-push-type": "background" }),
      {
        tags: "sports",
      },
    );
    const silent = card(page, "i:anna").locator('[data-kind="ios-silent"]').first();
    await silent.waitFor(WAIT);
    expect(await silent.textContent()).toContain("silent (background)");
    expect(await silent.locator(".n-data").textContent()).toContain("inbox");
  });

  it("shows a WNS toast with the text of its XML, and tiles and badges for what they are", async () => {
    const page = await openPage();
    await hub.send(
      toast(
        '<toast><visual><binding template="ToastGeneric"><text id="1">Election night</text>' +
          "<text>Polls close at 8 &amp; results follow</text></binding></visual></toast>",
      ),
      { tags: "politics" },
    );
    const shown = card(page, "i:carla").locator('[data-kind="win-toast"]', { hasText: "Election night" });
    await shown.waitFor(WAIT);
    expect(await shown.locator(".n-title").textContent()).toBe("Election night");
    expect(await shown.locator(".n-line").textContent()).toBe("Polls close at 8 & results follow");

    await hub.send(toast('<badge value="12"/>', "wns/badge"), { tags: "politics" });
    await card(page, "i:carla").locator('[data-kind="win-badge"]').first().waitFor(WAIT);
    expect(await card(page, "i:carla").locator(".badge-count").textContent()).toBe("12");
    await hub.send(
      toast(
        '<tile><visual><binding template="TileMedium"><text>Turnout 64%</text></binding></visual></tile>',
        "wns/tile",
      ),
      { tags: "politics" },
    );
    const tile = card(page, "i:carla").locator('[data-kind="win-tile"]').first();
    await tile.waitFor(WAIT);
    expect(await tile.locator(".n-title").textContent()).toBe("Turnout 64%");
  });

  it("draws Android, Windows Phone, ADM and template deliveries the platform's way", async () => {
    const page = await openPage();
    const json = (format: string, body: unknown) =>
      createNotification({ format, contentType: JSON_TYPE, body: JSON.stringify(body) });
    await hub.send(json("fcmv1", { message: { notification: { title: "Paper is out", body: "Read it" } } }), {
      tags: "news",
    });
    await hub.send(json("gcm", { data: { score: "3-1", minute: "90" } }), { tags: "legacy" });
    await hub.send(
      createNotification({
        format: "windowsphone",
        contentType: XML_TYPE,
        body:
          '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast>' +
          "<wp:Text1>Hello</wp:Text1><wp:Text2>from the phone</wp:Text2></wp:Toast></wp:Notification>",
        headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" },
      }),
      { tags: "phone" },
    );
    await hub.send(json("adm", { data: { title: "Kindle", msg: "New book" } }), { tags: "kindle" });
    await hub.send(json("template", { greeting_en: "Good morning" }), { tags: "greetings" });

    const android = card(page, "i:bruno").locator('[data-kind="android"]', { hasText: "Paper is out" });
    await android.waitFor(WAIT);
    expect(await android.locator(".n-body").textContent()).toBe("Read it");
    const data = card(page, "i:finn").locator('[data-kind="android-data"]').first();
    await data.waitFor(WAIT);
    expect(await data.locator(".n-data dt").allTextContents()).toEqual(["score", "minute"]);
    expect(await data.locator(".n-data dd").allTextContents()).toEqual(["3-1", "90"]);
    const wp = card(page, "i:dan").locator('[data-kind="wp-toast"]').first();
    await wp.waitFor(WAIT);
    expect([await wp.locator(".n-title").textContent(), await wp.locator(".n-body").textContent()]).toEqual([
      "Hello",
      "from the phone",
    ]);
    const adm = card(page, "i:eve").locator('[data-kind="generic"]').first();
    await adm.waitFor(WAIT);
    expect([await adm.locator(".n-title").textContent(), await adm.locator(".n-body").textContent()]).toEqual(
      ["Kindle", "New book"],
    );
    const templated = card(page, "i:gil").locator('[data-kind="android"]', { hasText: "Good morning" });
    await templated.waitFor(WAIT);
    expect(await templated.locator(".n-title").textContent()).toBe("Greeting");
    expect(await templated.locator(".n-tags").textContent()).toContain("template english");
  });

  it("shows markup in names and payloads as text and runs none of it", async () => {
    const page = await openPage();
    const evil = '<img src=x onerror="window.__pwned=2">Hello <b>bold</b>';
    await hub.send(apple({ alert: evil }), { tags: "sports || evil" });
    await hub.send(
      toast(
        "<toast><visual><binding><text>&lt;img src=x onerror=&quot;window.__pwned=3&quot;&gt;" +
          "</text></binding></visual></toast>",
      ),
      { tags: "politics" },
    );
    await card(page, "i:anna").locator(".n-body", { hasText: "Hello <b>bold</b>" }).first().waitFor(WAIT);
    await card(page, "i:carla").locator(".n-title", { hasText: "<img src=x" }).first().waitFor(WAIT);
    expect(await card(page, "i:anna").locator(".n-body").first().textContent()).toBe(evil);
    expect(await card(page, "i:mallory").locator("h3").textContent()).toBe(
      '<img src=x onerror="window.__pwned=1">Mallory',
    );
    await card(page, "i:mallory").locator(".n-body", { hasText: "Hello <b>bold</b>" }).waitFor(WAIT);
    expect(await page.locator("main img, main b").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it("lists the last requests with their outcome", async () => {
    const page = await openPage();
    await hub.send(apple({ alert: "logged" }), { tags: "sports && !politics" });
    const row = page.locator("#requests-body tr", { hasText: "sports && !politics" }).first();
    await row.waitFor(WAIT);
    expect(await row.locator("td").allTextContents()).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      "POST",
      "/myhub/messages/",
      "201",
      "apple",
      "sports && !politics",
      "",
    ]);
    emulator.hub().injectFault({ status: 503, retryAfter: "1" });
    await expect(hub.send(apple({ alert: "refused" }))).rejects.toThrow();
    const fault = page.locator('#requests-body tr[data-status="503"]').first();
    await fault.waitFor(WAIT);
    expect(await fault.locator("td.fault").textContent()).toBe("status");
    expect(await page.locator('#requests-body tr[data-status="201"]').count()).toBeGreaterThan(0);
  });

  it("adds and removes cards as devices come and go", async () => {
    const page = await openPage();
    await fetch(`${emulator.url}_emulator/hubs/myhub/devices`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        installationId: "web-hal",
        displayName: "Hal's browser",
        platform: "browser",
        pushChannel: ep("hal"),
        tags: ["web"],
      }),
    });
    await card(page, "i:web-hal").waitFor(WAIT);
    expect(await card(page, "i:web-hal").locator(".meta .mono").textContent()).toBe(
      "https://push.example/hal",
    );
    await hub.send(
      createNotification({
        format: "browser",
        contentType: JSON_TYPE,
        body: JSON.stringify({ title: "Web hello", body: "from the hub" }),
      }),
      { tags: "web" },
    );
    const web = card(page, "i:web-hal").locator('[data-kind="generic"]', { hasText: "Web hello" });
    await web.waitFor(WAIT);
    await fetch(`${emulator.url}_emulator/hubs/myhub/devices/web-hal`, { method: "DELETE" });
    await card(page, "i:web-hal").waitFor({ state: "detached", ...WAIT });
  });

  it("switches hubs with the selector", async () => {
    const page = await openPage();
    emulator.hub("team/alerts").upsertInstallation({
      installationId: "ops-ivy",
      platform: "apns",
      pushChannel: "c".repeat(64),
    });
    try {
      await page.locator("#hub").selectOption("team/alerts");
      await card(page, "i:ops-ivy").waitFor(WAIT);
      expect(await page.locator("#devices [data-device]").count()).toBe(1);
      expect(page.url()).toContain("#hub=team%2Falerts");
      await page.locator("#hub").selectOption("myhub");
      await card(page, "i:anna").waitFor(WAIT);
    } finally {
      emulator.hub("team/alerts").deleteInstallation("ops-ivy");
    }
  });

  it("falls back to polling the JSON endpoints when the event stream is blocked", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const asked: string[] = [];
    page.on("request", (r) => asked.push(new URL(r.url()).pathname));
    await page.route("**/_emulator/events*", (route) => route.abort());
    try {
      await page.goto(emulator.url);
      await page.locator('#status[data-state="polling"]').waitFor(WAIT);
      await card(page, "i:anna").waitFor(WAIT);
      await hub.send(apple({ alert: "polled" }), { tags: "sports" });
      await card(page, "i:anna").locator(".n-body", { hasText: "polled" }).waitFor(WAIT);
      expect(asked).toContain("/_emulator/hubs/myhub/deliveries");
    } finally {
      await context.close();
    }
  });

  it("says the emulator is unreachable once it closed, and close() does not wait for the page", async () => {
    const own = await startEmulator({ hubs: ["h1"], devices: [DEVICES[0]!] });
    const context = await browser().newContext();
    const page = await context.newPage();
    try {
      await page.goto(own.url);
      await page.locator('#status[data-state="live"]').waitFor(WAIT);
      const started = Date.now();
      await own.close();
      expect(Date.now() - started).toBeLessThan(2_000);
      await page.locator('#status[data-state="offline"]').waitFor(WAIT);
      // What was drawn stays on screen.
      await card(page, "i:anna").waitFor(WAIT);
    } finally {
      await context.close();
      await own.close();
    }
  });
});
