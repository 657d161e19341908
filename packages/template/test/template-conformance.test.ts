import { MAX_REQUEST_BODY_BYTES, NotificationHub } from "@nhub/core";
import { testPlatform } from "@nhub/testkit";
import { describe, it } from "vitest";
import { templatePlatform } from "../src/index";

/** Properties of exactly `bytes` bytes of JSON: `{"p":""}` is 8. */
const fill = (bytes: number) => ({ p: "x".repeat(bytes - 8) });

testPlatform(
  templatePlatform,
  {
    valid: [
      {
        name: "a flat object of string properties",
        payload: { greeting: "Hello", badge: "40" },
        expect: { body: '{"greeting":"Hello","badge":"40"}' },
      },
      {
        name: "properties for localised templates, to a tag expression",
        payload: { greeting_en: "Hello", greeting_fr: "Bonjour" },
        tags: "sports && !muted",
        expect: { body: '{"greeting_en":"Hello","greeting_fr":"Bonjour"}' },
      },
      {
        name: "platform headers for the rendered notifications",
        payload: { a: "1" },
        options: { headers: { "apns-priority": "10" } },
        expect: { body: '{"a":"1"}', headers: { "apns-priority": "10" } },
      },
    ],
    invalid: [
      {
        name: "a number value",
        payload: { ok: "1", badge: 40 },
        field: "properties.badge",
        rule: "string-value",
      },
      { name: "a nested object", payload: { x: { y: "z" } }, field: "properties.x", rule: "string-value" },
      { name: "an array", payload: ["a"], field: "properties", rule: "type" },
      { name: "an empty property name", payload: { "": "x" }, field: "properties", rule: "property-name" },
      {
        name: "names that differ only in case",
        payload: { Name: "a", name: "b" },
        field: "properties.name",
        rule: "duplicate-name",
      },
    ],
    // The template's limit is the hub's own 64 KB; the error names the properties, not a payload.
    size: {
      overLimit: fill(MAX_REQUEST_BODY_BYTES + 1),
      atLimit: fill(MAX_REQUEST_BODY_BYTES),
      field: "properties",
    },
    escaping: [
      {
        name: "quotes, backslashes, control characters, U+2028, emoji, markup and template syntax",
        payload: {
          message: '"$(name)" \\ \n\u0000 \u2028 \u{1F600} <b>&</b>',
          header: "\r\nAuthorization: x",
        },
        expect: {
          body: '{"message":"\\"$(name)\\" \\\\ \\n\\u0000 \u2028 \u{1F600} <b>&</b>","header":"\\r\\nAuthorization: x"}',
        },
      },
    ],
  },
  { describe, it, NotificationHub },
);
