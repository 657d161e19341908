import { createNotification, NotificationHub, ValidationError } from "@nhub/core";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, type Installation, startEmulator } from "../src/index";
import { apple, JSON_TYPE, raw, template } from "./helpers";

let emulator: Emulator;
let hub: NotificationHub;

beforeAll(async () => {
  emulator = await startEmulator();
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});

beforeEach(() => {
  const state = emulator.hub();
  for (const i of state.installations()) state.deleteInstallation(i.installationId);
  state.clearDeliveries();
});

afterAll(async () => {
  await hub.close();
  await emulator.close();
});

// A reference evaluator, independent of core's parser: expressions are generated as trees, printed, sent, and
// the emulator's routing must equal this evaluation of the tree.
type Expr =
  | { t: "tag"; name: string }
  | { t: "not"; e: Expr }
  | { t: "and"; l: Expr; r: Expr }
  | { t: "or"; l: Expr; r: Expr };

function evaluate(e: Expr, tags: ReadonlySet<string>): boolean {
  switch (e.t) {
    case "tag":
      return tags.has(e.name);
    case "not":
      return !evaluate(e.e, tags);
    case "and":
      return evaluate(e.l, tags) && evaluate(e.r, tags);
    case "or":
      return evaluate(e.l, tags) || evaluate(e.r, tags);
  }
}

function leaves(e: Expr): number {
  return e.t === "tag" ? 1 : e.t === "not" ? leaves(e.e) : leaves(e.l) + leaves(e.r);
}

function onlyOr(e: Expr): boolean {
  return e.t === "tag" || (e.t === "or" && onlyOr(e.l) && onlyOr(e.r));
}

const PRECEDENCE = { or: 1, and: 2, not: 3, tag: 4 } as const;

/** Prints with full parentheses, or with only those precedence (! over && over ||) needs. */
function print(e: Expr, minimal: boolean, spaced: boolean, parent = 0): string {
  const op = (o: string) => (spaced ? ` ${o} ` : o);
  let text: string;
  if (e.t === "tag") text = e.name;
  else if (e.t === "not") text = `!${print(e.e, minimal, spaced, PRECEDENCE.not)}`;
  else
    text = `${print(e.l, minimal, spaced, PRECEDENCE[e.t])}${op(e.t === "and" ? "&&" : "||")}${print(e.r, minimal, spaced, PRECEDENCE[e.t])}`;
  const wrap = e.t === "and" || e.t === "or" ? (minimal ? PRECEDENCE[e.t] < parent : parent > 0) : false;
  return wrap ? `(${text})` : text;
}

const TAGS = ["a", "b", "c", "d", "$InstallationId:{d0}", "$UserId:{u1}"];

const exprArb: fc.Arbitrary<Expr> = fc
  .letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...TAGS).map((name): Expr => ({ t: "tag", name })),
      tie("expr").map((e): Expr => ({ t: "not", e })),
      fc.record({ t: fc.constant("and" as const), l: tie("expr"), r: tie("expr") }),
      fc.record({ t: fc.constant("or" as const), l: tie("expr"), r: tie("expr") }),
    ),
  }))
  .expr.filter((e) => leaves(e) <= (onlyOr(e) ? 20 : 6));

const devicesArb = fc
  .array(fc.subarray(["a", "b", "c", "d"]), { minLength: 1, maxLength: 8 })
  .map((tagSets) =>
    tagSets.map(
      (tags, i): Installation => ({
        installationId: `d${i}`,
        platform: "apns",
        pushChannel: `handle-${i}`,
        tags,
        ...(i % 2 === 1 ? { userId: `u${i % 4}` } : {}),
      }),
    ),
  );

function systemTags(d: Installation): Set<string> {
  const tags = new Set(d.tags);
  tags.add(`$InstallationId:{${d.installationId}}`);
  if (d.userId) tags.add(`$UserId:{${d.userId}}`);
  return tags;
}

describe("tag-expression routing", () => {
  it("reaches exactly the devices the reference evaluator selects", async () => {
    await fc.assert(
      fc.asyncProperty(
        devicesArb,
        exprArb,
        fc.boolean(),
        fc.boolean(),
        async (devices, expr, minimal, spaced) => {
          const state = emulator.hub();
          for (const i of state.installations()) state.deleteInstallation(i.installationId);
          state.clearDeliveries();
          for (const d of devices) state.upsertInstallation(d);
          const expression = print(expr, minimal, spaced);
          await hub.send(apple(), { tags: expression });
          const reached = state.deliveries().map((d) => d.installationId);
          const expected = devices.filter((d) => evaluate(expr, systemTags(d))).map((d) => d.installationId);
          expect(reached, expression).toEqual(expected);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("broadcasts to every device of the format's platform when no tags are given", async () => {
    const state = emulator.hub();
    state.upsertInstallation({ installationId: "i1", platform: "apns", pushChannel: "h1" });
    state.upsertInstallation({ installationId: "f1", platform: "fcmv1", pushChannel: "h2" });
    state.upsertInstallation({ installationId: "i2", platform: "apns", pushChannel: "h3", tags: ["x"] });
    await hub.send(apple());
    expect(state.deliveries().map((d) => d.installationId)).toEqual(["i1", "i2"]);
  });

  it("routes each format to its platform", async () => {
    const state = emulator.hub();
    const pairs: Array<[string, Installation["platform"]]> = [
      ["apple", "apns"],
      ["fcmv1", "fcmv1"],
      ["gcm", "gcm"],
      ["adm", "adm"],
      ["baidu", "baidu"],
      ["browser", "browser"],
      ["xiaomi", "xiaomi"],
    ];
    for (const [, platform] of pairs) {
      state.upsertInstallation({
        installationId: platform,
        platform,
        pushChannel:
          platform === "browser"
            ? { endpoint: "https://push.example/1", p256dh: "key", auth: "secret" }
            : `${platform}-handle`,
      });
    }
    state.upsertInstallation({
      installationId: "wns",
      platform: "wns",
      pushChannel: "https://wns.example/x",
    });
    state.upsertInstallation({
      installationId: "mpns",
      platform: "mpns",
      pushChannel: "https://mpns.example/x",
    });
    for (const [format, platform] of pairs) {
      state.clearDeliveries();
      await hub.send(createNotification({ format, contentType: JSON_TYPE, body: "{}" }));
      expect(
        state.deliveries().map((d) => [d.installationId, d.platform, d.format]),
        format,
      ).toEqual([[platform, platform, format]]);
    }
    state.clearDeliveries();
    await hub.send(
      createNotification({
        format: "windowsphone",
        contentType: "application/xml;charset=utf-8",
        body: '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>Hi</wp:Text1></wp:Toast></wp:Notification>',
        headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" },
      }),
    );
    expect(state.deliveries()).toMatchObject([
      {
        installationId: "mpns",
        pushChannel: "https://mpns.example/x",
        headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" },
      },
    ]);
    state.clearDeliveries();
    await hub.send(apple(), { tags: "$InstallationId:{browser} || $InstallationId:{apns}" });
    expect(state.deliveries().map((d) => d.installationId)).toEqual(["apns"]);
  });
});

describe("template notifications", () => {
  const anna: Installation = {
    installationId: "anna",
    displayName: "Anna's iPhone",
    platform: "apns",
    pushChannel: "apns-anna",
    tags: ["lang_en"],
    templates: {
      greeting_en: {
        body: '{"aps":{"alert":"{\'Hello \' + $(name) + \'!\'}","badge":"#(count)"}}',
        headers: { "apns-priority": "$(priority)" },
      },
    },
  };
  const bruno: Installation = {
    installationId: "bruno",
    platform: "wns",
    pushChannel: "https://wns.example/bruno",
    tags: ["lang_fr"],
    userId: "bruno@example",
    templates: {
      greeting_fr: {
        body: "<toast><visual><binding template=\"ToastGeneric\"><text>{'Bonjour ' + $(name)}</text><text>.(long,10)</text></binding></visual></toast>",
        headers: { "X-WNS-Type": "wns/toast" },
      },
    },
  };
  const carla: Installation = {
    installationId: "carla",
    platform: "fcmv1",
    pushChannel: "fcm-carla",
    templates: {
      greeting_en: { body: '{"message":{"data":{"text":"{\'Hello \' + $(name)}"}}}', tags: ["lang_en"] },
      greeting_fr: {
        body: '{"message":{"data":{"text":"{\'Bonjour \' + $(name)}","url":"%(link)"}}}',
        tags: ["lang_fr"],
      },
    },
  };
  const properties = { name: "Ann & Co", count: "3", priority: "5", long: "a long sentence", link: "a b&c" };

  beforeEach(() => {
    for (const d of [anna, bruno, carla]) emulator.hub().upsertInstallation(d);
  });

  it("renders each device's template with the sent properties", async () => {
    await hub.send(template(properties));
    const got = emulator
      .hub()
      .deliveries()
      .map((d) => ({
        id: d.installationId,
        t: d.templateName,
        body: d.body,
        headers: d.headers,
        format: d.format,
      }));
    expect(got).toEqual([
      {
        id: "anna",
        t: "greeting_en",
        format: "template",
        body: '{"aps":{"alert":"Hello Ann & Co!","badge":3}}',
        headers: { "apns-priority": "5", "content-type": "application/json;charset=utf-8" },
      },
      {
        id: "bruno",
        t: "greeting_fr",
        format: "template",
        body: '<toast><visual><binding template="ToastGeneric"><text>Bonjour Ann &amp; Co</text><text>a long ...</text></binding></visual></toast>',
        headers: { "X-WNS-Type": "wns/toast", "content-type": "application/xml" },
      },
      {
        id: "carla",
        t: "greeting_en",
        format: "template",
        body: '{"message":{"data":{"text":"Hello Ann & Co"}}}',
        headers: { "content-type": "application/json;charset=utf-8" },
      },
      {
        id: "carla",
        t: "greeting_fr",
        format: "template",
        body: '{"message":{"data":{"text":"Bonjour Ann & Co","url":"a%20b%26c"}}}',
        headers: { "content-type": "application/json;charset=utf-8" },
      },
    ]);
    expect(emulator.hub().deliveries()[0]!.displayName).toBe("Anna's iPhone");
  });

  it("matches a template by the device's tags together with the template's own", async () => {
    await hub.send(template(properties), { tags: "lang_fr" });
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => `${d.installationId}/${d.templateName}`),
    ).toEqual(["bruno/greeting_fr", "carla/greeting_fr"]);
    emulator.hub().clearDeliveries();
    await hub.send(template(properties), { tags: "$UserId:{bruno@example}" });
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => `${d.installationId}/${d.templateName}`),
    ).toEqual(["bruno/greeting_fr"]);
  });

  it("renders missing properties as empty and lists template registrations in a test send", async () => {
    const result = await hub.send(template({ name: "Zed" }), { tags: "lang_en", test: true });
    expect(result.outcome!.results.map((r) => [r.applicationPlatform, r.registrationId])).toEqual([
      ["apple", "anna/greeting_en"],
      ["fcmv1", "carla/greeting_en"],
    ]);
    const [first] = emulator.hub().deliveries();
    expect(first!.body).toBe('{"aps":{"alert":"Hello Zed!","badge":""}}');
    expect(first!.headers["apns-priority"]).toBe("");
  });

  it("does not render templates for native sends", async () => {
    await hub.send(apple("native"), { tags: "lang_en" });
    expect(emulator.hub().deliveries()).toMatchObject([
      { installationId: "anna", body: '{"aps":{"alert":"native"}}' },
    ]);
    expect(emulator.hub().deliveries()[0]!.templateName).toBeUndefined();
  });

  it("counts a template rendered past its platform's limit as a failure", async () => {
    const result = await hub.send(template({ ...properties, name: "x".repeat(5000) }), {
      tags: "$InstallationId:{anna}",
      test: true,
    });
    expect(result.outcome).toMatchObject({ success: 0, failure: 1 });
    expect(result.outcome!.results[0]!.outcome).toContain("at most 4096");
    expect(emulator.hub().deliveries()).toEqual([]);
  });

  it("refuses an installation whose template cannot render", async () => {
    const bad = {
      installationId: "bad",
      platform: "apns" as const,
      pushChannel: "h",
      templates: { t: { body: '{"a":".(title)"}' } },
    };
    expect(() => emulator.hub().upsertInstallation(bad)).toThrow(ValidationError);
    try {
      emulator.hub().upsertInstallation(bad);
    } catch (error) {
      expect((error as ValidationError).field).toBe("templates.t.body");
    }
    const res = await raw(emulator, "myhub/installations/bad?api-version=2020-06", {
      method: "PUT",
      body: JSON.stringify(bad),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("templates.t.body");
    const noType = {
      installationId: "w",
      platform: "wns" as const,
      pushChannel: "h",
      templates: { t: { body: "<toast/>" } },
    };
    expect(() => emulator.hub().upsertInstallation(noType)).toThrow(/X-WNS-Type/);
  });
});
