import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { BROWSER_MAX_PAYLOAD_BYTES, browserPlatform } from "../src/index";

/** A payload of exactly `bytes` bytes: `{"title":""}` is 12. */
const titleOf = (bytes: number) => ({ title: "x".repeat(bytes - 12) });

testPlatform(
  browserPlatform,
  {
    valid: [
      {
        name: "a title and a body",
        payload: { title: "Hello", body: "Hello from Azure" },
        expect: { body: '{"title":"Hello","body":"Hello from Azure"}' },
      },
      {
        name: "actions and data, to a set of tags",
        payload: { title: "Ann", actions: [{ action: "reply", title: "Reply" }], data: { chat: 7 } },
        tags: new Set(["sports", "news"]),
        expect: { body: '{"title":"Ann","actions":[{"action":"reply","title":"Reply"}],"data":{"chat":7}}' },
      },
      {
        name: "any JSON object for a custom service worker, as a string byte for byte",
        payload: '{ "notification": { "title": "Hi" } }',
        expect: { body: '{ "notification": { "title": "Hi" } }' },
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
      { name: "a Date", payload: new Date(0), field: "payload", rule: "type" },
      {
        name: "NaN in data",
        payload: { title: "Hi", data: { n: Number.NaN } },
        field: "payload.data.n",
        rule: "json",
      },
      { name: "plain text", payload: "Hello", field: "payload", rule: "json" },
      { name: "a JSON string holding an array", payload: '[{"title":"Hi"}]', field: "payload", rule: "type" },
      {
        name: "a direct send's P256DH header in the options",
        payload: { title: "Hi" },
        options: { headers: { P256DH: "k" } },
        field: "headers.P256DH",
        rule: "reserved-header",
      },
    ],
    size: { overLimit: titleOf(BROWSER_MAX_PAYLOAD_BYTES + 1), atLimit: titleOf(BROWSER_MAX_PAYLOAD_BYTES) },
    escaping: [
      {
        name: "quotes, backslashes, control characters, U+2028, emoji, markup and header-like text",
        payload: { title: '"Hi" \\ \u000b \u2028 \u{1F600}', body: "<script>&</script> \r\nAuth: k" },
        expect: {
          body: '{"title":"\\"Hi\\" \\\\ \\u000b \u2028 \u{1F600}","body":"<script>&</script> \\r\\nAuth: k"}',
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
