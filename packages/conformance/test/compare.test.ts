/**
 * The differ itself: it must find every kind of difference the other tests rely on it to find, or their
 * `expect(diff).toEqual([])` would prove nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CapturedRequest,
  captureRequest,
  decodePath,
  diffBodies,
  diffRequests,
  multipartBoundary,
  parseMultipart,
  parseXmlTree,
} from "../src/compare";

const base = (overrides: Partial<CapturedRequest> = {}): CapturedRequest => ({
  ...captureRequest(
    "POST",
    "https://myns.servicebus.windows.net/myhub/messages/?api-version=2020-06",
    [
      ["Content-Type", "application/json;charset=utf-8"],
      ["ServiceBusNotification-Format", "apple"],
    ],
    '{"aps":{"alert":"Hi"}}',
  ),
  ...overrides,
});

describe("captureRequest", () => {
  it("keeps the raw path, decodes it per segment and splits the query", () => {
    const r = captureRequest(
      "get",
      "https://h.example/myhub/tags/lang%3Aen/registrations?api-version=2020-06&%24top=2&%24filter=A%20eq%20'b'",
      [["X-A", "1"]],
      undefined,
    );
    expect(r).toMatchObject({
      method: "GET",
      rawPath: "/myhub/tags/lang%3Aen/registrations",
      path: "/myhub/tags/lang:en/registrations",
      query: [
        ["api-version", "2020-06"],
        ["$top", "2"],
        ["$filter", "A eq 'b'"],
      ],
      headers: { "x-a": "1" },
      body: undefined,
    });
    expect(captureRequest("PUT", "https://h.example/x", [], new TextEncoder().encode("é")).body).toBe("é");
  });

  it("keeps a segment that is not valid percent-encoding as it is", () => {
    expect(decodePath("/a/%zz/b%20c")).toBe("/a/%zz/b c");
  });
});

describe("diffRequests", () => {
  it("finds nothing between a request and itself", () => {
    expect(diffRequests(base(), base())).toEqual([]);
  });

  it("finds a different method, path, path encoding and query", () => {
    expect(diffRequests(base(), base({ method: "PUT" }))).toEqual(["method: sdk POST nhub PUT"]);
    expect(diffRequests(base(), base({ path: "/myhub/x", rawPath: "/myhub/x" }))).toEqual([
      "path: sdk /myhub/messages/ nhub /myhub/x",
    ]);
    expect(
      diffRequests(
        base({ path: "/a/b:c", rawPath: "/a/b:c" }),
        base({ path: "/a/b:c", rawPath: "/a/b%3Ac" }),
      ),
    ).toEqual(["path encoding: sdk /a/b:c nhub /a/b%3Ac"]);
    expect(
      diffRequests(
        base(),
        base({
          query: [
            ["api-version", "2020-06"],
            ["test", "true"],
          ],
        }),
      ),
    ).toEqual(['query test: sdk [] nhub ["true"]']);
  });

  it("compares query parameters as a multiset, not in order", () => {
    const a = base({
      query: [
        ["a", "1"],
        ["b", "2"],
      ],
    });
    const b = base({
      query: [
        ["b", "2"],
        ["a", "1"],
      ],
    });
    expect(diffRequests(a, b)).toEqual([]);
    expect(
      diffRequests(
        a,
        base({
          query: [
            ["a", "1"],
            ["a", "1"],
            ["b", "2"],
          ],
        }),
      ),
    ).toEqual(['query a: sdk ["1"] nhub ["1","1"]']);
  });

  it("finds a missing, extra or different header, and ignores telemetry and authorization", () => {
    const withHeaders = (headers: Record<string, string>) => base({ headers });
    const h = { "content-type": "application/json", "servicebusnotification-tags": "a" };
    expect(diffRequests(withHeaders(h), withHeaders({ ...h, "servicebusnotification-tags": "b" }))).toEqual([
      'header servicebusnotification-tags: sdk "a" nhub "b"',
    ]);
    expect(diffRequests(withHeaders(h), withHeaders({ "content-type": "application/json" }))).toEqual([
      'header servicebusnotification-tags: sdk "a" nhub (absent)',
    ]);
    expect(
      diffRequests(
        withHeaders({ ...h, "user-agent": "x", authorization: "1", "x-ms-client-request-id": "2" }),
        withHeaders({ ...h, authorization: "3" }),
      ),
    ).toEqual([]);
    expect(
      diffRequests(withHeaders(h), withHeaders({ ...h, "x-extra": "1" }), { ignoreHeaders: ["x-extra"] }),
    ).toEqual([]);
  });

  it("property: any change of one header value is reported, and only that one", () => {
    const name = fc.stringMatching(/^x-[a-z]{1,8}$/);
    const value = fc.stringMatching(/^[ -~]{0,20}$/);
    fc.assert(
      fc.property(fc.dictionary(name, value, { minKeys: 1 }), value, (headers, replacement) => {
        const key = Object.keys(headers)[0]!;
        fc.pre(headers[key] !== replacement);
        const changed = { ...headers, [key]: replacement };
        expect(diffRequests(base({ headers }), base({ headers }))).toEqual([]);
        expect(diffRequests(base({ headers }), base({ headers: changed }))).toEqual([
          `header ${key}: sdk ${JSON.stringify(headers[key])} nhub ${JSON.stringify(replacement)}`,
        ]);
      }),
    );
  });
});

describe("diffBodies", () => {
  it("compares JSON by value: key order is free, array order and types are not", () => {
    expect(diffBodies('{"a":1,"b":[1,2]}', '{"b":[1,2],"a":1}')).toEqual([]);
    expect(diffBodies('{"a":1,"b":[1,2]}', '{"a":"1","b":[2,1]}')).toEqual([
      'body.a: sdk 1 nhub "1"',
      "body.b[0]: sdk 1 nhub 2",
      "body.b[1]: sdk 2 nhub 1",
    ]);
    expect(diffBodies('{"a":1}', '{"a":1,"c":null}')).toEqual(["body.c: sdk (absent) nhub null"]);
  });

  it("property: JSON that differs only in key order has no difference", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(diffBodies(JSON.stringify(object), JSON.stringify(reversed))).toEqual([]);
      }),
    );
  });

  it("compares XML by structure: attributes unordered, CDATA as text, element order kept", () => {
    expect(
      diffBodies(
        '<a x="1" y="2"><b><![CDATA[<t>&]]></b></a>',
        '<?xml version="1.0"?><a y="2" x="1"><b>&lt;t&gt;&amp;</b></a>',
      ),
    ).toEqual([]);
    expect(diffBodies("<a><b/><c/></a>", "<a><c/><b/></a>")).toEqual([
      "body/a: element order sdk [b, c] nhub [c, b]",
    ]);
    expect(diffBodies("<a><b/></a>", "<a><b/><c/></a>")).toEqual(["body/a: children sdk [b] nhub [b, c]"]);
    expect(diffBodies('<a k="1"><b>x</b></a>', '<a k="2"><b>y</b></a>')).toEqual([
      'body/a/@k: sdk "1" nhub "2"',
      'body/a/b: text sdk "x" nhub "y"',
    ]);
    expect(diffBodies("<a><b> x</b></a>", "<a><b>x</b></a>")).toEqual(['body/a/b: text sdk " x" nhub "x"']);
    // Character references are decoded and line ends normalised, as the service's XML reader does.
    expect(diffBodies("<a>x&#13;&#10;y</a>", "<a>x\r\ny</a>")).toEqual([
      'body/a: text sdk "x\\r\\ny" nhub "x\\ny"',
    ]);
    expect(diffBodies("<a>x&#65;</a>", "<a>xA</a>")).toEqual([]);
  });

  it("compares anything else byte for byte, and an absent body with an empty one as the same", () => {
    expect(diffBodies("raw", "raw")).toEqual([]);
    expect(diffBodies("raw", "raw ")).toEqual(['body: sdk "raw" nhub "raw "']);
    expect(diffBodies(undefined, "")).toEqual([]);
    expect(diffBodies(undefined, "x")).toEqual(['body: sdk (absent) nhub "x"']);
  });

  it("parses XML into a tree with namespaces kept as attributes", () => {
    const tree = parseXmlTree('<e xmlns="urn:a"><c type="t">x</c></e>');
    expect(tree).toEqual({
      name: "e",
      attributes: { xmlns: "urn:a" },
      text: "",
      children: [{ name: "c", attributes: { type: "t" }, text: "x", children: [] }],
    });
  });
});

describe("multipart", () => {
  const body = (boundary: string, notification: string, devices: string, partType = "Content-Type") =>
    `--${boundary}\r\n${partType}: application/json\r\nContent-Disposition: inline; name=notification\r\n\r\n${notification}\r\n` +
    `--${boundary}\r\n${partType}: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n${devices}\r\n--${boundary}--`;
  const request = (contentType: string, text: string) =>
    base({ headers: { "content-type": contentType }, body: text });

  it("reads the boundary with or without quotes and spaces", () => {
    expect(multipartBoundary('multipart/mixed; boundary="b1"')).toBe("b1");
    expect(multipartBoundary('multipart/mixed; boundary = "b2"')).toBe("b2");
    expect(multipartBoundary("multipart/mixed; boundary=b3")).toBe("b3");
    expect(multipartBoundary("application/json")).toBeUndefined();
  });

  it("splits parts with their headers and bodies", () => {
    const parsed = parseMultipart(body("xyz", '{"a":1}', '["h"]'), "xyz");
    expect(parsed.preamble).toBe("");
    expect(parsed.epilogue).toBe("");
    expect(parsed.parts).toEqual([
      {
        headers: { "content-type": "application/json", "content-disposition": "inline; name=notification" },
        body: '{"a":1}',
      },
      {
        headers: { "content-type": "application/json", "content-disposition": "inline; name=devices" },
        body: '["h"]',
      },
    ]);
  });

  it("ignores the boundary value and header-name case, and finds part differences", () => {
    const a = request(
      'multipart/mixed; boundary="one"',
      body("one", '{"a":1}', '["h1","h2"]', "Content-type"),
    );
    const b = request('multipart/mixed; boundary="two"', body("two", '{"a":1}', '["h1","h2"]'));
    expect(diffRequests(a, b)).toEqual([]);
    const c = request('multipart/mixed; boundary="two"', body("two", '{"a":2}', '["h2","h1"]'));
    expect(diffRequests(a, c)).toEqual([
      "part 0 body.a: sdk 1 nhub 2",
      'part 1 body[0]: sdk "h1" nhub "h2"',
      'part 1 body[1]: sdk "h2" nhub "h1"',
    ]);
  });

  it("reports a difference in the Content-Type syntax around the boundary", () => {
    const a = request('multipart/mixed; boundary = "one"', body("one", "{}", "[]"));
    const b = request('multipart/mixed; boundary="two"', body("two", "{}", "[]"));
    expect(diffRequests(a, b)).toEqual([
      'header content-type: sdk "multipart/mixed; boundary = \\"<boundary>\\"" nhub "multipart/mixed; boundary=\\"<boundary>\\""',
    ]);
  });

  it("refuses a body without its closing delimiter", () => {
    expect(() => parseMultipart("--b\r\nA: 1\r\n\r\nx", "b")).toThrow(/closing/);
  });
});
