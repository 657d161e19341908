import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createFetchTransport, NotificationHub, ValidationError } from "@nhub/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  checkInstallation,
  createOrUpdateInstallation,
  createOrUpdateRegistration,
  deleteInstallation,
  deleteRegistration,
  getInstallation,
  getNotificationHubJob,
  getRegistration,
  listRegistrationsByTag,
  updateInstallation,
  waitForNotificationHubJob,
} from "../src/index";

/**
 * A loopback server that keeps each request line's target exactly as it arrived (the testkit recorder parses it
 * with `URL`, which would resolve the dot segments these tests look for). It answers 200 with an empty feed.
 */
async function startRawServer() {
  const seen: { method: string; target: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", target: req.url ?? "" });
    req.resume();
    req.on("end", () =>
      res
        .writeHead(200, { "Content-Type": "application/atom+xml;type=feed;charset=utf-8" })
        .end('<feed xmlns="http://www.w3.org/2005/Atom"></feed>'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    seen,
    connectionString: `Endpoint=${origin}/;SharedAccessKeyName=k;SharedAccessKey=testkey=`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TRANSPORTS = ["undici", "fetch"] as const;

async function start(transport: (typeof TRANSPORTS)[number]) {
  const server = await startRawServer();
  cleanups.push(server.close);
  const hub = new NotificationHub(server.connectionString, "myhub", {
    retry: false,
    ...(transport === "fetch" ? { transport: createFetchTransport() } : {}),
  });
  cleanups.push(() => hub.destroy());
  return { server, hub };
}

async function rejection(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function expectRefused(run: () => unknown, field: string): Promise<void> {
  const error = await rejection(run);
  expect(ValidationError.isInstance(error), String(error)).toBe(true);
  expect(error).toMatchObject({ field, rule: "characters" });
}

const DOTS = [".", ".."];

describe.each(TRANSPORTS)("over the %s transport", (transport) => {
  it("deleteInstallation(hub, '..') and every other installation operation refuse dot segments, sending nothing", async () => {
    const { server, hub } = await start(transport);
    for (const id of DOTS) {
      await expectRefused(() => deleteInstallation(hub, id), "installationId");
      await expectRefused(() => getInstallation(hub, id), "installationId");
      await expectRefused(
        () => createOrUpdateInstallation(hub, { installationId: id, platform: "fcmv1", pushChannel: "tok" }),
        "installationId",
      );
      await expectRefused(
        () => updateInstallation(hub, id, [{ op: "add", path: "/tags", value: "a" }]),
        "installationId",
      );
    }
    expect(server.seen).toEqual([]);
  });

  it("refuses registration and job ids that are dot segments or hold %, C1 controls or unpaired surrogates", async () => {
    const { server, hub } = await start(transport);
    for (const id of [...DOTS, "50%", "%2e%2e", "a\u0085b", "\ud800"]) {
      await expectRefused(() => deleteRegistration(hub, id), "registrationId");
      await expectRefused(() => getRegistration(hub, id), "registrationId");
      await expectRefused(
        () =>
          createOrUpdateRegistration(hub, { kind: "FcmV1", registrationId: id, fcmV1RegistrationId: "t" }),
        "registrationId",
      );
      await expectRefused(() => getNotificationHubJob(hub, id), "jobId");
      await expectRefused(() => waitForNotificationHubJob(hub, id), "jobId");
    }
    expect(server.seen).toEqual([]);
  });

  it("listRegistrationsByTag refuses the tags '.' and '..' (valid tag grammar, but dot segments in a path)", async () => {
    const { server, hub } = await start(transport);
    for (const tag of [...DOTS, "$InstallationId:{a/b}", "$UserId:{..%2f}", "$UserId:{a\u0085}"]) {
      const error = await rejection(async () => {
        for await (const _ of listRegistrationsByTag(hub, tag)) break;
      });
      expect(ValidationError.isInstance(error), `${tag}: ${String(error)}`).toBe(true);
      expect(error).toMatchObject({ field: "tag" });
    }
    expect(server.seen).toEqual([]);
  });

  it("lists by a tag holding '#' or dots in one encoded segment", async () => {
    const { server, hub } = await start(transport);
    for (const tag of ["#news", "a.b", "...", "$InstallationId:{dev-1}"]) {
      for await (const _ of listRegistrationsByTag(hub, tag)) break;
    }
    expect(server.seen.map((s) => s.target.split("?")[0])).toEqual([
      "/myhub/tags/%23news/registrations",
      "/myhub/tags/a.b/registrations",
      "/myhub/tags/.../registrations",
      "/myhub/tags/%24InstallationId%3A%7Bdev-1%7D/registrations",
    ]);
  });

  it("puts any accepted installation id into exactly one path segment that decodes back to it", async () => {
    const { server, hub } = await start(transport);
    const tricky = fc.constantFrom(
      ".",
      "/",
      "\\",
      "?",
      "#",
      "%",
      "2",
      "e",
      "a",
      ":",
      "=",
      "\u0085",
      "\ud800",
      "é",
    );
    const ids = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.string({ unit: tricky, maxLength: 6 }),
      fc.constantFrom(".", "..", "%2e", "a/..", "...", ".a", "a#b"),
    );
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const before = server.seen.length;
        const error = await rejection(() => deleteInstallation(hub, id));
        if (error !== undefined) {
          expect(ValidationError.isInstance(error), String(error)).toBe(true);
          expect(server.seen.length).toBe(before);
          return;
        }
        expect(server.seen.length).toBe(before + 1);
        const { method, target } = server.seen[before]!;
        expect(method).toBe("DELETE");
        const match = /^\/myhub\/installations\/([^/?#]+)\?api-version=2020-06$/.exec(target);
        expect(match, target).not.toBeNull();
        expect(match![1]).not.toMatch(/^\.{1,2}$/);
        expect(decodeURIComponent(match![1]!)).toBe(id);
      }),
      { numRuns: 300 },
    );
  });
});

describe("tag lists on a device", () => {
  it("stop at the 61st distinct tag: what follows is neither checked nor copied", () => {
    const tags: unknown[] = Array.from({ length: 61 }, (_, i) => `t${i}`);
    tags.push(42);
    let caught: unknown;
    try {
      checkInstallation({ installationId: "d", platform: "fcmv1", pushChannel: "x", tags: tags as string[] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ field: "tags", rule: "max-tags" });
    expect(String(caught)).toMatch(/61 distinct tags/);
  });
});
