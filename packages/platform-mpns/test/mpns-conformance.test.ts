import { NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { MPNS_MAX_PAYLOAD_BYTES, mpnsPlatform, mpnsToastXml } from "../src/index";

const HEAD = '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification">';
const TOAST = `${HEAD}<wp:Toast><wp:Text1>Hello</wp:Text1><wp:Text2>world</wp:Text2></wp:Toast></wp:Notification>`;
const TILE = `${HEAD}<wp:Tile><wp:Count>3</wp:Count><wp:Title>Scores</wp:Title></wp:Tile></wp:Notification>`;
const RAW = "<update><score home='2' away='1'/></update>";

/** A toast of exactly `bytes` bytes. */
const toastOf = (bytes: number) =>
  mpnsToastXml({ text1: "x".repeat(bytes - mpnsToastXml({ text1: "" }).length) });

testPlatform(
  mpnsPlatform,
  {
    valid: [
      {
        name: "a toast",
        payload: TOAST,
        expect: { body: TOAST, headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" } },
      },
      {
        name: "a tile, to a tag",
        payload: TILE,
        tags: "sports",
        expect: { body: TILE, headers: { "X-WindowsPhone-Target": "token", "X-NotificationClass": "1" } },
      },
      { name: "raw XML", payload: RAW, expect: { body: RAW, headers: { "X-NotificationClass": "3" } } },
      {
        name: "a toast delivered after 900 seconds",
        payload: TOAST,
        options: { delay: "900s" },
        expect: { body: TOAST, headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "22" } },
      },
    ],
    invalid: [
      { name: "plain text", payload: "hello", field: "payload", rule: "xml-well-formed" },
      { name: "a DOCTYPE", payload: "<!DOCTYPE r><r/>", field: "payload", rule: "xml-doctype" },
      { name: "bytes", payload: new Uint8Array([60, 114, 47, 62]), field: "payload", rule: "type" },
      {
        name: "raw XML over 1024 bytes",
        payload: `<r>${"y".repeat(1100)}</r>`,
        field: "payload",
        rule: "max-bytes",
      },
      {
        name: "an unknown delay",
        payload: TOAST,
        options: { delay: "60s" },
        field: "options.delay",
        rule: "enum",
      },
      {
        name: "a target that contradicts the XML",
        payload: TOAST,
        options: { headers: { "X-WindowsPhone-Target": "token" } },
        field: "headers.X-WindowsPhone-Target",
        rule: "type-mismatch",
      },
    ],
    size: { overLimit: toastOf(MPNS_MAX_PAYLOAD_BYTES + 1), atLimit: toastOf(MPNS_MAX_PAYLOAD_BYTES) },
    escaping: [
      {
        name: "markup, quotes and CR LF in a toast built with mpnsToastXml",
        payload: mpnsToastXml({
          text1: '5 < 6 & "so"',
          text2: "\r\nAuthorization: x",
          param: "/P.xaml?a=1&b=2",
        }),
        expect: {
          body:
            `${HEAD}<wp:Toast><wp:Text1>5 &lt; 6 &amp; &quot;so&quot;</wp:Text1>` +
            "<wp:Text2>&#13;&#10;Authorization: x</wp:Text2><wp:Param>/P.xaml?a=1&amp;b=2</wp:Param>" +
            "</wp:Toast></wp:Notification>",
          headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" },
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
