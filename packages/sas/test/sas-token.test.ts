import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSasTokenProvider, parseSasToken, redactSasToken, signSasToken } from "../src/index";

describe("signSasToken", () => {
  it("matches the protocol test vector", () => {
    const token = signSasToken({
      resourceUri: "https://myns.servicebus.windows.net/",
      keyName: "DefaultFullSharedAccessSignature",
      key: "abc123=",
      expiresAt: 1700000000,
    });
    expect(token).toBe(
      "SharedAccessSignature sr=https%3A%2F%2Fmyns.servicebus.windows.net%2F&sig=wdMlB7ER3TWzph%2FhJ8MFsWsReLXABFf9hBzO9q5wyaM%3D&se=1700000000&skn=DefaultFullSharedAccessSignature",
    );
  });

  it("lowercases the resource before signing", () => {
    const a = signSasToken({
      resourceUri: "HTTPS://MyNs.servicebus.windows.net/Hub",
      keyName: "k",
      key: "x",
      expiresAt: 5,
    });
    const b = signSasToken({
      resourceUri: "https://myns.servicebus.windows.net/hub",
      keyName: "k",
      key: "x",
      expiresAt: 5,
    });
    expect(a).toBe(b);
  });

  it("agrees with an independent implementation for any key, resource and expiry", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.webUrl(),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (key, url, se) => {
          const token = signSasToken({ resourceUri: url, keyName: "rule", key, expiresAt: se });
          // Independent: WHATWG URLSearchParams-free manual encoding and Buffer-keyed HMAC.
          const sr = encodeURIComponent(url.toLowerCase());
          const mac = createHmac("sha256", Buffer.from(key, "utf8")).update(
            Buffer.from(`${sr}\n${se}`, "utf8"),
          );
          const fields = parseSasToken(token);
          expect(fields).toBeDefined();
          expect(decodeURIComponent(fields!.sig)).toBe(mac.digest("base64"));
          expect(fields!.sr).toBe(sr);
          expect(fields!.se).toBe(String(se));
        },
      ),
    );
  });

  it("rejects a non-integer expiry", () => {
    expect(() => signSasToken({ resourceUri: "https://a/", keyName: "k", key: "x", expiresAt: 1.5 })).toThrow(
      RangeError,
    );
  });
});

describe("createSasTokenProvider", () => {
  it("signs once per lifetime and re-signs before expiry", () => {
    let now = 1_700_000_000_000;
    const provider = createSasTokenProvider({
      resourceUri: "https://ns/hub",
      keyName: "k",
      key: "secret",
      ttlSeconds: 3600,
      renewBeforeSeconds: 300,
      now: () => now,
    });
    const first = provider.getToken();
    for (let i = 0; i < 1000; i++) expect(provider.getToken()).toBe(first);
    expect(provider.signedCount).toBe(1);
    now += (3600 - 301) * 1000;
    expect(provider.getToken()).toBe(first);
    now += 2000;
    const second = provider.getToken();
    expect(second).not.toBe(first);
    expect(provider.signedCount).toBe(2);
    expect(parseSasToken(second)!.se).toBe(String(Math.floor(now / 1000) + 3600));
  });

  it("never exposes the key through inspection or serialisation", async () => {
    const { inspect } = await import("node:util");
    const provider = createSasTokenProvider({
      resourceUri: "https://ns/hub",
      keyName: "k",
      key: "TOPSECRETKEY",
    });
    provider.getToken();
    expect(inspect(provider, { showHidden: true, depth: 5 })).not.toContain("TOPSECRETKEY");
    expect(JSON.stringify(provider)).not.toContain("TOPSECRETKEY");
  });

  it("validates its options", () => {
    expect(() => createSasTokenProvider({ resourceUri: "x", keyName: "k", key: "k", ttlSeconds: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      createSasTokenProvider({
        resourceUri: "x",
        keyName: "k",
        key: "k",
        ttlSeconds: 60,
        renewBeforeSeconds: 60,
      }),
    ).toThrow(RangeError);
  });
});

describe("redactSasToken", () => {
  it("removes the signature and keeps the rest", () => {
    const token = signSasToken({ resourceUri: "https://ns/hub", keyName: "rule", key: "k", expiresAt: 99 });
    const sig = parseSasToken(token)!.sig;
    const redacted = redactSasToken(`Authorization: ${token}`);
    expect(redacted).not.toContain(sig);
    expect(redacted).toContain("sig=<redacted>");
    expect(redacted).toContain("skn=rule");
  });

  it("changes nothing the second time", () => {
    const token = signSasToken({ resourceUri: "https://ns/hub", keyName: "rule", key: "k", expiresAt: 99 });
    const once = redactSasToken(`Authorization: ${token}\nsig=abc&x=1`);
    expect(redactSasToken(once)).toBe(once);
    expect(once).not.toContain("<redacted><redacted>");
  });
});

describe("parseSasToken", () => {
  it("returns undefined for anything that is not a complete token", () => {
    expect(parseSasToken("Bearer x")).toBeUndefined();
    expect(parseSasToken("SharedAccessSignature sr=a&sig=b&se=1")).toBeUndefined();
  });
});
