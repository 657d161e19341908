/** Issue 16's command-line items, run against the built `nhub` binary as a user would. */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./shell";

const ROOT = resolve(__dirname, "../../..");
const BIN = resolve(__dirname, "../dist/bin.js");
const ALERT = ["--payload", '{"aps":{"alert":"Hi"}}'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  cwd?: string,
): Promise<Run> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 30_000, cwd },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
const nhub = (args: string[], env: Record<string, string | undefined> = {}) =>
  run(process.execPath, [BIN, ...args], env);

let emulator: Emulator;
let env: Record<string, string>;
let key: string;
beforeAll(async () => {
  expect(existsSync(BIN), "the CLI must be built first: pnpm build").toBe(true);
  emulator = await startEmulator({
    hubs: ["myhub"],
    devices: [{ installationId: "ios-1", platform: "apns", pushChannel: "aaaa", tags: ["sports"] }],
  });
  const cs = emulator.connectionString();
  key = /SharedAccessKey=([^;]+)/.exec(cs)![1]!;
  env = { NOTIFICATION_HUB_CONNECTION_STRING: cs, NOTIFICATION_HUB_NAME: "myhub" };
});
afterAll(async () => {
  await emulator?.close();
});

function expectNoSecrets(r: Run) {
  expect(`${r.stdout}${r.stderr}`).not.toContain(key);
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/sig=(?!<redacted>)[A-Za-z0-9%]/);
}

describe("help and version", () => {
  it.each([
    [["send", "--help"], /Usage: nhub send <platform>[\s\S]*--dry-run[\s\S]*Examples:/],
    [
      ["send", "apns", "--help"],
      /Platform apns[\s\S]*Payload: JSON with an "aps"[\s\S]*apns-priority[\s\S]*Example:/,
    ],
    [["send", "wns", "-h"], /Platform wns[\s\S]*X-WNS-Type[\s\S]*Example:/],
    [["emulator", "--help"], /--print-env/],
    [["installation", "--help"], /nhub installation put[\s\S]*Examples:/],
    [["installation", "put", "--help"], /nhub installation put/],
    [["demo", "--help"], /Usage: nhub demo/],
    [["help", "send"], /Usage: nhub send <platform>/],
  ])("%j exits 0 with usage", async (args, text) => {
    const r = await nhub(args);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(text);
  });

  it("an unknown option is named with the nearest of the command's options", async () => {
    const r = await nhub(["send", "apns", "--paylod", "{}"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option "--paylod"; did you mean --payload?');
    expect(r.stderr).toContain('Run "nhub send --help"');
    const put = await nhub(["installation", "put", "--chanel", "x"], env);
    expect(put.stderr).toContain("did you mean --channel?");
  });

  it("an option that may be a secret is neither echoed nor matched", async () => {
    const r = await nhub(["send", "apns", ...ALERT, `--${key.replace(/[^A-Za-z0-9]/g, "")}`], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option \(not shown/);
    expect(r.stderr).not.toContain("did you mean");
    expectNoSecrets(r);
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(resolve(__dirname, "../package.json"), "utf8")) as {
      version: string;
    };
    const r = await nhub(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });
});

describe("--header goes through the platform's rules", () => {
  it.each([
    ["apns-priority: 7", /headers\.apns-priority: "7" is not an APNs priority.*\(rule: enum\)/],
    [`apns-collapse-id: ${"a".repeat(100)}`, /headers\.apns-collapse-id: .*64 bytes.*\(rule: max-bytes\)/],
    [
      "apns-push-type: voip",
      /headers\.apns-push-type: a "voip" push shows no alert.*\(rule: push-type-mismatch\)/,
    ],
  ])("%s is refused with exit 2 before anything is sent", async (header, message) => {
    const before = emulator.hub().requests().length;
    const r = await nhub(["send", "apns", ...ALERT, "--header", header], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(emulator.hub().requests().length).toBe(before);
  });

  it("a valid platform header is sent", async () => {
    const r = await nhub(["send", "apns", ...ALERT, "--header", "apns-priority: 5", "--dry-run"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apns-priority: 5$/m);
  });
});

describe("network errors", () => {
  it("a name that does not resolve names the host, says what to check and is not retried", async () => {
    const r = await nhub(["send", "apns", ...ALERT], {
      NOTIFICATION_HUB_CONNECTION_STRING: `Endpoint=sb://nosuch-namespace.invalid/;SharedAccessKeyName=a;SharedAccessKey=${key}`,
      NOTIFICATION_HUB_NAME: "myhub",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cannot resolve nosuch-namespace\.invalid \((ENOTFOUND|EAI_AGAIN)\): check the namespace/,
    );
    if (r.stderr.includes("ENOTFOUND")) expect(r.stderr).not.toMatch(/retry/);
    expectNoSecrets(r);
  });

  it("a refused connection names the host and port", async () => {
    const port = await freePort();
    const r = await nhub(["send", "apns", ...ALERT], {
      NOTIFICATION_HUB_CONNECTION_STRING: `Endpoint=http://127.0.0.1:${port}/;SharedAccessKeyName=a;SharedAccessKey=${key}`,
      NOTIFICATION_HUB_NAME: "myhub",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`nothing is listening on 127.0.0.1:${port} (ECONNREFUSED)`);
    expectNoSecrets(r);
  });

  it("https against the plain-http emulator hints at the scheme", async () => {
    const cs = env.NOTIFICATION_HUB_CONNECTION_STRING!.replace("Endpoint=http://", "Endpoint=https://");
    const r = await nhub(["send", "apns", ...ALERT], { ...env, NOTIFICATION_HUB_CONNECTION_STRING: cs });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed.*is it plain http\?/);
    expectNoSecrets(r);
  });

  it("a 401 says to check the key name and key without printing them, and the tracking id once", async () => {
    const wrong = env.NOTIFICATION_HUB_CONNECTION_STRING!.replace(key, "d3JvbmdrZXk=");
    const r = await nhub(["send", "apns", ...ALERT], { ...env, NOTIFICATION_HUB_CONNECTION_STRING: wrong });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /answered 401.*check the key name \(SharedAccessKeyName\) and the key \(SharedAccessKey\)/,
    );
    expect(r.stderr).not.toContain("d3JvbmdrZXk");
    expect(r.stderr).not.toContain("DefaultFullSharedAccessSignature");
    const ids = r.stderr.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("--dry-run", () => {
  let server: Server;
  let seen = 0;
  let origin = "";
  beforeAll(async () => {
    server = createServer((_req, res) => {
      seen++;
      res.writeHead(201).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("prints the exact request with the signature redacted and sends nothing", async () => {
    const r = await nhub(["send", "apns", ...ALERT, "--tags", "sports", "--dry-run"], {
      NOTIFICATION_HUB_CONNECTION_STRING: `Endpoint=${origin}/;SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=${key}`,
      NOTIFICATION_HUB_NAME: "myhub",
    });
    expect(r.code).toBe(0);
    expect(seen).toBe(0);
    const [head, body] = r.stdout.split("\n\n");
    const [requestLine, ...headers] = head!.split("\n");
    expect(requestLine).toBe(`POST ${origin}/myhub/messages/?api-version=2020-06`);
    expect(headers).toContain("ServiceBusNotification-Format: apple");
    expect(headers).toContain("ServiceBusNotification-Tags: sports");
    expect(headers).toContain("apns-push-type: alert");
    expect(headers.find((h) => h.startsWith("Authorization: SharedAccessSignature "))).toMatch(
      /sig=<redacted>/,
    );
    expect(body).toBe('{"aps":{"alert":"Hi"}}\n');
    expect(r.stderr).toContain("dry run: nothing was sent");
    expectNoSecrets(r);
  });
});

describe("secrets on the command line", () => {
  it("--connection-string with a key warns once on stderr; the environment variable does not", async () => {
    const cs = env.NOTIFICATION_HUB_CONNECTION_STRING!;
    const given = await nhub([
      "send",
      "apns",
      ...ALERT,
      "--dry-run",
      "--connection-string",
      cs,
      "--hub",
      "myhub",
    ]);
    expect(given.code).toBe(0);
    const warnings = given.stderr.split("\n").filter((l) => l.startsWith("nhub: warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("NOTIFICATION_HUB_CONNECTION_STRING");
    expectNoSecrets(given);
    const fromEnv = await nhub(["send", "apns", ...ALERT, "--dry-run"], env);
    expect(fromEnv.stderr).not.toContain("warning");
  });

  it("pnpm --silent nhub runs the CLI without echoing its arguments", async () => {
    const r = await run("pnpm", ["--silent", "nhub", "send", "apns", ...ALERT, "--dry-run"], env, ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^POST http:/);
    expect(r.stderr).not.toContain("node scripts/nhub.mjs");
    expect(r.stderr).not.toContain('{"aps"');
  });
});

describe("the root launcher", () => {
  it("in a clone that is not built says to build, with exit 1 and no stack trace", async () => {
    const clone = mkdtempSync(join(tmpdir(), "nhub-clone-"));
    mkdirSync(join(clone, "scripts"));
    copyFileSync(join(ROOT, "scripts/nhub.mjs"), join(clone, "scripts/nhub.mjs"));
    const r = await run(process.execPath, [join(clone, "scripts/nhub.mjs"), "--version"], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run `pnpm build` first");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("in a built clone runs the CLI with its arguments", async () => {
    const r = await run(process.execPath, [join(ROOT, "scripts/nhub.mjs"), "send", "--help"], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: nhub send");
  });
});
