/**
 * `nhub send` reads the platform descriptors: every platform package's descriptor is a `nhub send` platform,
 * browser and Xiaomi included, and `--help` lists them. Runs the built binary against the emulator.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { admPlatform } from "@nhub/platform-adm";
import { applePlatform } from "@nhub/platform-apns";
import { baiduPlatform } from "@nhub/platform-baidu";
import { browserPlatform } from "@nhub/platform-browser";
import { fcmLegacyPlatform, fcmV1Platform } from "@nhub/platform-fcm";
import { mpnsPlatform } from "@nhub/platform-mpns";
import { windowsPlatform } from "@nhub/platform-wns";
import { xiaomiPlatform } from "@nhub/platform-xiaomi";
import { templatePlatform } from "@nhub/template";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_NAMES, platformEntry } from "../src/platforms";

const BIN = resolve(__dirname, "../dist/bin.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function nhub(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const DESCRIPTORS = [
  applePlatform,
  fcmV1Platform,
  fcmLegacyPlatform,
  windowsPlatform,
  mpnsPlatform,
  admPlatform,
  baiduPlatform,
  browserPlatform,
  xiaomiPlatform,
  templatePlatform,
];

let emulator: Emulator;
let env: Record<string, string>;
beforeAll(async () => {
  expect(existsSync(BIN), "the CLI must be built first: pnpm build").toBe(true);
  emulator = await startEmulator({
    hubs: ["myhub"],
    devices: [
      {
        installationId: "web-1",
        platform: "browser",
        pushChannel: {
          endpoint: "https://push.example/web-1",
          p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
          auth: "tBHItJI5svbpez7KI4CCXg",
        },
        tags: ["web"],
      },
      { installationId: "mi-1", platform: "xiaomi", pushChannel: "mi-reg-1", tags: ["mi"] },
      { installationId: "mi-2", platform: "xiaomi", pushChannel: "mi-reg-2", tags: ["other"] },
    ],
  });
  env = { NOTIFICATION_HUB_CONNECTION_STRING: emulator.connectionString(), NOTIFICATION_HUB_NAME: "myhub" };
});
afterAll(async () => {
  await emulator?.close();
});

describe("the CLI's platforms come from the descriptors", () => {
  it("accepts every descriptor's name, aliases and format, and no other platform names", () => {
    const expected = DESCRIPTORS.flatMap((d) => [d.name, ...(d.aliases ?? []), d.format]);
    expect(new Set(PLATFORM_NAMES)).toEqual(new Set(expected));
    for (const d of DESCRIPTORS) {
      for (const name of [d.name, ...(d.aliases ?? []), d.format])
        expect(platformEntry(name)?.name).toBe(d.name);
    }
    expect(platformEntry("fcm")?.name).toBe("fcm-v1");
    expect(platformEntry("__proto__")).toBeUndefined();
    expect(platformEntry("toString")).toBeUndefined();
  });

  it("lists every descriptor in --help", async () => {
    const help = await nhub(["--help"]);
    expect(help.code).toBe(0);
    for (const d of DESCRIPTORS) expect(help.stdout).toMatch(new RegExp(`^  ${d.name}\\b`, "m"));
    expect(help.stdout).toMatch(/^ {2}fcm-v1 \(also fcm, fcmv1\)$/m);
  });

  it("sends a browser notification from JSON text to the subscribed browser", async () => {
    emulator.hub().clearDeliveries();
    const run = await nhub(
      [
        "send",
        "browser",
        "--payload",
        '{"title":"Hello","body":"from nhub","data":{"url":"/inbox"}}',
        "--tags",
        "web",
      ],
      env,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { status: number }).status).toBe(201);
    const last = emulator.hub().requests().at(-1)!;
    expect(last.format).toBe("browser");
    expect(last.tags).toBe("web");
    const deliveries = emulator.hub().deliveries();
    expect(deliveries.map((d) => d.installationId)).toEqual(["web-1"]);
    expect(JSON.parse(deliveries[0]!.body)).toEqual({
      title: "Hello",
      body: "from nhub",
      data: { url: "/inbox" },
    });
  });

  it("refuses a browser payload that is not a JSON object, before sending", async () => {
    const before = emulator.hub().requests().length;
    const notJson = await nhub(["send", "browser", "--payload", "Hello"], env);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/--payload is not valid JSON for browser/);
    const array = await nhub(["send", "browser", "--payload", "[1,2]"], env);
    expect(array.code).not.toBe(0);
    expect(array.stderr).toMatch(/payload/);
    expect(emulator.hub().requests().length).toBe(before);
  });

  it("sends a Xiaomi message to a tag, by its name and by its format", async () => {
    emulator.hub().clearDeliveries();
    const run = await nhub(
      [
        "send",
        "xiaomi",
        "--payload",
        '{"title":"Hello","description":"from nhub","pass_through":0}',
        "--tag",
        "mi",
      ],
      env,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const last = emulator.hub().requests().at(-1)!;
    expect(last.format).toBe("xiaomi");
    expect(last.tags).toBe("mi");
    const deliveries = emulator.hub().deliveries();
    expect(deliveries.map((d) => d.installationId)).toEqual(["mi-1"]);
    expect(JSON.parse(deliveries[0]!.body)).toEqual({
      title: "Hello",
      description: "from nhub",
      pass_through: 0,
    });
  });
});
