import { MAX_REQUEST_BODY_BYTES, type NotificationHub, ValidationError } from "@nhub/core";
import { type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTemplateNotification,
  renderTemplate,
  sendTemplateNotification,
  TEMPLATE_CONTENT_TYPE,
  TEMPLATE_FORMAT,
} from "../src/index";

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("no error");
}

describe("createTemplateNotification", () => {
  it("builds a template notification whose body is the JSON of the properties", () => {
    const n = createTemplateNotification({ greeting_en: "Hello", greeting_fr: "Salut" });
    expect(n).toEqual({
      format: "template",
      contentType: "application/json;charset=utf-8",
      body: '{"greeting_en":"Hello","greeting_fr":"Salut"}',
    });
    expect(TEMPLATE_FORMAT).toBe("template");
    expect(TEMPLATE_CONTENT_TYPE).toBe("application/json;charset=utf-8");
    expect(Object.isFrozen(n)).toBe(true);
  });

  it("accepts an empty object, a null-prototype object and headers", () => {
    expect(createTemplateNotification({}).body).toBe("{}");
    const bare: Record<string, string> = Object.create(null);
    bare.a = "1";
    expect(createTemplateNotification(bare).body).toBe('{"a":"1"}');
    const n = createTemplateNotification({ a: "1" }, { headers: { "apns-priority": "10" } });
    expect(n.headers).toEqual({ "apns-priority": "10" });
  });

  it("keeps a __proto__ property as data", () => {
    const props = JSON.parse('{"__proto__":"x","a":"y"}') as Record<string, string>;
    expect(createTemplateNotification(props).body).toBe('{"__proto__":"x","a":"y"}');
  });

  it("refuses what is not a plain object", () => {
    for (const bad of [null, undefined, "x", 1, ["a"], new Map([["a", "b"]]), new Date()]) {
      const e = validationError(() => createTemplateNotification(bad as unknown as Record<string, string>));
      expect([e.field, e.rule]).toEqual(["properties", "type"]);
    }
  });

  it("refuses non-string values, naming the property", () => {
    for (const bad of [40, true, null, undefined, { x: "y" }, ["a"]]) {
      const e = validationError(() =>
        createTemplateNotification({ ok: "1", badge: bad } as unknown as Record<string, string>),
      );
      expect([e.field, e.rule]).toEqual(["properties.badge", "string-value"]);
    }
  });

  it("refuses an empty property name and names that differ only in case", () => {
    const empty = validationError(() => createTemplateNotification({ "": "x" }));
    expect([empty.field, empty.rule]).toEqual(["properties", "property-name"]);
    const dup = validationError(() => createTemplateNotification({ Name: "a", name: "b" }));
    expect([dup.field, dup.rule]).toEqual(["properties.name", "duplicate-name"]);
  });

  it("refuses a body over 64 KB and accepts one of exactly 64 KB", () => {
    const fill = (n: number) => ({ p: "x".repeat(n - '{"p":""}'.length) });
    expect(createTemplateNotification(fill(MAX_REQUEST_BODY_BYTES)).body.length).toBe(MAX_REQUEST_BODY_BYTES);
    const e = validationError(() => createTemplateNotification(fill(MAX_REQUEST_BODY_BYTES + 1)));
    expect([e.field, e.rule]).toEqual(["properties", "max-bytes"]);
    // The limit counts UTF-8 bytes, not characters.
    const wide = validationError(() =>
      createTemplateNotification({ p: "é".repeat(MAX_REQUEST_BODY_BYTES / 2) }),
    );
    expect(wide.rule).toBe("max-bytes");
  });

  it("passes headers through core's checks", () => {
    const e = validationError(() =>
      createTemplateNotification({ a: "1" }, { headers: { "ServiceBusNotification-Tags": "x" } }),
    );
    expect(e.rule).toBe("reserved-header");
  });

  it("reads the caller's object once and never changes it", () => {
    let reads = 0;
    const props = {
      get a() {
        reads++;
        return reads === 1 ? "first" : (42 as unknown as string);
      },
    };
    expect(createTemplateNotification(props).body).toBe('{"a":"first"}');
    expect(reads).toBe(1);
    const frozen = Object.freeze({ b: "x" });
    expect(createTemplateNotification(frozen).body).toBe('{"b":"x"}');
  });

  it("any properties round-trip through the body and render into a template", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z0-9_]{1,10}$/), fc.string({ unit: "binary" })),
        (props) => {
          const body = createTemplateNotification(props).body as string;
          expect(JSON.parse(body)).toEqual(props);
          for (const [name, value] of Object.entries(props)) {
            expect(JSON.parse(renderTemplate(`{"v":"$(${name.toUpperCase()})"}`, JSON.parse(body))).v).toBe(
              value,
            );
          }
        },
      ),
    );
  });
});

describe("sendTemplateNotification through a real hub", () => {
  let server: RecordingServer, hub: NotificationHub;
  const startHub = useRecordingHub(afterEach);
  beforeEach(async () => ({ server, hub } = await startHub()));

  it("sends the Python sample's greeting_en / greeting_fr as a template notification", async () => {
    const result = await sendTemplateNotification(
      hub,
      { greeting_en: "Hello", greeting_fr: "Salut" },
      "sports || news",
    );
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/myhub/messages/");
    expect([...req.query]).toEqual([["api-version", "2020-06"]]);
    expect(req.headers["servicebusnotification-format"]).toBe("template");
    expect(req.headers["content-type"]).toBe("application/json;charset=utf-8");
    expect(req.headers["servicebusnotification-tags"]).toBe("sports || news");
    expect(req.headers["x-ms-version"]).toBe("2020-06");
    expect(req.text).toBe('{"greeting_en":"Hello","greeting_fr":"Salut"}');
    expect(req.body.equals(Buffer.from('{"greeting_en":"Hello","greeting_fr":"Salut"}', "utf8"))).toBe(true);
    expect(req.tokenValid).toBe(true);
  });

  it("broadcasts without a tags header, and OR-joins a set of tags", async () => {
    await sendTemplateNotification(hub, { greeting_en: "Hello" });
    await sendTemplateNotification(hub, { greeting_en: "Hello" }, new Set(["a", "b"]));
    expect(server.requests[0]!.headers["servicebusnotification-tags"]).toBeUndefined();
    expect(server.requests[1]!.headers["servicebusnotification-tags"]).toBe("a || b");
    expect(server.requests.every((r) => r.tokenValid)).toBe(true);
  });

  it("sends non-ASCII values as UTF-8", async () => {
    await sendTemplateNotification(hub, { greeting_fr: 'Ça va? "oui" 😀' });
    expect(
      server.requests[0]!.body.equals(Buffer.from('{"greeting_fr":"Ça va? \\"oui\\" 😀"}', "utf8")),
    ).toBe(true);
  });

  it("rejects bad properties and bad tags before anything is sent", async () => {
    await expect(
      sendTemplateNotification(hub, { badge: 40 } as unknown as Record<string, string>),
    ).rejects.toMatchObject({
      field: "properties.badge",
      rule: "string-value",
    });
    await expect(sendTemplateNotification(hub, { a: "1" }, "bad tag!")).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(server.requests).toHaveLength(0);
  });
});
