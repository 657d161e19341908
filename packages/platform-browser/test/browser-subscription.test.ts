import { createECDH, randomBytes } from "node:crypto";
import { ValidationError } from "@nhub/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertBrowserPushSubscription,
  type BrowserPushSubscription,
  browserSubscriptionFromJSON,
} from "../src/index";

// A real browser-like subscription: a fresh P-256 key pair and auth secret, as a browser would generate them.
const ecdh = createECDH("prime256v1");
ecdh.generateKeys();
const P256DH = ecdh.getPublicKey().toString("base64url");
const AUTH = randomBytes(16).toString("base64url");
const FCM_ENDPOINT =
  "https://fcm.googleapis.com/fcm/send/dX1kZ2V0aGVyOkFQQTkxYkhQ:APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ";

function toJSON(endpoint: unknown, keys: unknown, extra: Record<string, unknown> = {}) {
  return { endpoint, expirationTime: null, keys, ...extra };
}

describe("browserSubscriptionFromJSON", () => {
  it("reads PushSubscription.toJSON() into the flat form, frozen", () => {
    const json = toJSON(FCM_ENDPOINT, { p256dh: P256DH, auth: AUTH });
    const sub = browserSubscriptionFromJSON(json);
    expect(sub).toEqual({ endpoint: FCM_ENDPOINT, p256dh: P256DH, auth: AUTH });
    expect(Object.keys(sub)).toEqual(["endpoint", "p256dh", "auth"]);
    expect(Object.isFrozen(sub)).toBe(true);
    expect(P256DH).toHaveLength(87);
    expect(AUTH).toHaveLength(22);
  });

  it("reads the JSON.parse of a subscription the page posted", () => {
    const posted = JSON.stringify(toJSON(FCM_ENDPOINT, { p256dh: P256DH, auth: AUTH }));
    expect(browserSubscriptionFromJSON(JSON.parse(posted))).toEqual({
      endpoint: FCM_ENDPOINT,
      p256dh: P256DH,
      auth: AUTH,
    });
  });

  it.each([
    ["Chrome (FCM)", FCM_ENDPOINT],
    ["Firefox (Mozilla autopush)", "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABl0Z3k-Yq_Z"],
    ["Safari (Apple)", "https://web.push.apple.com/QGuQyavXutnMH0_gN3ZWsq2Jm7k"],
    ["Edge (WNS)", "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2bXyZ%3d"],
    ["a push service on a port", "https://push.example.com:8443/p/abc"],
  ])("accepts a %s endpoint as given", (_name, endpoint) => {
    expect(browserSubscriptionFromJSON(toJSON(endpoint, { p256dh: P256DH, auth: AUTH })).endpoint).toBe(
      endpoint,
    );
  });

  it("ignores expirationTime and other members, and leaves the input unchanged", () => {
    const json = Object.freeze({
      endpoint: FCM_ENDPOINT,
      expirationTime: 1_700_000_000_000,
      keys: Object.freeze({ p256dh: P256DH, auth: AUTH, other: "x" }),
      extra: true,
    });
    expect(browserSubscriptionFromJSON(json)).toEqual({ endpoint: FCM_ENDPOINT, p256dh: P256DH, auth: AUTH });
    expect(json.keys).toEqual({ p256dh: P256DH, auth: AUTH, other: "x" });
  });

  it("accepts any 65-byte uncompressed point and 16-byte secret", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (point, secret) => {
          const p256dh = Buffer.concat([Buffer.of(4), point]).toString("base64url");
          const auth = Buffer.from(secret).toString("base64url");
          expect(browserSubscriptionFromJSON(toJSON(FCM_ENDPOINT, { p256dh, auth }))).toEqual({
            endpoint: FCM_ENDPOINT,
            p256dh,
            auth,
          });
        },
      ),
    );
  });

  const padded = Buffer.from(P256DH, "base64url").toString("base64");
  const cases: ReadonlyArray<readonly [string, unknown, string, string]> = [
    ["null", null, "subscription", "type"],
    [
      "a string",
      JSON.stringify(toJSON(FCM_ENDPOINT, { p256dh: P256DH, auth: AUTH })),
      "subscription",
      "type",
    ],
    ["an array", [FCM_ENDPOINT], "subscription", "type"],
    ["no keys", { endpoint: FCM_ENDPOINT }, "subscription.keys", "required"],
    ["null keys", toJSON(FCM_ENDPOINT, null), "subscription.keys", "required"],
    ["keys that are an array", toJSON(FCM_ENDPOINT, [P256DH, AUTH]), "subscription.keys", "type"],
    ["no endpoint", { keys: { p256dh: P256DH, auth: AUTH } }, "subscription.endpoint", "required"],
    ["an empty endpoint", toJSON("", { p256dh: P256DH, auth: AUTH }), "subscription.endpoint", "required"],
    ["a numeric endpoint", toJSON(42, { p256dh: P256DH, auth: AUTH }), "subscription.endpoint", "type"],
    [
      "an http endpoint",
      toJSON("http://fcm.googleapis.com/fcm/send/x", { p256dh: P256DH, auth: AUTH }),
      "subscription.endpoint",
      "https",
    ],
    [
      "a wss endpoint",
      toJSON("wss://push.example.com/x", { p256dh: P256DH, auth: AUTH }),
      "subscription.endpoint",
      "https",
    ],
    [
      "a relative endpoint",
      toJSON("/fcm/send/x", { p256dh: P256DH, auth: AUTH }),
      "subscription.endpoint",
      "url",
    ],
    [
      "an endpoint with a line break",
      toJSON("https://fcm.googleapis.com/fcm/send/x\r\nX-Evil: 1", { p256dh: P256DH, auth: AUTH }),
      "subscription.endpoint",
      "characters",
    ],
    [
      "an endpoint with a space",
      toJSON("https://fcm.googleapis.com/fcm/send/x y", { p256dh: P256DH, auth: AUTH }),
      "subscription.endpoint",
      "characters",
    ],
    ["no p256dh", toJSON(FCM_ENDPOINT, { auth: AUTH }), "subscription.keys.p256dh", "required"],
    ["a numeric p256dh", toJSON(FCM_ENDPOINT, { p256dh: 4, auth: AUTH }), "subscription.keys.p256dh", "type"],
    [
      "a padded base64 p256dh",
      toJSON(FCM_ENDPOINT, { p256dh: padded, auth: AUTH }),
      "subscription.keys.p256dh",
      "base64url",
    ],
    [
      "a p256dh with a padding character",
      toJSON(FCM_ENDPOINT, { p256dh: `${P256DH}=`, auth: AUTH }),
      "subscription.keys.p256dh",
      "base64url",
    ],
    [
      "a p256dh in standard base64 alphabet",
      toJSON(FCM_ENDPOINT, { p256dh: `${P256DH.slice(0, 85)}+/`, auth: AUTH }),
      "subscription.keys.p256dh",
      "base64url",
    ],
    [
      "a 64-byte p256dh",
      toJSON(FCM_ENDPOINT, { p256dh: Buffer.alloc(64, 4).toString("base64url"), auth: AUTH }),
      "subscription.keys.p256dh",
      "key-length",
    ],
    [
      "a compressed-point p256dh",
      toJSON(FCM_ENDPOINT, { p256dh: Buffer.alloc(65, 2).toString("base64url"), auth: AUTH }),
      "subscription.keys.p256dh",
      "p256-point",
    ],
    ["no auth", toJSON(FCM_ENDPOINT, { p256dh: P256DH }), "subscription.keys.auth", "required"],
    [
      "an empty auth",
      toJSON(FCM_ENDPOINT, { p256dh: P256DH, auth: "" }),
      "subscription.keys.auth",
      "required",
    ],
    [
      "a 32-byte auth",
      toJSON(FCM_ENDPOINT, { p256dh: P256DH, auth: randomBytes(32).toString("base64url") }),
      "subscription.keys.auth",
      "key-length",
    ],
    [
      // "AAAAAAAAAAAAAAAAAAAAAB" decodes to the same 16 bytes as "...AA" with stray low bits set.
      "an auth whose last character has stray bits",
      toJSON(FCM_ENDPOINT, { p256dh: P256DH, auth: "AAAAAAAAAAAAAAAAAAAAAB" }),
      "subscription.keys.auth",
      "base64url",
    ],
  ];

  it.each(cases)("refuses %s", (_name, json, field, rule) => {
    const error = (() => {
      try {
        browserSubscriptionFromJSON(json);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
  });
});

describe("assertBrowserPushSubscription", () => {
  it("accepts the flat form", () => {
    const sub: unknown = { endpoint: FCM_ENDPOINT, p256dh: P256DH, auth: AUTH };
    assertBrowserPushSubscription(sub);
    const typed: BrowserPushSubscription = sub;
    expect(typed.endpoint).toBe(FCM_ENDPOINT);
  });

  it.each([
    [
      "the toJSON shape",
      toJSON(FCM_ENDPOINT, { p256dh: P256DH, auth: AUTH }),
      "subscription.p256dh",
      "required",
    ],
    [
      "an http endpoint",
      { endpoint: "http://x.example/", p256dh: P256DH, auth: AUTH },
      "subscription.endpoint",
      "https",
    ],
    [
      "a short auth",
      { endpoint: FCM_ENDPOINT, p256dh: P256DH, auth: "AAAA" },
      "subscription.auth",
      "key-length",
    ],
    ["undefined", undefined, "subscription", "type"],
  ])("refuses %s, naming the flat field", (_name, value, field, rule) => {
    expect(() => assertBrowserPushSubscription(value)).toThrow(ValidationError);
    expect(() => assertBrowserPushSubscription(value)).toThrow(expect.objectContaining({ field, rule }));
  });

  it("reports under a caller's field name", () => {
    expect(() =>
      assertBrowserPushSubscription({ endpoint: FCM_ENDPOINT, p256dh: P256DH, auth: "" }, "devices.3"),
    ).toThrow(expect.objectContaining({ field: "devices.3.auth", rule: "required" }));
  });
});
