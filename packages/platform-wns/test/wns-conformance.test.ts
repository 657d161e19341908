import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { toastXml, WNS_MAX_PAYLOAD_BYTES, WNS_RAW_CONTENT_TYPE, windowsPlatform } from "../src/index";

const TOAST =
  '<toast><visual><binding template="ToastText01"><text id="1">Hello world!</text></binding></visual></toast>';

/** A toast of exactly `bytes` bytes. */
const toastOf = (bytes: number) => `<toast>${"x".repeat(bytes - "<toast></toast>".length)}</toast>`;

testPlatform(
  windowsPlatform,
  {
    valid: [
      {
        name: "a toast, its type read from the root element",
        payload: TOAST,
        expect: { body: TOAST, headers: { "X-WNS-Type": "wns/toast" } },
      },
      {
        name: "a badge, to a tag",
        payload: '<badge value="7"/>',
        tags: "sports",
        expect: { body: '<badge value="7"/>', headers: { "X-WNS-Type": "wns/badge" } },
      },
      {
        name: "raw bytes, sent as application/octet-stream",
        payload: new Uint8Array([0, 1, 2, 0xff]),
        expect: {
          body: new Uint8Array([0, 1, 2, 0xff]),
          contentType: WNS_RAW_CONTENT_TYPE,
          headers: { "X-WNS-Type": "wns/raw" },
        },
      },
      {
        name: "a tile with every header option",
        payload: '<tile><visual><binding template="TileMedium"/></visual></tile>',
        options: { cachePolicy: "no-cache", ttl: 3600, tag: "Score2026", group: "matches", priority: 2 },
        expect: {
          body: '<tile><visual><binding template="TileMedium"/></visual></tile>',
          headers: {
            "X-WNS-Type": "wns/tile",
            "X-WNS-Cache-Policy": "no-cache",
            "X-WNS-TTL": "3600",
            "X-WNS-Tag": "Score2026",
            "X-WNS-Group": "matches",
            "X-WNS-PRIORITY": "2",
          },
        },
      },
      {
        name: "a raw string when asked for",
        payload: '{"score":"1-0"}',
        options: { type: "wns/raw" },
        expect: {
          body: '{"score":"1-0"}',
          contentType: WNS_RAW_CONTENT_TYPE,
          headers: { "X-WNS-Type": "wns/raw" },
        },
      },
    ],
    invalid: [
      {
        name: "an unclosed element",
        payload: "<toast><visual></toast>",
        field: "payload",
        rule: "xml-well-formed",
      },
      { name: "a root that names no type", payload: "<notification/>", field: "payload", rule: "wns-type" },
      { name: "a number", payload: 42, field: "payload", rule: "type" },
      { name: "empty bytes", payload: new Uint8Array(0), field: "payload", rule: "required" },
      {
        name: "bytes with an XML type",
        payload: new Uint8Array([60]),
        options: { type: "wns/toast" },
        field: "options.type",
        rule: "type-mismatch",
      },
      {
        name: "a tag over 16 characters",
        payload: TOAST,
        options: { tag: "x".repeat(17) },
        field: "options.tag",
        rule: "wns-tag",
      },
      {
        name: "raw bytes over 5000 bytes",
        payload: new Uint8Array(5001),
        field: "payload",
        rule: "max-bytes",
      },
    ],
    size: { overLimit: toastOf(WNS_MAX_PAYLOAD_BYTES + 1), atLimit: toastOf(WNS_MAX_PAYLOAD_BYTES) },
    escaping: [
      {
        name: "markup, quotes and CR LF (as character references) in a toast built with toastXml",
        payload: toastXml({ texts: ["5 < 6 & \"so\" 'on'", "\r\nAuthorization: x"], launch: 'a=1&b="2"' }),
        expect: {
          body:
            '<toast launch="a=1&amp;b=&quot;2&quot;"><visual><binding template="ToastGeneric">' +
            "<text>5 &lt; 6 &amp; &quot;so&quot; &apos;on&apos;</text><text>&#13;&#10;Authorization: x</text>" +
            "</binding></visual></toast>",
          headers: { "X-WNS-Type": "wns/toast" },
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
