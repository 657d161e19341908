import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { FCM_MAX_PAYLOAD_BYTES, fcmLegacyPlatform, fcmV1Platform } from "../src/index";

/** A data value that pads a body to exactly `bytes`, given the body's size with an empty pad. */
const pad = (bytes: number, emptyBody: string) => "p".repeat(bytes - Buffer.byteLength(emptyBody));

const v1Padded = (bytes: number) => ({ data: { pad: pad(bytes, '{"message":{"data":{"pad":""}}}') } });

testPlatform(
  fcmV1Platform,
  {
    valid: [
      {
        name: "a data message, wrapped in the message envelope",
        payload: { data: { msg: "Hello!" } },
        expect: { body: '{"message":{"data":{"msg":"Hello!"}}}' },
      },
      {
        name: "a notification with Android settings, to a set of tags",
        payload: { notification: { title: "Goal!" }, android: { priority: "HIGH", ttl: "3.5s" } },
        tags: new Set(["sports", "news"]),
        expect: {
          body: '{"message":{"notification":{"title":"Goal!"},"android":{"priority":"HIGH","ttl":"3.5s"}}}',
        },
      },
      {
        name: "an envelope as JSON text, sent byte for byte",
        payload: '{"message":{"data": {"msg": "Hello!"}}}',
        expect: { body: '{"message":{"data": {"msg": "Hello!"}}}' },
      },
    ],
    invalid: [
      { name: "null", payload: null, field: "payload", rule: "type" },
      { name: "text that is not JSON", payload: "{data:", field: "payload", rule: "json" },
      { name: "a token", payload: { token: "abc" }, field: "payload.message.token", rule: "hub-targets" },
      { name: "a legacy field", payload: { to: "abc" }, field: "payload.message.to", rule: "unknown-field" },
      {
        name: "a number in data",
        payload: { data: { count: 1 } },
        field: "payload.message.data.count",
        rule: "type",
      },
      {
        name: "a reserved data key",
        payload: { data: { from: "x" } },
        field: "payload.message.data.from",
        rule: "reserved-key",
      },
      {
        name: "a number ttl",
        payload: { android: { ttl: 60 } },
        field: "payload.message.android.ttl",
        rule: "duration",
      },
      {
        name: "a body over 4096 bytes",
        payload: v1Padded(FCM_MAX_PAYLOAD_BYTES + 1),
        field: "payload",
        rule: "max-bytes",
      },
    ],
    size: { overLimit: v1Padded(FCM_MAX_PAYLOAD_BYTES + 1), atLimit: v1Padded(FCM_MAX_PAYLOAD_BYTES) },
    escaping: [
      {
        name: "quotes, backslashes, control characters, U+2028, emoji and header-like text in data",
        payload: { data: { msg: 'Say "hi" \\ \n\u0000 \u2028 \u{1F600} \r\nAuthorization: x' } },
        expect: {
          body: '{"message":{"data":{"msg":"Say \\"hi\\" \\\\ \\n\\u0000 \u2028 \u{1F600} \\r\\nAuthorization: x"}}}',
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);

const legacyPadded = (bytes: number) => ({ data: { pad: pad(bytes, '{"data":{"pad":""}}') } });

testPlatform(
  fcmLegacyPlatform,
  {
    valid: [
      {
        name: "a data message",
        payload: { data: { msg: "Hello!" } },
        expect: { body: '{"data":{"msg":"Hello!"}}' },
      },
      {
        name: "JSON text, sent byte for byte, to a tag",
        payload: '{ "notification": { "title": "Hi" } }',
        tags: "t",
        expect: { body: '{ "notification": { "title": "Hi" } }' },
      },
    ],
    invalid: [
      {
        name: "a to target",
        payload: { to: "token", data: { a: "b" } },
        field: "payload.to",
        rule: "hub-targets",
      },
      {
        name: "a v1 priority spelling",
        payload: { priority: "HIGH" },
        field: "payload.priority",
        rule: "enum",
      },
      { name: "an array", payload: [], field: "payload", rule: "type" },
    ],
    size: {
      overLimit: legacyPadded(FCM_MAX_PAYLOAD_BYTES + 1),
      atLimit: legacyPadded(FCM_MAX_PAYLOAD_BYTES),
    },
    escaping: [
      {
        name: "quotes, backslashes and header-like text",
        payload: { data: { msg: '"q" \\ \r\nX-Evil: 1' } },
        expect: { body: '{"data":{"msg":"\\"q\\" \\\\ \\r\\nX-Evil: 1"}}' },
      },
    ],
  },
  { describe, it, NotificationHub },
);
