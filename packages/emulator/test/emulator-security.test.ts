/**
 * Issue 14: a hostile caller (a Listen key, or any local client), a hostile page (another site open in the
 * developer's browser) and request paths a URL parser rewrites.
 */
import { request } from "node:http";
import { NotificationHub, ValidationError } from "@nhub/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { ATOM_ENTRY, atomEntry, description, JSON_TYPE, raw, tokenFor } from "./helpers";

interface Answer {
  readonly status: number;
  readonly text: string;
}

/** A request with the target written exactly as given (fetch would resolve dot segments first). */
function send(
  emulator: Emulator,
  init: { method?: string; target: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const { port } = new URL(emulator.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: Number(port),
        method: init.method ?? "GET",
        path: init.target,
        headers: { Host: `127.0.0.1:${port}`, ...init.headers },
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

const POLLUTABLE = ["headers", "body", "tags", "polluted", "X-Injected", "x"];

function prototypeIsClean(): void {
  const probe: Record<string, unknown> = {};
  for (const key of POLLUTABLE) {
    const leaked = probe[key];
    // Clean up first, so one failure does not spill into every later test of the process.
    delete (Object.prototype as Record<string, unknown>)[key];
    expect(leaked, `Object.prototype.${key}`).toBeUndefined();
  }
}

describe("prototype pollution through caller-named maps", () => {
  let emulator: Emulator;
  const apns = { platform: "apns", pushChannel: "apns-token-p" } as const;

  beforeAll(async () => {
    emulator = await startEmulator({ hubs: ["myhub"] });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    const hub = emulator.hub();
    for (const i of hub.installations()) hub.deleteInstallation(i.installationId);
    for (const r of hub.registrations()) hub.deleteRegistration(r.registrationId);
    hub.clearDeliveries();
    hub.upsertInstallation({ installationId: "p", ...apns, tags: ["fans"] });
  });
  afterEach(prototypeIsClean);

  const listen = () => tokenFor(emulator, { rule: "listen" });
  const patch = (ops: unknown) =>
    raw(emulator, "myhub/installations/p?api-version=2020-06", {
      method: "PATCH",
      headers: { "Content-Type": "application/json-patch+json" },
      body: JSON.stringify(ops),
      authorization: listen(),
    });
  const put = (json: string) =>
    raw(emulator, "myhub/installations/p?api-version=2020-06", {
      method: "PUT",
      headers: { "Content-Type": JSON_TYPE },
      body: json,
      authorization: listen(),
    });

  it("refuses Listen-key patches through __proto__, constructor or prototype, and Object.prototype stays clean", async () => {
    const before = emulator.hub().installations();
    const attacks = [
      { op: "add", path: "/templates/__proto__/headers", value: '{"X-Injected":"1"}' },
      { op: "replace", path: "/templates/__proto__/body", value: '{"aps":{"alert":"x"}}' },
      { op: "add", path: "/templates/__proto__/tags", value: '["x"]' },
      { op: "add", path: "/templates/constructor/headers", value: '{"X-Injected":"1"}' },
      { op: "add", path: "/templates/prototype/body", value: "{}" },
      { op: "add", path: "/templates/__proto__", value: '{"body":"{\\"aps\\":{}}"}' },
      { op: "add", path: "/templates/constructor", value: '{"body":"{\\"aps\\":{}}"}' },
      { op: "add", path: "/templates/prototype", value: '{"body":"{\\"aps\\":{}}"}' },
      { op: "remove", path: "/tags/__proto__" },
      { op: "add", path: "/templates/ok", value: '{"body":"{}","headers":{"__proto__":{"polluted":"1"}}}' },
    ];
    for (const attack of attacks) {
      const res = await patch([attack]);
      expect(res.status, `${attack.op} ${attack.path}`).toBe(400);
    }
    expect(emulator.hub().installations()).toEqual(before);
    prototypeIsClean();
    // A later native send carries only what was sent.
    const sent = await raw(emulator, "myhub/messages/?api-version=2020-06", {
      headers: { "ServiceBusNotification-Format": "apple", "Content-Type": JSON_TYPE },
      body: JSON.stringify({ aps: { alert: "hi" } }),
    });
    expect(sent.status).toBe(201);
    expect(Object.keys(emulator.hub().deliveries()[0]!.headers)).toEqual(["content-type"]);
  });

  it("refuses reserved names as template or header names in installation JSON, and __proto__ keys anywhere", async () => {
    const installation = (templates: string, extra = "") =>
      `{"installationId":"p","platform":"apns","pushChannel":"t"${extra},"templates":${templates}}`;
    const bodies = [
      installation('{"__proto__":{"body":"{}"}}'),
      installation('{"constructor":{"body":"{}"}}'),
      installation('{"prototype":{"body":"{}"}}'),
      installation('{"a":{"body":"{}","headers":{"constructor":"1"}}}'),
      installation('{"a":{"body":"{}","headers":{"__proto__":"1"}}}'),
      installation("{}", ',"__proto__":{"polluted":"yes"}'),
    ];
    for (const body of bodies) {
      const res = await put(body);
      expect(res.status, body).toBe(400);
    }
    const admin = await fetch(`${emulator.url}_emulator/hubs/myhub/devices`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: installation('{"constructor":{"body":"{}"}}'),
    });
    expect(admin.status).toBe(400);
    expect(() =>
      emulator.hub().upsertInstallation({
        installationId: "q",
        ...apns,
        templates: JSON.parse('{"__proto__":{"body":"{}"}}'),
      }),
    ).toThrow(ValidationError);
    expect(
      emulator
        .hub()
        .installations()
        .map((i) => i.installationId),
    ).toEqual(["p"]);
  });

  it("keeps templates, headers, push variables and delivery headers in null-prototype records", async () => {
    const res = await put(
      '{"installationId":"p","platform":"apns","pushChannel":"0a","tags":["fans"],' +
        '"templates":{"greet":{"body":"{\\"aps\\":{\\"alert\\":\\"$(msg)\\"}}","headers":{"apns-priority":"5"}}}}',
    );
    expect(res.status, res.text).toBe(200);
    const stored = emulator.hub().installations()[0]!;
    expect(Object.getPrototypeOf(stored.templates)).toBeNull();
    expect(Object.getPrototypeOf(stored.templates!["greet"]!.headers)).toBeNull();
    const registration = await raw(emulator, "myhub/registrations?api-version=2020-06", {
      headers: { "Content-Type": ATOM_ENTRY },
      body: atomEntry(
        description(
          "AppleTemplate",
          "<Tags>fans</Tags><DeviceToken>FF00</DeviceToken><PushVariables>{&quot;msg&quot;:&quot;v&quot;}</PushVariables>" +
            '<BodyTemplate><![CDATA[{"aps":{"alert":"$(msg)"}}]]></BodyTemplate>' +
            "<ApnsHeaders><ApnsHeader><Header>apns-push-type</Header><Value>alert</Value></ApnsHeader></ApnsHeaders>",
        ),
      ),
      authorization: listen(),
    });
    expect(registration.status, registration.text).toBe(200);
    const [reg] = emulator.hub().registrations();
    expect(Object.getPrototypeOf(reg!.pushVariables)).toBeNull();
    expect(Object.getPrototypeOf(reg!.template!.headers)).toBeNull();
    const sent = await raw(emulator, "myhub/messages/?api-version=2020-06", {
      headers: { "ServiceBusNotification-Format": "template", "Content-Type": JSON_TYPE },
      body: JSON.stringify({ msg: "hello" }),
    });
    expect(sent.status).toBe(201);
    const deliveries = emulator.hub().deliveries();
    expect(deliveries).toHaveLength(2);
    for (const d of deliveries) {
      expect(Object.getPrototypeOf(d.headers)).toBeNull();
      expect(d.body).toBe('{"aps":{"alert":"hello"}}');
    }
  });

  it("refuses reserved names as registration push variables, template headers, job keys and XML elements", async () => {
    const register = (inner: string) =>
      raw(emulator, "myhub/registrations?api-version=2020-06", {
        headers: { "Content-Type": ATOM_ENTRY },
        body: atomEntry(description("AppleTemplate", inner)),
        authorization: listen(),
      });
    const body = '<BodyTemplate><![CDATA[{"aps":{}}]]></BodyTemplate>';
    const cases = [
      `<DeviceToken>FF00</DeviceToken><PushVariables>{&quot;constructor&quot;:&quot;v&quot;}</PushVariables>${body}`,
      `<DeviceToken>FF00</DeviceToken><PushVariables>{&quot;__proto__&quot;:{&quot;polluted&quot;:&quot;v&quot;}}</PushVariables>${body}`,
      `<DeviceToken>FF00</DeviceToken>${body}<ApnsHeaders><ApnsHeader><Header>__proto__</Header><Value>1</Value></ApnsHeader></ApnsHeaders>`,
      `<DeviceToken>FF00</DeviceToken>${body}<ApnsHeaders><ApnsHeader><Header>constructor</Header><Value>1</Value></ApnsHeader></ApnsHeaders>`,
      `<DeviceToken>FF00</DeviceToken>${body}<__proto__><polluted>1</polluted></__proto__>`,
    ];
    for (const inner of cases) {
      const res = await register(inner);
      expect(res.status, inner).toBe(400);
    }
    expect(emulator.hub().registrations()).toEqual([]);
    const job = await raw(emulator, "myhub/jobs?api-version=2020-06", {
      headers: { "Content-Type": ATOM_ENTRY },
      body: atomEntry(
        '<NotificationHubJob xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">' +
          "<Type>ExportRegistrations</Type>" +
          "<OutputContainerUri>https://store.blob.core.windows.net/out?sig=a</OutputContainerUri>" +
          "<InputProperties><KeyValueOfstringstring><Key>__proto__</Key><Value>v</Value></KeyValueOfstringstring></InputProperties>" +
          "</NotificationHubJob>",
      ),
    });
    expect(job.status, job.text).toBe(400);
  });
});

describe("request paths: dot segments and the SAS audience", () => {
  let emulator: Emulator;
  // Hubs that share keys, as a development setup with well-known keys does: a token signed for hubB verifies on
  // hubA too, so only its audience keeps it out of hubA.
  const keys = { full: "shared-full=", send: "shared-send=", listen: "shared-listen=" };

  beforeAll(async () => {
    emulator = await startEmulator({
      hubs: [
        { name: "hubA", keys },
        { name: "hubB", keys },
      ],
      devices: { hubA: [{ installationId: "a", platform: "apns", pushChannel: "apns-token-a" }] },
    });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.hub("hubA").clearDeliveries();
  });

  const sendTo = (target: string, resource = `${emulator.url}hubB`) =>
    send(emulator, {
      method: "POST",
      target,
      headers: {
        Authorization: tokenFor(emulator, { hub: "hubB", resource }),
        "ServiceBusNotification-Format": "apple",
        "Content-Type": JSON_TYPE,
      },
      body: JSON.stringify({ aps: { alert: "x" } }),
    });

  it("refuses dot segments, backslashes and encoded slashes with 400 before auth or routing", async () => {
    const port = new URL(emulator.url).port;
    const q = "?api-version=2020-06";
    const targets = [
      `/hubB/../hubA/messages/${q}`,
      `/hubB/%2e%2e/hubA/messages/${q}`,
      `/hubB/.%2E/hubA/messages/${q}`,
      `/hubB/%2E./hubA/messages/${q}`,
      `/hubB/./messages/${q}`,
      `/hubB/%2e/messages/${q}`,
      `/hubB\\..\\hubA/messages/${q}`,
      `/hubB/%5c../hubA/messages/${q}`,
      `/hubB%2F..%2FhubA/messages/${q}`,
      `/hubB/%2f/messages/${q}`,
      `http://127.0.0.1:${port}/hubB/../hubA/messages/${q}`,
    ];
    for (const target of targets) {
      const res = await sendTo(target);
      expect(res.status, target).toBe(400);
      expect(res.text, target).toContain("<Code>400</Code>");
    }
    // Unauthenticated requests and the admin surface get the same answer, before anything else looks.
    expect((await send(emulator, { target: "/x/../_emulator/hubs" })).status).toBe(400);
    expect((await send(emulator, { target: "/hubA/installations/.." })).status).toBe(400);
    expect(emulator.hub("hubA").deliveries()).toEqual([]);
    // A dot inside a segment is just a character.
    expect((await send(emulator, { target: "/hubA/installations/a..b?api-version=2020-06" })).status).toBe(
      401,
    );
  });

  it("checks the token's audience against the path the request is routed by", async () => {
    // `//hubB/hubA/...` parses with hubB as an authority, so the routed path is /hubA/messages/: a token scoped
    // to the raw text's prefix (`/` + `/hubB`) must not open hubA.
    const res = await sendTo("//hubB/hubA/messages/?api-version=2020-06", `${emulator.url}/hubB`);
    expect(res.status, res.text).toBe(401);
    expect(res.text).toContain("InvalidAudience");
    expect(emulator.hub("hubA").deliveries()).toEqual([]);
    // The same token scope written for hubA, on hubA's routed path, is accepted.
    const ok = await sendTo("/hubA/messages/?api-version=2020-06", `${emulator.url}hubA`);
    expect(ok.status, ok.text).toBe(201);
    expect(emulator.hub("hubA").deliveries()).toHaveLength(1);
  });

  it("refuses hub names with a dot segment at start, as no request could reach them", async () => {
    await expect(startEmulator({ hubs: ["team/../alerts"] })).rejects.toThrow(/hubs\.0\.hubName/);
    await expect(startEmulator({ hubs: ["team/./alerts"] })).rejects.toThrow(ValidationError);
  });

  it("points the feedback container of a hub with a slash at a path the emulator serves", async () => {
    const slashed = await startEmulator({ hubs: ["team/alerts"] });
    const hub = new NotificationHub(slashed.connectionString(), "team/alerts", { retry: false });
    try {
      const res = await hub.request({ method: "GET", path: "/feedbackcontainer" });
      expect(res.body).toContain("/_emulator/hubs/team/alerts/feedback?");
      const listing = await fetch(res.body);
      expect(listing.status).toBe(200);
    } finally {
      await hub.close();
      await slashed.close();
    }
  });
});

describe("the admin surface against other sites (CSRF) and other host names (DNS rebinding)", () => {
  let emulator: Emulator;
  let port: number;

  beforeAll(async () => {
    emulator = await startEmulator({ hubs: ["myhub"] });
    port = Number(new URL(emulator.url).port);
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.hub().clearFaults();
  });

  const nativeSend = () =>
    raw(emulator, "myhub/messages/?api-version=2020-06", {
      headers: { "ServiceBusNotification-Format": "apple", "Content-Type": JSON_TYPE },
      body: JSON.stringify({ aps: { alert: "x" } }),
    });
  const postFault = (headers: Record<string, string>) =>
    send(emulator, {
      method: "POST",
      target: "/_emulator/hubs/myhub/faults",
      headers,
      body: JSON.stringify({ status: 503, count: 5 }),
    });

  it("refuses a cross-origin POST, even with a JSON body, and queues nothing", async () => {
    for (const origin of [
      "http://evil.example",
      `http://evil.example:${port}`,
      `http://127.0.0.1:${port + 1}`,
      `https://localhost:${port + 1}`,
      "null",
    ]) {
      const res = await postFault({ Origin: origin, "Content-Type": "application/json" });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.text).error.message).toContain("origin");
    }
    expect((await nativeSend()).status).toBe(201);
  });

  it("refuses a text/plain or form body, the kinds a page can send cross-site without asking", async () => {
    for (const type of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const res = await postFault({ "Content-Type": type });
      expect(res.status, type).toBe(415);
    }
    const untyped = await postFault({});
    expect(untyped.status).toBe(415);
    // Same-origin but not JSON is refused too.
    expect(
      (await postFault({ Origin: `http://127.0.0.1:${port}`, "Content-Type": "text/plain" })).status,
    ).toBe(415);
    expect((await nativeSend()).status).toBe(201);
  });

  it("takes JSON from the emulator's own origin under any loopback name, and from tools that send no Origin", async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      const res = await postFault({ Origin: origin, "Content-Type": "application/json; charset=utf-8" });
      expect(res.status, origin).toBe(204);
      emulator.hub().clearFaults();
    }
    expect((await postFault({ "Content-Type": "application/json" })).status).toBe(204);
    expect((await nativeSend()).status).toBe(503);
  });

  it("refuses cross-origin DELETEs, and takes a bodiless DELETE from a tool", async () => {
    emulator.hub().upsertInstallation({ installationId: "d", platform: "apns", pushChannel: "t" });
    const evil = await send(emulator, {
      method: "DELETE",
      target: "/_emulator/hubs/myhub/devices/d",
      headers: { Origin: "http://evil.example" },
    });
    expect(evil.status).toBe(403);
    expect(emulator.hub().installations()).toHaveLength(1);
    const tool = await send(emulator, { method: "DELETE", target: "/_emulator/hubs/myhub/devices/d" });
    expect(tool.status).toBe(204);
    expect(emulator.hub().installations()).toHaveLength(0);
  });

  it("answers the event stream and admin writes only for loopback Host names", async () => {
    const events = await send(emulator, { target: "/_emulator/events", headers: { Host: "evil.example" } });
    expect(events.status).toBe(403);
    const fault = await postFault({ Host: `evil.example:${port}`, "Content-Type": "application/json" });
    expect(fault.status).toBe(403);
    expect((await nativeSend()).status).toBe(201);
  });
});
