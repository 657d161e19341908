// A CommonJS consumer of the packed @nhub/core, @nhub/sas and @nhub/platform-apns, run by the release rehearsal.
const { NotificationHub, ValidationError } = require("@nhub/core");
const { createAppleNotification } = require("@nhub/platform-apns");
const { parseConnectionString } = require("@nhub/sas");

async function main() {
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
  if (typeof require("@nhub/core/edge").NotificationHub !== "function") {
    throw new Error("@nhub/core/edge exports no NotificationHub");
  }

  const hub = new NotificationHub(connectionString, hubName);
  try {
    const result = await hub.send(createAppleNotification({ aps: { alert: "rehearsal cjs" } }));
    if (result.status !== 201 || !result.notificationId)
      throw new Error(`unexpected result ${JSON.stringify(result)}`);
    console.log(`cjs sent ${result.notificationId}`);
  } finally {
    await hub.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
