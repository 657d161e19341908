import { describe, expect, it } from "vitest";
import {
  AbortError,
  ClosedError,
  ConnectionError,
  NhubError,
  ResponseTooLargeError,
  ServiceError,
  TimeoutError,
  ValidationError,
} from "../src/index";

describe("error hierarchy", () => {
  it("recognises errors from another copy of the package by their marker", () => {
    const foreign = Object.assign(new Error("x"), {
      [Symbol.for("nhub.error")]: true,
      [Symbol.for("nhub.error.validation")]: true,
    });
    expect(NhubError.isInstance(foreign)).toBe(true);
    expect(ValidationError.isInstance(foreign)).toBe(true);
    expect(ServiceError.isInstance(foreign)).toBe(false);
    expect(NhubError.isInstance(new Error("x"))).toBe(false);
    expect(NhubError.isInstance(null)).toBe(false);
  });

  it("gives every kind a code, a name and a retry verdict", () => {
    const cases: Array<[NhubError, string, string, boolean]> = [
      [new ValidationError("tags", "syntax", "bad"), "ValidationError", "NHUB_VALIDATION", false],
      [new ServiceError({ statusCode: 503, method: "POST", url: "u" }), "ServiceError", "NHUB_SERVICE", true],
      [new ConnectionError("reset"), "ConnectionError", "NHUB_CONNECTION", true],
      [new TimeoutError("slow"), "TimeoutError", "NHUB_TIMEOUT", true],
      [new AbortError(), "AbortError", "NHUB_ABORTED", false],
      [new ClosedError(), "ClosedError", "NHUB_CLOSED", false],
      [
        new ResponseTooLargeError({ method: "GET", path: "/hub/registrations", limit: 8 }),
        "ResponseTooLargeError",
        "NHUB_RESPONSE_TOO_LARGE",
        false,
      ],
    ];
    for (const [error, name, code, retryable] of cases) {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.isRetryable).toBe(retryable);
      expect(NhubError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it("says what was too large, and carries the limit, the status and the declared length", () => {
    const e = new ResponseTooLargeError({
      method: "GET",
      path: "/hub/registrations",
      limit: 1024,
      statusCode: 200,
      contentLength: 4096,
    });
    expect(e.message).toBe(
      "GET /hub/registrations answered 200 with a body over the 1024-byte limit (Content-Length 4096); raise maxResponseBytes to accept it",
    );
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: "ResponseTooLargeError",
      code: "NHUB_RESPONSE_TOO_LARGE",
      message: e.message,
      isRetryable: false,
      limit: 1024,
      statusCode: 200,
      contentLength: 4096,
    });
    const foreign = { [Symbol.for("nhub.error")]: true, [Symbol.for("nhub.error.response-too-large")]: true };
    expect(ResponseTooLargeError.isInstance(foreign)).toBe(true);
    expect(
      ResponseTooLargeError.isInstance(new ServiceError({ statusCode: 413, method: "GET", url: "u" })),
    ).toBe(false);
  });

  it("serialises to the fields a log needs", () => {
    const e = new ValidationError("headers.apns-priority", "enum", "must be 10, 5 or 1");
    expect(e.message).toBe("headers.apns-priority: must be 10, 5 or 1");
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      name: "ValidationError",
      code: "NHUB_VALIDATION",
      field: "headers.apns-priority",
      rule: "enum",
    });
  });
});

describe("byteLength", () => {
  it("counts UTF-8 bytes exactly as Buffer does, without Buffer", async () => {
    const fc = (await import("fast-check")).default;
    const { byteLength } = await import("../src/index");
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        expect(byteLength(s)).toBe(Buffer.byteLength(s, "utf8"));
      }),
    );
    for (const s of ["", "a", "é", "€", "😀", "\ud800", "a\udc00b", "\ud83d\ude00\ud83d"]) {
      expect(byteLength(s)).toBe(Buffer.byteLength(s, "utf8"));
    }
  });
});
