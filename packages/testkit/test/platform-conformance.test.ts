import type * as NodeTest from "node:test";
import { createNotification, definePlatform, NotificationHub, ValidationError } from "@nhub/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ConformanceSender,
  type ConformanceTags,
  type PlatformCases,
  type PlatformNotification,
  type PlatformUnderTest,
  platformChecks,
  type TestRunner,
  testPlatform,
} from "../src/index";

const JSON_TYPE = "application/json;charset=utf-8";

interface EchoPayload {
  readonly text: string;
}

interface EchoOptions {
  readonly headers?: Readonly<Record<string, string>>;
}

/** A small, correct platform: the suite must pass it, and each mutant below must fail exactly where it breaks. */
function createEcho(payload: EchoPayload, options: EchoOptions = {}): PlatformNotification {
  if (payload === null || typeof payload !== "object" || typeof payload.text !== "string") {
    throw new ValidationError("payload.text", "type", "text is a string");
  }
  const body = JSON.stringify({ text: payload.text });
  if (Buffer.byteLength(body) > 64) throw new ValidationError("payload", "max-bytes", "over 64 bytes");
  return createNotification({
    format: "echo",
    contentType: JSON_TYPE,
    body,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}

async function sendEcho(hub: ConformanceSender, payload: EchoPayload, tags?: ConformanceTags) {
  return hub.send(createEcho(payload), { tags });
}

type Echo = PlatformUnderTest<EchoPayload, EchoOptions>;

const definition = {
  specificationVersion: 1 as const,
  name: "echo",
  format: "echo",
  contentTypes: [JSON_TYPE],
  maxBytes: 64,
  create: createEcho,
  send: sendEcho,
};
const echo: Echo = definePlatform(definition);

// `{"text":""}` is 11 bytes, so 53 characters of text make a body of exactly 64.
const cases: PlatformCases<EchoPayload, EchoOptions> = {
  valid: [
    { name: "hello", payload: { text: "hello" }, expect: { body: '{"text":"hello"}' } },
    {
      name: "with a header",
      payload: { text: "hi" },
      options: { headers: { "X-Echo": "1" } },
      expect: { body: '{"text":"hi"}', headers: { "x-echo": "1" } },
    },
  ],
  invalid: [{ name: "a number", payload: 42, field: "payload.text", rule: "type" }],
  size: { overLimit: { text: "x".repeat(54) }, atLimit: { text: "x".repeat(53) } },
  escaping: [
    {
      name: "quotes",
      payload: { text: 'a"b\\c\n\u2028' },
      expect: { body: '{"text":"a\\"b\\\\c\\n\u2028"}' },
    },
  ],
};

const CHECK_NAMES = [
  "descriptor: contract version, name, format, content types, size limit",
  "valid: hello",
  "valid: with a header",
  "escaping: quotes",
  "send: passes a tag expression and a set of tags",
  "invalid: a number (payload.text / type)",
  "size: a body over maxBytes (64) is refused with max-bytes",
  "size: a body of exactly maxBytes (64) is sent",
  "headers: create options cannot set Authorization, Content-Type or ServiceBusNotification-*",
  "headers: a send's own headers cannot override Authorization, Content-Type or ServiceBusNotification-*",
];

/** Runs every check and returns the failures: check name to error message. */
async function failures(
  platform: Echo,
  with_: PlatformCases<EchoPayload, EchoOptions> = cases,
): Promise<Record<string, string>> {
  const failed: Record<string, string> = {};
  for (const check of platformChecks(platform, with_, { NotificationHub })) {
    try {
      await check.run();
    } catch (error) {
      failed[check.name] = (error as Error).message;
    }
  }
  return failed;
}

/** The echo platform with some members replaced, frozen as definePlatform would leave it. */
function mutant(members: Partial<Echo>): Echo {
  return Object.freeze({ ...echo, ...members });
}

describe("platformChecks on a conforming platform", () => {
  it("names one check per case and rule, and every one passes", async () => {
    expect(platformChecks(echo, cases, { NotificationHub }).map((c) => c.name)).toEqual(CHECK_NAMES);
    expect(await failures(echo)).toEqual({});
  });

  it("leaves out the at-limit check when no such payload is given", () => {
    const names = platformChecks(
      echo,
      { ...cases, size: { overLimit: cases.size.overLimit } },
      { NotificationHub },
    );
    expect(names.map((c) => c.name)).not.toContain("size: a body of exactly maxBytes (64) is sent");
  });

  it("accepts a platform whose create ignores headers it does not take", async () => {
    const ignoring = mutant({ create: (payload) => createEcho(payload) });
    expect(await failures(ignoring, { ...cases, valid: [cases.valid[0]!] })).toEqual({});
  });
});

describe("platformChecks catches", () => {
  it("a descriptor not built with definePlatform", async () => {
    const failed = await failures({ ...definition });
    expect(Object.keys(failed)).toEqual([CHECK_NAMES[0]]);
    expect(failed[CHECK_NAMES[0]!]).toContain("not frozen: build it with definePlatform");
  });

  it("a contract version this testkit does not know", async () => {
    // A descriptor written for a newer contract, as a JavaScript caller could hand over.
    const failed = await failures(mutant({ specificationVersion: 2 } as unknown as Partial<Echo>));
    expect(Object.keys(failed)).toEqual([CHECK_NAMES[0]]);
    expect(failed[CHECK_NAMES[0]!]).toContain("specificationVersion 2 is not one this @nhub/testkit checks");
    expect(failed[CHECK_NAMES[0]!]).toContain(
      "specificationVersion 2 is refused by @nhub/core: ValidationError platform.specificationVersion / unsupported-version",
    );
  });

  it("a malformed name, format, content type list or size limit", async () => {
    const failed = await failures(
      Object.freeze({ ...echo, name: "Echo", format: "e-cho", contentTypes: [], maxBytes: 70_000 }),
    );
    const message = failed[CHECK_NAMES[0]!];
    // Every broken member is reported at once, each with the rule core's definePlatform refuses it by.
    expect(message).toContain('name "Echo" is refused by @nhub/core: ValidationError platform.name / name');
    expect(message).toContain(
      'format "e-cho" is refused by @nhub/core: ValidationError platform.format / format-name',
    );
    expect(message).toContain(
      "contentTypes [] is refused by @nhub/core: ValidationError platform.contentTypes / required",
    );
    expect(message).toContain(
      "maxBytes 70000 is refused by @nhub/core: ValidationError platform.maxBytes / range",
    );
  });

  it("a notification that is not frozen", async () => {
    const create = (payload: EchoPayload, options?: EchoOptions) => ({ ...createEcho(payload, options) });
    const failed = await failures(mutant({ create }));
    expect(failed["valid: hello"]).toContain("the notification is not frozen");
    expect(failed["escaping: quotes"]).toContain("the notification is not frozen");
  });

  it("the wrong format, on the notification and on the wire", async () => {
    const create = (payload: EchoPayload) => createNotification({ ...createEcho(payload), format: "other" });
    const failed = await failures(mutant({ create, send: (hub, payload) => hub.send(create(payload)) }));
    expect(failed["valid: hello"]).toContain('format: expected "echo", got "other"');
    expect(failed["valid: hello"]).toContain(
      'on the wire: header servicebusnotification-format: expected "echo", got "other"',
    );
  });

  it("a content type the descriptor does not list", async () => {
    const create = (payload: EchoPayload) =>
      createNotification({ ...createEcho(payload), contentType: "text/plain" });
    const failed = await failures(mutant({ create }), { ...cases, valid: [cases.valid[0]!] });
    expect(failed["valid: hello"]).toContain('content type "text/plain" is not one the descriptor lists');
  });

  it("a create that changes its input", async () => {
    const create = (payload: EchoPayload, options?: EchoOptions) => {
      (payload as { seen?: boolean }).seen = true;
      return createEcho(payload, options);
    };
    // Its own copy of the cases: this mutant changes their payloads.
    const failed = await failures(mutant({ create }), structuredClone(cases));
    expect(failed["valid: hello"]).toContain("create fails on a deep-frozen copy of the payload");
  });

  it("a send that throws instead of rejecting", async () => {
    const failed = await failures(
      mutant({ send: (hub, payload, tags) => hub.send(createEcho(payload), { tags }) }),
    );
    expect(Object.keys(failed)).toEqual([
      "invalid: a number (payload.text / type)",
      "size: a body over maxBytes (64) is refused with max-bytes",
    ]);
    expect(failed["invalid: a number (payload.text / type)"]).toContain(
      "send threw at once (ValidationError payload.text / type: payload.text: text is a string); " +
        "it must return a rejected promise",
    );
  });

  it("a send that drops the tags", async () => {
    const failed = await failures(mutant({ send: async (hub, payload) => hub.send(createEcho(payload)) }));
    expect(Object.keys(failed)).toEqual(["send: passes a tag expression and a set of tags"]);
    expect(failed["send: passes a tag expression and a set of tags"]).toContain(
      'tags of a tag expression: expected "conformance && !muted", got undefined',
    );
  });

  it("a size limit that is not enforced", async () => {
    const create = (payload: EchoPayload) => {
      if (typeof payload?.text !== "string")
        throw new ValidationError("payload.text", "type", "text is a string");
      return createNotification({ format: "echo", contentType: JSON_TYPE, body: JSON.stringify(payload) });
    };
    const send = async (hub: ConformanceSender, payload: EchoPayload, tags?: ConformanceTags) =>
      hub.send(create(payload), { tags });
    const failed = await failures(mutant({ create, send }), { ...cases, valid: [cases.valid[0]!] });
    expect(Object.keys(failed)).toEqual(["size: a body over maxBytes (64) is refused with max-bytes"]);
    expect(failed["size: a body over maxBytes (64) is refused with max-bytes"]).toContain(
      "create: expected ValidationError payload / max-bytes, but nothing was thrown",
    );
    expect(failed["size: a body over maxBytes (64) is refused with max-bytes"]).toContain(
      "send: expected a rejection with ValidationError payload / max-bytes, but it resolved",
    );
  });

  it("a body over the declared maxBytes", async () => {
    const failed = await failures(mutant({ maxBytes: 15 }), {
      ...cases,
      size: { overLimit: { text: "x".repeat(54) } },
    });
    expect(failed["valid: hello"]).toContain("the body is 16 bytes, over the descriptor's maxBytes 15");
  });

  it("the wrong field or rule, and errors that are not ValidationErrors", async () => {
    const failed = await failures(echo, {
      ...cases,
      invalid: [{ name: "a number", payload: 42, field: "payload", rule: "type" }],
    });
    expect(failed["invalid: a number (payload / type)"]).toContain(
      "create: expected ValidationError payload / type, got ValidationError payload.text / type",
    );
    const plain = (payload: EchoPayload, options?: EchoOptions) => {
      if (typeof payload?.text !== "string") throw new TypeError("bad text");
      return createEcho(payload, options);
    };
    const failed2 = await failures(mutant({ create: plain }));
    expect(failed2["invalid: a number (payload.text / type)"]).toContain(
      "create: expected ValidationError payload.text / type, got TypeError: bad text",
    );
  });

  it("a body that differs from the case", async () => {
    const failed = await failures(echo, {
      ...cases,
      valid: [{ name: "hello", payload: { text: "hello" }, expect: { body: '{"text":"hullo"}' } }],
    });
    expect(failed["valid: hello"]).toContain(
      'body: expected "{\\"text\\":\\"hullo\\"}", got "{\\"text\\":\\"hello\\"}"',
    );
    expect(failed["valid: hello"]).toContain('on the wire: body text: expected "{\\"text\\":\\"hullo\\"}"');
  });

  it("JSON built by pasting strings together", async () => {
    const create = (payload: EchoPayload) => {
      createEcho(payload); // its checks, not its serialisation
      return createNotification({
        format: "echo",
        contentType: JSON_TYPE,
        body: `{"text":"${payload.text}"}`,
      });
    };
    const failed = await failures(mutant({ create }), { ...cases, valid: [cases.valid[0]!] });
    expect(Object.keys(failed)).toEqual(["escaping: quotes"]);
    expect(failed["escaping: quotes"]).toContain("the body is not valid JSON");
  });

  it("headers from create options that reach the notification unchecked", async () => {
    // Hand-made and frozen, skipping createNotification's header rules.
    const create = (payload: EchoPayload, options: EchoOptions = {}) =>
      Object.freeze({ ...createEcho(payload), headers: Object.freeze({ ...options.headers }) });
    const failed = await failures(mutant({ create }));
    const message =
      failed["headers: create options cannot set Authorization, Content-Type or ServiceBusNotification-*"];
    expect(message).toContain("Authorization: the notification carries Authorization");
    expect(message).toContain(
      "SERVICEBUSNOTIFICATION-TAGS: the notification carries SERVICEBUSNOTIFICATION-TAGS",
    );
    expect(message).toContain(
      'X-Conformance: the notification carries X-Conformance: "ok\\r\\nAuthorization',
    );
  });

  it("a create that throws something else for hostile headers", async () => {
    const create = (payload: EchoPayload, options: EchoOptions = {}) => {
      if (options.headers?.["Authorization"] !== undefined) throw new Error("no");
      return createEcho(payload, options);
    };
    const failed = await failures(mutant({ create }));
    expect(Object.keys(failed)).toEqual([CHECK_NAMES[8]]);
    expect(failed[CHECK_NAMES[8]!]).toContain(
      'Authorization: create threw "Error: no", not a ValidationError',
    );
  });
});

describe("testPlatform", () => {
  it("registers one describe with one it per check, and each it runs its check", async () => {
    const registered: [string, () => Promise<void>][] = [];
    let suite = "";
    testPlatform(echo, cases, {
      NotificationHub,
      describe: (name, body) => {
        suite = name;
        body();
      },
      it: (name, body) => registered.push([name, body]),
    });
    expect(suite).toBe("echo platform conformance");
    expect(registered.map(([name]) => name)).toEqual(CHECK_NAMES);
    for (const [, run] of registered) await run();
  });

  it("refuses to run without a test runner", () => {
    expect("describe" in globalThis).toBe(false);
    expect(() => testPlatform(echo, cases, { NotificationHub })).toThrow(
      "testPlatform needs a test runner: pass { describe, it }",
    );
  });

  it("fits the describe and it of vitest and node:test", () => {
    expectTypeOf({ describe, it }).toExtend<TestRunner>();
    expectTypeOf<{ describe: typeof NodeTest.describe; it: typeof NodeTest.it }>().toExtend<TestRunner>();
  });

  it.each([
    [{ ...cases, valid: [] }, "give at least one valid case"],
    [{ ...cases, valid: [cases.valid[1]!] }, "give at least one valid case without options"],
    [{ ...cases, invalid: [] }, "give at least one invalid case"],
    [{ ...cases, size: {} }, "give size.overLimit"],
    [{ ...cases, escaping: [{ ...cases.valid[0]! }] }, 'two cases are named "hello"'],
    [{ ...cases, valid: [{ name: "x", payload: { text: "x" } }] }, '"x" needs expect.body'],
    [{ ...cases, invalid: [{ name: "y", payload: 1 }] }, '"y" needs a field and a rule'],
  ])("refuses malformed cases at once: %#", (bad, message) => {
    const malformed = bad as unknown as PlatformCases<EchoPayload, EchoOptions>;
    expect(() => platformChecks(echo, malformed, { NotificationHub })).toThrow(
      `testPlatform cases: ${message}`,
    );
    expect(() => testPlatform(echo, malformed, { NotificationHub, describe, it })).toThrow(message);
  });

  it("sends through @nhub/core's NotificationHub when none is given", async () => {
    for (const check of platformChecks(echo, cases)) await check.run();
    const registered: (() => Promise<void>)[] = [];
    testPlatform(echo, cases, {
      describe: (_name, body) => body(),
      it: (_name, body) => registered.push(body),
    });
    expect(registered).toHaveLength(CHECK_NAMES.length);
    for (const run of registered) await run();
  });

  it("refuses a NotificationHub that is not a class", () => {
    const options = { NotificationHub: "hub" } as unknown as { NotificationHub: typeof NotificationHub };
    expect(() => platformChecks(echo, cases, options)).toThrow(
      "platformChecks needs a NotificationHub class (from @nhub/core)",
    );
  });
});
