/**
 * The emulator's formats, content types and payload limits are the platform descriptors': every
 * `@nhub/platform-*` package's descriptor is in `EMULATOR_PLATFORMS`, each of its content types is taken and no
 * other, its `maxBytes` is the limit (where the service has no rule of its own), and a descriptor passed in
 * `platforms` is taken end to end.
 */
import { readdirSync } from "node:fs";
import {
  createNotification,
  definePlatform,
  definePlatformSend,
  NotificationHub,
  type PlatformDefinition,
  ValidationError,
} from "@nhub/core";
import { applePlatform } from "@nhub/platform-apns";
import { xiaomiPlatform } from "@nhub/platform-xiaomi";
import { templatePlatform } from "@nhub/template";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EMULATOR_PLATFORMS,
  type Emulator,
  type EmulatorPlatform,
  FORMAT_PLATFORMS,
  SEND_FORMATS,
  startEmulator,
} from "../src/index";
import { errorParts, rawSend } from "./helpers";

type Descriptor = PlatformDefinition<unknown, unknown>;

function isDescriptor(value: unknown): value is Descriptor {
  return typeof value === "object" && value !== null && "specificationVersion" in value && "format" in value;
}

const packagesDir = new URL("../../", import.meta.url);
const platformDirs = readdirSync(packagesDir)
  .filter((name) => name.startsWith("platform-"))
  .sort();

/** Every descriptor every `@nhub/platform-*` package exports, read from the sources as the tests run. */
async function packageDescriptors(): Promise<Descriptor[]> {
  const found: Descriptor[] = [];
  for (const dir of platformDirs) {
    const exports = (await import(new URL(`${dir}/src/index.ts`, packagesDir).href)) as Record<
      string,
      unknown
    >;
    found.push(...Object.values(exports).filter(isDescriptor));
  }
  return found;
}

/** The platform headers a well-formed send of `format` in `contentType` needs. */
function headersFor(format: string, contentType: string): Record<string, string> {
  if (format === "windows")
    return { "X-WNS-Type": contentType === "application/octet-stream" ? "wns/raw" : "wns/toast" };
  if (format === "windowsphone") return { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" };
  return {};
}

/** A well-formed body of exactly `size` bytes for a content type: a JSON object, an XML element, or text. */
function bodyOf(contentType: string, size: number): string {
  if (/json/.test(contentType)) return JSON.stringify({ p: "x".repeat(size - 8) });
  if (/xml/.test(contentType)) return `<toast>${"x".repeat(size - 15)}</toast>`;
  return "x".repeat(size);
}

describe("EMULATOR_PLATFORMS", () => {
  it("is every platform package's descriptor, so no package is left out and none is copied", async () => {
    const descriptors = await packageDescriptors();
    expect(descriptors.length).toBeGreaterThanOrEqual(platformDirs.length);
    const byFormat = (list: readonly EmulatorPlatform[]) => new Map(list.map((d) => [d.format, d] as const));
    const listed = byFormat(EMULATOR_PLATFORMS);
    expect([...listed.keys()].sort()).toEqual(descriptors.map((d) => d.format).sort());
    for (const d of descriptors) {
      // The very objects the packages export: their content types and limits cannot drift from a copy.
      expect(listed.get(d.format)?.contentTypes).toBe(d.contentTypes);
      expect(listed.get(d.format)?.maxBytes).toBe(d.maxBytes);
    }
  });

  it("gives SEND_FORMATS: the descriptors' formats in order, then the service's template", () => {
    expect(SEND_FORMATS).toEqual([...EMULATOR_PLATFORMS.map((d) => d.format), templatePlatform.format]);
  });

  it("pairs every descriptor's format with an installation platform of the service", () => {
    for (const d of EMULATOR_PLATFORMS) expect(FORMAT_PLATFORMS[d.format], d.format).toBeDefined();
  });
});

describe("an emulator with the default platforms", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("takes every content type of every descriptor, and refuses one no descriptor of the format lists", async () => {
    for (const d of [...EMULATOR_PLATFORMS, templatePlatform]) {
      for (const contentType of d.contentTypes) {
        const res = await rawSend(emulator, {
          format: d.format,
          contentType,
          headers: headersFor(d.format, contentType),
          body: bodyOf(contentType, 64),
        });
        expect(res.status, `${d.format} ${contentType}: ${res.text}`).toBe(201);
      }
      const res = await rawSend(emulator, {
        format: d.format,
        contentType: "application/vnd.nhub-unknown",
        headers: headersFor(d.format, d.contentTypes[0]!),
        body: bodyOf(d.contentTypes[0]!, 64),
      });
      expect(res.status, d.format).toBe(400);
      expect(errorParts(res.text).detail).toContain(`is not valid for format "${d.format}"`);
    }
  });

  // The service's own limits, where they are not the descriptor's maxBytes (see platformLimit).
  const serviceLimits: Readonly<Record<string, string>> = {
    apple: "4096 for every push type but voip, whose limit is the descriptor's",
    windowsphone: "1024 for raw notifications; toasts and tiles unverified",
    baidu: "unverified",
    xiaomi: "unverified",
  };

  it("refuses a payload one byte over a descriptor's maxBytes with 403, and takes one at it", async () => {
    const checked: string[] = [];
    for (const d of EMULATOR_PLATFORMS) {
      const voip = d.format === "apple";
      if (d.format in serviceLimits && !voip) continue;
      const contentType = d.contentTypes[0]!;
      const headers = { ...headersFor(d.format, contentType), ...(voip ? { "apns-push-type": "voip" } : {}) };
      const at = await rawSend(emulator, {
        format: d.format,
        contentType,
        headers,
        body: bodyOf(contentType, d.maxBytes),
      });
      expect(at.status, `${d.format} at ${d.maxBytes}: ${at.text}`).toBe(201);
      const over = await rawSend(emulator, {
        format: d.format,
        contentType,
        headers,
        body: bodyOf(contentType, d.maxBytes + 1),
      });
      expect(over.status, d.format).toBe(403);
      expect(errorParts(over.text).detail).toContain(
        `${FORMAT_PLATFORMS[d.format]} takes at most ${d.maxBytes}`,
      );
      checked.push(d.format);
    }
    expect(checked).toEqual(["apple", "fcmv1", "gcm", "windows", "adm", "browser"]);
  });
});

describe("a platform passed in `platforms`", () => {
  const ACME_TYPE = "application/vnd.acme+json";
  const createAcme = (payload: { readonly text: string }) =>
    createNotification({ format: "acme", contentType: ACME_TYPE, body: JSON.stringify(payload) });
  const acmePlatform = definePlatform({
    specificationVersion: 1,
    name: "acme",
    format: "acme",
    contentTypes: [ACME_TYPE, "text/plain"],
    maxBytes: 64,
    create: createAcme,
    send: definePlatformSend(createAcme),
  });

  let emulator: Emulator;
  let hub: NotificationHub;
  beforeAll(async () => {
    emulator = await startEmulator({
      // Its format is no installation platform's name, so it says whose devices it reaches.
      platforms: [...EMULATOR_PLATFORMS, { ...acmePlatform, installationPlatform: "xiaomi" }],
      devices: [{ installationId: "mi-1", platform: "xiaomi", pushChannel: "mi-regid-1", tags: ["news"] }],
    });
    hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
  });
  afterAll(async () => {
    await hub.close();
    await emulator.close();
  });

  it("is routed and recorded end to end: a send from its package reaches the device", async () => {
    await acmePlatform.send(hub, { text: "hello" }, "news");
    const [delivery, ...rest] = emulator.hub().deliveries();
    expect(rest).toEqual([]);
    expect(delivery).toMatchObject({
      installationId: "mi-1",
      platform: "xiaomi",
      pushChannel: "mi-regid-1",
      format: "acme",
      headers: { "content-type": ACME_TYPE },
      body: '{"text":"hello"}',
    });
    const logged = emulator.hub().requests().at(-1);
    expect(logged?.status).toBe(201);
  });

  it("takes its other content type and refuses any it does not list", async () => {
    const ok = await rawSend(emulator, { format: "acme", contentType: "text/plain", body: '{"a":"b"}' });
    expect(ok.status, ok.text).toBe(201);
    const res = await rawSend(emulator, { format: "acme", contentType: "application/json", body: "{}" });
    expect(res.status).toBe(400);
    expect(errorParts(res.text).detail).toContain(`use ${ACME_TYPE} or text/plain`);
  });

  it("checks its body as its usual content type says (JSON) and enforces its maxBytes", async () => {
    const notJson = await rawSend(emulator, { format: "acme", contentType: ACME_TYPE, body: "<a/>" });
    expect(notJson.status).toBe(400);
    expect(errorParts(notJson.text).detail).toContain("not well-formed JSON");
    const big = await rawSend(emulator, { format: "acme", contentType: ACME_TYPE, body: bodyOf("json", 65) });
    expect(big.status).toBe(403);
    expect(errorParts(big.text).detail).toContain("acme takes at most 64");
  });

  it("is listed with the others when a send names an unknown format", async () => {
    const res = await rawSend(emulator, { format: "nope", contentType: ACME_TYPE, body: "{}" });
    expect(res.status).toBe(400);
    expect(errorParts(res.text).detail).toContain(
      `use one of ${[...SEND_FORMATS.slice(0, -1), "acme", "template"].join(", ")}`,
    );
  });

  it("is refused by an emulator that was not given it", async () => {
    const plain = await startEmulator();
    try {
      const res = await rawSend(plain, { format: "acme", contentType: ACME_TYPE, body: "{}" });
      expect(res.status).toBe(400);
      expect(errorParts(res.text).detail).toContain('"acme" is not supported');
    } finally {
      await plain.close();
    }
  });

  it("leaves a device's templates to its own platform's descriptor, wherever the new one is listed", async () => {
    const first = await startEmulator({
      platforms: [{ ...acmePlatform, installationPlatform: "xiaomi" }, ...EMULATOR_PLATFORMS],
      devices: [
        {
          installationId: "mi-2",
          platform: "xiaomi",
          pushChannel: "mi-regid-2",
          templates: { hello: { body: '{"text":"$(greeting)"}' } },
        },
      ],
    });
    try {
      const res = await rawSend(first, {
        format: "template",
        contentType: "application/json",
        body: '{"greeting":"hi"}',
      });
      expect(res.status, res.text).toBe(201);
      expect(first.hub().deliveries()).toMatchObject([
        {
          format: "template",
          body: '{"text":"hi"}',
          headers: { "content-type": xiaomiPlatform.contentTypes[0] },
        },
      ]);
    } finally {
      await first.close();
    }
  });

  it("replaces the defaults: an emulator given only APNs refuses FCM v1, and still takes templates", async () => {
    const apnsOnly = await startEmulator({ platforms: [applePlatform] });
    try {
      const fcm = await rawSend(apnsOnly, { format: "fcmv1", contentType: "application/json", body: "{}" });
      expect(fcm.status).toBe(400);
      expect(errorParts(fcm.text).detail).toContain("use one of apple, template");
      const template = await rawSend(apnsOnly, {
        format: "template",
        contentType: "application/json",
        body: "{}",
      });
      expect(template.status).toBe(201);
    } finally {
      await apnsOnly.close();
    }
  });
});

describe("the platforms option is checked before the emulator starts", () => {
  const base = { name: "acme", format: "acme", contentTypes: ["application/json"], maxBytes: 10 };
  const cases: ReadonlyArray<[string, readonly EmulatorPlatform[], string, string]> = [
    ["a format listed twice", [applePlatform, applePlatform], "platforms.1.format", "unique"],
    ["the service's template format", [{ ...base, format: "template" }], "platforms.0.format", "reserved"],
    ["a format that is no format name", [{ ...base, format: "Acme" }], "platforms.0.format", "format-name"],
    ["no content type", [{ ...base, contentTypes: [] }], "platforms.0.contentTypes", "required"],
    [
      "a content type with a line break",
      [{ ...base, contentTypes: ["a/b\r\nx: y"] }],
      "platforms.0.contentTypes.0",
      "type",
    ],
    ["a limit over 64 KB", [{ ...base, maxBytes: 64 * 1024 + 1 }], "platforms.0.maxBytes", "range"],
    ["a format no installation platform pairs with", [base], "platforms.0.installationPlatform", "required"],
    [
      "an unknown installation platform",
      [{ ...base, installationPlatform: "pager" as never }],
      "platforms.0.installationPlatform",
      "platform",
    ],
    [
      "a format named like an Object member",
      [{ ...base, format: "constructor" }],
      "platforms.0.installationPlatform",
      "required",
    ],
  ];
  for (const [what, platforms, field, rule] of cases) {
    it(`refuses ${what}`, async () => {
      const error = await startEmulator({ platforms }).then(
        async (emulator) => {
          await emulator.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(ValidationError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ field, rule });
    });
  }

  it("takes a format named like an installation platform without being told where it goes", async () => {
    const emulator = await startEmulator({ platforms: [{ ...base, format: "xiaomi" }] });
    try {
      const res = await rawSend(emulator, { format: "xiaomi", contentType: "application/json", body: "{}" });
      expect(res.status).toBe(201);
    } finally {
      await emulator.close();
    }
  });
});
