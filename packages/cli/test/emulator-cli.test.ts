/**
 * `nhub emulator` (and the `nhub-emulator` bin it delegates to) and `nhub installation`, run as a user would:
 * the built binaries in child processes, their output `eval`-ed by bash.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SAMPLE_DEVICES, WELL_KNOWN_KEYS, wellKnownConnectionString } from "@nhub/emulator";
import { beforeAll, describe, expect, it } from "vitest";
import { evalExports, freePort, runUntilReady } from "./shell";

const NHUB = resolve(__dirname, "../dist/bin.js");
const EMULATOR_BIN = resolve(__dirname, "../../emulator/dist/bin.js");
const SAMPLES = resolve(__dirname, "../../emulator/samples");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const nhub = (args: string[], env?: Record<string, string | undefined>) => run(NHUB, args, env);

beforeAll(() => {
  expect(existsSync(NHUB), "build first: pnpm build").toBe(true);
  expect(existsSync(EMULATOR_BIN), "build first: pnpm build").toBe(true);
});

describe("nhub emulator --print-env", () => {
  it("prints export lines that bash evals into the well-known connection string, and starts nothing", async () => {
    const printed = await nhub(["emulator", "--print-env", "--port", "10333", "--hub", "team"]);
    expect(printed.code).toBe(0);
    expect(printed.stderr).toBe("");
    expect(printed.stdout).toBe(
      `export NOTIFICATION_HUB_CONNECTION_STRING='${wellKnownConnectionString({ port: 10333 })}'\nexport NOTIFICATION_HUB_NAME='team'\n`,
    );
    const vars = evalExports(printed.stdout);
    // The ";" inside the single quotes does not end the command: the whole string arrives.
    expect(vars.NOTIFICATION_HUB_CONNECTION_STRING).toBe(
      `Endpoint=http://127.0.0.1:10333/;SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=${WELL_KNOWN_KEYS.full}`,
    );
    expect(vars.NOTIFICATION_HUB_NAME).toBe("team");
    const refused = await fetch("http://127.0.0.1:10333/").then(
      () => "answered",
      () => "refused",
    );
    expect(refused).toBe("refused");
  });

  it("matches what a running emulator on that port accepts, across restarts", async () => {
    const port = await freePort();
    const printed = evalExports((await nhub(["emulator", "--print-env", "--port", String(port)])).stdout);
    const first = await runUntilReady(NHUB, ["emulator", "--port", String(port), "--sample-devices"]);
    const running = evalExports(first.stdout());
    expect(running).toEqual(printed);
    expect(await first.stop()).toBe(0);

    const second = await runUntilReady(NHUB, ["emulator", "--port", String(port), "--sample-devices"]);
    try {
      const sent = await nhub(
        ["send", "apns", "--payload", `@${join(SAMPLES, "apns.json")}`, "--tag", "sports"],
        printed,
      );
      expect(sent.stderr).toBe("");
      expect(JSON.parse(sent.stdout).status).toBe(201);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    // One request line: time, method, path, status, route and count, and no secret.
    const log = second.stderr();
    expect(log).toMatch(
      /\d\d:\d\d:\d\d\.\d{3} POST \/myhub\/messages\/\?api-version=2020-06 -> 201 \(\d+ ms\) format=apple tags="sports" 2 deliveries/,
    );
    expect(log).not.toContain(WELL_KNOWN_KEYS.full);
    expect(log).not.toMatch(/SharedAccessSignature|sig=/);
  });

  it("gives a curl-ready Authorization value with --print-token", async () => {
    const port = await freePort();
    const emulator = await runUntilReady(EMULATOR_BIN, [
      "--port",
      String(port),
      "--sample-devices",
      "--quiet",
    ]);
    try {
      const token = await run(EMULATOR_BIN, ["--print-token", "--port", String(port)]);
      expect(token.code).toBe(0);
      expect(token.stdout).toMatch(
        /^SharedAccessSignature sr=[^&]+&sig=[^&]+&se=\d+&skn=DefaultFullSharedAccessSignature\n$/,
      );
      const res = await fetch(`http://127.0.0.1:${port}/myhub/messages/?api-version=2020-06`, {
        method: "POST",
        headers: {
          Authorization: token.stdout.trim(),
          "ServiceBusNotification-Format": "apple",
          "ServiceBusNotification-Tags": "news",
          "Content-Type": "application/json;charset=utf-8",
        },
        body: readFileSync(join(SAMPLES, "apns.json"), "utf8"),
      });
      expect(res.status).toBe(201);
      const deliveries = (await (
        await fetch(`http://127.0.0.1:${port}/_emulator/hubs/myhub/deliveries`)
      ).json()) as Array<{
        installationId: string;
      }>;
      expect(deliveries.map((d) => d.installationId).sort()).toEqual(["sample-iphone", "sample-template"]);
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
    // --quiet: nothing about requests on stderr.
    expect(emulator.stderr()).not.toMatch(/POST /);
  });
});

describe("nhub emulator --tier", () => {
  it("runs a Basic hub: sends get no Location and telemetry is refused with 403; a bad tier is a usage error", async () => {
    const port = await freePort();
    const emulator = await runUntilReady(EMULATOR_BIN, [
      "--port",
      String(port),
      "--tier",
      "basic",
      "--quiet",
    ]);
    try {
      const token = (await run(EMULATOR_BIN, ["--print-token", "--port", String(port)])).stdout.trim();
      const base = `http://127.0.0.1:${port}/myhub`;
      const send = await fetch(`${base}/messages/?api-version=2020-06`, {
        method: "POST",
        headers: {
          Authorization: token,
          "ServiceBusNotification-Format": "apple",
          "Content-Type": "application/json;charset=utf-8",
        },
        body: '{"aps":{"alert":"hi"}}',
      });
      expect(send.status).toBe(201);
      expect(send.headers.get("location")).toBeNull();
      const telemetry = await fetch(`${base}/messages/1234?api-version=2020-06`, {
        headers: { Authorization: token },
      });
      expect(telemetry.status).toBe(403);
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
    const bad = await nhub(["emulator", "--tier", "premium", "--port", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tier takes one of free, basic, standard");
  });
});

describe("nhub emulator", () => {
  it("--help exits 0 with usage and examples, from nhub and from the nhub-emulator bin", async () => {
    for (const [bin, args, name] of [
      [NHUB, ["emulator", "--help"], "nhub emulator"],
      [EMULATOR_BIN, ["--help"], "nhub-emulator"],
    ] as const) {
      const help = await run(bin, [...args]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`${name} --print-env`);
      expect(help.stdout).toContain("Examples:");
      expect(help.stdout).toContain("--sample-devices");
    }
  });

  it("refuses --allow-remote without --random-keys, and --print-env with --random-keys", async () => {
    const remote = await nhub(["emulator", "--host", "0.0.0.0", "--allow-remote"]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/--allow-remote needs --random-keys/);
    const env = await nhub(["emulator", "--print-env", "--random-keys"]);
    expect(env.code).toBe(2);
    expect(env.stdout).toBe("");
    const port = await nhub(["emulator", "--port", "x1"]);
    expect(port.code).toBe(2);
  });

  it("--random-keys prints fresh keys each start", async () => {
    const a = await runUntilReady(NHUB, ["emulator", "--port", "0", "--random-keys", "--quiet"]);
    const b = await runUntilReady(NHUB, ["emulator", "--port", "0", "--random-keys", "--quiet"]);
    try {
      const ka = evalExports(a.stdout()).NOTIFICATION_HUB_CONNECTION_STRING!;
      const kb = evalExports(b.stdout()).NOTIFICATION_HUB_CONNECTION_STRING!;
      expect(ka).not.toContain(WELL_KNOWN_KEYS.full);
      expect(ka.split("SharedAccessKey=")[1]).not.toBe(kb.split("SharedAccessKey=")[1]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("--https serves TLS that nhub trusts through the printed NODE_EXTRA_CA_CERTS", async () => {
    const certDir = mkdtempSync(join(tmpdir(), "nhub-cli-cert-"));
    const emulator = await runUntilReady(NHUB, ["emulator", "--port", "0", "--https", "--sample-devices"], {
      NHUB_EMULATOR_CERT_DIR: certDir,
    });
    try {
      const vars = evalExports(emulator.stdout());
      expect(vars.NOTIFICATION_HUB_CONNECTION_STRING).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+\/;/);
      expect(vars.NODE_EXTRA_CA_CERTS).toBe(join(certDir, "dev-cert.pem"));
      expect(emulator.stderr()).toContain(`NODE_EXTRA_CA_CERTS='${join(certDir, "dev-cert.pem")}'`);
      const sent = await nhub(
        ["send", "fcm", "--payload", `@${join(SAMPLES, "fcmv1.json")}`, "--tag", "weather"],
        vars,
      );
      expect(sent.stderr).toBe("");
      expect(JSON.parse(sent.stdout).status).toBe(201);
      // Without the certificate trusted, the send fails on TLS.
      const untrusted = await nhub(["send", "fcm", "--payload", "{}", "--tag", "weather"], {
        ...vars,
        NODE_EXTRA_CA_CERTS: undefined,
      });
      expect(untrusted.code).toBe(1);
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
    const port = /127\.0\.0\.1:(\d+)/.exec(emulator.stdout())![1]!;
    // --print-env --https names the same certificate and the sb:// endpoint.
    const printed = evalExports(
      (
        await nhub(["emulator", "--print-env", "--https", "--port", port], {
          NHUB_EMULATOR_CERT_DIR: certDir,
        })
      ).stdout,
    );
    expect(printed).toEqual(evalExports(emulator.stdout()));
  });
});

describe("nhub installation", () => {
  it("puts, gets and deletes a device through the installations API, and the emulator shows it", async () => {
    const port = await freePort();
    const emulator = await runUntilReady(NHUB, ["emulator", "--port", String(port)]);
    const env = evalExports(emulator.stdout());
    try {
      const put = await nhub(
        [
          "installation",
          "put",
          "--id",
          "my-phone",
          "--platform",
          "apns",
          "--channel",
          "0a1b2c3d",
          "--tag",
          "sports",
          "--tag",
          "news",
        ],
        env,
      );
      expect(put.stderr).toBe("");
      expect(put.code).toBe(0);
      const devices = (await (
        await fetch(`http://127.0.0.1:${port}/_emulator/hubs/myhub/devices`)
      ).json()) as Array<{
        installationId: string;
        tags: string[];
      }>;
      expect(devices).toMatchObject([{ installationId: "my-phone", tags: ["sports", "news"] }]);
      const got = await nhub(["installation", "get", "--id", "my-phone"], env);
      expect(got.code).toBe(0);
      expect(JSON.parse(got.stdout)).toMatchObject({
        installationId: "my-phone",
        platform: "apns",
        pushChannel: "0a1b2c3d",
      });
      const browser = await nhub(
        [
          "installation",
          "put",
          "--id",
          "web",
          "--platform",
          "browser",
          "--channel",
          JSON.stringify(SAMPLE_DEVICES.find((d) => d.platform === "browser")!.pushChannel),
        ],
        env,
      );
      expect(browser.code).toBe(0);
      const sent = await nhub(["send", "apns", "--payload", '{"aps":{"alert":"Hi"}}', "--tag", "news"], env);
      expect(JSON.parse(sent.stdout).status).toBe(201);
      const deleted = await nhub(["installation", "delete", "--id", "my-phone"], env);
      expect(deleted.code).toBe(0);
      expect((await nhub(["installation", "get", "--id", "my-phone"], env)).code).toBe(1);
      // A bad field is refused before anything is sent, naming the field.
      const bad = await nhub(
        ["installation", "put", "--id", "x", "--platform", "nokia", "--channel", "c"],
        env,
      );
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/platform/);
      expect((await nhub(["installation", "fetch", "--id", "x"], env)).code).toBe(2);
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
    expect(emulator.stderr()).toMatch(/PUT \/myhub\/installations\/my-phone\?api-version=2020-06 -> 200/);
  });
});
