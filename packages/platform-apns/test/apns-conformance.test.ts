import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { type ApnsPayload, applePlatform } from "../src/index";

/** An alert padded with a custom key to a body of exactly `bytes` bytes. */
const padded = (bytes: number): ApnsPayload => {
  const base = JSON.stringify({ aps: { alert: "x" }, pad: "" });
  return { aps: { alert: "x" }, pad: "p".repeat(bytes - Buffer.byteLength(base)) };
};
// A VoIP push carries no alert (PushKit shows none), so the VoIP size cases pad a payload without one.
const paddedVoip = (bytes: number): ApnsPayload => {
  const base = JSON.stringify({ aps: {}, pad: "" });
  return { aps: {}, pad: "p".repeat(bytes - Buffer.byteLength(base)) };
};

testPlatform(
  applePlatform,
  {
    valid: [
      {
        name: "an alert",
        payload: { aps: { alert: "Hello!" } },
        expect: { body: '{"aps":{"alert":"Hello!"}}', headers: { "apns-push-type": "alert" } },
      },
      {
        name: "a background update at priority 5, to a tag",
        payload: { refresh: "feed", aps: { "content-available": 1 } },
        tags: "sync",
        expect: {
          body: '{"refresh":"feed","aps":{"content-available":1}}',
          headers: { "apns-push-type": "background", "apns-priority": "5" },
        },
      },
      {
        name: "a JSON string, sent byte for byte",
        payload: '{ "aps" : { "alert" : "Hi", "badge": 3 } }',
        expect: {
          body: '{ "aps" : { "alert" : "Hi", "badge": 3 } }',
          headers: { "apns-push-type": "alert" },
        },
      },
      {
        name: "options turned into apns-* headers",
        payload: { aps: { alert: "Hi" } },
        options: {
          priority: 10,
          collapseId: "score-g42",
          topic: "com.example.app",
          headers: { "X-Trace": "t-1" },
        },
        expect: {
          body: '{"aps":{"alert":"Hi"}}',
          headers: {
            "apns-push-type": "alert",
            "apns-priority": "10",
            "apns-collapse-id": "score-g42",
            "apns-topic": "com.example.app",
            "X-Trace": "t-1",
          },
        },
      },
    ],
    invalid: [
      { name: "no aps", payload: { alert: "Hi" }, field: "payload.aps", rule: "required" },
      { name: "a string that is not JSON", payload: '{"aps":', field: "payload", rule: "json" },
      { name: "an alert over 4096 bytes", payload: padded(4097), field: "payload", rule: "max-bytes" },
      {
        name: "priority 7",
        payload: { aps: { alert: "Hi" } },
        options: { priority: 7 },
        field: "options.priority",
        rule: "enum",
      },
      {
        name: "a background update at priority 10",
        payload: { aps: { "content-available": 1 } },
        options: { priority: 10 },
        field: "options.priority",
        rule: "background-priority",
      },
      {
        name: "an apns-* header with CR LF",
        payload: { aps: { alert: "Hi" } },
        options: { headers: { "apns-topic": "com.example\r\nAuthorization: x" } },
        field: "headers.apns-topic",
        rule: "header-value",
      },
    ],
    // maxBytes is the VoIP limit, 5120: a VoIP push may fill it, and not one byte more.
    size: { overLimit: paddedVoip(5121), atLimit: paddedVoip(5120), options: { pushType: "voip" } },
    escaping: [
      {
        name: "quotes, backslashes, control characters, U+2028, emoji and header-like text",
        payload: { aps: { alert: 'Say "hi" \\ \n\u0007 \u2028 \u{1F600} \r\nAuthorization: x' } },
        expect: {
          body: '{"aps":{"alert":"Say \\"hi\\" \\\\ \\n\\u0007 \u2028 \u{1F600} \\r\\nAuthorization: x"}}',
          headers: { "apns-push-type": "alert" },
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
