// The official SDK, @azure/notification-hubs 2.1.0, through its modular API: one client context kept for the
// process, a notification built per send, the same tag expression, its default retry policy.
import { createClientContext, sendNotification } from "@azure/notification-hubs/api";
import { createAppleNotification } from "@azure/notification-hubs/models";
import { APNS_HEADERS, connectionString, HUB_NAME, PAYLOAD, TAGS } from "../workload.mjs";
import { runClient } from "./driver.mjs";

runClient((cfg) => {
  const context = createClientContext(connectionString(cfg.endpoint, cfg.key), HUB_NAME);
  return {
    async send() {
      const notification = createAppleNotification({ body: JSON.stringify(PAYLOAD), headers: APNS_HEADERS });
      const result = await sendNotification(context, notification, { tagExpression: TAGS });
      if (result.notificationId === undefined) throw new Error(`unexpected result ${JSON.stringify(result)}`);
    },
    // The SDK keeps its HTTP agent for the process and offers no close.
    close: async () => {},
  };
});
