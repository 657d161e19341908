import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evalExports } from "./shell";

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

let emulator: Emulator;
let env: Record<string, string>;
let key: string;
beforeAll(async () => {
  expect(existsSync(BIN), "the CLI must be built first: pnpm build").toBe(true);
  emulator = await startEmulator({
    hubs: ["myhub"],
    devices: [
      { installationId: "ios-1", platform: "apns", pushChannel: "aaaa", tags: ["sports"] },
      { installationId: "ios-2", platform: "apns", pushChannel: "bbbb", tags: ["politics"] },
      { installationId: "win-1", platform: "wns", pushChannel: "https://wns.example/1", tags: ["sports"] },
    ],
  });
  const cs = emulator.connectionString();
  key = /SharedAccessKey=([^;]+)/.exec(cs)![1]!;
  env = { NOTIFICATION_HUB_CONNECTION_STRING: cs, NOTIFICATION_HUB_NAME: "myhub" };
});
afterAll(async () => {
  await emulator?.close();
});

function expectNoSecrets(run: Run) {
  expect(run.stdout).not.toContain(key);
  expect(run.stderr).not.toContain(key);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/sig=(?!<redacted>)[A-Za-z0-9%]/);
}

describe("nhub send", () => {
  it("sends an APNs notification to a tag expression and prints the result as JSON", async () => {
    emulator.hub().clearDeliveries();
    const run = await nhub(
      ["send", "apns", "--payload", '{"aps":{"alert":"Hello!"}}', "--tags", "sports && !politics"],
      env,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: number; notificationId: string; trackingId: string };
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    expect(result.trackingId).toBeTruthy();
    const deliveries = emulator.hub().deliveries();
    expect(deliveries.map((d) => d.installationId)).toEqual(["ios-1"]);
    expect(JSON.parse(deliveries[0]!.body)).toEqual({ aps: { alert: "Hello!" } });
    expectNoSecrets(run);
  });

  it("reads the payload from a file, OR-joins --tag and accepts the service's format names", async () => {
    emulator.hub().clearDeliveries();
    const dir = mkdtempSync(join(tmpdir(), "nhub-cli-"));
    writeFileSync(
      join(dir, "toast.xml"),
      '<toast><visual><binding template="ToastText01"><text id="1">Hi</text></binding></visual></toast>',
    );
    const run = await nhub(
      ["send", "windows", "--payload", `@${join(dir, "toast.xml")}`, "--tag", "sports", "--tag", "politics"],
      env,
    );
    expect(run.code).toBe(0);
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.installationId),
    ).toEqual(["win-1"]);
    const last = emulator.hub().requests().at(-1)!;
    expect(last.tags).toBe("sports || politics");
  });

  it("--test prints the outcome, --debug dumps the exchange to stderr with the signature redacted", async () => {
    const run = await nhub(
      [
        "send",
        "apns",
        "--payload",
        '{"aps":{"alert":"Hi"}}',
        "--tags",
        "sports",
        "--debug",
        "--header",
        "apns-collapse-id: c1",
      ],
      env,
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { outcome: { success: number } };
    expect(result.outcome.success).toBe(1);
    expect(run.stderr).toContain("--- nhub request ---");
    expect(run.stderr).toContain("test=true");
    expect(run.stderr).toContain("apns-collapse-id: c1");
    expect(run.stderr).toContain("sig=<redacted>");
    expectNoSecrets(run);
  });

  it.each([
    [["send", "carrier-pigeon", "--payload", "{}"], /unknown platform "carrier-pigeon"/],
    [["send", "apns", "--payload", "{not json"], /--payload is not valid JSON/],
    [["send", "apns"], /--payload is required/],
    [["send", "apns", "--payload", '{"alert":"no aps"}'], /aps/],
    [["send", "apns", "--payload", '{"aps":{"alert":"x"}}', "--tags", "a &&"], /tags/],
    [["send", "apns", "--payload", "@/nonexistent/file.json"], /cannot read payload file/],
    [["launch"], /unknown command "launch"/],
  ])("refuses %j with exit code 2 and a one-line error", async (args, message) => {
    const run = await nhub(args, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toMatch(/^nhub: /);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expectNoSecrets(run);
  });

  it("never echoes a value that may be a secret: stray positionals, commands, platforms, headers, options", async () => {
    const cs = env.NOTIFICATION_HUB_CONNECTION_STRING!;
    const payload = ["--payload", '{"aps":{"alert":"x"}}'];
    const cases: Array<[string[], RegExp]> = [
      [
        ["send", "apns", cs, ...payload],
        /unexpected positional argument 2 \(not shown: it may hold a secret\)/,
      ],
      [["emulator", cs], /unexpected positional argument 1 \(not shown/],
      [[cs], /unknown command \(not shown: it may hold a secret\)/],
      [["send", cs, ...payload], /unknown platform \(not shown/],
      [["send", "apns", ...payload, "--header", `X-Secret${key}`], /--header 1 is not "Name: value"/],
      [["send", "apns", ...payload, `--${key.replace(/=+$/, "")}`], /unknown option \(not shown/],
      [["send", "apns", ...payload, "--hub", cs], /hubName/],
      [
        ["send", "apns", ...payload, "--connection-string", cs.replace("Endpoint=", `Endpoint=${key}`)],
        /Endpoint/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await nhub(args, env);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expectNoSecrets(run);
      expect(run.stderr).not.toContain(key.slice(0, 12));
    }
  });

  it("says what is missing when no connection string is configured", async () => {
    const run = await nhub(["send", "apns", "--payload", '{"aps":{"alert":"x"}}'], {
      NOTIFICATION_HUB_NAME: "myhub",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("NOTIFICATION_HUB_CONNECTION_STRING");
  });

  it("exits 1 with the service's answer when the hub refuses, and prints no secret or stack", async () => {
    const wrong = env.NOTIFICATION_HUB_CONNECTION_STRING!.replace(key, "d3JvbmdrZXk=");
    const run = await nhub(
      ["send", "apns", "--payload", '{"aps":{"alert":"x"}}', "--connection-string", wrong],
      env,
    );
    expect(run.code).toBe(1);
    // The key on the command line earns a warning line first; the failure is then one line.
    const [warning, ...failure] = run.stderr.trim().split("\n");
    expect(warning).toMatch(/^nhub: warning: --connection-string/);
    expect(failure.join("\n")).toMatch(/^nhub: the hub answered 401/);
    expect(failure).toHaveLength(1);
    expectNoSecrets(run);
    const verbose = await nhub(
      ["send", "apns", "--payload", '{"aps":{"alert":"x"}}', "--connection-string", wrong, "--verbose"],
      env,
    );
    expect(verbose.stderr).toMatch(/\n\s+at /);
    expectNoSecrets(verbose);
  });

  it("prints help and version", async () => {
    const help = await nhub(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("nhub send <platform>");
    const version = await nhub(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await nhub([])).code).toBe(2);
  });
});

describe("nhub emulator", () => {
  it("prints its connection string, serves sends and stops on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nhub-cli-"));
    const devices = join(dir, "devices.json");
    writeFileSync(
      devices,
      JSON.stringify([{ installationId: "d1", platform: "adm", pushChannel: "amzn1.x", tags: ["kindle"] }]),
    );
    const child: ChildProcess = spawn(
      process.execPath,
      [BIN, "emulator", "--port", "0", "--devices", devices],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    await new Promise<void>((ready) =>
      child.stdout!.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes("NOTIFICATION_HUB_NAME=")) ready();
      }),
    );
    const vars = evalExports(stdout);
    expect(vars.NOTIFICATION_HUB_CONNECTION_STRING).toMatch(
      /^Endpoint=http:\/\/127\.0\.0\.1:\d+\/;SharedAccessKeyName=/,
    );
    expect(vars.NOTIFICATION_HUB_NAME).toBe("myhub");
    const run = await nhub(
      ["send", "adm", "--payload", '{"data":{"msg":"Hello!"}}', "--tag", "kindle"],
      vars,
    );
    expect(run.code).toBe(0);
    const origin = /Endpoint=(http:\/\/[^/]+)\//.exec(vars.NOTIFICATION_HUB_CONNECTION_STRING!)![1];
    const deliveries = (await (await fetch(`${origin}/_emulator/hubs/myhub/deliveries`)).json()) as Array<{
      installationId: string;
    }>;
    expect(deliveries.map((d) => d.installationId)).toEqual(["d1"]);
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stderr).toContain("listening on");
  });
});
