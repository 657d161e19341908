import { type NotificationHub, ServiceError, ValidationError } from "@nhub/core";
import type { RecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  createOrUpdateInstallation,
  deleteInstallation,
  getInstallation,
  type Installation,
  type InstallationPatch,
  installationIdTag,
  jsonPointerSegment,
  updateInstallation,
  userIdTag,
} from "../src/index";
import { deepFreeze, errorAnswer, startHub } from "./fixtures";

const TOKEN = "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA";

let server: RecordingServer;
let hub: NotificationHub;
let running = false;

afterEach(async () => {
  if (!running) return;
  running = false;
  await hub.close();
  await server.close();
});

async function start(respond: Parameters<typeof startHub>[0] = () => ({ status: 200 })) {
  ({ server, hub } = await startHub(respond));
  running = true;
}

async function refusal(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

const apple = deepFreeze({
  installationId: "dev-1",
  userId: "ann@example.com",
  platform: "apns",
  pushChannel: TOKEN,
  tags: ["sports", "lang:en"],
  templates: {
    alert: {
      body: '{"aps":{"alert":"$(message)"}}',
      headers: { "apns-priority": "10" },
      expiry: "2030-01-01T00:00:00Z",
      tags: ["alerts"],
    },
  },
  expirationTime: "9999-12-31T23:59:59.9999999Z",
  pushChannelExpired: false,
  lastActiveOn: "2026-01-01T00:00:00Z",
} satisfies Installation);

describe("createOrUpdateInstallation", () => {
  it("PUTs the writable fields as JSON to /installations/{id}", async () => {
    await start();
    const snapshot = structuredClone(apple);
    await createOrUpdateInstallation(hub, apple);

    expect(apple).toEqual(snapshot);
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: "PUT", path: "/myhub/installations/dev-1", tokenValid: true });
    expect([...req!.query.entries()]).toEqual([["api-version", "2020-06"]]);
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.text).toBe(
      JSON.stringify({
        installationId: "dev-1",
        userId: "ann@example.com",
        platform: "apns",
        pushChannel: TOKEN,
        tags: ["sports", "lang:en"],
        templates: {
          alert: {
            body: '{"aps":{"alert":"$(message)"}}',
            headers: { "apns-priority": "10" },
            expiry: "2030-01-01T00:00:00Z",
            tags: ["alerts"],
          },
        },
      }),
    );
  });

  it("sends a browser push channel as an object", async () => {
    await start();
    await createOrUpdateInstallation(
      hub,
      deepFreeze({
        installationId: "web-1",
        platform: "browser",
        pushChannel: { endpoint: "https://push.example/s/1", p256dh: "BKey", auth: "au" },
      }),
    );
    expect(JSON.parse(server.requests[0]!.text)).toEqual({
      installationId: "web-1",
      platform: "browser",
      pushChannel: { endpoint: "https://push.example/s/1", p256dh: "BKey", auth: "au" },
    });
  });

  it("percent-encodes the id in the path", async () => {
    await start();
    await createOrUpdateInstallation(hub, { installationId: "a#b:c", platform: "fcmv1", pushChannel: "tok" });
    expect(server.requests[0]!.path).toBe("/myhub/installations/a%23b%3Ac");
  });

  const invalid: [string, unknown, string, string][] = [
    ["a missing id", { platform: "apns", pushChannel: TOKEN }, "installationId", "required"],
    [
      "an id with a space",
      { installationId: "a b", platform: "apns", pushChannel: TOKEN },
      "installationId",
      "characters",
    ],
    [
      "an id with a slash",
      { installationId: "a/b", platform: "apns", pushChannel: TOKEN },
      "installationId",
      "characters",
    ],
    [
      "a 257-character id",
      { installationId: "a".repeat(257), platform: "apns", pushChannel: TOKEN },
      "installationId",
      "max-length",
    ],
    ["an unknown platform", { installationId: "d", platform: "fcm", pushChannel: "x" }, "platform", "one-of"],
    ["a missing push channel", { installationId: "d", platform: "gcm" }, "pushChannel", "required"],
    [
      "a non-hex APNs token",
      { installationId: "d", platform: "apns", pushChannel: "zz" },
      "pushChannel",
      "hex",
    ],
    [
      "a relative WNS channel",
      { installationId: "d", platform: "wns", pushChannel: "c/1" },
      "pushChannel",
      "url",
    ],
    [
      "a browser channel without auth",
      { installationId: "d", platform: "browser", pushChannel: { endpoint: "https://p/1", p256dh: "k" } },
      "pushChannel.auth",
      "required",
    ],
    [
      "a string browser channel",
      { installationId: "d", platform: "browser", pushChannel: "https://p/1" },
      "pushChannel",
      "type",
    ],
    [
      "a user id with a comma",
      { installationId: "d", platform: "gcm", pushChannel: "x", userId: "a,b" },
      "userId",
      "characters",
    ],
    [
      "a bad tag",
      { installationId: "d", platform: "gcm", pushChannel: "x", tags: ["a b"] },
      "tags.0",
      "characters",
    ],
    [
      "61 tags",
      {
        installationId: "d",
        platform: "gcm",
        pushChannel: "x",
        tags: Array.from({ length: 61 }, (_, i) => `t${i}`),
      },
      "tags",
      "max-tags",
    ],
    [
      "a template body that is not a string",
      { installationId: "d", platform: "gcm", pushChannel: "x", templates: { t: { body: { data: 1 } } } },
      "templates.t.body",
      "required",
    ],
    [
      "an APNs template body that is not JSON",
      { installationId: "d", platform: "apns", pushChannel: TOKEN, templates: { t: { body: "hello" } } },
      "templates.t.body",
      "json",
    ],
    [
      "a wns template without X-WNS-Type",
      {
        installationId: "d",
        platform: "wns",
        pushChannel: "https://w/c",
        templates: { t: { body: "<toast/>" } },
      },
      "templates.t.headers.X-WNS-Type",
      "required",
    ],
    [
      "a wns toast template that is not XML",
      {
        installationId: "d",
        platform: "wns",
        pushChannel: "https://w/c",
        templates: { t: { body: "<toast>", headers: { "X-WNS-Type": "wns/toast" } } },
      },
      "templates.t.body",
      "xml-well-formed",
    ],
    [
      "an expiry on a non-apns template",
      {
        installationId: "d",
        platform: "gcm",
        pushChannel: "x",
        templates: { t: { body: "{}", expiry: "2030-01-01" } },
      },
      "templates.t.expiry",
      "platform",
    ],
    [
      "a template header with a line break",
      {
        installationId: "d",
        platform: "apns",
        pushChannel: TOKEN,
        templates: { t: { body: "{}", headers: { "apns-id": "a\nb" } } },
      },
      "templates.t.headers.apns-id",
      "header-value",
    ],
    [
      "a 201-character template name",
      {
        installationId: "d",
        platform: "gcm",
        pushChannel: "x",
        templates: { ["n".repeat(201)]: { body: "{}" } },
      },
      "templates",
      "max-length",
    ],
  ];
  for (const [what, input, field, rule] of invalid) {
    it(`refuses ${what} (${field}: ${rule}), sending nothing`, async () => {
      await start();
      const error = await refusal(() => createOrUpdateInstallation(hub, input as Installation));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field, rule });
      expect(server.requests).toHaveLength(0);
    });
  }

  it("accepts a raw wns template that is not XML", async () => {
    await start();
    await createOrUpdateInstallation(hub, {
      installationId: "d",
      platform: "wns",
      pushChannel: "https://w/c",
      templates: { raw: { body: '{"v":"$(v)"}', headers: { "X-WNS-Type": "wns/raw" } } },
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe("getInstallation", () => {
  it("reads the service's JSON, whatever content type it claims", async () => {
    await start(() => ({
      status: 200,
      headers: { "Content-Type": "application/xml; charset=utf-8" },
      body: JSON.stringify({
        installationId: "ef4ffd64-8f20-4d6e-873c-7308b28d6a04",
        pushChannel: "https://some.url/",
        pushChannelExpired: false,
        platform: "wns",
        expirationTime: "9999-12-31T23:59:59.9999999Z",
        templates: {
          "Template Name": {
            body: "<toast/>",
            headers: { "X-WNS-Type": "wns/toast" },
            tags: ["Template Name"],
          },
        },
        unknownField: 1,
      }),
    }));
    const installation = await getInstallation(hub, "ef4ffd64-8f20-4d6e-873c-7308b28d6a04");
    expect(installation).toEqual({
      installationId: "ef4ffd64-8f20-4d6e-873c-7308b28d6a04",
      platform: "wns",
      pushChannel: "https://some.url/",
      pushChannelExpired: false,
      expirationTime: "9999-12-31T23:59:59.9999999Z",
      templates: {
        "Template Name": {
          body: "<toast/>",
          headers: { "X-WNS-Type": "wns/toast" },
          tags: ["Template Name"],
        },
      },
      extensionData: { unknownField: 1 },
    });
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      path: "/myhub/installations/ef4ffd64-8f20-4d6e-873c-7308b28d6a04",
      text: "",
      tokenValid: true,
    });
  });

  it("rejects a missing installation with a 404 ServiceError", async () => {
    await start(() => errorAnswer(404, "Installation not found."));
    const error = await refusal(() => getInstallation(hub, "nope"));
    expect(ServiceError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 404 });
  });

  it("rejects an answer that is not an installation", async () => {
    await start(() => ({ status: 200, body: "<html/>" }));
    await expect(getInstallation(hub, "d")).rejects.toMatchObject({ code: "NHUB_UNEXPECTED_RESPONSE" });
  });
});

describe("updateInstallation", () => {
  it("PATCHes a JSON-Patch document with application/json-patch+json", async () => {
    await start();
    const patches: InstallationPatch[] = [
      { op: "add", path: "/tags", value: "football" },
      { op: "add", path: "/tags", value: ["a", "b"] },
      { op: "remove", path: "/tags/politics" },
      { op: "replace", path: "/userId", value: "bob" },
      { op: "replace", path: "/pushChannel", value: TOKEN },
      { op: "add", path: "/templates/alert", value: { body: '{"aps":{"alert":"$(m)"}}', tags: ["x"] } },
      { op: "replace", path: "/templates/alert/body", value: '{"aps":{"alert":"$(n)"}}' },
      { op: "add", path: "/templates/alert/headers", value: { "apns-priority": "5" } },
      { op: "remove", path: "/templates/old" },
    ];
    await updateInstallation(hub, "dev-1", deepFreeze(patches), { platform: "apns" });

    const [req] = server.requests;
    expect(req).toMatchObject({ method: "PATCH", path: "/myhub/installations/dev-1", tokenValid: true });
    expect(req!.headers["content-type"]).toBe("application/json-patch+json");
    expect(JSON.parse(req!.text)).toEqual([
      { op: "add", path: "/tags", value: "football" },
      { op: "add", path: "/tags", value: ["a", "b"] },
      { op: "remove", path: "/tags/politics" },
      { op: "replace", path: "/userId", value: "bob" },
      { op: "replace", path: "/pushChannel", value: TOKEN },
      {
        op: "add",
        path: "/templates/alert",
        value: '{"body":"{\\"aps\\":{\\"alert\\":\\"$(m)\\"}}","tags":["x"]}',
      },
      { op: "replace", path: "/templates/alert/body", value: '{"aps":{"alert":"$(n)"}}' },
      { op: "add", path: "/templates/alert/headers", value: '{"apns-priority":"5"}' },
      { op: "remove", path: "/templates/old" },
    ]);
  });

  it("sends a browser push channel as a JSON string and escapes template names as JSON-Pointer segments", async () => {
    await start();
    await updateInstallation(hub, "web-1", [
      {
        op: "replace",
        path: "/pushChannel",
        value: { endpoint: "https://p.example/1", p256dh: "k", auth: "a" },
      },
      { op: "remove", path: `/templates/${jsonPointerSegment("a/b~c")}` },
    ]);
    expect(JSON.parse(server.requests[0]!.text)).toEqual([
      {
        op: "replace",
        path: "/pushChannel",
        value: '{"endpoint":"https://p.example/1","p256dh":"k","auth":"a"}',
      },
      { op: "remove", path: "/templates/a~1b~0c" },
    ]);
  });

  const invalid: [string, unknown, string, string][] = [
    ["no operations", [], "patches", "required"],
    ["an unknown op", [{ op: "move", path: "/tags" }], "patches.0.op", "one-of"],
    [
      "an unsupported path",
      [{ op: "add", path: "/platform", value: "gcm" }],
      "patches.0.path",
      "unsupported",
    ],
    ["removing the push channel", [{ op: "remove", path: "/pushChannel" }], "patches.0.op", "unsupported"],
    ["a value on remove", [{ op: "remove", path: "/tags", value: "x" }], "patches.0.value", "forbidden"],
    ["a bad tag", [{ op: "add", path: "/tags", value: "a b" }], "patches.0.value", "characters"],
    [
      "replacing tags with one string",
      [{ op: "replace", path: "/tags", value: "a" }],
      "patches.0.value",
      "type",
    ],
    ["adding to /tags/{tag}", [{ op: "add", path: "/tags/x" }], "patches.0.op", "unsupported"],
    ["a bad user id", [{ op: "replace", path: "/userId", value: "a b" }], "patches.0.value", "characters"],
    [
      "a template without a body",
      [{ op: "add", path: "/templates/t", value: { tags: ["x"] } }],
      "patches.0.value.body",
      "required",
    ],
    [
      "an empty template body",
      [{ op: "replace", path: "/templates/t/body", value: "" }],
      "patches.0.value",
      "required",
    ],
    [
      "a deeper template path",
      [{ op: "add", path: "/templates/t/body/x", value: "y" }],
      "patches.0.path",
      "unsupported",
    ],
  ];
  for (const [what, patches, field, rule] of invalid) {
    it(`refuses ${what} (${field}: ${rule}), sending nothing`, async () => {
      await start();
      const error = await refusal(() => updateInstallation(hub, "dev-1", patches as InstallationPatch[]));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field, rule });
      expect(server.requests).toHaveLength(0);
    });
  }

  it("checks template and channel values by the platform's rules when it is given", async () => {
    await start();
    expect(
      await refusal(() =>
        updateInstallation(hub, "d", [{ op: "add", path: "/templates/t", value: { body: "not json" } }], {
          platform: "gcm",
        }),
      ),
    ).toMatchObject({ field: "patches.0.value.body", rule: "json" });
    expect(
      await refusal(() =>
        updateInstallation(hub, "d", [{ op: "replace", path: "/pushChannel", value: "zz" }], {
          platform: "apns",
        }),
      ),
    ).toMatchObject({ field: "patches.0.value", rule: "hex" });
    expect(
      await refusal(() =>
        updateInstallation(hub, "d", [{ op: "add", path: "/templates/t/expiry", value: "2030-01-01" }], {
          platform: "wns",
        }),
      ),
    ).toMatchObject({ field: "patches.0.path", rule: "platform" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("deleteInstallation", () => {
  it("DELETEs /installations/{id}, answered 204", async () => {
    await start(() => ({ status: 204 }));
    await deleteInstallation(hub, "dev-1");
    expect(server.requests[0]).toMatchObject({
      method: "DELETE",
      path: "/myhub/installations/dev-1",
      text: "",
    });
  });

  it("treats 404 as already deleted", async () => {
    await start(() => errorAnswer(404, "not found"));
    await expect(deleteInstallation(hub, "dev-1")).resolves.toBeUndefined();
  });

  it("rejects other failures", async () => {
    await start(() => errorAnswer(401, "bad token"));
    await expect(deleteInstallation(hub, "dev-1")).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe("system tags", () => {
  it("builds $InstallationId:{id} and $UserId:{id}", () => {
    expect(installationIdTag("dev-1")).toBe("$InstallationId:{dev-1}");
    expect(userIdTag("ann@example.com")).toBe("$UserId:{ann@example.com}");
  });

  it("refuses ids the tag cannot carry", () => {
    expect(() => installationIdTag("a b")).toThrow(ValidationError);
    expect(() => userIdTag("a}b")).toThrow(ValidationError);
    // A 110-character id makes a 128-character tag, over the 120-character tag limit.
    expect(() => installationIdTag("a".repeat(110))).toThrow(/limit is 120/);
  });
});
