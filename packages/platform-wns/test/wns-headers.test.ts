import type { NotificationHub } from "@nhub/core";
import { type RecordingServer, useRecordingHub } from "@nhub/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  inferWnsType,
  resolveWnsHeaders,
  sendWindowsNotification,
  type WnsXmlType,
  wnsTypeForRoot,
  wnsTypeForXml,
} from "../src/index";

const inference: ReadonlyArray<readonly [string, string, WnsXmlType]> = [
  ["a plain toast", "<toast><visual/></toast>", "wns/toast"],
  ["a toast with launch", '<toast launch="x"><visual/></toast>', "wns/toast"],
  [
    "a toast with several attributes",
    '<toast launch="app?id=1&amp;b=2" duration="long" scenario="reminder"/>',
    "wns/toast",
  ],
  ["a launch holding > and an escaped tag", "<toast launch='a>b &lt;tile/>'/>", "wns/toast"],
  ["a capitalised root", '<Toast launch="x"/>', "wns/toast"],
  ["an uppercase root", "<TOAST></TOAST>", "wns/toast"],
  ["a self-closed toast", "<toast/>", "wns/toast"],
  ["whitespace inside the start tag", "<toast\n  launch = 'x'\n></toast >", "wns/toast"],
  ["a tile", '<tile><visual><binding template="TileMedium"/></visual></tile>', "wns/tile"],
  ["a capitalised tile", "<Tile/>", "wns/tile"],
  ["a badge with a value", '<badge value="1"/>', "wns/badge"],
  ["an uppercase badge", '<BADGE value="alert"/>', "wns/badge"],
  ["an XML declaration first", '<?xml version="1.0" encoding="utf-8"?><toast/>', "wns/toast"],
  ["a declaration, comment and whitespace", '<?xml version="1.0"?>\n<!-- hello -->\n\t <tile/>', "wns/tile"],
  ["a comment holding another root", "<!-- <tile/> --><badge value='2'/>", "wns/badge"],
  ["a comment holding a DOCTYPE", "<!-- <!DOCTYPE x> --><toast/>", "wns/toast"],
  ["a processing instruction first", '<?app hint="x"?><toast/>', "wns/toast"],
  ["a byte-order mark", "\uFEFF<toast/>", "wns/toast"],
  ["a root followed by a comment and whitespace", "<badge value='1'/>\n<!-- end -->\n", "wns/badge"],
  ["a root with CDATA and nested tiles", "<toast><![CDATA[<tile>]]><tile/></toast>", "wns/toast"],
];

describe("X-WNS-Type inference", () => {
  let server: RecordingServer, hub: NotificationHub;
  const startHub = useRecordingHub(afterEach);
  beforeEach(async () => ({ server, hub } = await startHub()));

  it.each(inference)("reads %s as the type on the wire", async (_name, xml, type) => {
    expect(inferWnsType(xml)).toBe(type);
    const before = server.requests.length;
    await sendWindowsNotification(hub, xml);
    expect(server.requests).toHaveLength(before + 1);
    const req = server.requests[before]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/myhub/messages/");
    expect(req.query.get("api-version")).toBe("2020-06");
    expect(req.tokenValid).toBe(true);
    expect(req.headers["servicebusnotification-format"]).toBe("windows");
    expect(req.headers["content-type"]).toBe("application/xml");
    expect(req.headers["x-wns-type"]).toBe(type);
    expect(req.body.equals(Buffer.from(xml, "utf8"))).toBe(true);
  });

  it.each(["toaster", "toast-like", "x:toast", "notification", "visual", "tiles"])(
    "finds no type for <%s>",
    (root) => {
      expect(wnsTypeForRoot(root)).toBeUndefined();
      expect(inferWnsType(`<${root} xmlns:x="urn:x"/>`)).toBeUndefined();
    },
  );

  it("matches roots in any case", () => {
    expect(["toast", "TOAST", "tOaSt"].map(wnsTypeForRoot)).toEqual(["wns/toast", "wns/toast", "wns/toast"]);
    expect(["tile", "TILE"].map(wnsTypeForRoot)).toEqual(["wns/tile", "wns/tile"]);
    expect(["badge", "Badge"].map(wnsTypeForRoot)).toEqual(["wns/badge", "wns/badge"]);
  });

  it("lets a named type settle an unknown root, never contradict a known one", () => {
    expect(wnsTypeForXml("custom", "wns/badge")).toBe("wns/badge");
    expect(wnsTypeForXml("Toast", "wns/toast")).toBe("wns/toast");
    expect(() => wnsTypeForXml("toast", "wns/tile")).toThrow(/wns\/tile.*wns\/toast/);
    expect(() => wnsTypeForXml("custom")).toThrow(expect.objectContaining({ rule: "wns-type" }));
  });
});

describe("resolveWnsHeaders", () => {
  it("returns nothing for no options", () => {
    expect(resolveWnsHeaders()).toEqual({ headers: {} });
  });

  it("reports the named type and where it came from, outside the headers", () => {
    expect(resolveWnsHeaders({ type: "wns/raw", ttl: 10 })).toEqual({
      type: "wns/raw",
      typeField: "options.type",
      headers: { "X-WNS-TTL": "10" },
    });
    expect(resolveWnsHeaders({ headers: { "X-WNS-TYPE": "wns/tile" } })).toEqual({
      type: "wns/tile",
      typeField: "headers.X-WNS-TYPE",
      headers: {},
    });
  });

  it("accepts tags and groups of exactly 16 letters and digits", () => {
    const tag = "Ab3456789012345Z";
    expect(resolveWnsHeaders({ tag, group: "1" }).headers).toEqual({ "X-WNS-Tag": tag, "X-WNS-Group": "1" });
  });

  it("accepts every priority and cache policy", () => {
    for (const priority of [1, 2, 3, 4] as const) {
      expect(resolveWnsHeaders({ priority }).headers["X-WNS-PRIORITY"]).toBe(String(priority));
    }
    expect(resolveWnsHeaders({ cachePolicy: "cache" }).headers["X-WNS-Cache-Policy"]).toBe("cache");
    expect(resolveWnsHeaders({ headers: { "X-WNS-RequestForStatus": "false" } }).headers).toEqual({
      "X-WNS-RequestForStatus": "false",
    });
  });

  it("skips headers left undefined", () => {
    expect(resolveWnsHeaders({ headers: { "X-WNS-Tag": undefined, "X-Other": undefined } }).headers).toEqual(
      {},
    );
  });
});
