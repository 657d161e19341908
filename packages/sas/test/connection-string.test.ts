import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectionStringError, parseConnectionString, parseEndpoint } from "../src/index";

const good =
  "Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=abc123=";

function errorOf(s: string): ConnectionStringError {
  try {
    parseConnectionString(s);
  } catch (e) {
    if (e instanceof ConnectionStringError) return e;
    throw e;
  }
  throw new Error("expected a ConnectionStringError");
}

describe("parseConnectionString", () => {
  it("parses the portal's format and maps sb:// to https://", () => {
    expect(parseConnectionString(good)).toEqual({
      endpoint: "sb://myns.servicebus.windows.net/",
      namespaceUrl: "https://myns.servicebus.windows.net/",
      sharedAccessKeyName: "DefaultFullSharedAccessSignature",
      sharedAccessKey: "abc123=",
    });
  });

  it("splits each part at its first '=' so keys ending in '=' survive", () => {
    expect(parseConnectionString(good.replace("abc123=", "a=b==")).sharedAccessKey).toBe("a=b==");
  });

  it("accepts any order, empty parts, a trailing ';', unknown keys and outer whitespace", () => {
    const s = " ;SharedAccessKey=k=;EntityPath=hub;;SharedAccessKeyName=n;Endpoint=https://x.example/;\n";
    expect(parseConnectionString(s)).toMatchObject({
      namespaceUrl: "https://x.example/",
      sharedAccessKey: "k=",
    });
  });

  it("allows http:// only for loopback hosts", () => {
    for (const host of ["127.0.0.1:8080", "localhost:1", "[::1]:99", "127.1.2.3"]) {
      expect(
        parseConnectionString(good.replace("sb://myns.servicebus.windows.net/", `http://${host}/`))
          .namespaceUrl,
      ).toBe(`http://${host}/`);
    }
    const e = errorOf(good.replace("sb://", "http://"));
    expect(e.field).toBe("Endpoint");
    expect(e.rule).toBe("https-required");
  });

  it.each([
    ["", "connectionString", "required"],
    ["Endpoint=sb://a/;SharedAccessKeyName=n", "SharedAccessKey", "required"],
    ["Endpoint=sb://a/;SharedAccessKey=k", "SharedAccessKeyName", "required"],
    ["SharedAccessKeyName=n;SharedAccessKey=k", "Endpoint", "required"],
    ["Endpoint=;SharedAccessKeyName=n;SharedAccessKey=k", "Endpoint", "required"],
    ["endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=k", "Endpoint", "required"],
    ["Endpoint=sb://a/; SharedAccessKeyName=n;SharedAccessKey=k", "SharedAccessKeyName", "no-whitespace"],
    ["Endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=k k", "SharedAccessKey", "no-whitespace"],
    ["Endpoint=sb://a/;Endpoint=sb://b/;SharedAccessKeyName=n;SharedAccessKey=k", "Endpoint", "duplicate"],
    ["Endpoint=ftp://a/;SharedAccessKeyName=n;SharedAccessKey=k", "Endpoint", "scheme"],
    ["Endpoint=nonsense;SharedAccessKeyName=n;SharedAccessKey=k", "Endpoint", "url"],
    ["Endpoint=sb://a/hub;SharedAccessKeyName=n;SharedAccessKey=k", "Endpoint", "namespace-root"],
    ["Endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=k;secretvalue", "connectionString", "key-value"],
  ])("rejects %j naming %s (%s)", (s, field, rule) => {
    const e = errorOf(s);
    expect(e.field).toBe(field);
    expect(e.rule).toBe(rule);
    expect(e.message).toContain(field === "connectionString" ? "connection string" : field);
  });

  it("says keys are case-sensitive when a near miss is present", () => {
    expect(errorOf("endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=k").message).toMatch(
      /case-sensitive/,
    );
  });

  it("never puts the key in an error message", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9+/]{8,20}=$/),
        fc.constantFrom("ftp://a/", "http://evil.example/", "sb://a/p"),
        (key, ep) => {
          const e = errorOf(`Endpoint=${ep};SharedAccessKeyName=n;SharedAccessKey=${key};${key}`);
          expect(e.message).not.toContain(key);
        },
      ),
    );
    expect(errorOf(`${good};LEAKYSECRET`).message).not.toContain("LEAKYSECRET");
  });

  it("never quotes the Endpoint value or a key it does not know, whatever the rule broken", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), (secret) => {
        const rest = "SharedAccessKeyName=n;SharedAccessKey=k";
        const cases = [
          `Endpoint=${secret};${rest}`,
          `Endpoint=${secret}://a/;${rest}`,
          `Endpoint=http://${secret}.example/;${rest}`,
          `Endpoint=sb://${secret}.example/${secret};${rest}`,
          `Endpoint=sb://a/;${rest};${secret} x=1`,
          `Endpoint=sb://a/;${rest};${secret}=1;${secret}=2`,
        ];
        for (const s of cases) {
          const e = errorOf(s);
          expect(e.message).not.toContain(secret);
          expect(e.field).not.toContain(secret);
        }
      }),
    );
    const unknown = errorOf("Endpoint=sb://a/;SharedAccessKeyName=n;SharedAccessKey=k;a b=1");
    expect([unknown.field, unknown.rule]).toEqual(["connectionString", "no-whitespace"]);
    expect(unknown.message).toContain("part 4");
  });

  it("round-trips any well-formed connection string", () => {
    const value = fc.stringMatching(/^[A-Za-z0-9+/=_.-]{1,30}$/);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), value, value, (ns, name, key) => {
        const parsed = parseConnectionString(
          `SharedAccessKey=${key};Endpoint=sb://${ns}.servicebus.windows.net/;SharedAccessKeyName=${name}`,
        );
        expect(parsed).toEqual({
          endpoint: `sb://${ns}.servicebus.windows.net/`,
          namespaceUrl: `https://${ns}.servicebus.windows.net/`,
          sharedAccessKeyName: name,
          sharedAccessKey: key,
        });
      }),
    );
  });
});

describe("parseEndpoint", () => {
  it("reads an endpoint by the rules of a connection string's Endpoint", () => {
    expect(parseEndpoint("sb://myns.servicebus.windows.net/")).toBe("https://myns.servicebus.windows.net/");
    expect(parseEndpoint("http://127.0.0.1:10200")).toBe("http://127.0.0.1:10200/");
  });

  it.each([
    ["", "required"],
    [" sb://myns.servicebus.windows.net/", "no-whitespace"],
    ["ftp://myns/", "scheme"],
    ["http://myns.servicebus.windows.net/", "https-required"],
    ["sb://myns.servicebus.windows.net/hub", "namespace-root"],
  ])("refuses %j with rule %s, naming Endpoint", (endpoint, rule) => {
    try {
      parseEndpoint(endpoint);
      expect.unreachable("expected a ConnectionStringError");
    } catch (error) {
      expect(error).toBeInstanceOf(ConnectionStringError);
      expect(error).toMatchObject({ field: "Endpoint", rule });
    }
  });
});
