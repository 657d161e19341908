import { describe, expect, it } from "vitest";
import {
  and,
  assertJsonValue,
  assertParsedJsonObject,
  createJsonNotification,
  MAX_JSON_DEPTH,
  not,
  or,
  parseJsonText,
  parseTagExpression,
  printTagExpression,
  TAG_LIMITS,
  type TagExpression,
  tag,
  toTagExpression,
  ValidationError,
} from "../src/index";

/** The error `run` throws; fails the test when it returns or throws anything but a ValidationError. */
function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError, but nothing was thrown");
}

// Far past any stack: without a limit each of these overflows with a RangeError.
const HUGE = 100_000;

describe("tag expressions nest at most TAG_LIMITS.maxDepth deep", () => {
  const max = TAG_LIMITS.maxDepth;

  it("is documented as 100", () => {
    expect(max).toBe(100);
  });

  it.each([
    ["parentheses", (n: number) => `${"(".repeat(n)}a${")".repeat(n)}`],
    ["negations", (n: number) => `${"!".repeat(n)}a`],
    ["both", (n: number) => `${"!(".repeat(n / 2)}a${")".repeat(n / 2)}`],
  ])("%s: the limit parses, one more and a huge nesting are refused by name", (_, text) => {
    expect(() => parseTagExpression(text(max))).not.toThrow();
    for (const n of [max + 2, HUGE]) {
      const error = validationError(() => parseTagExpression(text(n)));
      expect(error).toMatchObject({ field: "tags", rule: "max-depth" });
      expect(error.message).toContain(String(max));
    }
  });

  it("the builders refuse the 101st level, and a 10,000-deep loop stops there", () => {
    let e = tag("a");
    for (let i = 0; i < max; i++) e = not(e);
    expect(validationError(() => not(e))).toMatchObject({ rule: "max-depth" });
    let f = tag("a");
    const error = validationError(() => {
      for (let i = 0; i < 10_000; i++) f = not(f);
    });
    expect(error.rule).toBe("max-depth");
    // and() and or() with a single operand hand it back; with two they check the depth too.
    expect(validationError(() => and(e, "b"))).toMatchObject({ rule: "max-depth" });
    expect(validationError(() => or(e, "b"))).toMatchObject({ rule: "max-depth" });
  });

  it.each([
    ["not", (e: TagExpression): TagExpression => ({ type: "not", operand: e })],
    ["and", (e: TagExpression): TagExpression => ({ type: "and", operands: [e] })],
    [
      "or/and",
      (e: TagExpression): TagExpression => ({ type: "or", operands: [{ type: "and", operands: [e] }] }),
    ],
  ])("hand-made %s trees, deep or cyclic, are refused when sent", (_, wrap) => {
    let deep: TagExpression = { type: "tag", name: "a" };
    for (let i = 0; i < HUGE; i++) deep = wrap(deep);
    expect(validationError(() => toTagExpression(deep))).toMatchObject({ field: "tags", rule: "max-depth" });
    const cyclic = { type: "not", operand: undefined as unknown } as { type: "not"; operand: unknown };
    cyclic.operand = cyclic;
    expect(validationError(() => toTagExpression(cyclic as TagExpression))).toMatchObject({
      rule: "max-depth",
    });
  });

  it("a tree at the limit is still sent", () => {
    let e: TagExpression = { type: "tag", name: "a" };
    for (let i = 0; i < max; i++) e = { type: "not", operand: e };
    expect(toTagExpression(e)).toBe(printTagExpression(e, { parenthesize: "always" }));
  });
});

describe("JSON payloads nest at most MAX_JSON_DEPTH arrays and objects deep", () => {
  const nested = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
    return v;
  };
  const nestedText = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

  it("is documented as 256", () => {
    expect(MAX_JSON_DEPTH).toBe(256);
  });

  it("assertJsonValue takes the limit and refuses one more or a huge nesting, by name", () => {
    expect(() => assertJsonValue(nested(MAX_JSON_DEPTH), "payload")).not.toThrow();
    for (const n of [MAX_JSON_DEPTH + 1, HUGE]) {
      const error = validationError(() => assertJsonValue(nested(n), "payload"));
      expect(error.rule).toBe("max-depth");
      expect(error.field.startsWith("payload.")).toBe(true);
      expect(error.message).toContain("256");
    }
  });

  it("assertJsonValue names the full path of a bad value, and tells a cycle from a value used twice", () => {
    const bad = validationError(() => assertJsonValue({ a: [1, { b: Number.NaN }] }, "payload"));
    expect(bad).toMatchObject({ field: "payload.a.1.b", rule: "json" });
    const shared = { x: 1 };
    expect(() => assertJsonValue({ a: shared, b: [shared, { c: shared }] }, "payload")).not.toThrow();
    const cyclic: Record<string, unknown> = { a: [{}] };
    (cyclic.a as Record<string, unknown>[])[0]!.up = cyclic;
    expect(validationError(() => assertJsonValue(cyclic, "payload"))).toMatchObject({
      field: "payload.a.0.up",
      rule: "json",
    });
    // A nesting too deep is named by its first three keys from the root.
    expect(validationError(() => assertJsonValue(nested(MAX_JSON_DEPTH + 1), "payload")).field).toBe(
      "payload.0.a.0...",
    );
  });

  it("JSON text obeys the same limit, though JSON.parse alone would take it", () => {
    expect(() => parseJsonText(nestedText(MAX_JSON_DEPTH))).not.toThrow();
    expect(validationError(() => parseJsonText(nestedText(MAX_JSON_DEPTH + 1)))).toMatchObject({
      field: "payload",
      rule: "max-depth",
    });
    // Brackets inside strings are text, not nesting.
    const inString = `{"a":"${"[".repeat(1000)}\\"${"{".repeat(1000)}"}`;
    expect(parseJsonText(inString)).toEqual({ a: `${"[".repeat(1000)}"${"{".repeat(1000)}` });
  });

  it("a JSON platform refuses a deep payload as a value or as text", () => {
    const kind = {
      format: "myplatform",
      contentType: "application/json",
      maxBytes: 64 * 1024,
      what: "the message",
      check: (payload: unknown) => assertJsonValue(payload, "payload"),
      checkParsed: assertParsedJsonObject,
    };
    expect(validationError(() => createJsonNotification(kind, { deep: nested(HUGE) })).rule).toBe(
      "max-depth",
    );
    const text = `{"deep":${nestedText(2000)}}`;
    expect(validationError(() => createJsonNotification(kind, text)).rule).toBe("max-depth");
  });
});
