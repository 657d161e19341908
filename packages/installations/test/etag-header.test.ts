import { type NotificationHub, ValidationError } from "@nhub/core";
import type { RecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { deleteRegistration, updateRegistration } from "../src/index";
import { startHub } from "./fixtures";

let server: RecordingServer | undefined;
let hub: NotificationHub | undefined;
afterEach(async () => {
  await hub?.close();
  await server?.close();
  hub = undefined;
  server = undefined;
});

const registration = {
  kind: "Apple",
  registrationId: "1-2-3",
  deviceToken: "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA",
} as const;

describe("an ETag travels in If-Match, so it follows core's header-value rule", () => {
  it.each(["日本", "caf\u00e9", "a\u007fb", "a\tb\u0001"])(
    "refuses %j by its own name (etag), sending nothing",
    async (etag) => {
      ({ server, hub } = await startHub(() => ({ status: 200 })));
      for (const run of [
        () => deleteRegistration(hub!, "1-2-3", etag),
        () => updateRegistration(hub!, { ...registration, etag }),
      ]) {
        const error = await run().catch((e: unknown) => e);
        expect(ValidationError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ field: "etag" });
      }
      expect(server.requests).toHaveLength(0);
    },
  );

  it("still sends a visible-ASCII ETag quoted", async () => {
    ({ server, hub } = await startHub(() => ({ status: 200 })));
    await deleteRegistration(hub, "1-2-3", "W/abc-1");
    expect(server.requests[0]!.headers["if-match"]).toBe('"W/abc-1"');
  });
});
