/**
 * Sends every user a personalised greeting through one template notification each:
 * `node examples/bulk-template/src/send-greetings.mjs [--devices 2000] [--concurrency 32]`.
 *
 * Each device is registered as an installation with the user's id and a template of its platform; the hub renders
 * `{$(greeting) + ', ' + $(name) + '!'}` with the properties sent to `$UserId:{id}`, so one send shape serves iOS
 * and Android alike. Without NOTIFICATION_HUB_CONNECTION_STRING it runs against an emulator started in-process.
 * Progress goes to stderr, the summary table to stdout; the exit code is 1 when anything failed.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { NhubError, NotificationHub, ServiceError, ValidationError } from "@nhub/core";
import { startEmulator } from "@nhub/emulator";
import { createOrUpdateInstallation, userIdTag } from "@nhub/installations";
import { createTemplateNotification } from "@nhub/template";
import { createProgressBar } from "./progress-bar.mjs";

/** The template each platform's installations carry, in the template expression language. */
export const GREETING_TEMPLATES = Object.freeze({
  apns: `{"aps":{"alert":{"title":"Welcome back","body":"{$(greeting) + ', ' + $(name) + '!'}"},"sound":"default"}}`,
  fcmv1: `{"message":{"notification":{"title":"Welcome back","body":"{$(greeting) + ', ' + $(name) + '!'}"}}}`,
});

const FIRST_NAMES = ["Anna", "Bruno", "Chloé", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas"];
const LAST_NAMES = [
  "Adams",
  "Berg",
  "Costa",
  "Dubois",
  "Eze",
  "Fischer",
  "García",
  "Horvat",
  "Ito",
  "Jansen",
];
const GREETINGS = ["Hello", "Bonjour", "Hallo", "Hola", "Ciao", "Olá", "Hej"];

/**
 * @typedef {object} User
 * @property {string} userId the user's id: the hub's `$UserId:{userId}` tag reaches their devices
 * @property {string} installationId their device's installation id
 * @property {"apns" | "fcmv1"} platform
 * @property {string} pushChannel the device's push handle
 * @property {string} name what the greeting calls them
 * @property {string} greeting the greeting in their language
 */

/**
 * Made-up users, alternately on iOS and Android. Name and greeting together differ for the first 700 users, so
 * a greeting that reached the wrong device would show.
 *
 * @param {number} count
 * @returns {User[]}
 */
export function makeUsers(count) {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, "0");
    const apns = i % 2 === 0;
    return {
      userId: `user-${n}`,
      installationId: `device-${n}`,
      platform: apns ? "apns" : "fcmv1",
      // An APNs token is hexadecimal; FCM tokens are opaque strings.
      pushChannel: apns ? (i + 1).toString(16).padStart(64, "0") : `fcm-token-${n}`,
      name: `${FIRST_NAMES[i % 10]} ${LAST_NAMES[Math.floor(i / 10) % 10]}`,
      greeting: GREETINGS[i % GREETINGS.length],
    };
  });
}

/**
 * @typedef {object} Progress
 * @property {number} done how many are finished, sent or failed
 * @property {number} total
 * @property {number} failed
 */

/**
 * @typedef {object} RunSummary
 * @property {number} total
 * @property {number} ok how many succeeded
 * @property {number} failed
 * @property {Record<string, number>} failures failed items counted by reason, e.g. `{ "HTTP 403": 2 }`
 * @property {number} elapsedMs
 * @property {number} perSecond successes per second
 */

/**
 * Registers each user's device as an installation with the user's id and their platform's greeting template.
 * Installations are idempotent (`PUT`), so running this twice is harmless.
 *
 * @param {object} options
 * @param {NotificationHub} options.hub
 * @param {readonly User[]} options.users
 * @param {number} [options.concurrency] most requests in flight, default 32
 * @param {(progress: Progress) => void} [options.onProgress]
 * @returns {Promise<RunSummary>}
 */
export function registerUsers({ hub, users, concurrency = 32, onProgress }) {
  return runAll(users, concurrency, onProgress, (user) =>
    createOrUpdateInstallation(hub, {
      installationId: user.installationId,
      userId: user.userId,
      platform: user.platform,
      pushChannel: user.pushChannel,
      templates: { greeting: { body: GREETING_TEMPLATES[user.platform] } },
    }),
  );
}

/**
 * Sends each user one template notification with their own properties, to `$UserId:{userId}`, with at most
 * `concurrency` sends in flight. Throttling (429), server faults (5xx) and dropped connections are retried by the
 * hub client (its `retry` option); what still fails is counted by reason and the run goes on.
 *
 * @param {object} options
 * @param {NotificationHub} options.hub
 * @param {readonly User[]} options.users
 * @param {number} [options.concurrency] most sends in flight, default 32
 * @param {(progress: Progress) => void} [options.onProgress] called after every send
 * @returns {Promise<RunSummary>}
 */
export function sendGreetings({ hub, users, concurrency = 32, onProgress }) {
  return runAll(users, concurrency, onProgress, (user) =>
    hub.send(createTemplateNotification({ name: user.name, greeting: user.greeting }), {
      tags: userIdTag(user.userId),
    }),
  );
}

async function runAll(items, concurrency, onProgress, task) {
  const started = performance.now();
  const failures = {};
  let ok = 0;
  let failed = 0;
  let next = 0;
  // A fixed number of lanes, each taking the next item when its last one is done: never more in flight.
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
        ok++;
      } catch (error) {
        failed++;
        const reason = failureReason(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
      onProgress?.({ done: ok + failed, total: items.length, failed });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  const elapsedMs = performance.now() - started;
  return { total: items.length, ok, failed, failures, elapsedMs, perSecond: ok / (elapsedMs / 1000) };
}

/**
 * A short reason to group failures by: `HTTP 403`, `invalid properties.name (string-value)`, `NHUB_TIMEOUT`.
 *
 * @param {unknown} error
 * @returns {string}
 */
export function failureReason(error) {
  if (ServiceError.isInstance(error)) return `HTTP ${error.statusCode}`;
  if (ValidationError.isInstance(error)) return `invalid ${error.field} (${error.rule})`;
  if (NhubError.isInstance(error)) return error.code;
  return error instanceof Error ? error.name : "unknown error";
}

/**
 * The summary as an aligned two-column table.
 *
 * @param {RunSummary} summary what {@link sendGreetings} returned
 * @param {Record<string, string | number>} [extra] more rows, e.g. `{ retries: 3 }`
 * @returns {string}
 */
export function formatSummary(summary, extra = {}) {
  const rows = [
    ["devices", summary.total],
    ["sent", summary.ok],
    ["failed", summary.failed],
    ...Object.entries(summary.failures).map(([reason, count]) => [`  ${reason}`, count]),
    ["elapsed", `${(summary.elapsedMs / 1000).toFixed(2)} s`],
    ["sends/s", Math.round(summary.perSecond)],
    ...Object.entries(extra),
  ].map(([name, value]) => [name, String(value)]);
  const left = Math.max(...rows.map(([name]) => name.length));
  const right = Math.max(...rows.map(([, value]) => value.length));
  const rule = `+-${"-".repeat(left)}-+-${"-".repeat(right)}-+`;
  return [
    rule,
    ...rows.map(([name, value]) => `| ${name.padEnd(left)} | ${value.padStart(right)} |`),
    rule,
  ].join("\n");
}

function positiveInteger(value, flag, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new RangeError(`${flag} takes a whole number from 1 to ${max}, not "${value}"`);
  }
  return n;
}

async function main(argv) {
  let devices;
  let concurrency;
  try {
    const { values } = parseArgs({
      // `pnpm start -- --devices 10` passes the "--" on.
      args: argv[0] === "--" ? argv.slice(1) : argv,
      options: {
        devices: { type: "string", default: "2000" },
        concurrency: { type: "string", default: "32" },
      },
    });
    devices = positiveInteger(values.devices, "--devices", 100_000);
    concurrency = positiveInteger(values.concurrency, "--concurrency", 1000);
  } catch (error) {
    console.error(`send-greetings: ${error.message}`);
    console.error("usage: node src/send-greetings.mjs [--devices 2000] [--concurrency 32]");
    return 2;
  }

  let connectionString = process.env.NOTIFICATION_HUB_CONNECTION_STRING;
  const hubName = process.env.NOTIFICATION_HUB_NAME ?? "myhub";
  let emulator;
  if (!connectionString) {
    emulator = await startEmulator({ hubs: [hubName] });
    connectionString = emulator.connectionString();
    console.error(`Started an emulator at ${emulator.url} (open it to see the devices).`);
  }
  // Each retry the client makes is counted, so the summary shows how often the hub pushed back.
  let retries = 0;
  const hub = new NotificationHub(connectionString, hubName, { logger: { warn: () => retries++ } });
  const users = makeUsers(devices);
  try {
    const registering = createProgressBar({ label: "registering", total: users.length });
    const registered = await registerUsers({
      hub,
      users,
      concurrency,
      onProgress: (p) => registering.update(p),
    });
    if (registered.failed > 0) {
      console.error(
        `${registered.failed} devices could not be registered (reasons below); nothing was sent.`,
      );
      console.log(formatSummary({ ...registered, ok: 0, perSecond: 0 }, { retries }));
      return 1;
    }
    const sending = createProgressBar({ label: "sending    ", total: users.length });
    const summary = await sendGreetings({ hub, users, concurrency, onProgress: (p) => sending.update(p) });
    const extra = { retries };
    if (emulator) extra["delivered (emulator)"] = emulator.hub().deliveries().length;
    console.log(formatSummary(summary, extra));
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await hub.close();
    await emulator?.close();
  }
}

// Run only as a script, not when a test imports the functions above.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2)).catch((error) => {
    // A bad connection string or hub name: nhub's message names the part at fault.
    console.error(`send-greetings: ${error.message}`);
    return 1;
  });
}
