import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { BAIDU_MAX_PAYLOAD_BYTES, baiduPlatform } from "../src/index";

/** An Android message of exactly `bytes` bytes: `{"description":""}` is 18. */
const descriptionOf = (bytes: number) => ({ description: "x".repeat(bytes - 18) });

testPlatform(
  baiduPlatform,
  {
    valid: [
      {
        name: "an Android notification",
        payload: { title: "Hello", description: "Hello from Azure" },
        expect: { body: '{"title":"Hello","description":"Hello from Azure"}' },
      },
      {
        name: "an iOS message with custom content, to a set of tags",
        payload: { aps: { alert: "Hi", badge: 1 }, id: 42 },
        tags: new Set(["beijing", "shanghai"]),
        expect: { body: '{"aps":{"alert":"Hi","badge":1},"id":42}' },
      },
      {
        name: "a JSON string, sent byte for byte",
        payload: '{ "description": "\u4f60\u597d" }',
        expect: { body: '{ "description": "\u4f60\u597d" }' },
      },
      {
        name: "a pass-through message, marked only when asked",
        payload: { description: "sync" },
        options: { messageType: "message" },
        expect: { body: '{"description":"sync"}', headers: { "X-Baidu-Message-Type": "message" } },
      },
    ],
    invalid: [
      { name: "an empty message", payload: {}, field: "payload", rule: "required" },
      {
        name: "a numeric title",
        payload: { title: 1, description: "d" },
        field: "payload.title",
        rule: "type",
      },
      {
        name: "a negative badge",
        payload: { aps: { badge: -1 } },
        field: "payload.aps.badge",
        rule: "integer",
      },
      { name: "text that is not JSON", payload: "{'title': 'Hello'}", field: "payload", rule: "json" },
      {
        name: "Chinese text over 4 KB",
        payload: { description: "\u4f60".repeat(1400) },
        field: "payload",
        rule: "max-bytes",
      },
      {
        name: "an unknown message type",
        payload: { description: "d" },
        options: { messageType: "silent" },
        field: "options.messageType",
        rule: "enum",
      },
    ],
    size: {
      overLimit: descriptionOf(BAIDU_MAX_PAYLOAD_BYTES + 1),
      atLimit: descriptionOf(BAIDU_MAX_PAYLOAD_BYTES),
    },
    escaping: [
      {
        name: "quotes, backslashes, control characters, U+2028, emoji, CJK and header-like text",
        payload: {
          title: '"\u4f60\u597d" \\ \b',
          description: "\u2028 \u{1F600} \r\nX-Baidu-Message-Type: message",
        },
        expect: {
          body: '{"title":"\\"\u4f60\u597d\\" \\\\ \\b","description":"\u2028 \u{1F600} \\r\\nX-Baidu-Message-Type: message"}',
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
