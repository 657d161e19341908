// The bulk benchmark: N device handles streamed from an async generator through nhub's streamDirectBatch to the
// loopback HTTPS server, against the floor sending the same chunks as prebuilt bodies; and nhub's heap growth
// for a small and a large N, to show that memory stays flat. Writes the "Bulk" section of BENCHMARKS.md (the
// rest of the file is left as the last full run wrote it).
//
//   node src/bulk.mjs                        1,000,000 handles; heap at 10,000 and 1,000,000
//   node src/bulk.mjs --handles 20000 --out /tmp/B.md   a quick check
import { fork } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { firstMessage, startBenchServer } from "./bench-server.mjs";
import { renderBulkSection, spliceSection } from "./report.mjs";
import { snapshotBuild } from "./snapshot.mjs";
import { benchDir } from "./static-figures.mjs";
import { BATCH_CONCURRENCY } from "./workload.mjs";

const repoDir = resolve(benchDir, "../..");
const argv = process.argv.slice(2).filter((a) => a !== "--");
const { values: opts } = parseArgs({
  args: argv,
  options: {
    handles: { type: "string" },
    "small-handles": { type: "string" },
    rounds: { type: "string" },
    out: { type: "string" },
  },
});
const num = (v, d) => (v === undefined ? d : Number(v));
const plan = {
  handles: num(opts.handles, 1_000_000),
  smallHandles: num(opts["small-handles"], 10_000),
  rounds: num(opts.rounds, 3),
  concurrency: BATCH_CONCURRENCY,
};
for (const [k, v] of Object.entries(plan)) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer`);
}
const outFile = opts.out ? resolve(opts.out) : join(repoDir, "BENCHMARKS.md");
const log = (line) => console.error(`bench:bulk: ${line}`);

const work = mkdtempSync(join(tmpdir(), "nhub-bench-bulk-"));
const clientsDir = await snapshotBuild(join(work, "snapshot"), { benchDir });
const lanes = ["bulk-nhub", "bulk-floor"];

const { server, ports, certFile, key } = await startBenchServer({ dir: work, lanes });

/** One run in a fresh process: nothing of a previous run is left in its heap. */
async function run(client, handles, heap) {
  const child = fork(join(clientsDir, "bulk.mjs"), [], {
    execArgv: ["--expose-gc"],
    cwd: benchDir,
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: certFile,
      BENCH_BULK: JSON.stringify({
        client,
        endpoint: `https://127.0.0.1:${ports[`bulk-${client}`]}`,
        key,
        handles,
        concurrency: plan.concurrency,
        heap,
      }),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const m = await firstMessage(child, "result");
  if (m.error) throw new Error(`${client}: ${m.error}`);
  const r = m.result;
  if (r.sentHandles !== handles || r.failedHandles !== 0) {
    throw new Error(`${client}: sent ${r.sentHandles} of ${handles} handles (${r.failedHandles} failed)`);
  }
  return r;
}

const data = { plan, date: new Date().toISOString(), node: process.version, cpus: cpus().length };
try {
  data.heap = [];
  for (const n of [plan.smallHandles, plan.handles]) {
    log(`heap, ${n} handles`);
    data.heap.push({ handles: n, ...(await run("nhub", n, true)) });
  }
  data.nhub = [];
  data.floor = [];
  for (let r = 0; r < plan.rounds; r++) {
    const order = r % 2 === 0 ? ["floor", "nhub"] : ["nhub", "floor"];
    for (const client of order) {
      log(`round ${r + 1}: ${client}, ${plan.handles} handles`);
      data[client].push(await run(client, plan.handles, false));
    }
  }
  server.send({ cmd: "stats", id: 1 });
  const { stats } = await firstMessage(server, "stats");
  data.server = stats;
  for (const client of ["nhub", "floor"]) {
    const s = stats[`bulk-${client}`];
    // Each run adds one warm-up handle; the heap runs are nhub's.
    const runs = data[client].length + (client === "nhub" ? data.heap.length : 0);
    const expected =
      plan.handles * data[client].length + (client === "nhub" ? plan.smallHandles + plan.handles : 0) + runs;
    if (s.batchHandles !== expected || s.unauthorized > 0 || s.malformed > 0) {
      throw new Error(
        `${client}: the server saw ${s.batchHandles} of ${expected} handles (${s.firstProblem ?? "no problem noted"})`,
      );
    }
  }
} finally {
  server.send({ cmd: "exit" });
  rmSync(work, { recursive: true, force: true });
}

const before = existsSync(outFile) ? readFileSync(outFile, "utf8") : "# nhub benchmarks\n";
writeFileSync(outFile, spliceSection(before, "Bulk", renderBulkSection(data)));
const rawFile = join(mkdtempSync(join(tmpdir(), "nhub-bench-bulk-data-")), "bulk-data.json");
writeFileSync(rawFile, JSON.stringify(data, null, 1));
log(`raw data: ${rawFile}`);
log(`wrote ${outFile}`);
