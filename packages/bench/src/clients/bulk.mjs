// One bulk run in a fresh process, started by bulk.mjs: `nhub` streams N handles from an async generator through
// streamDirectBatch; `floor` sends the same chunks as prebuilt bodies on undici's Pool. With `heap`, heapUsed is
// sampled during the run (after a full GC when node runs with --expose-gc) and the peak above the baseline kept.
import { createNotification, NotificationHub, streamDirectBatch } from "@nhub/core";
import { Pool } from "undici";
import {
  API_VERSION,
  APNS_HEADERS,
  APPLE_CONTENT_TYPE,
  APPLE_FORMAT,
  BATCH_CHUNK,
  connectionString,
  HUB_NAME,
  handleSequence,
  PAYLOAD,
} from "../workload.mjs";
import { floorHeaders, signToken } from "./floor-request.mjs";

const cfg = JSON.parse(process.env.BENCH_BULK ?? "{}");
const gc = globalThis.gc;

/** The workload's tokens, made one at a time as a database cursor hands them out. */
async function* handleSource(count) {
  // Flattened, as a string from a driver is: see deviceHandles in workload.mjs.
  for (const h of handleSequence(count)) yield JSON.parse(`"${h}"`);
}

/** The heap in use now, after a full collection when the process may ask for one. */
function heapNow() {
  gc?.();
  return process.memoryUsage().heapUsed;
}

function sampler() {
  const baseline = heapNow();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, heapNow());
  }, cfg.sampleMs ?? 50);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, heapNow());
      return { baseline, peak, growth: peak - baseline, gc: gc !== undefined };
    },
  };
}

async function runNhub() {
  const hub = new NotificationHub(connectionString(cfg.endpoint, cfg.key), HUB_NAME);
  const notification = createNotification({
    format: APPLE_FORMAT,
    contentType: APPLE_CONTENT_TYPE,
    body: JSON.stringify(PAYLOAD),
    headers: APNS_HEADERS,
  });
  // One untimed chunk first, so the connection and the token are ready as for the floor.
  await streamDirectBatch(hub, notification, ["warm-up-handle"]).summary;
  const heap = cfg.heap ? sampler() : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stream = streamDirectBatch(hub, notification, handleSource(cfg.handles), {
    concurrency: cfg.concurrency,
  });
  for await (const chunk of stream) if (!chunk.ok) throw chunk.error;
  const summary = await stream.summary;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const memory = heap?.stop();
  await hub.close();
  return {
    ms,
    cpuUs: cpu.user + cpu.system,
    requests: summary.requests,
    sentHandles: summary.sentHandles,
    failedHandles: summary.failedHandles,
    memory,
  };
}

function floorBody(body, handles) {
  const boundary = "nhub-bench-floor-boundary";
  return {
    boundary,
    body: Buffer.from(
      `--${boundary}\r\nContent-Type: ${APPLE_CONTENT_TYPE}\r\nContent-Disposition: inline; name=notification\r\n\r\n` +
        `${body}\r\n--${boundary}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n` +
        `${JSON.stringify(handles)}\r\n--${boundary}--`,
    ),
  };
}

async function runFloor() {
  const pool = new Pool(cfg.endpoint);
  const headers = floorHeaders(
    signToken(cfg.endpoint, cfg.key),
    'multipart/mixed; boundary="nhub-bench-floor-boundary"',
  );
  const path = `/${HUB_NAME}/messages/$batch?api-version=${API_VERSION}&direct=true`;
  const payload = JSON.stringify(PAYLOAD);
  // Prebuilt, untimed: the floor is the least any client can do per chunk on the wire.
  const requests = [];
  let chunk = [];
  for await (const h of handleSource(cfg.handles)) {
    chunk.push(h);
    if (chunk.length === BATCH_CHUNK) {
      requests.push({ count: chunk.length, body: floorBody(payload, chunk).body });
      chunk = [];
    }
  }
  if (chunk.length > 0) requests.push({ count: chunk.length, body: floorBody(payload, chunk).body });
  const warm = await pool.request({
    path,
    method: "POST",
    headers,
    body: floorBody(payload, ["warm-up-handle"]).body,
  });
  await warm.body.dump();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let sentHandles = 0;
  let failedHandles = 0;
  const loop = async () => {
    while (next < requests.length) {
      const req = requests[next++];
      const res = await pool.request({ path, method: "POST", headers, body: req.body });
      await res.body.dump();
      if (res.statusCode === 201) sentHandles += req.count;
      else failedHandles += req.count;
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, loop));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await pool.close();
  return { ms, cpuUs: cpu.user + cpu.system, requests: requests.length, sentHandles, failedHandles };
}

try {
  const result = cfg.client === "floor" ? await runFloor() : await runNhub();
  process.send({ type: "result", result });
} catch (error) {
  process.send({ type: "result", error: String(error?.stack ?? error) });
}
process.disconnect();
