import { describe, expect, it } from "vitest";
import {
  AbortError,
  ConnectionError,
  DEFAULT_RETRY,
  parseRetryAfter,
  resolveRetry,
  retryDelayMs,
  ServiceError,
  shouldRetry,
  sleep,
  ValidationError,
  withRetry,
} from "../src/index";

const service = (statusCode: number, retryAfterMs?: number) =>
  new ServiceError({ statusCode, method: "POST", url: "u", retryAfterMs });

describe("retry policy", () => {
  it("retries 408, 429, 500, 502, 503, 504 and connection failures only", () => {
    for (const s of [408, 429, 500, 502, 503, 504]) expect(shouldRetry(service(s))).toBe(true);
    for (const s of [400, 401, 403, 404, 410, 413, 501, 505]) expect(shouldRetry(service(s))).toBe(false);
    expect(shouldRetry(new ConnectionError("reset"))).toBe(true);
    expect(shouldRetry(new AbortError())).toBe(false);
    expect(shouldRetry(new ValidationError("f", "r", "m"))).toBe(false);
    expect(shouldRetry(new Error("plain"))).toBe(false);
  });

  it("uses full jitter under a doubling, capped ceiling", () => {
    const o = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(service(503), 0, o, () => 0.999)).toBe(99);
    expect(retryDelayMs(service(503), 3, o, () => 0.5)).toBe(400);
    expect(retryDelayMs(service(503), 10, o, () => 0.5)).toBe(500);
    expect(retryDelayMs(service(503), 2, o, () => 0)).toBe(0);
  });

  it("honours Retry-After up to the cap", () => {
    expect(retryDelayMs(service(429, 2000), 0, DEFAULT_RETRY)).toBe(2000);
    expect(retryDelayMs(service(429, 120_000), 0, DEFAULT_RETRY)).toBeUndefined();
  });

  it("reads Retry-After seconds, HTTP dates and retry-after-ms", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter({ "retry-after": "3" })).toBe(3000);
    expect(parseRetryAfter({ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" }, now)).toBe(10_000);
    expect(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "3" })).toBe(250);
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfter({})).toBeUndefined();
  });

  it("merges per-call settings and turns retries off with false", () => {
    expect(resolveRetry(DEFAULT_RETRY, false).maxRetries).toBe(0);
    expect(resolveRetry(DEFAULT_RETRY, { maxRetries: 1 })).toEqual({ ...DEFAULT_RETRY, maxRetries: 1 });
    expect(resolveRetry(DEFAULT_RETRY, undefined)).toBe(DEFAULT_RETRY);
  });

  it("withRetry stops after maxRetries and reports each retry", async () => {
    let calls = 0;
    const seen: number[] = [];
    const e = await withRetry(
      async () => {
        calls++;
        throw service(503);
      },
      { ...DEFAULT_RETRY, maxRetries: 2, baseDelayMs: 1 },
      [],
      ({ attempt }) => seen.push(attempt),
    ).catch((x: unknown) => x);
    expect(calls).toBe(3);
    expect(seen).toEqual([1, 2]);
    expect((e as ServiceError).statusCode).toBe(503);
  });

  it("sleep rejects at once when any signal fires", async () => {
    const a = new AbortController();
    const p = sleep(10_000, undefined, a.signal);
    a.abort();
    await expect(p).rejects.toSatisfy(AbortError.isInstance);
    await expect(sleep(5, AbortSignal.abort())).rejects.toSatisfy(AbortError.isInstance);
  });
});
