import { NotificationHub, ServiceError } from "@nhub/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { apple } from "./helpers";

let emulator: Emulator;
const hubs: NotificationHub[] = [];
const lines: string[] = [];

interface RuleKeys {
  rule: string;
  keyName: string;
  primaryConnectionString: string;
  secondaryConnectionString: string;
}

async function admin(
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${emulator.url}_emulator/hubs/${path}`, {
    method: init.method ?? "GET",
    headers: init.headers ?? (init.body === undefined ? {} : { "Content-Type": "application/json" }),
    body: init.body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const regenerate = (which: string, hub = "myhub", rule = "full") =>
  admin(`${hub}/keys/${rule}/regenerate`, { method: "POST", body: JSON.stringify({ which }) });

function client(credential: string | [string, string], warnings?: string[]): NotificationHub {
  const logger = warnings && { warn: (m: string) => warnings.push(m) };
  const hub = new NotificationHub(credential, "myhub", { retry: false, ...(logger ? { logger } : {}) });
  hubs.push(hub);
  return hub;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  emulator = await startEmulator({ hubs: ["myhub", "team/alerts"], logger: (l) => lines.push(l) });
});

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

afterAll(async () => {
  await emulator.close();
});

describe("a rule's primary and secondary keys", () => {
  it("accepts a token signed with either key; connectionString({ key }) picks one", async () => {
    const primary = emulator.connectionString();
    const secondary = emulator.connectionString({ key: "secondary" });
    expect(secondary).not.toBe(primary);
    await client(primary).send(apple());
    await client(secondary).send(apple());
  });

  it("lists both connection strings of a rule", async () => {
    const { status, json } = await admin("team/alerts/keys/send");
    expect(status).toBe(200);
    expect(json).toEqual({
      rule: "send",
      keyName: "DefaultSendSharedAccessSignature",
      primaryConnectionString: emulator.connectionString({ hub: "team/alerts", rule: "send" }),
      secondaryConnectionString: emulator.connectionString({
        hub: "team/alerts",
        rule: "send",
        key: "secondary",
      }),
    });
  });

  it("regenerates one key: its old tokens are refused with 401 InvalidSignature, the other key's still pass", async () => {
    const oldPrimary = emulator.connectionString({ rule: "send" });
    const { status, json } = await regenerate("primary", "myhub", "send");
    expect(status).toBe(200);
    const keys = json as RuleKeys;
    expect(keys.primaryConnectionString).not.toBe(oldPrimary);
    expect(keys.primaryConnectionString).toBe(emulator.connectionString({ rule: "send" }));
    expect(keys.secondaryConnectionString).toBe(
      emulator.connectionString({ rule: "send", key: "secondary" }),
    );
    const error = await rejection(client(oldPrimary).send(apple()));
    expect(ServiceError.isInstance(error) && [error.statusCode, error.detail]).toEqual([
      401,
      expect.stringContaining("InvalidSignature"),
    ]);
    await client(keys.primaryConnectionString).send(apple());
    await client(keys.secondaryConnectionString).send(apple());
    expect(lines.join("\n")).toContain(
      "regenerated the primary key of DefaultSendSharedAccessSignature on hub myhub",
    );
    const key = (cs: string) => cs.split("SharedAccessKey=")[1]!;
    expect(lines.join("\n")).not.toContain(key(keys.primaryConnectionString));
    expect(lines.join("\n")).not.toContain(key(oldPrimary));
  });

  it("refuses a bad body, rule, method or a cross-site request", async () => {
    expect((await regenerate("tertiary")).status).toBe(400);
    expect((await admin("myhub/keys/full/regenerate", { method: "POST" })).status).toBe(400);
    expect((await regenerate("primary", "myhub", "admin")).status).toBe(404);
    expect((await regenerate("primary", "nohub")).status).toBe(404);
    expect((await admin("myhub/keys/full/regenerate")).status).toBe(404);
    const crossSite = await admin("myhub/keys/full/regenerate", {
      method: "POST",
      body: '{"which":"primary"}',
      headers: { "Content-Type": "application/json", Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const plain = await admin("myhub/keys/full/regenerate", {
      method: "POST",
      body: '{"which":"primary"}',
      headers: { "Content-Type": "text/plain" },
    });
    expect(plain.status).toBe(415);
  });
});

describe("key rotation end to end", () => {
  it("a hub with [primary, secondary] keeps sending across a regeneration of the primary", async () => {
    const warnings: string[] = [];
    const hub = client(
      [emulator.connectionString(), emulator.connectionString({ key: "secondary" })],
      warnings,
    );
    await hub.send(apple("before"));
    expect((await regenerate("primary")).status).toBe(200);

    const requestsBefore = emulator.hub().requests().length;
    await Promise.all([hub.send(apple("during 1")), hub.send(apple("during 2"))]);
    // Each refused once with the old primary, then accepted with the secondary.
    expect(emulator.hub().requests().length - requestsBefore).toBe(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("using the secondary key from now on");

    const afterSwitch = emulator.hub().requests().length;
    await hub.send(apple("after"));
    expect(emulator.hub().requests().length - afterSwitch).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(emulator.hub().requests().at(-1)?.status).toBe(201);
  });

  it("rejects with the 401 when both keys have been regenerated, trying each once", async () => {
    const warnings: string[] = [];
    const hub = client(
      [emulator.connectionString(), emulator.connectionString({ key: "secondary" })],
      warnings,
    );
    await hub.send(apple());
    await regenerate("primary");
    await regenerate("secondary");
    const before = emulator.hub().requests().length;
    const error = await rejection(hub.send(apple()));
    expect(ServiceError.isInstance(error) && error.statusCode).toBe(401);
    expect(emulator.hub().requests().length - before).toBe(2);
    expect(warnings).toHaveLength(0);
  });
});

describe("--regenerate-key on the command line", () => {
  it("rotates a running emulator's primary key; a [primary, secondary] hub keeps sending", async () => {
    const { runEmulatorCli } = await import("../src/index");
    const port = Number(new URL(emulator.url).port);
    const pair: [string, string] = [
      emulator.connectionString({ hub: "myhub" }),
      emulator.connectionString({ hub: "myhub", key: "secondary" }),
    ];
    const hub = client(pair, []);
    expect((await hub.send(apple())).status).toBe(201);

    let out = "";
    let err = "";
    const code = await runEmulatorCli(
      ["--regenerate-key", "full", "--port", String(port), "--hub", "myhub"],
      {
        stdout: (t: string) => {
          out += t;
        },
        stderr: (t: string) => {
          err += t;
        },
        env: {},
        cwd: process.cwd(),
        interrupted: () => new Promise(() => {}),
      },
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/^export NOTIFICATION_HUB_CONNECTION_STRING='Endpoint=.*SharedAccessKey=/m);
    expect(out).not.toContain(pair[0].slice(pair[0].indexOf("SharedAccessKey=")));

    expect(ServiceError.isInstance(await rejection(client(pair[0]).send(apple())))).toBe(true);
    expect((await hub.send(apple())).status).toBe(201);
  });

  it("says which rule names it takes", async () => {
    const { runEmulatorCli } = await import("../src/index");
    let err = "";
    const code = await runEmulatorCli(["--regenerate-key", "owner", "--port", "1"], {
      stdout: () => {},
      stderr: (t: string) => {
        err += t;
      },
      env: {},
      cwd: process.cwd(),
      interrupted: () => new Promise(() => {}),
    });
    expect(code).toBe(2);
    expect(err).toContain("--regenerate-key takes full, send or listen");
  });
});
