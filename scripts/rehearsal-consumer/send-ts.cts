// A TypeScript CommonJS consumer (module nodenext, strict) of the packed packages, type-checked and run by the
// release rehearsal. Its types come from the packages' `require` conditions (index.d.cts).
import { NotificationHub, type SendResult, ValidationError } from "@nhub/core";
import { type ApnsPayload, createAppleNotification } from "@nhub/platform-apns";
import { type ConnectionStringParts, parseConnectionString } from "@nhub/sas";

async function main(): Promise<void> {
  const connectionString = process.env.NOTIFICATION_HUB_CONNECTION_STRING;
  const hubName = process.env.NOTIFICATION_HUB_NAME;
  if (!connectionString || !hubName)
    throw new Error("NOTIFICATION_HUB_CONNECTION_STRING and NOTIFICATION_HUB_NAME");

  const parts: ConnectionStringParts = parseConnectionString(connectionString);
  if (parts.sharedAccessKeyName !== "DefaultFullSharedAccessSignature") throw new Error("wrong key name");

  // The declarations are real, not `any`: a payload without `aps` does not type-check, and is refused at run time.
  try {
    // @ts-expect-error: an APNs payload needs an "aps" dictionary
    createAppleNotification({ data: { msg: "no aps" } });
    throw new Error("a payload without aps was accepted");
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const field: string = error.field;
    if (!field.startsWith("payload")) throw new Error(`the ValidationError names ${field}`);
  }

  const payload: ApnsPayload = { aps: { alert: { title: "rehearsal", body: "rehearsal cts" } } };
  const hub = new NotificationHub(connectionString, hubName);
  try {
    const result: SendResult = await hub.send(createAppleNotification(payload));
    if (result.status !== 201 || !result.notificationId)
      throw new Error(`unexpected result ${JSON.stringify(result)}`);
    console.log(`cts sent ${result.notificationId}`);
  } finally {
    await hub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
