// nhub through its public API, as a user writes it: one NotificationHub kept for the process, a notification
// built (validated, serialised, headers inferred) per send, a tag expression checked per send, retries on.
import { NotificationHub } from "@nhub/core";
import { createAppleNotification } from "@nhub/platform-apns";
import { connectionString, HUB_NAME, PAYLOAD, TAGS } from "../workload.mjs";
import { runClient } from "./driver.mjs";

/** A count from a result field that may be a number, an array or a set. */
function countOf(value) {
  if (typeof value === "number") return value;
  return value?.length ?? value?.size ?? 0;
}

runClient((cfg) => {
  const hub = new NotificationHub(connectionString(cfg.endpoint, cfg.key), HUB_NAME);
  let batchHub;
  // Normally built per send, as a back end does. Built once (--nhub-notification once), the figures isolate the
  // hub and transport from the notification's serialisation and checks.
  const once = cfg.notification === "once" ? createAppleNotification(PAYLOAD) : undefined;
  return {
    async send() {
      const result = await hub.send(once ?? createAppleNotification(PAYLOAD), { tags: TAGS });
      if (result.status !== 201 || result.notificationId === undefined) {
        throw new Error(`unexpected result ${JSON.stringify(result)}`);
      }
    },
    prepareBatch() {
      batchHub ??= new NotificationHub(connectionString(cfg.batchEndpoint, cfg.key), HUB_NAME);
    },
    async batch(handles, concurrency) {
      if (typeof batchHub.sendDirectBatch !== "function") {
        return { unavailable: "NotificationHub.sendDirectBatch is not in @nhub/core's build" };
      }
      const result = await batchHub.sendDirectBatch(createAppleNotification(PAYLOAD), handles, {
        concurrency,
      });
      return {
        requests: countOf(result.chunks),
        sentHandles: countOf(result.sentHandles),
        failedHandles: countOf(result.failedHandles),
      };
    },
    close: () => Promise.all([hub.close(), batchHub?.close()]),
  };
});
