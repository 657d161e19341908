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

describe("ServiceError.trackingId", () => {
  const older =
    "The request is invalid.TrackingId:6c8c2c3f-2d0a-4d6e-9a9d-0a9d1e6c2f3a_G1,TimeStamp:5/23/2017 3:45:02 PM";

  it("reads the id from the error detail when there is no TrackingId header", () => {
    const e = new ServiceError({ statusCode: 400, method: "POST", url: "u", detail: older });
    expect(e.trackingId).toBe("6c8c2c3f-2d0a-4d6e-9a9d-0a9d1e6c2f3a_G1");
    // The detail already names it, so the message does not repeat it.
    expect(e.message).toBe(`POST u failed with 400: ${older}`);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      trackingId: "6c8c2c3f-2d0a-4d6e-9a9d-0a9d1e6c2f3a_G1",
    });
  });

  it("reads the forms the service writes: after a space or dots, with an ISO time stamp, at the very end", () => {
    const cases: Array<[string, string]> = [
      [
        "Reason: 50002: Provider Internal Error..TrackingId:427adaf8-eb0a-4a8a-af86-dc5998cc4388,TimeStamp:2019-10-09T13:04:58.7861049Z",
        "427adaf8-eb0a-4a8a-af86-dc5998cc4388",
      ],
      ["Not found. TrackingId:abc-1_M2CH3_M2CH3_G3,TimeStamp:1/2/2020 1:02:03 AM", "abc-1_M2CH3_M2CH3_G3"],
      ["Quota exceeded. TrackingId:tail-id", "tail-id"],
    ];
    for (const [detail, id] of cases) {
      expect(new ServiceError({ statusCode: 403, method: "GET", url: "u", detail }).trackingId, detail).toBe(
        id,
      );
    }
  });

  it("prefers the header when both exist, and treats an empty header as missing", () => {
    const both = new ServiceError({
      statusCode: 400,
      method: "POST",
      url: "u",
      detail: older,
      trackingId: "hdr-1",
    });
    expect(both.trackingId).toBe("hdr-1");
    expect(both.message).toBe(`POST u failed with 400: ${older} (TrackingId hdr-1)`);
    const empty = new ServiceError({
      statusCode: 400,
      method: "POST",
      url: "u",
      detail: older,
      trackingId: "",
    });
    expect(empty.trackingId).toBe("6c8c2c3f-2d0a-4d6e-9a9d-0a9d1e6c2f3a_G1");
  });

  it("finds no id in a detail without one, or with something else after TrackingId:", () => {
    for (const detail of [
      undefined,
      "",
      "Bad request",
      "TrackingId:",
      "TrackingId: ,TimeStamp:x",
      "XTrackingId:abc",
    ]) {
      expect(
        new ServiceError({ statusCode: 400, method: "POST", url: "u", detail }).trackingId,
        String(detail),
      ).toBe(undefined);
    }
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
