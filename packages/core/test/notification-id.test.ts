import { describe, expect, it } from "vitest";
import { notificationIdFromLocation } from "../src/notification-id";

const NS = "https://myns.servicebus.windows.net";

describe("notificationIdFromLocation", () => {
  it("reads the id of every Location shape the service answers", () => {
    const cases: Array<[string, string]> = [
      // A send.
      [
        `${NS}/myhub/messages/7f6e1c2a-1b2c-4d5e-8f90-123456789abc?api-version=2020-06`,
        "7f6e1c2a-1b2c-4d5e-8f90-123456789abc",
      ],
      // A direct batch: the id comes after `$batch`, and the query ends with a bare `direct`.
      [
        `${NS}/myhub/messages/$batch/7f6e1c2a-1b2c-4d5e-8f90-123456789abc?api-version=2020-06&direct`,
        "7f6e1c2a-1b2c-4d5e-8f90-123456789abc",
      ],
      [`${NS}/myhub/messages/%24batch/batch-id_1?api-version=2020-06&direct`, "batch-id_1"],
      // A scheduled notification.
      [
        `${NS}/myhub/schedulednotifications/6342375578543341181-1?api-version=2020-06`,
        "6342375578543341181-1",
      ],
      // Without a query, with a trailing slash, with a fragment.
      [`${NS}/myhub/messages/abc`, "abc"],
      [`${NS}/myhub/messages/abc/?api-version=2020-06`, "abc"],
      [`${NS}/myhub/messages/abc#frag`, "abc"],
      // Relative, and rooted.
      ["/myhub/messages/$batch/rel-1?api-version=2020-06&direct", "rel-1"],
      ["messages/rel-2", "rel-2"],
      ["schedulednotifications/rel-3?x=1", "rel-3"],
      // A hub name with path segments, an sb:// URL as NotificationDetails writes it, collection names in any case.
      [`${NS}/team/a/hub/Messages/$Batch/nested?api-version=2020-06`, "nested"],
      ["sb://myns.servicebus.windows.net/myhub/messages/sb-id?api-version=2015-04", "sb-id"],
      // The feedback container example's id shape, with an underscore suffix.
      [
        `${NS}/h/messages/215e3aba529b49da9b6d35c134147952-20160727204710-2001061088-1_G1`,
        "215e3aba529b49da9b6d35c134147952-20160727204710-2001061088-1_G1",
      ],
    ];
    for (const [location, id] of cases) expect(notificationIdFromLocation(location), location).toBe(id);
  });

  it("percent-decodes the id exactly once", () => {
    expect(notificationIdFromLocation(`${NS}/h/messages/a%2Bb%3Dc?api-version=2020-06`)).toBe("a+b=c");
    expect(notificationIdFromLocation(`${NS}/h/messages/$batch/caf%C3%A9`)).toBe("café");
    // Decoding twice would give `%`, which no notification id may hold: nothing rather than a wrong id.
    expect(notificationIdFromLocation(`${NS}/h/messages/a%2525b`)).toBeUndefined();
  });

  it("gives undefined, never a wrong id, when the Location names no notification", () => {
    const none = [
      "",
      NS,
      `${NS}/`,
      `${NS}/myhub`,
      `${NS}/myhub/messages`,
      `${NS}/myhub/messages/`,
      `${NS}/myhub/messages/?api-version=2020-06`,
      `${NS}/myhub/messages/$batch?api-version=2020-06&direct`,
      `${NS}/myhub/messages/$batch/?api-version=2020-06&direct`,
      `${NS}/myhub/messages/%24batch`,
      `${NS}/myhub/schedulednotifications/`,
      `${NS}/myhub/messages/.`,
      `${NS}/myhub/messages/..`,
      `${NS}/myhub/messages/%2e%2e`,
      `${NS}/myhub/messages/abc/..`,
      // An id that is not a path segment once decoded, or not decodable at all.
      `${NS}/myhub/messages/a%2Fb`,
      `${NS}/myhub/messages/a%5Cb`,
      `${NS}/myhub/messages/a%20b`,
      `${NS}/myhub/messages/a%0Ab`,
      `${NS}/myhub/messages/%E0%A4%A`,
      `${NS}/myhub/messages/${"x".repeat(257)}`,
      // Not under a notification collection.
      `${NS}/myhub/registrations/123`,
      `${NS}/myhub/$batch/abc`,
      `${NS}/myhub/installations/messages`,
      "?api-version=2020-06",
      "//myns.servicebus.windows.net/messages",
    ];
    for (const location of none) expect(notificationIdFromLocation(location), location).toBeUndefined();
  });

  it("reads a plain Location and a less plain one the same way", () => {
    // The quick reading of a plain `.../messages/{id}` must never take a host, an empty segment or a `$batch`
    // for a collection or an id; each of these is read the long way.
    const cases: Array<[string, string | undefined]> = [
      ["https://messages/abc", undefined],
      ["//messages/abc", undefined],
      ["https://user@messages/abc?x=1", undefined],
      [`${NS}/h//messages/abc`, "abc"],
      [`${NS}/h/messages//abc`, "abc"],
      [`${NS}/h/messages/abc/`, "abc"],
      [`${NS}/h/messages/$batch`, undefined],
      [`${NS}/h/messages/$BATCH?api-version=2020-06`, undefined],
      [`${NS}/h/messages/.`, undefined],
      [`${NS}/h/messages/..#x`, undefined],
      [`${NS}/h/Messages/abc`, "abc"],
      [`${NS}/h/messages/abc#frag?x`, "abc"],
      [`${NS}/h/messages/abc?x#y`, "abc"],
      ["/messages/abc", "abc"],
      ["https:/messages/abc", "abc"],
      [`${NS}/h/schedulednotifications/${"a".repeat(256)}`, "a".repeat(256)],
      [`${NS}/h/schedulednotifications/${"a".repeat(257)}`, undefined],
    ];
    for (const [location, id] of cases) expect(notificationIdFromLocation(location), location).toBe(id);
  });
});
