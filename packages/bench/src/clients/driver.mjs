// What every client process shares: the HMAC counter, the first send (cold start), the timed windows and the
// IPC conversation with run.mjs. A client file hands runClient() a factory for its send function.
//
// Environment (set by run.mjs): BENCH_MODE ("cold": one send then exit; "serve": wait for commands),
// BENCH_ENDPOINT, BENCH_BATCH_ENDPOINT (https://127.0.0.1:PORT), BENCH_KEY (the shared access key).
import crypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import { performance } from "node:perf_hooks";
import { deviceHandles } from "../workload.mjs";

let hmacs = 0;

// Count every HMAC the client computes, whichever API it uses: node:crypto (nhub, the seed, the floor's one
// token) or WebCrypto (the official SDK). Node's ESM view of builtins is a live binding, refreshed by
// syncBuiltinESMExports, so `import { createHmac } from "node:crypto"` in a library sees the wrapper too, even
// when the library was loaded before this module; WebCrypto's sign is looked up on each call. No client signs
// before runClient() runs its factory.
const createHmac = crypto.createHmac;
crypto.createHmac = function countedCreateHmac(...args) {
  hmacs++;
  return createHmac.apply(this, args);
};
syncBuiltinESMExports();
const subtle = globalThis.crypto?.subtle;
if (subtle) {
  const sign = subtle.sign.bind(subtle);
  subtle.sign = (...args) => {
    if (args[0] === "HMAC" || args[0]?.name === "HMAC") hmacs++;
    return sign(...args);
  };
}

/** The configuration every client reads. */
export const config = Object.freeze({
  mode: process.env.BENCH_MODE ?? "serve",
  endpoint: process.env.BENCH_ENDPOINT ?? "",
  batchEndpoint: process.env.BENCH_BATCH_ENDPOINT ?? "",
  key: process.env.BENCH_KEY ?? "",
  // "once": nhub builds its notification once and sends it every time (run.mjs --nhub-notification once).
  notification: process.env.BENCH_NOTIFICATION === "once" ? "once" : "per-send",
});

const LATENCY_CAPACITY = 200_000;
const latencies = new Float64Array(LATENCY_CAPACITY);
let totalSends = 0;
let totalErrors = 0;

function errorText(error) {
  const e = /** @type {{ name?: string, message?: string, cause?: { message?: string } }} */ (error);
  const cause = e?.cause?.message ? ` (cause: ${e.cause.message})` : "";
  return `${e?.name ?? "Error"}: ${e?.message ?? String(error)}${cause}`;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

function peakRssKb() {
  return process.resourceUsage().maxRSS;
}

/** The sums of a window given in slices (`slice` in the window command), kept until its last slice. */
let sliced;

/**
 * Runs sends from `concurrency` loops until `durationMs` has passed or `maxSends` have started, and measures
 * throughput, client CPU (user + system, this process only) and per-send latency.
 *
 * With `slice` ({ first, last }), this is one slice of a window that run.mjs alternates with another client's:
 * the slices are summed (latencies included) and the window's figures are returned with the last slice.
 */
async function runWindow(send, { concurrency, durationMs, maxSends, slice }) {
  if (slice === undefined || slice.first) {
    sliced = { sends: 0, errors: 0, firstError: undefined, elapsedMs: 0, cpuUs: 0 };
  }
  const base = sliced.sends;
  let started = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  const loop = async () => {
    while (started < maxSends && performance.now() < deadline) {
      started++;
      const s = performance.now();
      try {
        await send();
        const i = base + done++;
        if (i < LATENCY_CAPACITY) latencies[i] = performance.now() - s;
      } catch (error) {
        errors++;
        firstError ??= errorText(error);
      }
    }
  };
  const loops = [];
  for (let i = 0; i < concurrency; i++) loops.push(loop());
  await Promise.all(loops);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  totalSends += done;
  totalErrors += errors;
  sliced.sends += done;
  sliced.errors += errors;
  sliced.firstError ??= firstError;
  sliced.elapsedMs += elapsedMs;
  sliced.cpuUs += cpu.user + cpu.system;
  if (slice !== undefined && !slice.last) return { partial: true, sends: done, errors };
  const sorted = latencies.slice(0, Math.min(sliced.sends, LATENCY_CAPACITY)).sort();
  return { ...sliced, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}

function reply(message) {
  return new Promise((resolve) => {
    process.send({ ...message, hmacs, totalSends, totalErrors, peakRssKb: peakRssKb() }, () => resolve());
  });
}

/**
 * Starts a client: builds it with `factory(config)`, does one send at once (the cold-start figure ends when
 * run.mjs receives "ready"), then serves window and batch commands until told to exit.
 *
 * @param {(cfg: typeof config) => {
 *   send: () => Promise<void>,
 *   batch?: (handles: string[], concurrency: number, opts: { build: boolean }) => Promise<{ requests: number, sentHandles: number, failedHandles: number, unavailable?: string }>,
 *   prepareBatch?: (handles: string[], opts: { build: boolean }) => void,
 *   close: () => Promise<unknown>,
 * }} factory
 */
export async function runClient(factory) {
  let client;
  try {
    client = factory(config);
    await client.send();
    totalSends++;
    await reply({ type: "ready", ok: true });
  } catch (error) {
    totalErrors++;
    await reply({ type: "ready", ok: false, error: errorText(error) });
    process.exit(1);
  }
  if (config.mode === "cold") {
    // The figure is taken; closing politely would only add noise to the next cold start.
    process.exit(0);
  }
  process.on("message", async (msg) => {
    try {
      if (msg.cmd === "window") {
        await reply({ type: "window", id: msg.id, ...(await runWindow(client.send, msg)) });
      } else if (msg.cmd === "batch") {
        await reply({ type: "batch", id: msg.id, ...(await runBatch(client, msg)) });
      } else if (msg.cmd === "exit") {
        await client.close();
        process.exit(0);
      }
    } catch (error) {
      await reply({ type: msg.cmd, id: msg.id, fatal: errorText(error) });
    }
  });
  process.on("disconnect", () => process.exit(0));
}

let handlesCache;

/** Sends `handles` device handles as direct batches, timing only the sending (handle generation is untimed). */
async function runBatch(client, { handles: count, concurrency, build = false }) {
  if (!client.batch) return { unavailable: "this client has no batch send" };
  if (handlesCache?.length !== count) handlesCache = deviceHandles(count);
  client.prepareBatch?.(handlesCache, { build });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const result = await client.batch(handlesCache, concurrency, { build });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuUs: cpu.user + cpu.system, ...result };
  } catch (error) {
    return { error: errorText(error) };
  }
}
