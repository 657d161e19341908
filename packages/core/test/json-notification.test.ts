import { describe, expect, it } from "vitest";
import {
  assertJsonValue,
  assertParsedJsonObject,
  createJsonNotification,
  type JsonNotificationKind,
  ValidationError,
} from "../src/index";

const kind: JsonNotificationKind = {
  format: "myplatform",
  contentType: "application/json;charset=utf-8",
  maxBytes: 40,
  what: "the message",
  check: (payload) => assertJsonValue(payload, "payload"),
  checkParsed: assertParsedJsonObject,
};

function failure(fn: () => unknown): [string, string, string] | undefined {
  try {
    fn();
  } catch (error) {
    if (ValidationError.isInstance(error)) return [error.field, error.rule, error.message];
    throw error;
  }
  return undefined;
}

describe("createJsonNotification", () => {
  it("serialises a value once, keys in the caller's order, and keeps headers", () => {
    const n = createJsonNotification(kind, { b: 1, a: "x" }, { "x-extra": "1" });
    expect(n).toMatchObject({ format: "myplatform", contentType: "application/json;charset=utf-8" });
    expect(n.body).toBe('{"b":1,"a":"x"}');
    expect(n.headers).toEqual({ "x-extra": "1" });
    expect("headers" in createJsonNotification(kind, {})).toBe(false);
  });

  it("sends text byte for byte once it parses and passes checkParsed", () => {
    expect(createJsonNotification(kind, '{ "a" : 1 }').body).toBe('{ "a" : 1 }');
    expect(failure(() => createJsonNotification(kind, "[1]"))?.slice(0, 2)).toEqual(["payload", "type"]);
    expect(failure(() => createJsonNotification(kind, "[1]"))?.[2]).toContain("must hold a JSON object");
    expect(failure(() => createJsonNotification(kind, "{nope"))?.slice(0, 2)).toEqual(["payload", "json"]);
    // Without checkParsed any JSON text goes.
    expect(createJsonNotification({ ...kind, checkParsed: undefined }, "[1]").body).toBe("[1]");
  });

  it("checks values with the kind's check and the size with its limit, naming the payload", () => {
    expect(failure(() => createJsonNotification(kind, { at: new Date(0) }))?.slice(0, 2)).toEqual([
      "payload.at",
      "json",
    ]);
    const big = failure(() => createJsonNotification(kind, { text: "x".repeat(40) }));
    expect(big?.slice(0, 2)).toEqual(["payload", "max-bytes"]);
    expect(big?.[2]).toContain("the message is 51 bytes");
    expect(failure(() => createJsonNotification(kind, `"${"y".repeat(40)}"`))?.[1]).toBe("type");
  });
});
