import { NotificationHub, ServiceError } from "@nhub/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Delivery,
  type Emulator,
  type EmulatorRequestLog,
  type Installation,
  startEmulator,
} from "../src/index";
import { apple } from "./helpers";

let emulator: Emulator;
let hub: NotificationHub;

async function admin<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${emulator.url}_emulator/${path}`, {
    method: init.method ?? "GET",
    ...(init.body === undefined
      ? {}
      : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

beforeAll(async () => {
  emulator = await startEmulator({ hubs: ["myhub", "team/alerts"] });
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});

beforeEach(() => {
  for (const name of emulator.hubNames) {
    const h = emulator.hub(name);
    for (const i of h.installations()) h.deleteInstallation(i.installationId);
    h.clearDeliveries();
  }
});

afterAll(async () => {
  await hub.close();
  await emulator.close();
});

describe("admin endpoints", () => {
  it("lists hubs with their connection strings", async () => {
    const { status, json } =
      await admin<Array<{ name: string; url: string; connectionStrings: Record<string, string> }>>("hubs");
    expect(status).toBe(200);
    expect(json.map((h) => h.name)).toEqual(["myhub", "team/alerts"]);
    expect(json[0]!.url).toBe(`${emulator.url}myhub`);
    expect(json[0]!.connectionStrings).toEqual({
      full: emulator.connectionString({ rule: "full" }),
      send: emulator.connectionString({ rule: "send" }),
      listen: emulator.connectionString({ rule: "listen" }),
    });
  });

  it("registers devices, shows deliveries and clears them", async () => {
    const device: Installation = {
      installationId: "web-1",
      platform: "apns",
      pushChannel: "tok",
      tags: ["vip"],
      displayName: "Web",
    };
    const posted = await admin<Installation>("hubs/myhub/devices", { method: "POST", body: device });
    expect(posted).toEqual({ status: 200, json: device });
    const many = await admin<Installation[]>("hubs/myhub/devices", {
      method: "POST",
      body: [
        { installationId: "a", platform: "fcmv1", pushChannel: "x" },
        { installationId: "b", platform: "gcm", pushChannel: "y" },
      ],
    });
    expect(many.json.map((i) => i.installationId)).toEqual(["a", "b"]);
    expect((await admin<Installation[]>("hubs/myhub/devices")).json.map((i) => i.installationId)).toEqual([
      "web-1",
      "a",
      "b",
    ]);

    await hub.send(apple("hey"), { tags: "vip" });
    const deliveries = await admin<Delivery[]>("hubs/myhub/deliveries");
    expect(deliveries.json).toMatchObject([
      { installationId: "web-1", displayName: "Web", platform: "apns", body: '{"aps":{"alert":"hey"}}' },
    ]);
    expect((await admin("hubs/myhub/deliveries", { method: "DELETE" })).status).toBe(204);
    expect((await admin<Delivery[]>("hubs/myhub/deliveries")).json).toEqual([]);

    expect((await admin("hubs/myhub/devices/a", { method: "DELETE" })).status).toBe(204);
    expect(
      emulator
        .hub()
        .installations()
        .map((i) => i.installationId),
    ).toEqual(["web-1", "b"]);
  });

  it("refuses invalid devices, all or nothing", async () => {
    const res = await admin<{ error: { status: number; message: string } }>("hubs/myhub/devices", {
      method: "POST",
      body: [
        { installationId: "ok", platform: "apns", pushChannel: "t" },
        { installationId: "bad", platform: "symbian", pushChannel: "t" },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain("platform");
    expect(emulator.hub().installations()).toEqual([]);
  });

  it("shows the request log without credentials", async () => {
    await hub.send(apple(), { tags: "x || y" });
    const { json } = await admin<EmulatorRequestLog[]>("hubs/myhub/requests");
    const last = json.at(-1)!;
    expect(last).toMatchObject({
      method: "POST",
      path: "/myhub/messages/",
      query: "api-version=2020-06",
      status: 201,
      format: "apple",
      tags: "x || y",
    });
    expect(JSON.stringify(json)).not.toMatch(/SharedAccessSignature|sig=/);
  });

  it("addresses hubs whose names hold a slash, written as a slash (an encoded one is refused)", async () => {
    const alerts = new NotificationHub(emulator.connectionString({ hub: "team/alerts" }), "team/alerts", {
      retry: false,
    });
    try {
      await alerts.request({
        method: "PUT",
        path: "/installations/p1",
        contentType: "application/json",
        body: JSON.stringify({ installationId: "p1", platform: "apns", pushChannel: "0a" }),
      });
      await alerts.send(apple());
    } finally {
      await alerts.close();
    }
    expect(
      (await admin<Delivery[]>("hubs/team/alerts/deliveries")).json.map((d) => d.installationId),
    ).toEqual(["p1"]);
    expect((await admin("hubs/team%2Falerts/deliveries")).status).toBe(400);
    expect(emulator.hub().deliveries()).toEqual([]);
  });

  it("answers 404 JSON for unknown hubs and endpoints", async () => {
    expect((await admin("hubs/nope/deliveries")).status).toBe(404);
    expect((await admin("hubs/myhub/nothing")).status).toBe(404);
    expect((await admin("hubs/myhub/deliveries", { method: "PUT" })).status).toBe(404);
  });
});

describe("installations REST", () => {
  const body = {
    installationId: "i-1",
    platform: "APNS",
    pushChannel: "0a01",
    tags: ["a", "b", "a"],
    userId: "u-1",
  };

  it("PUT 200, GET the stored installation, PATCH, DELETE 204, GET 404", async () => {
    const put = await hub.request({
      method: "PUT",
      path: "/installations/i-1",
      contentType: "application/json",
      body: JSON.stringify(body),
    });
    expect(put.status).toBe(200);
    const get = await hub.request({ method: "GET", path: "/installations/i-1" });
    expect(get.headers["content-type"]).toContain("application/json");
    expect(JSON.parse(get.body)).toEqual({
      installationId: "i-1",
      platform: "apns",
      pushChannel: "0a01",
      tags: ["a", "b"],
      userId: "u-1",
    });

    const patch = [
      { op: "add", path: "/tags", value: "c" },
      { op: "remove", path: "/tags/a" },
      { op: "replace", path: "/pushChannel", value: "0a02" },
      { op: "add", path: "/templates/t1", value: { body: '{"aps":{"alert":"$(m)"}}' } },
    ];
    expect(
      (
        await hub.request({
          method: "PATCH",
          path: "/installations/i-1",
          contentType: "application/json-patch+json",
          body: JSON.stringify(patch),
        })
      ).status,
    ).toBe(200);
    expect(emulator.hub().installations()[0]).toMatchObject({
      pushChannel: "0a02",
      tags: ["b", "c"],
      templates: { t1: { body: '{"aps":{"alert":"$(m)"}}' } },
    });

    const del = await hub.request({ method: "DELETE", path: "/installations/i-1" });
    expect(del.status).toBe(204);
    const missing = await hub.request({ method: "GET", path: "/installations/i-1" }).catch((e: unknown) => e);
    expect(ServiceError.isInstance(missing) && missing.statusCode).toBe(404);
    expect((missing as ServiceError).serviceCode).toBe("404");
  });

  it("answers 400 for malformed or mismatched installations", async () => {
    const cases = [
      "{not json",
      JSON.stringify({ ...body, installationId: "other" }),
      JSON.stringify({ ...body, platform: "nokia" }),
      JSON.stringify({ ...body, tags: ["bad tag"] }),
      JSON.stringify({ installationId: "i-1", platform: "browser", pushChannel: "not-an-object" }),
    ];
    for (const text of cases) {
      const error = await hub
        .request({ method: "PUT", path: "/installations/i-1", contentType: "application/json", body: text })
        .catch((e: unknown) => e);
      expect(ServiceError.isInstance(error) && error.statusCode, text).toBe(400);
    }
    expect(emulator.hub().installations()).toEqual([]);
  });

  it("keeps nothing that belongs to the caller", () => {
    const tags = ["a"];
    const input: Installation = { installationId: "c-1", platform: "apns", pushChannel: "t", tags };
    emulator.hub().upsertInstallation(input);
    tags.push("b");
    expect(emulator.hub().installations()[0]!.tags).toEqual(["a"]);
    expect(input.tags).toEqual(["a", "b"]);
  });
});

describe("DNS-rebinding protection", () => {
  it("refuses the page and admin endpoints for a non-loopback Host header, but serves the hub REST API", async () => {
    const { request } = await import("node:http");
    const { startEmulator } = await import("../src/index");
    const emu = await startEmulator();
    try {
      const port = Number(new URL(emu.url).port);
      const get = (path: string, host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: "127.0.0.1", port, path, headers: { Host: host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end();
        });
      expect(await get("/", "evil.example:80")).toBe(403);
      expect(await get("/_emulator/hubs", "evil.example")).toBe(403);
      expect(await get("/_emulator/hubs", `127.0.0.1:${port}`)).toBe(200);
      expect(await get("/", `localhost:${port}`)).toBe(200);
      // Hub requests are signed, so the REST surface keeps answering whatever name the client used.
      expect(await get("/myhub/installations/x?api-version=2020-06", "evil.example")).toBe(401);
    } finally {
      await emu.close();
    }
  });
});
