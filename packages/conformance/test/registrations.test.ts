/**
 * Registrations: create an id, create, create-or-update, update with an ETag, get, delete, list (all and by tag)
 * for every kind both clients support, native and template (by channel: differences.test.ts).
 */
import {
  createOrUpdateRegistration,
  createRegistration,
  createRegistrationId,
  deleteRegistration,
  getRegistration,
  listRegistrations,
  listRegistrationsByTag,
  updateRegistration,
} from "@nhub/installations";
import { describe, expect, it } from "vitest";
import { ETAG, REGISTRATION_ID, type Responder, runBoth, runOne, serviceResponder } from "../src/capture";
import { diffRequests } from "../src/compare";
import { forNhub, REGISTRATION_CASES } from "./registration-pairs";

// The SDK writes an Atom `<updated>` element in every entry it sends; nhub writes the entry the .NET and
// Java SDKs write, without it. Asserted and explained in differences.test.ts.
const ATOM_UPDATED = "body/entry: children sdk [updated, content] nhub [content]";
// The SDK sends a Content-Type on requests that have no body; nhub does not. See differences.test.ts.
const contentTypeWithoutBody = (value: string) =>
  `header content-type: sdk ${JSON.stringify(value)} nhub (absent)`;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Drops `undefined` fields (the SDK sets every field it knows, defined or not). */
function defined(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

describe.each(REGISTRATION_CASES)("$kind", ({ registration, bodyDiff }) => {
  it("creates with POST registrations and the same Atom entry", async () => {
    const run = await runOne(
      (c) => c.createRegistration(structuredClone(registration)),
      (h) => createRegistration(h, forNhub(registration)),
    );
    expect(run.diff).toEqual([ATOM_UPDATED, ...bodyDiff]);
    expect(run.nhub.method).toBe("POST");
    expect(run.nhub.path).toBe("/myhub/registrations");
    expect(run.nhub.headers["content-type"]).toBe("application/atom+xml;type=entry;charset=utf-8");
    expect(run.nhub.headers["if-match"]).toBeUndefined();
  });

  it("creates or updates with PUT registrations/{id} and no If-Match", async () => {
    const withId = { ...registration, registrationId: "my-own-id" };
    const run = await runOne(
      (c) => c.createOrUpdateRegistration(structuredClone(withId)),
      (h) => createOrUpdateRegistration(h, forNhub(withId)),
    );
    expect(run.diff).toEqual([ATOM_UPDATED, ...bodyDiff]);
    expect(run.nhub.method).toBe("PUT");
    expect(run.nhub.path).toBe("/myhub/registrations/my-own-id");
    expect(run.nhub.headers["if-match"]).toBeUndefined();
  });

  it('updates with PUT registrations/{id} and If-Match: "<etag>"', async () => {
    const read = { ...registration, registrationId: REGISTRATION_ID, etag: ETAG };
    const run = await runOne(
      (c) => c.updateRegistration(structuredClone(read)),
      (h) => updateRegistration(h, forNhub(read)),
    );
    expect(run.diff).toEqual([ATOM_UPDATED, ...bodyDiff]);
    expect(run.nhub.path).toBe(`/myhub/registrations/${REGISTRATION_ID}`);
    expect(run.nhub.headers["if-match"]).toBe(`"${ETAG}"`);
  });
});

describe.each(REGISTRATION_CASES.filter((c) => c.bodyDiff.length === 0))(
  "$kind: the answer",
  ({ registration }) => {
    it("reads the same registration back from the service's echo", async () => {
      const run = await runOne(
        (c) => c.createRegistration(structuredClone(registration)),
        (h) => createRegistration(h, forNhub(registration)),
      );
      expect(defined(run.nhubResult)).toEqual(defined(run.sdkResult));
      expect(run.nhubResult).toMatchObject({
        registrationId: REGISTRATION_ID,
        etag: ETAG,
        kind: registration.kind,
      });
    });
  },
);

describe("registration operations", () => {
  it("creates a registration id with POST registrationIDs and reads it from Location", async () => {
    const run = await runOne(
      (c) => c.createRegistrationId(),
      (h) => createRegistrationId(h),
    );
    expect(run.diff).toEqual([contentTypeWithoutBody("application/xml;type=entry;charset=utf-8")]);
    expect(run.nhub.method).toBe("POST");
    expect(run.nhub.path).toBe("/myhub/registrationIDs");
    expect(run.nhub.body).toBeUndefined();
    expect(run.nhubResult).toBe(run.sdkResult);
    expect(run.nhubResult).toBe(REGISTRATION_ID);
  });

  it("gets a registration and reads the same fields", async () => {
    const run = await runOne(
      (c) => c.getRegistration(REGISTRATION_ID),
      (h) => getRegistration(h, REGISTRATION_ID),
    );
    expect(run.diff).toEqual([contentTypeWithoutBody("application/xml;type=entry;charset=utf-8")]);
    expect(run.nhub.path).toBe(`/myhub/registrations/${REGISTRATION_ID}`);
    const sdkFields = defined(run.sdkResult);
    expect(defined(run.nhubResult)).toMatchObject(sdkFields);
    expect(sdkFields).toMatchObject({
      kind: "AppleTemplate",
      registrationId: REGISTRATION_ID,
      etag: ETAG,
      tags: ["sports", "lang:en"],
      pushVariables: { team: "A" },
      templateName: "alert",
      priority: "10",
      apnsHeaders: { "apns-push-type": "alert" },
    });
    // The SDK never reads `<Expiry>` back; nhub does.
    expect(sdkFields).not.toHaveProperty("expiry");
    expect(run.nhubResult).toMatchObject({ expiry: "2030-01-02T03:04:05Z" });
  });

  it('deletes with If-Match: "<etag>"', async () => {
    const run = await runOne(
      (c) => c.deleteRegistration(REGISTRATION_ID, { etag: ETAG }),
      (h) => deleteRegistration(h, REGISTRATION_ID, ETAG),
    );
    expect(run.diff).toEqual([contentTypeWithoutBody("application/atom+xml;type=entry;charset=utf-8")]);
    expect(run.nhub.method).toBe("DELETE");
    expect(run.nhub.headers["if-match"]).toBe(`"${ETAG}"`);
  });

  it("deletes any version with If-Match: *", async () => {
    const run = await runOne(
      (c) => c.deleteRegistration(REGISTRATION_ID),
      (h) => deleteRegistration(h, REGISTRATION_ID),
    );
    expect(run.diff).toEqual([contentTypeWithoutBody("application/atom+xml;type=entry;charset=utf-8")]);
    expect(run.nhub.headers["if-match"]).toBe("*");
  });
});

/** Answers a list with two pages: the first carries a continuation token, the second none. */
const TOKEN = "MzEobik7Mg%3D%3D";
const pagedResponder: Responder = (request) => {
  const answer = serviceResponder(request);
  const next = request.query.some(([k]) => k === "continuationtoken");
  return next ? answer : { ...answer, headers: { ...answer.headers, "x-ms-continuationtoken": TOKEN } };
};

describe("listing registrations", () => {
  it("lists all registrations page by page with $top and continuationtoken", async () => {
    const run = await runBoth(
      (c) => collect(c.listRegistrations({ top: 2 })),
      (h) => collect(listRegistrations(h, { top: 2 })),
      { responder: pagedResponder },
    );
    expect(run.sdkRequests).toHaveLength(2);
    expect(run.nhubRequests).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(diffRequests(run.sdkRequests[i]!, run.nhubRequests[i]!)).toEqual([]);
    expect(run.nhubRequests[1]!.query).toContainEqual(["continuationtoken", TOKEN]);
    expect(run.nhubRequests[0]!.query).toContainEqual(["$top", "2"]);
    expect(run.nhubResult.map(defined)).toMatchObject(run.sdkResult.map(defined));
    expect(run.nhubResult.map((r) => r.kind)).toEqual(["AppleTemplate", "FcmV1", "AppleTemplate", "FcmV1"]);
  });

  it("lists by tag with GET tags/{tag}/registrations", async () => {
    const run = await runOne(
      (c) => collect(c.listRegistrationsByTag("sports", { top: 100 })),
      (h) => collect(listRegistrationsByTag(h, "sports", { top: 100 })),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.path).toBe("/myhub/tags/sports/registrations");
    expect(run.nhubResult.map(defined)).toMatchObject(run.sdkResult.map(defined));
  });

  it("lists by tag page by page", async () => {
    const run = await runBoth(
      (c) => collect(c.listRegistrationsByTag("sports")),
      (h) => collect(listRegistrationsByTag(h, "sports")),
      { responder: pagedResponder },
    );
    expect(run.nhubRequests).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(diffRequests(run.sdkRequests[i]!, run.nhubRequests[i]!)).toEqual([]);
  });
});
