import { describe, expect, it } from "vitest";
import {
  assertMaxBytes,
  assertNotification,
  byteLength,
  createNotification,
  type Notification,
  ValidationError,
} from "../src/index";

const init = {
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: '{"aps":{"alert":"Hi"}}',
  headers: { "apns-push-type": "alert" },
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (ValidationError.isInstance(error)) return `${error.field} ${error.rule}`;
    throw error;
  }
  return undefined;
}

describe("createNotification", () => {
  it("returns a frozen notification with frozen headers, copied from the caller's", () => {
    const headers = { "apns-push-type": "alert" };
    const n = createNotification({ ...init, headers });
    expect(Object.isFrozen(n)).toBe(true);
    expect(Object.isFrozen(n.headers)).toBe(true);
    expect(n.headers).not.toBe(headers);
    expect(Object.isFrozen(headers)).toBe(false);
    expect({ ...n }).toEqual(init);
    expect(JSON.parse(JSON.stringify(n))).toEqual(init);
  });

  it("copies every header as an own property, even one named __proto__", () => {
    const headers = JSON.parse('{"__proto__":"x","apns-priority":"10"}') as Record<string, string>;
    const n = createNotification({ ...init, headers });
    expect(Object.hasOwn(n.headers ?? {}, "__proto__")).toBe(true);
    expect(Object.entries(n.headers ?? {})).toEqual([
      ["__proto__", "x"],
      ["apns-priority", "10"],
    ]);
    expect(Object.getPrototypeOf(n.headers)).toBe(Object.prototype);
  });

  it("remembers only valid strings: a bad format, content type, name or value is refused every time", () => {
    for (let i = 0; i < 600; i++) {
      // Enough distinct valid names and values to fill and empty the remembered sets twice over.
      createNotification({ ...init, headers: { [`x-custom-${i}`]: `value ${i}` } });
      expect(
        fieldOf(() => createNotification({ ...init, headers: { [`x-custom-${i}`]: `value ${i}\r\n` } })),
      ).toBe(`headers.x-custom-${i} header-value`);
    }
    for (const round of [1, 2]) {
      expect(
        fieldOf(() => createNotification({ ...init, format: "Apple" })),
        `round ${round}`,
      ).toBe("format format-name");
      expect(fieldOf(() => createNotification({ ...init, contentType: "a\nb" }))).toBe(
        "contentType required",
      );
      expect(fieldOf(() => createNotification({ ...init, headers: { "bad name": "x" } }))).toBe(
        "headers.bad name header-name",
      );
      expect(fieldOf(() => createNotification({ ...init, headers: { Authorization: "x" } }))).toBe(
        "headers.Authorization reserved-header",
      );
      expect(
        fieldOf(() => createNotification({ ...init, headers: { "x-ok": 1 as unknown as string } })),
      ).toBe("headers.x-ok type");
    }
  });

  it("leaves out an empty headers record", () => {
    const n = createNotification({ ...init, headers: {} });
    expect("headers" in n).toBe(false);
    expect(Object.keys(n)).toEqual(["format", "contentType", "body"]);
  });

  it("checks again anything it did not build, even an object that copies a built one", () => {
    const built = createNotification(init);
    expect(() => assertNotification(built)).not.toThrow();
    const copy: Notification = { ...built, body: "x".repeat(64 * 1024 + 1) };
    expect(fieldOf(() => assertNotification(copy))).toBe("body max-bytes");
    // Sharing the prototype does not make an object one of the checked ones.
    const forged = Object.assign(Object.create(Object.getPrototypeOf(built)), {
      ...init,
      headers: { Authorization: "x" },
    });
    expect(fieldOf(() => assertNotification(forged))).toBe("headers.Authorization reserved-header");
  });
});

describe("assertMaxBytes", () => {
  it("counts UTF-8 bytes exactly at the limit, for short and long texts", () => {
    // 3-byte characters: 1365 of them are 4095 bytes, under 4096 without counting (1365 x 3 <= 4096).
    expect(() => assertMaxBytes("€".repeat(1365), 4096)).not.toThrow();
    expect(() => assertMaxBytes(`${"€".repeat(1365)}a`, 4096)).not.toThrow();
    expect(fieldOf(() => assertMaxBytes(`${"€".repeat(1365)}ab`, 4096))).toBe("payload max-bytes");
    expect(() => assertMaxBytes("a".repeat(4096), 4096)).not.toThrow();
    expect(fieldOf(() => assertMaxBytes("a".repeat(4097), 4096))).toBe("payload max-bytes");
    // A surrogate pair is 4 bytes: 1024 emoji are exactly 4096.
    expect(byteLength("😀".repeat(1024))).toBe(4096);
    expect(() => assertMaxBytes("😀".repeat(1024), 4096)).not.toThrow();
    expect(fieldOf(() => assertMaxBytes(`${"😀".repeat(1024)}a`, 4096))).toBe("payload max-bytes");
    expect(fieldOf(() => assertMaxBytes(new Uint8Array(4097), 4096))).toBe("payload max-bytes");
  });
});
