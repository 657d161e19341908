import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { XIAOMI_MAX_PAYLOAD_BYTES, xiaomiPlatform } from "../src/index";

// `{"title":""}` is 12 bytes: a title of 4096 - 12 characters makes a body of exactly the limit.
const fillTitle = (bytes: number) => ({ title: "x".repeat(bytes - 12) });

testPlatform(
  xiaomiPlatform,
  {
    valid: [
      {
        name: "a notification with a title and a description",
        payload: { title: "Hello", description: "Hello from Azure" },
        expect: { body: '{"title":"Hello","description":"Hello from Azure"}' },
      },
      {
        name: "a pass-through message to a tag",
        payload: { payload: "sync", pass_through: 1 },
        tags: "beta",
        expect: { body: '{"payload":"sync","pass_through":1}' },
      },
      {
        name: "a JSON string, sent byte for byte",
        payload: '{ "title": "\u4f60\u597d" }',
        expect: { body: '{ "title": "\u4f60\u597d" }' },
      },
      {
        name: "extra headers from the options",
        payload: { title: "Hi" },
        options: { headers: { "X-Trace": "abc" } },
        expect: { body: '{"title":"Hi"}', headers: { "X-Trace": "abc" } },
      },
    ],
    invalid: [
      { name: "an array", payload: [{ title: "Hi" }], field: "payload", rule: "type" },
      { name: "null", payload: null, field: "payload", rule: "type" },
      { name: "a string that is not JSON", payload: "{title:", field: "payload", rule: "json" },
      { name: "a JSON string of an array", payload: "[1]", field: "payload", rule: "type" },
      {
        name: "a value with no JSON form",
        payload: { title: "Hi", time_to_live: Number.NaN },
        field: "payload.time_to_live",
        rule: "json",
      },
      {
        name: "a header value with CR LF",
        payload: { title: "Hi" },
        options: { headers: { "X-Trace": "a\r\nAuthorization: x" } },
        field: "headers.X-Trace",
        rule: "header-value",
      },
    ],
    size: {
      overLimit: fillTitle(XIAOMI_MAX_PAYLOAD_BYTES + 1),
      atLimit: fillTitle(XIAOMI_MAX_PAYLOAD_BYTES),
    },
    escaping: [
      {
        name: "quotes, backslashes, control characters, U+2028, emoji, CJK and markup",
        payload: {
          title: 'He said "hi" \\ back\nslash\t\u0001 \u2028 \u{1F600} \u4f60\u597d </script> & <b>',
          description: "\r\nAuthorization: SharedAccessSignature x",
        },
        expect: {
          body:
            '{"title":"He said \\"hi\\" \\\\ back\\nslash\\t\\u0001 \u2028 \u{1F600} \u4f60\u597d </script> & <b>",' +
            '"description":"\\r\\nAuthorization: SharedAccessSignature x"}',
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
