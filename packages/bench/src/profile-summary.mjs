// Where a client's CPU time went, from a V8 .cpuprofile (node --cpu-prof): self time per function and per file,
// plus the inclusive time of nhub's own functions.
//
//   node src/profile-summary.mjs FILE.cpuprofile [--top 25] [--sends N]
//
// With --sends (the client's send count, from the report), times are also shown in microseconds per send.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, sends: { type: "string" } },
});
if (positionals.length === 0) {
  console.error("usage: node src/profile-summary.mjs FILE.cpuprofile [--top N]");
  process.exit(2);
}
const top = Number(values.top);
const sends = values.sends ? Number(values.sends) : undefined;

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Sample i lasted timeDeltas[i + 1] (the delta before the next sample); the last one is unknown, so skipped.
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + profile.timeDeltas[i + 1]);
  }
  let total = 0;
  for (const v of selfUs.values()) total += v;

  const short = (url) =>
    url
      .replace(/^file:\/\//, "")
      .replace(/.*\/node_modules\//, "")
      .replace(/.*\/packages\//, "packages/");
  const where = (n) => {
    const f = n.callFrame;
    const name = f.functionName || "(anonymous)";
    return f.url ? `${name}  ${short(f.url)}:${f.lineNumber + 1}` : name;
  };

  const fnSelf = new Map();
  const fileSelf = new Map();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    const key = where(n);
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const f = n.callFrame.url ? short(n.callFrame.url) : `(${n.callFrame.functionName || "native"})`;
    fileSelf.set(f, (fileSelf.get(f) ?? 0) + us);
  }

  // Inclusive time of functions in nhub's packages: a sample counts once per distinct function on its stack.
  const nhubIncl = new Map();
  for (const [id, us] of selfUs) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!/(packages|@nhub)\/(core|sas|platform-apns)\/dist\//.test(n.callFrame.url)) continue;
      const key = where(n);
      if (seen.has(key)) continue;
      seen.add(key);
      nhubIncl.set(key, (nhubIncl.get(key) ?? 0) + us);
    }
  }

  const pct = (us) =>
    `${((100 * us) / total).toFixed(1).padStart(5)} %${sends ? `  ${(us / sends).toFixed(2).padStart(7)} us/send` : ""}`;
  const list = (title, map, n) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`  ${pct(v)}  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`);
    }
  };
  const idle = [...selfUs].reduce(
    (n, [id, us]) => (byId.get(id).callFrame.functionName === "(idle)" ? n + us : n),
    0,
  );
  console.log(
    `${file}: ${(total / 1000).toFixed(0)} ms sampled, ${((total - idle) / 1000).toFixed(0)} ms busy${
      sends ? ` (${((total - idle) / sends).toFixed(1)} us per send over ${sends} sends)` : ""
    }`,
  );
  list("self time by file", fileSelf, top);
  list("self time by function", fnSelf, top);
  list("inclusive time of nhub functions (core, sas, platform-apns)", nhubIncl, top);
}
