/**
 * The recipe in CONTRIBUTING.md, followed once: a platform made of one file of payload checks and one of
 * data plus descriptor (`test/fixtures/platform-example/`) passes the conformance suite every platform package
 * runs, with nothing else written.
 */
import { testPlatform } from "@nhub/testkit";
import { describe, expect, it } from "vitest";
import { NotificationHub } from "../src/index";
import { ACME_MAX_PAYLOAD_BYTES } from "./fixtures/platform-example/acme-payload";
import {
  acmePlatform,
  createAcmeNotification,
  sendAcmeNotification,
} from "./fixtures/platform-example/acme-platform";

// `{"title":""}` is 12 bytes: a title of the limit less 12 characters makes a body of exactly the limit.
const fillTitle = (bytes: number) => ({ title: "x".repeat(bytes - 12) });

testPlatform(
  acmePlatform,
  {
    valid: [
      {
        name: "a title with a badge",
        payload: { title: "Hello", badge: 3 },
        expect: { body: '{"title":"Hello","badge":3}' },
      },
      {
        name: "JSON text, sent byte for byte",
        payload: '{ "title": "Hi", "data": { "k": "v" } }',
        tags: "beta",
        expect: { body: '{ "title": "Hi", "data": { "k": "v" } }' },
      },
      {
        name: "extra headers from the options",
        payload: { title: "Hi" },
        options: { headers: { "X-Trace": "abc" } },
        expect: { body: '{"title":"Hi"}', headers: { "X-Trace": "abc" } },
      },
    ],
    invalid: [
      { name: "no title", payload: { badge: 1 }, field: "payload.title", rule: "required" },
      {
        name: "an unknown field",
        payload: { title: "Hi", sound: "x" },
        field: "payload.sound",
        rule: "unknown-field",
      },
      {
        name: "a negative badge",
        payload: { title: "Hi", badge: -1 },
        field: "payload.badge",
        rule: "integer",
      },
      {
        name: "a number in data",
        payload: { title: "Hi", data: { n: 1 } },
        field: "payload.data.n",
        rule: "type",
      },
      { name: "text that is not JSON", payload: '{"title":', field: "payload", rule: "json" },
      {
        name: "JSON text breaking a rule",
        payload: '{"title":""}',
        field: "payload.title",
        rule: "required",
      },
      {
        name: "options that are not an object",
        payload: { title: "Hi" },
        options: "x",
        field: "options",
        rule: "type",
      },
    ],
    size: {
      overLimit: fillTitle(ACME_MAX_PAYLOAD_BYTES + 1),
      atLimit: fillTitle(ACME_MAX_PAYLOAD_BYTES),
    },
    escaping: [
      {
        name: "quotes, backslashes, markup, U+2028 and emoji",
        payload: { title: 'a "q" \\ <b>&</b> \u2028 \u{1F600}' },
        expect: { body: JSON.stringify({ title: 'a "q" \\ <b>&</b> \u2028 \u{1F600}' }) },
      },
      {
        name: "text that looks like a header",
        payload: { title: "x\r\nAuthorization: y" },
        expect: { body: '{"title":"x\\r\\nAuthorization: y"}' },
      },
    ],
  },
  { describe, it, NotificationHub },
);

describe("the example platform's descriptor", () => {
  it("points at the two functions and carries its alias", () => {
    expect(acmePlatform.create).toBe(createAcmeNotification);
    expect(acmePlatform.send).toBe(sendAcmeNotification);
    expect(acmePlatform.aliases).toEqual(["acme-push"]);
    expect(Object.isFrozen(acmePlatform.aliases)).toBe(true);
  });
});
