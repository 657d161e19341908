/**
 * Runs the example back end: `node examples/backend/src/main.mjs`.
 *
 * With NOTIFICATION_HUB_CONNECTION_STRING (and NOTIFICATION_HUB_NAME) set it talks to that hub; without, it
 * starts a local emulator in the same process, so it runs with nothing but Node. PORT picks the back end's
 * port (default 3000). Ctrl+C stops it cleanly: requests in flight finish, then the hub and emulator close.
 */
import { NotificationHub } from "@nhub/core";
import { startEmulator } from "@nhub/emulator";
import { createBackend } from "./server.mjs";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
let connectionString = process.env.NOTIFICATION_HUB_CONNECTION_STRING;
let hubName = process.env.NOTIFICATION_HUB_NAME;
let emulator;

if (connectionString) {
  if (!hubName) {
    console.error("Set NOTIFICATION_HUB_NAME too: the hub to use in that namespace.");
    process.exit(2);
  }
} else {
  hubName ??= "myhub";
  emulator = await startEmulator({ hubs: [hubName] });
  connectionString = emulator.connectionString();
}

let hub;
try {
  // Retries are logged so a throttled or failing hub is visible; nothing logged ever holds the key.
  hub = new NotificationHub(connectionString, hubName, { logger: { warn: (m) => console.warn(m) } });
} catch (error) {
  // A malformed connection string or hub name: the message names the part at fault.
  console.error(error.message);
  process.exit(2);
}
const server = createBackend({ hub, log: (line) => console.log(line) });

server.on("error", async (error) => {
  console.error(`Cannot listen on ${host}:${port}: ${error.message}. Set PORT to another port.`);
  await hub.close();
  await emulator?.close();
  process.exit(1);
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  const url = `http://${host}:${actual}`;
  const where = emulator
    ? `the in-process emulator (watch the devices at ${emulator.url})`
    : `hub "${hubName}" at ${hub.namespaceUrl}`;
  console.log(`Back end listening on ${url}, sending through ${where}.

Register a device, then send a goal to the fans of the reds:

  curl -i -X POST ${url}/devices -H 'content-type: application/json' \\
    -d '{"installationId":"anna-iphone","platform":"apns","pushChannel":"${"ab12".repeat(16)}","tags":["team:reds"]}'
  curl -i -X POST ${url}/events -H 'content-type: application/json' \\
    -d '{"type":"goal","team":"reds","text":"Anna scores, 1-0 in the 12th minute"}'
${emulator ? `  curl -s ${emulator.url}_emulator/hubs/${hubName.split("/").map(encodeURIComponent).join("/")}/deliveries\n` : ""}
Ctrl+C stops.`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) {
    console.error(`${signal} again: exiting now.`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: finishing requests in flight, then stopping.`);
  // close() stops accepting and resolves once every open request is answered; idle keep-alive sockets go now.
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeIdleConnections();
  });
  await hub.close();
  await emulator?.close();
  console.log("Stopped.");
}

// A second Ctrl+C while stopping forces the exit.
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
