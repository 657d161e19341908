import { fork } from "node:child_process";
import { Pool } from "undici";
import { deviceHandles } from "./workload.mjs";

const core = await import("@nhub/core");
const { createAppleNotification } = await import("@nhub/platform-apns");
const { PAYLOAD } = await import("./workload.mjs");
const srv = fork("/tmp/mb/server.mjs");
const port = await new Promise((r) => srv.once("message", r));
const origin = `https://127.0.0.1:${port}`;
const hub = new core.NotificationHub(
  `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0`,
  "benchhub",
);
const pool = new Pool(origin);
const n0 = createAppleNotification(PAYLOAD);
const handles = deviceHandles(100000);
const B = "nhub-bench-floor-boundary";
const bodies = [];
for (let i = 0; i < 100; i++)
  bodies.push(
    Buffer.from(
      `--${B}\r\nContent-Type: application/json;charset=utf-8\r\nContent-Disposition: inline; name=notification\r\n\r\n${n0.body}\r\n--${B}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n${JSON.stringify(handles.slice(i * 1000, i * 1000 + 1000))}\r\n--${B}--\r\n`,
    ),
  );
const strs = bodies.map((b) => b.toString());
const headers = {
  authorization: "SharedAccessSignature sr=x&sig=y&se=1&skn=k",
  "content-type": `multipart/mixed; boundary="${B}"`,
  "servicebusnotification-format": "apple",
  "x-ms-version": "2020-06",
};
const variants = {
  floor: async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 100) {
          const r = await pool.request({
            path: "/benchhub/messages/$batch?api-version=2020-06&direct=true",
            method: "POST",
            headers,
            body: bodies[next++],
          });
          await r.body.dump();
        }
      }),
    );
  },
  hubRaw: async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 100) {
          await hub.request({
            method: "POST",
            path: "/messages/$batch",
            query: { direct: "true" },
            contentType: headers["content-type"],
            body: bodies[next++],
          });
        }
      }),
    );
  },
  hubStr: async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 100) {
          await hub.request({
            method: "POST",
            path: "/messages/$batch",
            query: { direct: "true" },
            contentType: headers["content-type"],
            body: strs[next++],
          });
        }
      }),
    );
  },
  nhub: async () => {
    const r = await hub.sendDirectBatch(n0, handles, { concurrency: 8 });
    if (r.sentHandles !== 100000) throw new Error("x");
  },
};
const names = (process.argv[2] ?? "floor,nhub").split(",");
const acc = Object.fromEntries(names.map((k) => [k, { t: [], c: [] }]));
for (let r = 0; r < 25; r++)
  for (const k of names) {
    const c = process.cpuUsage();
    const t = performance.now();
    await variants[k]();
    const u = process.cpuUsage(c);
    if (r >= 5) {
      acc[k].t.push(performance.now() - t);
      acc[k].c.push((u.user + u.system) / 1000);
    }
  }
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const k of names)
  console.log(k.padEnd(8), "wall ms", med(acc[k].t).toFixed(1), " cpu ms", med(acc[k].c).toFixed(1));
await hub.close();
await pool.close();
srv.kill();
