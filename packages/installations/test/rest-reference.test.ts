/**
 * The Notification Hubs REST reference's own examples (fixtures/rest-reference, one file per page, each naming
 * its source): each documented response is served from a loopback server and read through nhub's public API, and
 * the request nhub builds for the same operation is compared with the documented one. Every deliberate
 * difference is listed in DIFFERENCES with its reason. The reference has no page for import/export jobs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { NotificationHub } from "@nhub/core";
import type { RecordedRequest, RecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  createOrUpdateInstallation,
  createOrUpdateRegistration,
  createRegistration,
  createRegistrationId,
  deleteInstallation,
  deleteRegistration,
  getInstallation,
  getRegistration,
  type Installation,
  listRegistrations,
  listRegistrationsByChannel,
  listRegistrationsByTag,
  parseRegistrationEntry,
  type RegistrationDescription,
  updateInstallation,
} from "../src/index";
import { childElementNames, startHub } from "./fixtures";

interface Fixture {
  readonly source: { readonly title: string; readonly url: string; readonly file: string };
  readonly operation: string;
  readonly request: {
    readonly method: string;
    readonly path: string;
    readonly query: Record<string, string>;
    readonly headers: Record<string, string>;
    readonly bodies?: Record<string, string>;
    readonly operations?: { op: string; path: string; value?: string; valueText?: string }[];
    readonly documentedFields?: readonly string[];
  };
  readonly response: {
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body?: string;
    readonly bodyFrom?: string;
  };
}

const DIR = join(import.meta.dirname, "fixtures/rest-reference");
const FIXTURES: Record<string, Fixture> = Object.fromEntries(
  readdirSync(DIR).map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(join(DIR, f), "utf8"))]),
);
const fixture = (name: string) => FIXTURES[name]!;
const responseBody = (f: Fixture) => f.response.body ?? fixture(f.response.bodyFrom!).response.body!;

/** Where nhub's request or reading deliberately differs from the page, and why. */
const DIFFERENCES = {
  apiVersion:
    "api-version: the pages show 2015-01; nhub sends 2020-06, the version protocol.md and both official SDKs use",
  trailingSlash:
    "/registrations/ and /registrationIDs/ are sent without the trailing slash, as the official SDKs send them",
  contentTypeWithoutBody:
    "the GET and DELETE pages list a Content-Type; nhub sends none on a request without a body",
  placeholders:
    "{ChannelUri}, {DeviceToken}, 'ABCDEF-123456-…' and similar placeholders are not values nhub's checks accept; concrete values stand in",
  tagsSeparator:
    'the pages write "myTag, myOtherTag"; nhub writes "myTag,myOtherTag" (the .NET SDK joins with ","), and reads both',
  cdata: "BodyTemplate is sent as escaped text rather than CDATA: the same XML text",
  headerOrder:
    "template header items are sorted case-insensitively (as the .NET SDK's collections are): X-WNS-Tag before X-WNS-Type",
  curlyQuotes:
    "the feed example's attribute uses typographic quotes (not XML); they are made straight before serving it",
  ellipsisEntry:
    "the feed example's second <entry>…</entry> is a placeholder with no registration; it is removed",
  filterQuotes:
    "the channel page writes ‘…’ quotes and says the URI is url-encoded; nhub puts the raw handle in a straight-quoted literal and the query string is encoded once, as the Java SDK does",
  channelUriForAll:
    "the channel page also shows DeviceToken eq / GcmRegistrationId eq; nhub sends the first form, ChannelUri eq, for every single-string handle, as the .NET and Java SDKs do",
  userId:
    'the installation page writes "userID"; nhub sends "userId", the name the service returns and both SDKs use',
  wnsExampleNotJson:
    "the WNS installation example is not JSON (unquoted keys, single quotes, <toast> closed by </tile>); a corrected copy is sent",
  patchUser:
    "/user (with AppId/AdvertisingId) is not a path nhub patches: it has no such field; /userId is the user",
  patchTileTags:
    "the page sends secondary tile tags as a JSON string '[\"fooTag\"]'; nhub sends tags as a JSON array, as for /tags",
  readInstallation:
    "the read-installation page has no literal body (it refers to the create page's format); the create page's APNS example is served",
} as const;

let server: RecordingServer;
let hub: NotificationHub;
let running = false;
afterEach(async () => {
  if (!running) return;
  running = false;
  await hub.close();
  await server.close();
});

async function serve(
  respond: (req: RecordedRequest) => { status: number; headers?: Record<string, string>; body?: string },
) {
  ({ server, hub } = await startHub(respond));
  running = true;
}

const served = (f: Fixture, body?: string) => () => ({
  status: f.response.status,
  ...(f.response.headers ? { headers: f.response.headers } : {}),
  ...(body !== undefined ? { body } : {}),
});

/** Checks method, path (below /myhub), query and Content-Type against the page, allowing the listed differences. */
function expectRequest(req: RecordedRequest, f: Fixture, path: string, query: Record<string, string> = {}) {
  expect(req.method).toBe(f.request.method);
  // DIFFERENCES.trailingSlash: the documented path, its placeholders standing for any one segment.
  const documented = f.request.path
    .replace("/{NotificationHub}", "")
    .replace(/\/$/, "")
    .split("/")
    .map((seg) => (/^(\{.*\}|<.*>|installationId)$/.test(seg) ? "[^/]+" : seg))
    .join("/");
  expect(path).toMatch(new RegExp(`^${documented}$`));
  expect(req.path).toBe(`/myhub${path}`);
  // DIFFERENCES.apiVersion
  expect(f.request.query["api-version"]).toBe("2015-01");
  expect(Object.fromEntries(req.query)).toEqual({ "api-version": "2020-06", ...query });
  const contentType = f.request.headers["Content-Type"];
  if (["GET", "DELETE"].includes(f.request.method) || f.request.path.endsWith("registrationIDs/")) {
    // DIFFERENCES.contentTypeWithoutBody
    expect(req.headers["content-type"]).toBeUndefined();
  } else {
    expect(req.headers["content-type"]).toBe(contentType);
  }
}

// DIFFERENCES.placeholders
const VALUES: Record<string, string> = {
  "{ChannelUri}": "https://db5p.notify.windows.com/?token=AwYAAAB",
  "{DeviceToken}": "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA",
  "{GCM Registration Id}": "gcm-registration-1",
  " {BodyTemplate}": '{"data":{"m":"$(m)"}}',
  "{Template for Expiry in }": "$(expiry)",
  "[batching interval]": "2",
};
const concrete = (xml: string) => Object.entries(VALUES).reduce((text, [k, v]) => text.split(k).join(v), xml);

/** Leaf texts of a description, trimmed, by element name (header items sorted, per DIFFERENCES.headerOrder). */
function leaves(xml: string, root: string): string[] {
  const inner = new RegExp(`<${root}[^>]*>([\\s\\S]*)</${root}>`).exec(xml)![1]!;
  const out: string[] = [];
  for (const m of inner.matchAll(/<([A-Za-z]+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) {
    const text = (m[2] ?? m[3] ?? "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
    // DIFFERENCES.tagsSeparator
    out.push(
      `${m[1]}=${
        m[1] === "Tags"
          ? text
              .split(",")
              .map((t) => t.trim())
              .join(",")
          : text.trim()
      }`,
    );
  }
  return out.sort();
}

describe("registration requests as the pages show them", () => {
  const bodies = Object.entries(fixture("create-registration").request.bodies!);
  for (const operation of ["create-registration", "create-update-registration"] as const) {
    for (const [name, documented] of bodies) {
      it(`${operation}: ${name} has the documented elements, in order, with the same values`, async () => {
        const f = fixture(operation);
        // The documented answer is a Windows entry; an answer with no body lets every kind be sent.
        await serve(() => ({ status: f.response.status }));
        const body = name === "appleTemplate" ? '{"aps":{"alert":"$(m)"}}' : "<tile/>";
        const doc = concrete(documented.split("{Template for the body}").join(body));
        const registration = await parseRegistrationEntry(doc);
        const root = `${registration.kind}RegistrationDescription`;
        if (operation === "create-registration") await createRegistration(hub, registration);
        else await createOrUpdateRegistration(hub, { ...registration, registrationId: "reg-1" });
        const [req] = server.requests;
        expectRequest(
          req!,
          f,
          operation === "create-registration" ? "/registrations" : "/registrations/reg-1",
        );
        const order = (xml: string) => childElementNames(xml, root);
        expect(order(req!.text)).toEqual(order(doc));
        expect(leaves(req!.text, root)).toEqual(leaves(doc, root));
      });
    }
  }
});

describe("registration responses as the pages show them", () => {
  const windows = (r: RegistrationDescription) => ({
    kind: r.kind,
    etag: r.etag,
    registrationId: r.registrationId,
    expirationTime: r.expirationTime?.toISOString(),
    tags: r.tags,
    channelUri: (r as { channelUri?: string }).channelUri,
  });
  const documented = {
    kind: "Windows",
    etag: "{ETag}",
    registrationId: "{RegistrationId}",
    expirationTime: "2012-07-16T18:20:00.000Z",
    tags: ["myTag", "myOtherTag"],
    channelUri: "{ChannelUri}",
  };
  // DIFFERENCES.curlyQuotes, DIFFERENCES.ellipsisEntry
  const feed = (f: Fixture) =>
    responseBody(f)
      .replace(/\u201d/g, '"')
      .replace(/\s*<entry>\s*\u2026\s*<\/entry>/, "");

  it("create-registration: the answered entry comes back whole", async () => {
    const f = fixture("create-registration");
    await serve(served(f, responseBody(f)));
    const created = await createRegistration(hub, { kind: "Windows", channelUri: VALUES["{ChannelUri}"]! });
    expect(windows(created)).toEqual(documented);
  });

  it("read-registration: every documented element is read", async () => {
    const f = fixture("read-registration");
    await serve(served(f, responseBody(f)));
    expect(windows(await getRegistration(hub, "reg-1"))).toEqual(documented);
    expectRequest(server.requests[0]!, f, "/registrations/reg-1");
  });

  it("read-all-registrations: the feed's registrations are read", async () => {
    const f = fixture("read-all-registrations");
    await serve(served(f, feed(f)));
    const all: RegistrationDescription[] = [];
    for await (const r of listRegistrations(hub)) all.push(r);
    expect(all.map(windows)).toEqual([documented]);
    expectRequest(server.requests[0]!, f, "/registrations");
  });

  it("read-all-registrations-tag: GET /tags/{tag}/registrations", async () => {
    const f = fixture("read-all-registrations-tag");
    await serve(served(f, feed(f)));
    const all: RegistrationDescription[] = [];
    for await (const r of listRegistrationsByTag(hub, "myTag")) all.push(r);
    expect(all.map(windows)).toEqual([documented]);
    expectRequest(server.requests[0]!, f, "/tags/myTag/registrations");
  });

  it("read-all-registrations-channel: the ChannelUri eq filter, for a WNS URI and an FCM token", async () => {
    const f = fixture("read-all-registrations-channel");
    await serve(served(f, feed(f)));
    // DIFFERENCES.filterQuotes: the documented literal with straight quotes and the raw value.
    const documentedFilter = (value: string) =>
      f.request.query["$filter"]!.replace(/\u2018|\u2019/g, "'").replace("{channelUri}", value);
    const uri = "https://db5p.notify.windows.com/?token=a'b&c=1";
    const all: RegistrationDescription[] = [];
    for await (const r of listRegistrationsByChannel(hub, uri, "wns")) all.push(r);
    expect(all.map(windows)).toEqual([documented]);
    expectRequest(server.requests[0]!, f, "/registrations", {
      $filter: documentedFilter("https://db5p.notify.windows.com/?token=a''b&c=1"),
    });
    // DIFFERENCES.channelUriForAll
    for await (const _ of listRegistrationsByChannel(hub, "fcm-token-1", "fcmv1")) break;
    expect(server.requests[1]!.query.get("$filter")).toBe(documentedFilter("fcm-token-1"));
  });

  it("delete-registration: DELETE with If-Match (an ETag, or * to overwrite)", async () => {
    const f = fixture("delete-registration");
    await serve(served(f));
    await deleteRegistration(hub, "reg-1");
    await deleteRegistration(hub, "reg-1", "7");
    expectRequest(server.requests[0]!, f, "/registrations/reg-1");
    expect(server.requests.map((r) => r.headers["if-match"])).toEqual(["*", '"7"']);
  });

  it("create-registration-id: the id comes from Content-Location", async () => {
    const f = fixture("create-registration-id");
    const location = f.response.headers!["Content-Location"]!.replace("<registrationId>", "8733236-1");
    await serve(() => ({ status: 201, headers: { ...f.response.headers, "Content-Location": location } }));
    expect(await createRegistrationId(hub)).toBe("8733236-1");
    expectRequest(server.requests[0]!, f, "/registrationIDs");
  });
});

describe("installations as the pages show them", () => {
  const create = fixture("create-overwrite-installation");
  // DIFFERENCES.placeholders, DIFFERENCES.userId
  const apns = JSON.parse(
    create.request
      .bodies!["apns"]!.replace("ABCDEF-123456-\u2026", VALUES["{DeviceToken}"]!)
      .replace('"userID"', '"userId"'),
  );

  it("create-overwrite-installation (APNS): the documented JSON is sent", async () => {
    await serve(served(create));
    await createOrUpdateInstallation(hub, apns as Installation);
    const [req] = server.requests;
    expectRequest(req!, create, "/installations/12234");
    expect(JSON.parse(req!.text)).toEqual(apns);
  });

  it("create-overwrite-installation (WNS with a template): the corrected example is sent as given", async () => {
    await serve(served(create));
    // DIFFERENCES.wnsExampleNotJson
    const wns = {
      installationId: "12234",
      userId: "MyAmazingUser",
      platform: "wns",
      pushChannel: "https://db3.notify.windows.com/?token=1",
      templates: {
        myTemplate: {
          body: '<toast><visual lang="en-US"><binding template="ToastTest01"><text id="1">$myTextProp1</text></binding></visual></toast>',
          headers: { "X-WNS-Type": "wns/toast" },
          tags: ["foo", "bar"],
        },
      },
    };
    expect(create.request.bodies!["wns"]).toContain("</tile>");
    await createOrUpdateInstallation(hub, wns as Installation);
    expect(JSON.parse(server.requests[0]!.text)).toEqual(wns);
  });

  it("read-installation: every documented field comes out", async () => {
    const f = fixture("read-installation");
    // DIFFERENCES.readInstallation: the APNS example plus the documented read-only and optional fields.
    const answer = {
      ...apns,
      lastActiveOn: "2026-01-02T03:04:05Z",
      expirationTime: "9999-12-31T23:59:59",
      lastUpdate: "2026-01-02T03:04:05Z",
      expiredPushChannel: true,
      templates: {
        t: { body: '{"aps":{}}', headers: { "apns-priority": "10" }, expiry: "$(e)", tags: ["x"] },
      },
    };
    await serve(served(f, JSON.stringify(answer)));
    const read = await getInstallation(hub, "12234");
    expectRequest(server.requests[0]!, f, "/installations/12234");
    const { expiredPushChannel, ...known } = answer;
    expect(read).toEqual({ ...known, extensionData: { expiredPushChannel } });
    for (const field of create.request.documentedFields ?? []) {
      const top = field.split(".")[0]!;
      if (["UserID", "secondaryTiles", "secondaryTile"].includes(top)) continue;
      if (top === "expiredPushChannel") expect(read.extensionData?.["expiredPushChannel"]).toBe(true);
      else expect(read).toHaveProperty(top);
    }
  });

  it("update-installation: the documented operations nhub supports are sent as documented", async () => {
    const f = fixture("update-installation");
    await serve(served(f));
    const ops = f.request.operations!;
    const supported = ops.filter((o) => o.path !== "/user" && o.path !== "/secondaryTiles/myTile/tags");
    // DIFFERENCES.patchUser, DIFFERENCES.patchTileTags
    expect(ops.length - supported.length).toBe(2);
    const value = (o: (typeof ops)[number]) => {
      if (o.value !== undefined) return o.value;
      if (o.valueText === undefined) return undefined;
      const text = o.valueText
        .slice(1, -1)
        .replace("\u2026", "$(m)")
        .replace('{"aps": $(m)}', '{"aps":{"alert":"$(m)"}}');
      return text.startsWith("{") && !text.includes('"aps"') ? JSON.parse(text) : text;
    };
    const patches = supported.map((o) => {
      const v =
        o.path === "/pushChannel" || o.path.endsWith("/pushChannel")
          ? "https://wns.example/aaaaaaa"
          : value(o);
      return v === undefined ? { op: o.op, path: o.path } : { op: o.op, path: o.path, value: v };
    });
    await updateInstallation(hub, "12234", patches as never);
    const [req] = server.requests;
    expectRequest(req!, f, "/installations/12234");
    const sent = JSON.parse(req!.text) as { op: string; path: string; value?: unknown }[];
    expect(sent.map((o) => `${o.op} ${o.path}`)).toEqual(supported.map((o) => `${o.op} ${o.path}`));
    // Objects travel as JSON strings, as the page shows.
    expect(typeof sent.find((o) => o.path === "/templates/myTemplate")!.value).toBe("string");
    expect(JSON.parse(sent.find((o) => o.path === "/templates/myTemplate/headers")!.value as string)).toEqual(
      {
        "X-WNS-Type": "wns/toast",
      },
    );
    await expect(
      updateInstallation(hub, "12234", [{ op: "add", path: "/user", value: "elio" }]),
    ).rejects.toMatchObject({ rule: "unsupported" });
  });

  it("delete-installation: DELETE, answered 204", async () => {
    const f = fixture("delete-installation");
    await serve(served(f));
    await deleteInstallation(hub, "12234");
    expectRequest(server.requests[0]!, f, "/installations/12234");
  });

  it("every fixture names its page, and every listed difference is one the tests above rely on", () => {
    for (const f of Object.values(FIXTURES)) {
      expect(f.source.url).toMatch(/^https:\/\/learn\.microsoft\.com\/rest\/api\/notificationhubs\//);
      expect(f.source.title).not.toBe("");
    }
    expect(Object.keys(FIXTURES).sort()).toHaveLength(12);
    expect(Object.keys(DIFFERENCES)).toHaveLength(16);
  });
});
