import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createAsyncSasTokenProvider,
  hmacSha256Base64,
  hmacSha256Base64Async,
  parseSasToken,
  type SasTokenInit,
  signSasToken,
  signSasTokenAsync,
} from "../src/index";

const VECTOR: SasTokenInit = {
  resourceUri: "https://myns.servicebus.windows.net/",
  keyName: "DefaultFullSharedAccessSignature",
  key: "abc123=",
  expiresAt: 1700000000,
};

describe("signSasTokenAsync (WebCrypto)", () => {
  it("matches the protocol test vector", async () => {
    expect(await signSasTokenAsync(VECTOR)).toBe(
      "SharedAccessSignature sr=https%3A%2F%2Fmyns.servicebus.windows.net%2F&sig=wdMlB7ER3TWzph%2FhJ8MFsWsReLXABFf9hBzO9q5wyaM%3D&se=1700000000&skn=DefaultFullSharedAccessSignature",
    );
  });

  it("signs exactly what the Node signer signs, for any key, resource, rule name and expiry", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: "binary", minLength: 1 })),
        fc.oneof(fc.webUrl(), fc.string({ unit: "grapheme", minLength: 1 })),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        async (key, resourceUri, keyName, expiresAt) => {
          const init = { resourceUri, keyName, key, expiresAt };
          expect(await signSasTokenAsync(init)).toBe(signSasToken(init));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("computes the same HMAC as Node's crypto, including non-ASCII and lone surrogates", async () => {
    for (const [key, text] of [
      ["k", ""],
      ["ключ=", "текст\n1"],
      ["\ud800x", "a\udfffb"],
      ["x".repeat(200), "long key beyond the SHA-256 block size"],
    ] as const) {
      expect(await hmacSha256Base64Async(key, text)).toBe(hmacSha256Base64(key, text));
    }
  });

  it("refuses an empty key and a bad expiry", async () => {
    await expect(signSasTokenAsync({ ...VECTOR, key: "" })).rejects.toThrow(RangeError);
    await expect(signSasTokenAsync({ ...VECTOR, expiresAt: 1.5 })).rejects.toThrow(RangeError);
    await expect(signSasTokenAsync({ ...VECTOR, expiresAt: 0 })).rejects.toThrow(RangeError);
  });
});

describe("createAsyncSasTokenProvider", () => {
  it("signs once per lifetime, answers synchronously from the cache, and re-signs before expiry", async () => {
    let now = 1_700_000_000_000;
    const provider = createAsyncSasTokenProvider({
      resourceUri: "https://ns/hub",
      keyName: "k",
      key: "secret",
      ttlSeconds: 3600,
      renewBeforeSeconds: 300,
      now: () => now,
    });
    const pending = provider.getToken();
    expect(pending).toBeInstanceOf(Promise);
    const first = await pending;
    expect(first).toBe(
      signSasToken({ resourceUri: "https://ns/hub", keyName: "k", key: "secret", expiresAt: 1_700_003_600 }),
    );
    for (let i = 0; i < 1000; i++) expect(provider.getToken()).toBe(first);
    expect(provider.signedCount).toBe(1);
    now += (3600 - 301) * 1000;
    expect(provider.getToken()).toBe(first);
    now += 2000;
    const second = await provider.getToken();
    expect(second).not.toBe(first);
    expect(parseSasToken(second)!.se).toBe(String(Math.floor(now / 1000) + 3600));
    expect(provider.signedCount).toBe(2);
  });

  it("shares one signing among concurrent callers", async () => {
    let calls = 0;
    const provider = createAsyncSasTokenProvider({
      resourceUri: "https://ns/hub",
      keyName: "k",
      key: "secret",
      sign: async (init) => {
        calls++;
        await new Promise((r) => setTimeout(r, 10));
        return signSasTokenAsync(init);
      },
    });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => provider.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(calls).toBe(1);
    expect(provider.signedCount).toBe(1);
  });

  it("passes a failed signing to the callers waiting on it, and tries again on the next call", async () => {
    let fail = true;
    const provider = createAsyncSasTokenProvider({
      resourceUri: "https://ns/hub",
      keyName: "k",
      key: "secret",
      sign: (init) => {
        if (fail) throw new Error("no crypto here");
        return signSasToken(init);
      },
    });
    await expect(Promise.resolve(provider.getToken())).rejects.toThrow("no crypto here");
    expect(provider.signedCount).toBe(0);
    fail = false;
    expect(parseSasToken(await provider.getToken())).toBeDefined();
    expect(provider.signedCount).toBe(1);
  });

  it("validates its options and never exposes the key", async () => {
    expect(() =>
      createAsyncSasTokenProvider({ resourceUri: "x", keyName: "k", key: "k", ttlSeconds: 0 }),
    ).toThrow(RangeError);
    const { inspect } = await import("node:util");
    const provider = createAsyncSasTokenProvider({
      resourceUri: "https://ns/h",
      keyName: "k",
      key: "TOPSECRETKEY",
    });
    await provider.getToken();
    expect(inspect(provider, { showHidden: true, depth: 5 })).not.toContain("TOPSECRETKEY");
    expect(JSON.stringify(provider)).not.toContain("TOPSECRETKEY");
  });
});

describe("what the package loads", () => {
  it("imports nothing from Node at load time, so edge bundlers can take it whole", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../src/", import.meta.url);
    const imports = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [
        ...readFileSync(new URL(f, dir), "utf8").matchAll(/^import\s+(?!type\b).*from\s+"([^"]+)"/gm),
      ])
      .map((m) => m[1]);
    expect(imports.filter((specifier) => !specifier!.startsWith("./"))).toEqual([]);
  });
});
