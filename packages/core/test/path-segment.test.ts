import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  assertPathSegment,
  assertRequestPath,
  createFetchTransport,
  encodePathSegment,
  NotificationHub,
  pathSegmentProblem,
  toTagExpression,
  ValidationError,
} from "../src/index";
import { apple, expectValidation } from "./recording-hub";

/**
 * A loopback server that keeps each request line's target exactly as it arrived: the testkit recorder parses it
 * with `URL`, which would resolve the very dot segments these tests look for.
 */
async function startRawServer() {
  const seen: { method: string; target: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", target: req.url ?? "" });
    req.resume();
    req.on("end", () => res.writeHead(200).end());
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

type RawServer = Awaited<ReturnType<typeof startRawServer>>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TRANSPORTS = ["undici", "fetch"] as const;

async function start(
  transport: (typeof TRANSPORTS)[number],
): Promise<{ server: RawServer; hub: NotificationHub }> {
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

describe("the path segment rule", () => {
  const refused: [string, string][] = [
    ["", "required"],
    [".", "characters"],
    ["..", "characters"],
    ["a/b", "characters"],
    ["a\\b", "characters"],
    ["a?b", "characters"],
    ["a#b", "characters"],
    ["50%", "characters"],
    ["%2e%2e", "characters"],
    ["a b", "characters"],
    ["a\u0000b", "characters"],
    ["a\u001fb", "characters"],
    ["a\u007fb", "characters"],
    ["a\u0085b", "characters"],
    ["a\u009fb", "characters"],
    ["a\ud800b", "characters"],
    ["\udc00", "characters"],
  ];

  it.each(refused)("refuses %j with a ValidationError naming the field and rule %s", (value, rule) => {
    expect(pathSegmentProblem(value)?.rule).toBe(rule);
    let caught: unknown;
    try {
      encodePathSegment(value, "someId");
    } catch (error) {
      caught = error;
    }
    expect(ValidationError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ field: "someId", rule });
  });

  it("refuses what is not a string", () => {
    expect(() => assertPathSegment(42, "someId")).toThrow(ValidationError);
    expect(pathSegmentProblem(undefined)?.rule).toBe("type");
  });

  it("lets # through only when asked, and keeps every other character in one segment", () => {
    expect(encodePathSegment("#news", "tag", { allowHash: true })).toBe("%23news");
    expect(() => encodePathSegment("#news", "tag")).toThrow(ValidationError);
    for (const ok of ["a", "...", ".a", "a.", "$batch", "é-ü", "\u{1f600}", "a&b=c;d+e", "@:"]) {
      expect(decodeURIComponent(encodePathSegment(ok, "id"))).toBe(ok);
      expect(encodePathSegment(ok, "id")).not.toContain("/");
    }
  });

  it("quotes the refused value in the message with its control characters escaped", () => {
    const message = pathSegmentProblem("a\u0085\nb/")?.message ?? "";
    expect(message).toContain("\\u0085");
    expect(message).not.toMatch(/[\n\u0085]/);
  });
});

describe("hub names", () => {
  it("refuses dot segments between the separators, before any request", () => {
    const cs = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v";
    for (const name of ["a/../b", "a/./b", "team/../../x", "a/.."]) {
      let caught: unknown;
      try {
        new NotificationHub(cs, name);
      } catch (error) {
        caught = error;
      }
      expect(ValidationError.isInstance(caught), name).toBe(true);
      expect(caught).toMatchObject({ field: "hubName", rule: "characters" });
    }
  });

  it("keeps hub paths whose segments are all names", async () => {
    const { server } = await start("undici");
    const hub = new NotificationHub(server.connectionString, "team/alerts.v2", { retry: false });
    cleanups.push(() => hub.destroy());
    await hub.cancelScheduledNotification("n-1");
    expect(server.seen).toEqual([
      { method: "DELETE", target: "/team/alerts.v2/schedulednotifications/n-1?api-version=2020-06" },
    ]);
  });
});

describe.each(TRANSPORTS)("over the %s transport", (transport) => {
  it("refuses notification ids that are dot segments, C1 controls or unpaired surrogates, sending nothing", async () => {
    const { server, hub } = await start(transport);
    for (const id of ["..", ".", "a\u0085b", "a\u009b", "\ud800", "a%2fb"]) {
      await expectValidation(() => hub.cancelScheduledNotification(id), "notificationId", "characters");
      await expectValidation(() => hub.getNotificationOutcomeDetails(id), "notificationId", "characters");
    }
    expect(server.seen).toEqual([]);
  });

  const badPaths: [string, string][] = [
    ["/installations/..", "characters"],
    ["/installations/.", "characters"],
    ["/installations/%2e%2E", "characters"],
    ["/installations/.%2e", "characters"],
    ["/installations/%2E", "characters"],
    ["/installations/../../other", "characters"],
    ["/", "empty-segment"],
    ["//installations", "empty-segment"],
    ["/installations//x", "empty-segment"],
    ["/installations/x?api-version=2015-01", "characters"],
    ["/installations/x#frag", "characters"],
    ["/installations/a\\..\\b", "characters"],
    ["/installations/a\u0000b", "characters"],
    ["/installations/a b", "characters"],
    ["/installations/a%2Fb", "characters"],
    ["/installations/a%5Cb", "characters"],
    ["/installations/a%3Fb", "characters"],
    ["/installations/a%00b", "characters"],
    ["/installations/a%C2%85b", "characters"],
    ["/installations/a%252e", "characters"],
    ["/installations/%zz", "characters"],
    ["/installations/%C0%AE", "encoding"],
    ["installations/x", "absolute"],
  ];

  it.each(badPaths)("refuses the hub.request path %j (rule %s) before any request", async (path, rule) => {
    const { server, hub } = await start(transport);
    await expectValidation(() => hub.request({ method: "DELETE", path }), "path", rule);
    expect(server.seen).toEqual([]);
  });

  it("sends a path of encoded segments exactly as given", async () => {
    const { server, hub } = await start(transport);
    for (const path of [
      "/installations/a%23b%3Ac",
      "/registrationIDs",
      "/messages/",
      "/tags/%24x%7B1%7D/registrations",
    ]) {
      await hub.request({ method: "GET", path });
    }
    expect(server.seen.map((s) => s.target)).toEqual([
      "/myhub/installations/a%23b%3Ac?api-version=2020-06",
      "/myhub/registrationIDs?api-version=2020-06",
      "/myhub/messages/?api-version=2020-06",
      "/myhub/tags/%24x%7B1%7D/registrations?api-version=2020-06",
    ]);
  });

  it("puts any accepted notification id into exactly one path segment that decodes back to it", async () => {
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
      "E",
      "a",
      " ",
      "\u0085",
      "\ud800",
      "\udc00",
      "é",
    );
    const ids = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.string({ unit: tricky, maxLength: 6 }),
      fc.constantFrom(".", "..", "%2e", "%2e%2e", "a/..", "...", ".a"),
    );
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const before = server.seen.length;
        const error = await rejection(() => hub.cancelScheduledNotification(id));
        if (error !== undefined) {
          expect(ValidationError.isInstance(error), String(error)).toBe(true);
          expect(server.seen.length).toBe(before);
          return;
        }
        expect(server.seen.length).toBe(before + 1);
        const target = server.seen[before]!.target;
        const prefix = "/myhub/schedulednotifications/";
        const suffix = "?api-version=2020-06";
        expect(target.startsWith(prefix) && target.endsWith(suffix), target).toBe(true);
        const segment = target.slice(prefix.length, -suffix.length);
        expect(segment).not.toMatch(/[/?#\\]/);
        expect(segment).not.toMatch(/^\.{1,2}$/);
        expect(decodeURIComponent(segment)).toBe(id);
      }),
      { numRuns: 300 },
    );
  });
});

describe("assertRequestPath", () => {
  const wellFormed = (s: string) =>
    !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

  it("takes a percent-encoded segment exactly when the segment rule takes its value", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 8 }),
          fc.constantFrom("", ".", "..", "#", "%", "a/b"),
        ),
        (value) => {
          fc.pre(wellFormed(value));
          const path = `/x/${encodeURIComponent(value)}/y`;
          if (pathSegmentProblem(value, { allowHash: true }) === undefined) {
            expect(() => assertRequestPath(path)).not.toThrow();
            expect(path.slice(1).split("/").map(decodeURIComponent)).toEqual(["x", value, "y"]);
          } else {
            expect(() => assertRequestPath(path)).toThrow(ValidationError);
          }
        },
      ),
    );
  });
});

describe("a tags iterable", () => {
  /**
   * An endless generator; `pulled` counts the items read and `closed` tells whether the reader let go. Past a
   * million items it throws a plain Error: a reader that ignores the limit then fails the test rather than
   * spinning synchronously where no test timeout can stop it.
   */
  function endless(next: (i: number) => string) {
    const state = { pulled: 0, closed: false };
    function* generate() {
      try {
        for (;;) {
          if (state.pulled >= 1_000_000) throw new Error("read a million tags: the limit was not applied");
          yield next(state.pulled++);
        }
      } finally {
        state.closed = true;
      }
    }
    return { state, tags: generate() };
  }

  it("is read no further than the 21st item, which is refused", { timeout: 5_000 }, () => {
    const { state, tags } = endless((i) => `t${i}`);
    let caught: unknown;
    try {
      toTagExpression(tags);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ field: "tags", rule: "max-tags" });
    expect(String(caught)).toMatch(/21 tags/);
    expect(state.pulled).toBe(21);
    expect(state.closed).toBe(true);
  });

  it("repeating one tag forever is refused too", { timeout: 5_000 }, () => {
    const { state, tags } = endless(() => "sports");
    expect(() => toTagExpression(tags)).toThrow(ValidationError);
    expect(state.pulled).toBe(21);
  });

  it("fails a send and a schedule before any request, whatever its length", { timeout: 5_000 }, async () => {
    const { server, hub } = await start("undici");
    await expectValidation(() => hub.send(apple, { tags: endless((i) => `t${i}`).tags }), "tags", "max-tags");
    await expectValidation(
      () => hub.scheduleNotification(apple, new Date(Date.now() + 60_000), { tags: endless(() => "a").tags }),
      "tags",
      "max-tags",
    );
    expect(server.seen).toEqual([]);
  });

  it("of 20 tags is still sent, OR-ed", async () => {
    const { server, hub } = await start("undici");
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    await hub.send(apple, { tags: new Set(twenty) });
    expect(server.seen).toHaveLength(1);
  });
});
