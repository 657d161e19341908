// The one notification every client sends, and the hub it goes to. Kept in a module of its own, with no
// imports, so that loading it costs every client the same at cold start.

/** The hub every client addresses. */
export const HUB_NAME = "benchhub";

/** The shared access rule name in the benchmark's connection strings. */
export const KEY_NAME = "DefaultFullSharedAccessSignature";

/** The REST API version nhub and the official SDK speak. */
export const API_VERSION = "2020-06";

/** An alert with a title, a badge and a sound: a typical APNs send. */
export const PAYLOAD = Object.freeze({
  aps: Object.freeze({
    alert: Object.freeze({ title: "Full time", body: "Arsenal 2 - 1 Chelsea" }),
    badge: 1,
    sound: "default",
  }),
});

/** A tag expression with an OR, an AND and a NOT: what a back end targeting an audience sends. */
export const TAGS = "(follows_arsenal || follows_chelsea) && !muted";

/** The APNs headers nhub infers for {@link PAYLOAD}; the other clients send them explicitly. */
export const APNS_HEADERS = Object.freeze({ "apns-push-type": "alert" });

/** The body format and content type of Apple notifications. */
export const APPLE_FORMAT = "apple";
export const APPLE_CONTENT_TYPE = "application/json;charset=utf-8";

/** Handles per `$batch` request: the service's limit. */
export const BATCH_CHUNK = 1000;

/** Requests in flight during a batch, for nhub and the floor alike. */
export const BATCH_CONCURRENCY = 8;

/** `Endpoint=sb://127.0.0.1:PORT/;SharedAccessKeyName=...;SharedAccessKey=...` for a loopback lane. */
export function connectionString(endpoint, key) {
  const host = new URL(endpoint).host;
  return `Endpoint=sb://${host}/;SharedAccessKeyName=${KEY_NAME};SharedAccessKey=${key}`;
}

/**
 * `count` distinct APNs-like device tokens (64 hex characters), one at a time, the same sequence in every process.
 * Each is glued together with `+=`, so it is still a V8 "cons string": see {@link deviceHandles}.
 */
export function* handleSequence(count) {
  // xorshift32: deterministic, fast, and no crypto call that the HMAC counter could mistake for signing.
  let x = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    let h = "";
    for (let w = 0; w < 8; w++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      h += (x >>> 0).toString(16).padStart(8, "0");
    }
    yield h;
  }
}

/**
 * The first `count` tokens of {@link handleSequence}, as flat strings, as a back end gets them from JSON.parse or
 * a database driver: strings glued together with `+=` stay V8 "cons strings" that every reader must flatten
 * first, a cost real handles never carry.
 */
export function deviceHandles(count) {
  return JSON.parse(JSON.stringify(Array.from(handleSequence(count))));
}
