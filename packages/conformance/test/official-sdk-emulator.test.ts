/**
 * The official @azure/notification-hubs SDK, unmodified, against `startEmulator({ https: true })`: a child
 * process (NODE_EXTRA_CA_CERTS must be set before Node starts) runs test/fixtures/official-sdk-run.mjs, which
 * prints one JSON line per operation. Any difference the SDK meets is a fidelity bug of the emulator.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Step {
  step: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

let emulator: Emulator;
let steps: Step[];
beforeAll(async () => {
  emulator = await startEmulator({ https: { certDir: mkdtempSync(join(tmpdir(), "nhub-sdk-cert-")) } });
  const output = await new Promise<string>((done, fail) => {
    execFile(
      process.execPath,
      [resolve(__dirname, "fixtures/official-sdk-run.mjs")],
      {
        cwd: resolve(__dirname, ".."),
        env: {
          PATH: process.env.PATH,
          NODE_EXTRA_CA_CERTS: emulator.certificate!.path,
          NHUB_CS: emulator.connectionString(),
          NHUB_HUB: "myhub",
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
    );
  });
  steps = output
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Step);
}, 40_000);
afterAll(async () => {
  await emulator?.close();
});

function result(name: string): unknown {
  const step = steps.find((s) => s.step === name);
  expect(step, name).toBeDefined();
  expect(step!.error, name).toBeUndefined();
  expect(step!.ok, name).toBe(true);
  return step!.value;
}

describe("the official SDK against the emulator over https", () => {
  it("ran every step over TLS with an sb:// connection string", () => {
    expect(emulator.url).toMatch(/^https:/);
    expect(emulator.connectionString()).toMatch(/^Endpoint=sb:\/\//);
    expect(steps.map((s) => s.step)).toEqual([
      "installation create",
      "installation get",
      "installation patch",
      "tag send",
      "direct send",
      "template send",
      "scheduled send and cancel",
      "registration create",
      "registration list with paging",
      "installation delete",
    ]);
  });

  it("creates, reads, patches and deletes an installation", () => {
    expect(result("installation create")).toEqual({ correlationId: "string" });
    expect(result("installation get")).toEqual({
      installationId: "sdk-iphone",
      platform: "apns",
      tags: ["sports"],
      templates: ["greeting"],
    });
    expect(result("installation patch")).toEqual({ tags: ["sports", "news"] });
    expect(result("installation delete")).toEqual({ gone: true });
  });

  it("sends to a tag expression, directly and with a template, and the devices get them", () => {
    expect(result("tag send")).toEqual({
      state: "DetailedStateAvailable",
      successCount: 1,
      notificationId: "set",
    });
    expect(result("direct send")).toEqual({ notificationId: "set" });
    expect(result("template send")).toEqual({ notificationId: "set" });
    const got = emulator.hub().deliveries();
    expect(got.map((d) => d.format)).toEqual(["apple", "apple", "template"]);
    expect(got[2]!.body).toBe('{"aps":{"alert":"Hello"}}');
  });

  it("schedules and cancels a send, so nothing stays pending", () => {
    expect(result("scheduled send and cancel")).toEqual({ notificationId: "set" });
    expect(emulator.hub().scheduled()).toEqual([]);
  });

  it("creates registrations and lists them two to a page", () => {
    const { ids } = result("registration create") as { ids: string[] };
    expect(new Set(ids).size).toBe(5);
    const { pages } = result("registration list with paging") as { pages: string[][] };
    // Two to a page, every page full but the last, and every registration listed once: the continuation
    // tokens work. (Whether the installation shows up too is the service's installation-as-registration
    // behaviour, not paging, so the count is not pinned here.)
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
    const listed = pages.flat();
    expect(new Set(listed).size).toBe(listed.length);
    for (const id of ids) expect(listed).toContain(id);
  });
});
