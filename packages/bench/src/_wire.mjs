import { fork } from "node:child_process";
import { Pool } from "undici";

process.env.NODE_EXTRA_CA_CERTS = "/tmp/mb/cert.pem";
const core = await import("/work/main/packages/core/dist/index.js");
const { createAppleNotification } = await import("/work/main/packages/platform-apns/dist/index.js");
const { PAYLOAD, TAGS } = await import("/work/main/packages/bench/src/workload.mjs");
const srv = fork("/tmp/mb/server.mjs");
const port = await new Promise((r) => srv.once("message", r));
const origin = `https://127.0.0.1:${port}`;
const cs = `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0`;
const hub = new core.NotificationHub(cs, "benchhub");
const pool = new Pool(origin);
const n0 = createAppleNotification(PAYLOAD);
const fh = [
  "authorization",
  "SharedAccessSignature sr=x&sig=y&se=1&skn=k",
  "content-type",
  "application/json;charset=utf-8",
  "servicebusnotification-format",
  "apple",
  "servicebusnotification-tags",
  TAGS,
  "x-ms-version",
  "2020-06",
  "apns-push-type",
  "alert",
];
const oh = {};
for (let i = 0; i < fh.length; i += 2) oh[fh[i]] = fh[i + 1];
const pool2 = new Pool(origin, { headersTimeout: 30000, bodyTimeout: 30000, keepAliveTimeout: 30000 });
const tr = core.createUndiciTransport({ origin });
const freq = { path: "/benchhub/messages/?api-version=2020-06", method: "POST", headers: fh, body: n0.body };
const variants = {
  floor: async () => {
    const r = await pool.request(freq);
    await r.body.dump();
  },
  objHeaders: async () => {
    const r = await pool.request({ ...freq, headers: oh });
    await r.body.dump();
  },
  objText: async () => {
    const r = await pool.request({ ...freq, headers: oh });
    await r.body.text();
  },
  objTimeouts: async () => {
    const r = await pool.request({ ...freq, headers: oh, headersTimeout: 30000, bodyTimeout: 30000 });
    await r.body.dump();
  },
  poolTimeouts: async () => {
    const r = await pool2.request({ ...freq, headers: oh });
    await r.body.dump();
  },
  objT300: async () => {
    const r = await pool.request({ ...freq, headers: oh, headersTimeout: 300000, bodyTimeout: 300000 });
    await r.body.dump();
  },
  objT30pool2: async () => {
    const r = await pool2.request({ ...freq, headers: oh, headersTimeout: 30000, bodyTimeout: 30000 });
    await r.body.dump();
  },
  transport: async () => {
    await tr.request({
      method: "POST",
      origin,
      path: freq.path,
      headers: oh,
      body: n0.body,
      timeoutMs: 30000,
    });
  },
  transportMixed: async () => {
    await tr.request({
      method: "POST",
      origin,
      path: freq.path,
      headers: {
        Authorization: fh[1],
        "apns-push-type": "alert",
        "Content-Type": "application/json;charset=utf-8",
        "ServiceBusNotification-Format": "apple",
        "x-ms-version": "2020-06",
        "ServiceBusNotification-Tags": TAGS,
      },
      body: n0.body,
      timeoutMs: 30000,
    });
  },
  hubPrebuilt: () => hub.send(n0, { tags: TAGS }),
  hubFull: () => hub.send(createAppleNotification(PAYLOAD), { tags: TAGS }),
};
async function run(fn, n, c) {
  let i = 0;
  const loop = async () => {
    while (i++ < n) await fn();
  };
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(Array.from({ length: c }, loop));
  const u = process.cpuUsage(cpu);
  const ms = performance.now() - t;
  return { us: (u.user + u.system) / n, rate: (n / ms) * 1000 };
}
const names = (process.argv[2] ?? "floor,hubPrebuilt,hubFull").split(",");
for (const k of names) await run(variants[k], 30000, 64);
const acc = Object.fromEntries(names.map((k) => [k, []]));
for (let r = 0; r < 11; r++)
  for (const k of names)
    acc[k].push(await run(variants[k], +(process.env.N ?? 15000), +(process.env.C ?? 64)));
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const k of names)
  console.log(
    k.padEnd(14),
    "cpu us/send",
    med(acc[k].map((x) => x.us)).toFixed(1),
    " sends/s",
    med(acc[k].map((x) => x.rate)).toFixed(0),
  );
await hub.close();
await pool.close();
srv.kill();
