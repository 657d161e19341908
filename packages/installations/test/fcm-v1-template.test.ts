/** The legacy FCM template translation of the FCM v1 migration: known shapes map, anything else is reported. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { translateLegacyFcmTemplate } from "../src/index";

describe("translateLegacyFcmTemplate", () => {
  it("wraps a legacy notification and data body in the v1 message envelope, expressions kept", () => {
    const result = translateLegacyFcmTemplate(
      '{"notification":{"title":"$(title)","body":"$(body)"},"data":{"id":"$(id)"}}',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const message = (JSON.parse(result.body) as { message: Record<string, unknown> }).message;
    expect(message["notification"]).toEqual({ title: "$(title)", body: "$(body)" });
    expect(message["data"]).toEqual({ id: "$(id)" });
  });

  it("reports a body that is not JSON instead of guessing", () => {
    expect(translateLegacyFcmTemplate("not json")).toEqual({ ok: false, reason: "the body is not JSON" });
  });

  it("never throws: any text gives a translation that parses as JSON, or a reason", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: "binary" })), (text) => {
        const result = translateLegacyFcmTemplate(text);
        if (result.ok) expect(() => JSON.parse(result.body)).not.toThrow();
        else expect(result.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
