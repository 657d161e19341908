// The benchmark orchestrator: starts the loopback HTTPS server process, measures cold starts, runs the clients'
// timed windows interleaved round by round, the batch comparison and the static figures, writes the report and
// prints the ratios last.
//
//   node src/run.mjs                 full run, writes BENCHMARKS.md at the repository root (about 4 minutes)
//   node src/run.mjs --smoke         a few hundred sends per client, no timing claims; exits 1 if a client failed
//   node src/run.mjs --profile nhub  also writes a CPU profile of that client's long-lived process (see README)
import { execFileSync, fork } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem, type } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { firstMessage, startBenchServer } from "./bench-server.mjs";
import { readSection, renderConsole, renderMarkdown, spliceSection } from "./report.mjs";
import { snapshotBuild } from "./snapshot.mjs";
import { benchDir, measureBundles, measureInstallFootprint } from "./static-figures.mjs";
import { BATCH_CONCURRENCY } from "./workload.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, "../..");

// `pnpm --filter @nhub/bench bench -- --smoke` passes the "--" through.
const argv = process.argv.slice(2).filter((a) => a !== "--");
const { values: opts } = parseArgs({
  args: argv,
  options: {
    smoke: { type: "boolean", default: false },
    out: { type: "string" },
    rounds: { type: "string" },
    "window-ms": { type: "string" },
    slices: { type: "string" },
    "nhub-notification": { type: "string" },
    "warmup-ms": { type: "string" },
    "cold-rounds": { type: "string" },
    "batch-handles": { type: "string" },
    "batch-rounds": { type: "string" },
    install: { type: "boolean" },
    "no-install": { type: "boolean" },
    profile: { type: "string" },
    clients: { type: "string" },
    render: { type: "string" },
    "no-bulk": { type: "boolean" },
  },
});

// IPC carries JSON, where Infinity becomes null: "no limit" is a count no window reaches.
const UNLIMITED = 1e12;
/** Writes BENCHMARKS.md (or `--out`) from a run's data, creating the directory it goes in. */
function writeReport(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  // The Bulk section comes from its own script (bulk.mjs); a full run keeps the last one written.
  const bulk = existsSync(file) ? readSection(readFileSync(file, "utf8"), "Bulk") : undefined;
  const markdown = renderMarkdown(data);
  writeFileSync(file, bulk === undefined ? markdown : spliceSection(markdown, "Bulk", bulk));
}

// --render FILE.json: write the report again from a previous run's raw data, without running anything.
if (opts.render) {
  const saved = JSON.parse(readFileSync(opts.render, "utf8"));
  const target = opts.out ?? saved.outFile;
  writeReport(target, saved);
  console.log(renderConsole(saved, target));
  process.exit(saved.failures.length > 0 ? 1 : 0);
}

const ALL_CLIENTS = ["floor", "nhub", "dispatch", "dispatch-work", "official", "seed"];
/** The clients whose ratios the targets judge (and the two dispatch floors, for context) share their windows' time. */
const SLICED = ["floor", "nhub", "dispatch", "dispatch-work"];
const clients = opts.clients ? opts.clients.split(",").map((c) => c.trim()) : ALL_CLIENTS;
for (const c of clients) if (!ALL_CLIENTS.includes(c)) throw new Error(`unknown client ${c}`);
const smoke = opts.smoke;
const num = (v, d) => (v === undefined ? d : Number(v));
const plan = {
  smoke,
  rounds: num(opts.rounds, smoke ? 1 : 11),
  windowMs: num(opts["window-ms"], smoke ? 15_000 : 2_000),
  // The floor's and nhub's windows are run as this many alternating slices each (see `timed`).
  slices: num(opts.slices, smoke ? 1 : 8),
  // "once": nhub's client builds its notification once instead of per send, to tell the two costs apart.
  nhubNotification: opts["nhub-notification"] ?? "per-send",
  // Smoke windows stop at a send count instead of a time: a few hundred sends per client in all.
  maxSends64: smoke ? 200 : UNLIMITED,
  maxSends1: smoke ? 60 : UNLIMITED,
  warmupMs: num(opts["warmup-ms"], smoke ? 0 : 5_000),
  coldRounds: num(opts["cold-rounds"], smoke ? 1 : 21),
  batchHandles: num(opts["batch-handles"], smoke ? 10_000 : 100_000),
  batchRounds: num(opts["batch-rounds"], smoke ? 1 : 7),
  batchConcurrency: BATCH_CONCURRENCY,
  install: opts["no-install"] ? false : (opts.install ?? !smoke),
  profile: opts.profile ? opts.profile.split(",").map((c) => c.trim()) : undefined,
};
if (!["per-send", "once"].includes(plan.nhubNotification)) {
  throw new Error(`--nhub-notification takes per-send or once, not ${plan.nhubNotification}`);
}
const outFile =
  opts.out ??
  (smoke || plan.profile || opts.clients || plan.nhubNotification !== "per-send"
    ? join(mkdtempSync(join(tmpdir(), "nhub-bench-")), "BENCHMARKS.md")
    : join(repoDir, "BENCHMARKS.md"));

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.error(`bench: FAILED ${what}`);
};
const log = (line) => console.error(`bench: ${line}`);

// ---------------------------------------------------------------------------------------------------------
// Server

const work = mkdtempSync(join(tmpdir(), "nhub-bench-run-"));
const clientsDir = await snapshotBuild(join(work, "snapshot"), { benchDir });

const lanes = [
  ...clients,
  ...clients.map((c) => `cold-${c}`),
  ...["floor", "nhub"].filter((c) => clients.includes(c)).map((c) => `batch-${c}`),
];

let messageId = 0;
/** Sends a command to a child and resolves with its answer (matched by id). */
function ask(child, message) {
  const id = ++messageId;
  return new Promise((resolveAnswer, reject) => {
    const onMessage = (m) => {
      if (m?.id !== id) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolveAnswer(m);
    };
    const onExit = (code) => reject(new Error(`process exited (${code}) before answering ${message.cmd}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send({ ...message, id });
  });
}

const { server, ports, certFile, key: sharedKey } = await startBenchServer({ dir: work, lanes });
const endpoint = (lane) => `https://127.0.0.1:${ports[lane]}`;

const profileDir = plan.profile ? mkdtempSync(join(tmpdir(), "nhub-bench-profile-")) : undefined;

/** Starts a client process; `t0` is taken just before the spawn, for the cold-start figure. */
function spawnClient(name, mode, lane) {
  const execArgv =
    mode === "serve" && plan.profile?.includes(name)
      ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
  const t0 = performance.now();
  const child = fork(join(clientsDir, `${name}.mjs`), [], {
    execArgv,
    cwd: benchDir,
    env: {
      ...process.env,
      // Trusting the throwaway certificate this way works for undici, node:https and the official SDK alike,
      // and leaves every client on its default TLS settings.
      NODE_EXTRA_CA_CERTS: certFile,
      BENCH_MODE: mode,
      BENCH_ENDPOINT: endpoint(lane),
      BENCH_BATCH_ENDPOINT: ports[`batch-${name}`] ? endpoint(`batch-${name}`) : "",
      BENCH_KEY: sharedKey,
      BENCH_NOTIFICATION: name === "nhub" ? plan.nhubNotification : "per-send",
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = firstMessage(child, "ready").then((m) => ({ ...m, coldMs: performance.now() - t0 }));
  return { child, ready };
}

const exited = (child) =>
  child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));

const results = Object.fromEntries(
  clients.map((c) => [
    c,
    {
      cold: [],
      coldRssKb: [],
      c64: [],
      c1: [],
      rssKb: [],
      final: undefined,
      batch: [],
      batchBuild: [],
      batchNote: undefined,
    },
  ]),
);
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
const started = performance.now();
const loadAtStart = loadavg()[0];
const procs = {};
let counted = {};

try {
  // -------------------------------------------------------------------------------------------------------
  // Cold start: a fresh process per client and round, one at a time so nothing else competes for the CPU.
  for (let r = 0; r < plan.coldRounds; r++) {
    for (const name of rotate(clients, r)) {
      const { child, ready } = spawnClient(name, "cold", `cold-${name}`);
      const m = await ready;
      await exited(child);
      if (!m.ok) fail(`${name}: cold-start send failed: ${m.error}`);
      else {
        results[name].cold.push(m.coldMs);
        results[name].coldRssKb.push(m.peakRssKb);
      }
    }
  }
  log(`cold starts done (${plan.coldRounds} rounds)`);

  // -------------------------------------------------------------------------------------------------------
  // Long-lived clients, started one after another.
  for (const name of clients) {
    const p = spawnClient(name, "serve", name);
    const m = await p.ready;
    if (!m.ok) {
      fail(`${name}: first send failed: ${m.error}`);
      throw new Error(`${name} could not send`);
    }
    procs[name] = p.child;
  }

  const sliceServerUs = {};
  /** One window, or with `slice` one slice of it (the figures come with the last slice). */
  const window = async (name, concurrency, durationMs, maxSends, record, slice) => {
    const before = await ask(server, { cmd: "cpu" });
    const m = await ask(procs[name], { cmd: "window", concurrency, durationMs, maxSends, slice });
    // The server's CPU over the window: with the client's, it shows how much of the machine the run got.
    const serverUs = (await ask(server, { cmd: "cpu" })).cpuUs - before.cpuUs;
    sliceServerUs[name] = (slice === undefined || slice.first ? 0 : sliceServerUs[name]) + serverUs;
    if (m.partial) return m;
    m.serverCpuUs = sliceServerUs[name];
    if (m.fatal) fail(`${name}: window crashed: ${m.fatal}`);
    else if (m.errors > 0)
      fail(`${name}: ${m.errors} of ${m.sends + m.errors} sends failed, first: ${m.firstError}`);
    else if (m.sends === 0) fail(`${name}: no send completed in a window`);
    if (record) record.push(m);
    results[name].final = m;
    return m;
  };

  // Warm-up: V8 keeps speeding up for seconds; every client gets the same time at both concurrencies.
  if (plan.warmupMs > 0) {
    for (const name of clients) {
      await window(name, 64, plan.warmupMs * 0.7, UNLIMITED);
      await window(name, 1, plan.warmupMs * 0.3, UNLIMITED);
    }
    log(`warm-up done (${plan.warmupMs} ms per client)`);
  }

  /**
   * One timed window per client of `unit`. A unit of several clients (the two floors and nhub) shares its windows'
   * time in alternating slices (floor, nhub, dispatch, dispatch, nhub, floor, ...): this machine's speed swings by
   * half within seconds, and slices a quarter of a second long let the clients see the same swings, where whole
   * windows side by side do not.
   */
  const timed = async (unit, concurrency, maxSends, key) => {
    const n = unit.length === 1 ? 1 : plan.slices;
    for (let s = 0; s < n; s++) {
      const slice = { first: s === 0, last: s === n - 1 };
      for (const name of s % 2 === 0 ? unit : [...unit].reverse()) {
        await window(
          name,
          concurrency,
          plan.windowMs / n,
          Math.ceil(maxSends / n),
          results[name][key],
          slice,
        );
      }
    }
  };

  const beforeRounds = (await ask(server, { cmd: "stats" })).stats;
  // Timed rounds, interleaved: each client's window sits next to the others', and the order rotates. The floor,
  // nhub and the dispatch floor form one unit whose windows are run in alternating slices (see `timed`), taking
  // turns to go first: the targets judge their ratios, and on a shared machine the speed swings within seconds.
  for (let r = 0; r < plan.rounds; r++) {
    const sliced = rotate(SLICED, r).filter((c) => clients.includes(c));
    const units = [
      ...(sliced.length > 0 ? [sliced] : []),
      ...clients.filter((c) => !sliced.includes(c)).map((c) => [c]),
    ];
    const order = rotate(units, r);
    for (const unit of order) await timed(unit, 64, plan.maxSends64, "c64");
    for (const unit of order) await timed(unit, 1, plan.maxSends1, "c1");
    for (const name of clients) results[name].rssKb.push(results[name].final.peakRssKb);
    log(`round ${r + 1}/${plan.rounds} done`);
  }
  const afterRounds = (await ask(server, { cmd: "stats" })).stats;
  for (const name of clients) {
    results[name].afterRounds = results[name].final;
    results[name].roundHandshakes = afterRounds[name].handshakes - beforeRounds[name].handshakes;
    results[name].roundAccepted = afterRounds[name].accepted - beforeRounds[name].accepted;
  }

  // -------------------------------------------------------------------------------------------------------
  // Batch: the same handles, in 1000-handle $batch requests, from nhub's sendDirectBatch and the floor.
  // The floor runs twice: with prebuilt bodies (the target's baseline) and building them in the timed part
  // ("floorBuild", the least a client given an array of handles must do).
  const batchLanes = ["floor", "floorBuild", "nhub"].filter((c) =>
    clients.includes(c === "floorBuild" ? "floor" : c),
  );
  const batch = async (lane, record) => {
    const name = lane === "floorBuild" ? "floor" : lane;
    const m = await ask(procs[name], {
      cmd: "batch",
      handles: plan.batchHandles,
      concurrency: plan.batchConcurrency,
      build: lane === "floorBuild",
    });
    if (m.unavailable) {
      results[name].batchNote = m.unavailable;
      return m;
    }
    if (m.fatal || m.error) fail(`${lane}: batch failed: ${m.fatal ?? m.error}`);
    else if (m.sentHandles !== plan.batchHandles || m.failedHandles > 0) {
      fail(
        `${lane}: batch sent ${m.sentHandles} of ${plan.batchHandles} handles (${m.failedHandles} failed)`,
      );
    }
    if (record) record.push(m);
    return m;
  };
  for (const lane of batchLanes) await batch(lane); // warm-up, untimed
  for (let r = 0; r < plan.batchRounds; r++) {
    for (const lane of rotate(batchLanes, r)) {
      const name = lane === "floorBuild" ? "floor" : lane;
      if (results[name].batchNote) continue;
      await batch(lane, lane === "floorBuild" ? results.floor.batchBuild : results[name].batch);
    }
  }
  log("batch done");

  // -------------------------------------------------------------------------------------------------------
  // Server-side counts, then shut everything down (the profiled client writes its profile on exit).
  counted = (await ask(server, { cmd: "stats" })).stats;
  for (const name of clients) {
    procs[name].send({ cmd: "exit" });
    await exited(procs[name]);
  }
} catch (error) {
  fail(`the run stopped early: ${error.message}`);
  for (const child of Object.values(procs)) if (child.connected) child.kill();
} finally {
  if (server.connected) server.send({ cmd: "exit" });
}

// Every client really sent: the server accepted what each client says it sent, and refused nothing.
for (const name of clients) {
  const s = counted[name];
  if (!s) continue;
  const sends = results[name].final?.totalSends ?? 0;
  if (s.unauthorized > 0 || s.malformed > 0) {
    fail(`${name}: the server refused ${s.unauthorized + s.malformed} requests: ${s.firstProblem}`);
  }
  if (s.accepted < sends)
    fail(`${name}: the client counted ${sends} sends, the server accepted ${s.accepted}`);
  const cold = counted[`cold-${name}`];
  if (cold && cold.accepted < results[name].cold.length)
    fail(`${name}: cold-start sends missing at the server`);
}
for (const name of ["floor", "nhub"]) {
  const s = counted[`batch-${name}`];
  if (s && !results[name]?.batchNote) {
    // The floor's lane also carries its body-building runs.
    const expected = (plan.batchRounds + 1) * plan.batchHandles * (name === "floor" ? 2 : 1);
    if (s.batchHandles !== expected)
      fail(`${name}: the server saw ${s.batchHandles} of ${expected} batch handles`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Static figures, after the timed part so they cannot disturb it.
let bundles;
let install;
try {
  bundles = await measureBundles({ modulesDir: join(work, "snapshot", "node_modules") });
} catch (error) {
  fail(`bundle sizes: ${error.message}`);
}
if (plan.install) {
  try {
    log("measuring install footprints (npm install of both into temporary directories)");
    install = await measureInstallFootprint();
  } catch (error) {
    fail(`install footprint: ${error.message.split("\n")[0]}`);
  }
}

const profiles = profileDir
  ? readdirSync(profileDir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => join(profileDir, f))
  : [];

rmSync(work, { recursive: true, force: true });

function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(join(benchDir, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

const data = {
  plan,
  clients,
  results,
  server: counted,
  bundles,
  install,
  failures,
  profiles,
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.version,
    // Other work on the machine shows up here before it shows up as spread.
    loadAtStart,
    loadAtEnd: loadavg()[0],
  },
  versions: {
    undici: versionOf("undici"),
    official: versionOf("@azure/notification-hubs"),
  },
  date: new Date().toISOString(),
  // The options this run was given, so a report made with e.g. --rounds 31 says so.
  args: argv,
  command: smoke ? "pnpm bench --smoke" : "pnpm bench",
  durationS: (performance.now() - started) / 1000,
};

// The raw figures first, for a closer look or for --render after a change to the report's layout: minutes of
// measurement are not lost to a report that cannot be written.
const dataFile = join(mkdtempSync(join(tmpdir(), "nhub-bench-data-")), "bench-data.json");
writeFileSync(dataFile, JSON.stringify({ ...data, outFile }, null, 1));
log(`raw data: ${dataFile}`);
writeReport(outFile, data);
console.log(renderConsole(data, outFile));
process.exitCode = failures.length > 0 ? 1 : 0;
// A full run also streams a million handles (src/bulk.mjs), which rewrites the report's Bulk section: one
// `pnpm bench` gives every figure of BENCHMARKS.md. --no-bulk skips it.
if (!smoke && !opts.clients && !opts["no-bulk"] && !plan.profile) {
  log("bulk: streaming sends (src/bulk.mjs)");
  try {
    execFileSync(process.execPath, [join(here, "bulk.mjs"), "--out", outFile], {
      stdio: "inherit",
    });
  } catch {
    process.exitCode = 1;
  }
}
