import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { ADM_MAX_PAYLOAD_BYTES, admPlatform } from "../src/index";

/** A data message of exactly `bytes` bytes: `{"data":{"k":""}}` is 17. */
const dataOf = (bytes: number) => ({ data: { k: "x".repeat(bytes - 17) } });

testPlatform(
  admPlatform,
  {
    valid: [
      {
        name: "a data message",
        payload: { data: { msg: "Hello!" } },
        expect: { body: '{"data":{"msg":"Hello!"}}' },
      },
      {
        name: "a notification with priority and expiry, to a set of tags",
        payload: { notification: { title: "Offer", body: "10% off" }, priority: "high", expiresAfter: 3600 },
        tags: new Set(["sports", "politics"]),
        expect: {
          body: '{"notification":{"title":"Offer","body":"10% off"},"priority":"high","expiresAfter":3600}',
        },
      },
      {
        name: "a JSON string, sent byte for byte",
        payload: '{ "data": { "msg": "Hi" } }',
        expect: { body: '{ "data": { "msg": "Hi" } }' },
      },
      {
        name: "extra headers from the options",
        payload: { data: { msg: "Hi" } },
        options: { headers: { "X-Trace": "abc" } },
        expect: { body: '{"data":{"msg":"Hi"}}', headers: { "X-Trace": "abc" } },
      },
    ],
    invalid: [
      {
        name: "a non-string data value",
        payload: { data: { count: 3 } },
        field: "payload.data.count",
        rule: "type",
      },
      {
        name: "neither data nor notification",
        payload: { priority: "high" },
        field: "payload",
        rule: "required",
      },
      { name: "a null payload", payload: null, field: "payload", rule: "type" },
      {
        name: "expiresAfter over 31 days",
        payload: { data: {}, expiresAfter: 2_678_401 },
        field: "payload.expiresAfter",
        rule: "range",
      },
      {
        name: "a misspelt field",
        payload: { data: {}, expireAfter: 60 },
        field: "payload.expireAfter",
        rule: "unknown-field",
      },
      { name: "a string that is not JSON", payload: '{"data":', field: "payload", rule: "json" },
      {
        name: "a reserved header in the options",
        payload: { data: { msg: "Hi" } },
        options: { headers: { "ServiceBusNotification-Format": "gcm" } },
        field: "headers.ServiceBusNotification-Format",
        rule: "reserved-header",
      },
    ],
    size: { overLimit: dataOf(ADM_MAX_PAYLOAD_BYTES + 1), atLimit: dataOf(ADM_MAX_PAYLOAD_BYTES) },
    escaping: [
      {
        name: "quotes, backslashes, control characters, U+2028, emoji and header-like text",
        payload: { data: { msg: 'Say "hi" \\ \t\u001f \u2028 \u{1F600} \r\nAuthorization: x' } },
        expect: {
          body: '{"data":{"msg":"Say \\"hi\\" \\\\ \\t\\u001f \u2028 \u{1F600} \\r\\nAuthorization: x"}}',
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
