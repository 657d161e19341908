import { describe, expect, it } from "vitest";
import { ConnectionError, shouldRetry, toTransportError } from "../src/index";

const req = { method: "POST" as const, path: "/hub/messages/?api-version=2020-06", timeoutMs: 1000 };

function dnsError(code: string): Error {
  return Object.assign(new Error(`getaddrinfo ${code} nosuch.invalid`), { code, syscall: "getaddrinfo" });
}

describe("DNS failures", () => {
  it("ENOTFOUND is a ConnectionError that is not retried: the name does not exist", () => {
    const error = toTransportError(dnsError("ENOTFOUND"), req);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(shouldRetry(error)).toBe(false);
    expect(error.message).toContain("ENOTFOUND");
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("EAI_AGAIN stays retryable: the resolver's own 'try again'", () => {
    const error = toTransportError(dnsError("EAI_AGAIN"), req);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(shouldRetry(error)).toBe(true);
  });
});
