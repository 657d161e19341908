/**
 * The emulator as a daily tool: well-known keys that survive restarts, sample devices and payloads, the
 * request log without secrets, TLS with a generated development certificate, and the shell-safe quoting of the
 * command line's export lines.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NotificationHub, ValidationError } from "@nhub/core";
import { parseConnectionString, signSasToken } from "@nhub/sas";
import { describe, expect, it } from "vitest";
import {
  createDevCertificate,
  type Emulator,
  loadOrCreateDevCertificate,
  SAMPLE_DEVICES,
  shellQuote,
  startEmulator,
  WELL_KNOWN_KEYS,
  wellKnownConnectionString,
} from "../src/index";
import { apple, rawSend } from "./helpers";

const SAMPLES = resolve(__dirname, "../samples");

describe("well-known keys", () => {
  it("keep a saved connection string working after a restart on the same port", async () => {
    const first = await startEmulator({ randomKeys: false });
    const saved = first.connectionString();
    const port = Number(new URL(first.url).port);
    expect(saved).toBe(wellKnownConnectionString({ port }));
    expect(parseConnectionString(saved).sharedAccessKey).toBe(WELL_KNOWN_KEYS.full);
    await first.close();

    const second = await startEmulator({ port, randomKeys: false });
    const hub = new NotificationHub(saved, "myhub", { retry: false });
    try {
      const result = await hub.send(apple("again"), { tags: "sports" });
      expect(result.status).toBe(201);
      expect(second.connectionString({ rule: "listen" })).toContain(WELL_KNOWN_KEYS.listen);
    } finally {
      await hub.close();
      await second.close();
    }
  });

  it("stay off by default (random keys per start) and give way to keys that are given", async () => {
    const random = await startEmulator();
    const mixed = await startEmulator({
      randomKeys: false,
      hubs: [{ name: "myhub", keys: { full: "mine=" } }],
    });
    try {
      expect(random.connectionString()).not.toContain(WELL_KNOWN_KEYS.full);
      expect(mixed.connectionString()).toContain("SharedAccessKey=mine=");
      expect(mixed.connectionString({ rule: "send" })).toContain(WELL_KNOWN_KEYS.send);
    } finally {
      await random.close();
      await mixed.close();
    }
  });

  it("are refused with allowRemote", async () => {
    const error = await startEmulator({ host: "0.0.0.0", allowRemote: true, randomKeys: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).field).toBe("randomKeys");
    expect((error as ValidationError).message).toMatch(/loopback/);
  });
});

describe("sample devices and payloads", () => {
  it("cover every platform plus a template device, and match samples/devices.json", async () => {
    const platforms = new Set(SAMPLE_DEVICES.map((d) => d.platform));
    for (const p of ["apns", "fcmv1", "gcm", "wns", "mpns", "adm", "baidu", "browser", "xiaomi"])
      expect(platforms.has(p as never)).toBe(true);
    expect(SAMPLE_DEVICES.some((d) => d.templates && Object.keys(d.templates).length > 0)).toBe(true);
    expect(JSON.parse(readFileSync(join(SAMPLES, "devices.json"), "utf8"))).toEqual(SAMPLE_DEVICES);
    const emulator = await startEmulator({ sampleDevices: true });
    try {
      expect(
        emulator
          .hub()
          .installations()
          .map((d) => d.installationId),
      ).toEqual(SAMPLE_DEVICES.map((d) => d.installationId));
    } finally {
      await emulator.close();
    }
  });

  it("each sample payload is a send the emulator accepts and delivers", async () => {
    const emulator = await startEmulator({ sampleDevices: true });
    const sends = [
      { file: "apns.json", format: "apple", type: "application/json;charset=utf-8", platform: "apns" },
      { file: "fcmv1.json", format: "fcmv1", type: "application/json;charset=utf-8", platform: "fcmv1" },
      { file: "adm.json", format: "adm", type: "application/json;charset=utf-8", platform: "adm" },
      {
        file: "browser.json",
        format: "browser",
        type: "application/json;charset=utf-8",
        platform: "browser",
      },
      {
        file: "toast.xml",
        format: "windows",
        type: "application/xml",
        platform: "wns",
        headers: { "X-WNS-Type": "wns/toast" },
      },
      { file: "template.json", format: "template", type: "application/json;charset=utf-8", platform: "apns" },
    ];
    try {
      for (const s of sends) {
        emulator.hub().clearDeliveries();
        const res = await rawSend(emulator, {
          format: s.format,
          contentType: s.type,
          body: readFileSync(join(SAMPLES, s.file), "utf8"),
          headers: s.headers,
        });
        expect(res.status, `${s.file}: ${res.text}`).toBe(201);
        const got = emulator.hub().deliveries();
        expect(got.length, s.file).toBeGreaterThan(0);
        expect(got.every((d) => d.platform === s.platform)).toBe(true);
      }
      expect(emulator.hub().deliveries()[0]!.body).toBe('{"aps":{"alert":"Goal! Reds 1 - 0 Blues"}}');
    } finally {
      await emulator.close();
    }
  });
});

describe("request log", () => {
  it("has a time, the route and the delivery count, and no secret from the query or the token", async () => {
    const lines: string[] = [];
    const emulator = await startEmulator({ sampleDevices: true, logger: (l) => lines.push(l) });
    try {
      const token = signSasToken({
        resourceUri: `${emulator.url}myhub`,
        keyName: "DefaultFullSharedAccessSignature",
        key: parseConnectionString(emulator.connectionString()).sharedAccessKey,
        expiresAt: Math.floor(Date.now() / 1000) + 600,
      });
      const sig = /sig=([^&]+)/.exec(token)![1]!;
      const res = await rawSend(
        emulator,
        {
          format: "apple",
          contentType: "application/json;charset=utf-8",
          body: '{"aps":{"alert":"x"}}',
          tags: "sports",
          query: `api-version=2020-06&sig=${sig}&se=1&x%3Dsig=leak`,
        },
        token,
      );
      expect(res.status).toBe(201);
      const line = lines.find((l) => l.includes("POST"))!;
      expect(line).toMatch(
        /^nhub-emulator: \d\d:\d\d:\d\d\.\d{3} POST \/myhub\/messages\/\?api-version=2020-06&sig=…&se=…&… -> 201 \(\d+ ms\) format=apple tags="sports" 2 deliveries$/,
      );
      const text = lines.join("\n");
      expect(text).not.toContain(sig);
      expect(text).not.toContain(decodeURIComponent(sig));
      expect(text).not.toContain("leak");
      expect(text).not.toContain(parseConnectionString(emulator.connectionString()).sharedAccessKey);
    } finally {
      await emulator.close();
    }
  });
});

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    request(url, { ca }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    })
      .on("error", fail)
      .end();
  });
}

describe("https", () => {
  it("serves TLS with a cached development certificate and an sb:// endpoint", async () => {
    const certDir = mkdtempSync(join(tmpdir(), "nhub-cert-"));
    let emulator: Emulator | undefined = await startEmulator({ https: { certDir }, randomKeys: false });
    try {
      expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      const port = Number(new URL(emulator.url).port);
      expect(emulator.connectionString()).toBe(wellKnownConnectionString({ port, https: true }));
      expect(emulator.connectionString()).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+\/;/);
      expect(parseConnectionString(emulator.connectionString()).namespaceUrl).toBe(emulator.url);
      const pem = emulator.certificate!.pem;
      expect(emulator.certificate!.path).toBe(join(certDir, "dev-cert.pem"));
      const hubs = await httpsGet(`${emulator.url}_emulator/hubs`, pem);
      expect(hubs.status).toBe(200);
      await emulator.close();
      // Cached: the next start serves the same certificate, so a trusted one stays trusted.
      emulator = await startEmulator({ https: { certDir } });
      expect(emulator.certificate!.pem).toBe(pem);
      expect(statSync(join(certDir, "dev-key.pem")).mode & 0o077).toBe(0);
      // Without the certificate trusted, TLS refuses the connection.
      await expect(httpsGet(`${emulator.url}_emulator/hubs`, "")).rejects.toThrow();
    } finally {
      await emulator?.close();
    }
  });

  it("uses a certificate it is given", async () => {
    const own = createDevCertificate();
    const emulator = await startEmulator({ https: { cert: own.cert, key: own.key } });
    try {
      expect(emulator.certificate).toEqual({ pem: own.cert });
      expect((await httpsGet(`${emulator.url}_emulator/hubs`, own.cert)).status).toBe(200);
    } finally {
      await emulator.close();
    }
    await expect(startEmulator({ https: { cert: own.cert } })).rejects.toThrow(/https.cert/);
  });

  it("makes a self-signed, non-CA certificate for the loopback names, valid one year, renewed near expiry", () => {
    const dir = mkdtempSync(join(tmpdir(), "nhub-cert-"));
    const now = new Date();
    const made = loadOrCreateDevCertificate(dir, now);
    expect(made.created).toBe(true);
    const x509 = new X509Certificate(made.cert);
    expect(x509.ca).toBe(false);
    expect(x509.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkIssued(x509)).toBe(true);
    const days = (new Date(x509.validTo).getTime() - now.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    expect(x509.checkHost("localhost")).toBe("localhost");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x509.checkHost("example.com")).toBeUndefined();
    expect(loadOrCreateDevCertificate(dir, now)).toMatchObject({ created: false, cert: made.cert });
    const later = new Date(now.getTime() + 365 * 86_400_000);
    const renewed = loadOrCreateDevCertificate(dir, later);
    expect(renewed.created).toBe(true);
    expect(renewed.cert).not.toBe(made.cert);
  });
});

describe("shellQuote", () => {
  it("gives words that bash reads back unchanged", () => {
    const values = [
      "Endpoint=http://x/;SharedAccessKeyName=a;SharedAccessKey=b+/=",
      "it's",
      '$HOME `id` "q" \\',
      "",
    ];
    for (const value of values) {
      const out = execFileSync(
        "bash",
        ["-c", `eval "export V=${shellQuote(value).replace(/["\\$`]/g, "\\$&")}"; printf %s "$V"`],
        {
          encoding: "utf8",
        },
      );
      expect(out).toBe(value);
    }
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
