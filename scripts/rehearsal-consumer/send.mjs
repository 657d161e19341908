// An ES module consumer of the packed @nhub/core, @nhub/sas and @nhub/platform-apns, run by the release rehearsal.
import { NotificationHub, ValidationError } from "@nhub/core";
import { createAppleNotification } from "@nhub/platform-apns";
import { parseConnectionString } from "@nhub/sas";

const connectionString = process.env.NOTIFICATION_HUB_CONNECTION_STRING;
const hubName = process.env.NOTIFICATION_HUB_NAME;
if (!connectionString || !hubName)
  throw new Error("NOTIFICATION_HUB_CONNECTION_STRING and NOTIFICATION_HUB_NAME");

if (parseConnectionString(connectionString).sharedAccessKeyName !== "DefaultFullSharedAccessSignature") {
  throw new Error("@nhub/sas parsed the wrong key name");
}
// A payload without "aps" is refused with core's ValidationError: one copy of core's classes is loaded.
try {
  createAppleNotification({ data: { msg: "no aps" } });
  throw new Error("a payload without aps was accepted");
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
}

// The edge entry (fetch and WebCrypto) is in the tarball and loads too.
const edge = await import("@nhub/core/edge");
if (typeof edge.NotificationHub !== "function") throw new Error("@nhub/core/edge exports no NotificationHub");

const hub = new NotificationHub(connectionString, hubName);
try {
  const result = await hub.send(createAppleNotification({ aps: { alert: "rehearsal esm" } }));
  if (result.status !== 201 || !result.notificationId)
    throw new Error(`unexpected result ${JSON.stringify(result)}`);
  console.log(`esm sent ${result.notificationId}`);
} finally {
  await hub.close();
}
