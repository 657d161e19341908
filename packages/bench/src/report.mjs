// Turns a run's raw results into figures, checks them against the targets, and renders BENCHMARKS.md and the
// console summary (ratios last).
import { pairedRatio, summarize } from "./stats.mjs";

const LABELS = {
  floor: "floor (undici Pool.request)",
  nhub: "nhub",
  dispatch: "undici Pool.dispatch (context)",
  "dispatch-work": "Pool.dispatch doing a send's work (context)",
  official: "official SDK 2.1.0",
  seed: "seed (Python sample's pattern)",
};

/** Per-client series, one value per round. */
export function figures(data) {
  const out = {};
  for (const name of data.clients) {
    const r = data.results[name];
    const rate = (m) => m.sends / (m.elapsedMs / 1000);
    const cpuPerSend = (m) => (m.sends > 0 ? m.cpuUs / m.sends : Number.NaN);
    const after = r.afterRounds ?? r.final;
    const server = data.server?.[name];
    out[name] = {
      tput64: r.c64.map(rate),
      tput1: r.c1.map(rate),
      p50: r.c1.map((m) => m.p50Ms),
      p99: r.c1.map((m) => m.p99Ms),
      p99at64: r.c64.map((m) => m.p99Ms),
      cpu64: r.c64.map(cpuPerSend),
      cpu1: r.c1.map(cpuPerSend),
      serverCpu64: r.c64.map((m) => m.serverCpuUs / m.sends),
      // Cores busy (client + server) during concurrency-64 windows: near 2 on a quiet 2-core machine where the
      // pipeline saturates; much less means other work took the CPU and the figures are disturbed.
      coresBusy64: r.c64.map((m) => (m.cpuUs + m.serverCpuUs) / 1000 / m.elapsedMs),
      rssMb: r.rssKb.map((kb) => kb / 1024),
      coldMs: r.cold,
      coldRssMb: r.coldRssKb.map((kb) => kb / 1024),
      batchMs: r.batch.map((m) => m.ms),
      batchCpuMs: r.batch.map((m) => m.cpuUs / 1000),
      batchBuildMs: (r.batchBuild ?? []).map((m) => m.ms),
      batchBuildCpuMs: (r.batchBuild ?? []).map((m) => m.cpuUs / 1000),
      batchRequests: r.batch[0]?.requests,
      batchNote: r.batchNote,
      clientSends: after?.totalSends ?? 0,
      hmacs: after?.hmacs ?? Number.NaN,
      handshakes: server?.handshakes ?? Number.NaN,
      roundHandshakes: r.roundHandshakes ?? Number.NaN,
      roundAccepted: r.roundAccepted ?? Number.NaN,
      accepted: server?.accepted ?? Number.NaN,
      refused: (server?.unauthorized ?? 0) + (server?.malformed ?? 0),
      distinctTokens: server?.distinctTokens ?? Number.NaN,
      shape: server?.shape,
    };
  }
  return out;
}

const KB = 1024;

/** Every target of the issue, measured: `value` is a summary over rounds or a single number. */
export function targets(data, f = figures(data)) {
  const has = (...names) => names.every((n) => f[n]);
  const list = [];
  const add = (name, target, value, met, unit = "x", note) =>
    list.push({ name, target, value, met, unit, note });
  if (has("nhub", "floor")) {
    const t64 = pairedRatio(f.nhub.tput64, f.floor.tput64);
    add("throughput at concurrency 64, nhub / floor", ">= 0.85", t64, t64.median >= 0.85);
    const t1 = pairedRatio(f.nhub.tput1, f.floor.tput1);
    add("throughput at concurrency 1, nhub / floor", ">= 0.90", t1, t1.median >= 0.9);
    const cpu = pairedRatio(f.nhub.cpu64, f.floor.cpu64);
    add("client CPU per 1000 sends (c64), nhub / floor", "<= 1.3", cpu, cpu.median <= 1.3);
  }
  // Context, not targets. nhub's transport reads responses through dispatch too, so nhub / the dispatch floor is
  // its cost without the request API's overhead, which the floor above carries. The second dispatch floor also
  // serialises the payload, builds the headers and reads the result per send, as any client of a fresh payload
  // must: nhub / that one is what nhub adds (checks, signing, retries, deadlines).
  const contexts = [
    [
      "dispatch",
      "Pool.dispatch floor",
      "nhub against a floor using undici's cheaper dispatch API, as nhub's transport does",
    ],
    [
      "dispatch-work",
      "dispatch + work",
      "nhub against the dispatch floor doing a send's own work (serialise, headers, result)",
    ],
  ];
  for (const [other, label, note] of contexts) {
    if (!has("nhub", other)) continue;
    for (const [figure, key] of [
      ["throughput at concurrency 64", "tput64"],
      ["throughput at concurrency 1", "tput1"],
      ["client CPU per 1000 sends (c64)", "cpu64"],
    ]) {
      add(
        `${figure}, nhub / ${label}`,
        "context",
        pairedRatio(f.nhub[key], f[other][key]),
        undefined,
        "x",
        note,
      );
    }
  }
  if (has("nhub", "official")) {
    const cpu = pairedRatio(f.nhub.cpu64, f.official.cpu64);
    add("client CPU per 1000 sends (c64), nhub / official", "< 0.5", cpu, cpu.median < 0.5);
  }
  if (has("nhub", "floor", "official")) {
    // Each round's extra over the floor (the three processes start one after another), the median of those
    // extras, then the ratio: a per-round ratio explodes whenever one round's official extra is near zero.
    const floor = summarize(f.floor.coldMs).median;
    const extra = (series) => summarize(series.map((ms, i) => ms - f.floor.coldMs[i])).median;
    const nhubExtra = extra(f.nhub.coldMs);
    const officialExtra = extra(f.official.coldMs);
    const v = officialExtra > 0 ? nhubExtra / officialExtra : Number.NaN;
    add(
      "cold start above the floor's, nhub / official (median extras)",
      "< 0.333",
      v,
      officialExtra > 0 ? v < 1 / 3 : undefined,
      "x",
      `nhub ${nhubExtra >= 0 ? "+" : ""}${fmt(nhubExtra, 0)} ms, official +${fmt(officialExtra, 0)} ms over the floor's ${fmt(floor, 0)} ms`,
    );
  }
  if (has("nhub", "floor")) {
    if (f.nhub.batchNote) {
      add(
        `batch of ${data.plan.batchHandles.toLocaleString("en-US")} handles, nhub / floor time`,
        "<= 1.2",
        undefined,
        undefined,
        "x",
        f.nhub.batchNote,
      );
    } else {
      const b = pairedRatio(f.nhub.batchMs, f.floor.batchMs);
      const built = f.floor.batchBuildMs.length > 0;
      const bound = built ? pairedRatio(f.floor.batchBuildMs, f.floor.batchMs) : undefined;
      add(
        `batch of ${data.plan.batchHandles.toLocaleString("en-US")} handles, nhub / floor time`,
        "<= 1.2",
        b,
        b.median <= 1.2,
        "x",
        bound &&
          `the floor itself takes ${fmt(bound.median, 2)} x its time when it builds the bodies in the timed part (see Batch)`,
      );
      if (built) {
        const nb = pairedRatio(f.nhub.batchMs, f.floor.batchBuildMs);
        add(
          `batch of ${data.plan.batchHandles.toLocaleString("en-US")} handles, nhub / floor building its bodies`,
          "context",
          nb,
          undefined,
        );
      }
    }
  }
  const nhubBundle = data.bundles?.find((b) => b.key === "nhub");
  if (nhubBundle) {
    add(
      "bundle: core + sas + platform-apns, min+gz, without undici",
      "< 8 KB",
      nhubBundle.initialGz / KB,
      nhubBundle.initialGz < 8 * KB,
      "KB",
      [
        nhubBundle.initialCodeGz !== undefined &&
          `${fmt(nhubBundle.initialCodeGz / KB, 2)} KB with every string literal blanked${nhubBundle.initialCodeGz >= 8 * KB ? ", so the code alone is over the goal" : ""}`,
        nhubBundle.lazyGz > 0 &&
          `${nhubBundle.lazyChunks} lazy chunk${nhubBundle.lazyChunks === 1 ? "" : "s"} (${fmt(nhubBundle.lazyGz / KB, 1)} KB, loaded by import() on first use, e.g. the XML parser for test sends) come on top`,
      ]
        .filter(Boolean)
        .join("; ") || undefined,
    );
  }
  if (data.install) {
    const { nhub, official } = data.install;
    add(
      "install footprint, packages: @nhub/platform-apns / official SDK",
      "a fraction (< 0.5)",
      nhub.count / official.count,
      nhub.count / official.count < 0.5,
      "x",
      `${nhub.count} vs ${official.count} packages; ${fmt(nhub.bytes / KB / KB, 2)} MB vs ${fmt(official.bytes / KB / KB, 2)} MB on disk`,
    );
  }
  if (f.nhub) {
    add(
      "SAS: HMACs computed by nhub for one hub over the whole run",
      "1 per token lifetime",
      f.nhub.hmacs,
      f.nhub.hmacs === 1 && f.nhub.distinctTokens === 1,
      "",
      `${fmt(f.nhub.clientSends, 0)} sends, ${f.nhub.distinctTokens} distinct token(s) seen by the server`,
    );
    // undici's Pool opens up to about twice the concurrency in connections (a busy connection is not picked
    // again until its drain event), so the bound is the pool's size, measured by the floor on the same Pool.
    const bound = Math.max(f.floor?.handshakes ?? 0, 128);
    add(
      "TLS handshakes of nhub's long-lived client, whole run",
      "<= pool connections (max of the floor's count and 2 x 64)",
      f.nhub.handshakes,
      f.nhub.handshakes <= bound,
      "",
      `${fmt(f.nhub.accepted)} sends, ${fmt(f.nhub.accepted / f.nhub.handshakes)} per handshake; ${fmt(
        f.nhub.roundHandshakes,
      )} during the timed rounds${f.floor ? `; floor: ${fmt(f.floor.handshakes)}` : ""}`,
    );
  }
  return list;
}

/** A number with thousands separators and `digits` decimals. */
export function fmt(n, digits = 0) {
  if (n === undefined || !Number.isFinite(n)) return "n/a";
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `median (min-max)`, or just the value when there is one round. */
export function fmtSummary(values, digits = 0) {
  const s = Array.isArray(values) ? summarize(values) : values;
  if (!s || s.n === 0) return "n/a";
  if (s.n === 1 || s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}-${fmt(s.max, digits)})`;
}

function fmtTargetValue(t) {
  if (t.value === undefined) return "not measured";
  if (typeof t.value === "number")
    return `${fmt(t.value, t.unit === "KB" || t.unit === "x" ? 2 : 0)}${t.unit ? ` ${t.unit}` : ""}`;
  return `${fmtSummary(t.value, 2)} x`;
}

const metText = (met) => (met === undefined ? "n/a" : met ? "yes" : "**no**");

/** A Markdown table with padded cells, as the repository's formatter (Biome) writes them, so lint stays clean. */
function table(header, rows, numeric = true) {
  const right = (i) => i > 0 && numeric;
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => String(r[i] ?? "").length)));
  const cell = (text, i) => (right(i) ? String(text).padStart(widths[i]) : String(text).padEnd(widths[i]));
  const line = (cells) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (right(i) ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** How the run was started: `pnpm bench` plus any options it was given, and what that runs. */
function commandLine(data) {
  const args = data.args ?? (data.plan.smoke ? ["--smoke"] : []);
  const extra = args.filter((a) => a !== "--smoke");
  const pnpm = extra.length > 0 ? `${data.command} -- ${extra.join(" ")}` : data.command;
  return `\`${pnpm}\` (\`node packages/bench/src/run.mjs${args.length > 0 ? ` ${args.join(" ")}` : ""}\` after building the packages)`;
}

/** The BENCHMARKS.md text. */
export function renderMarkdown(data) {
  const f = figures(data);
  const names = data.clients;
  const p = data.plan;
  const m = data.machine;
  const out = [];
  out.push("# nhub benchmarks", "");
  out.push(
    `Written by \`${data.command}\` (packages/bench) on ${data.date.slice(0, 10)}; do not edit by hand, run it again.${
      p.smoke ? " **This is a smoke run: a few hundred sends per client, not a measurement.**" : ""
    }`,
    "",
  );
  out.push(
    `- Machine: ${m.cpu}, ${m.cores} cores, ${fmt(m.memoryGb, 1)} GB, ${m.os}; Node ${m.node}; undici ${data.versions?.undici ?? "?"}; @azure/notification-hubs ${data.versions?.official ?? "?"}`,
    `- Date: ${data.date}; the run took ${fmt(data.durationS, 0)} s; 1-minute load average ${fmt(m.loadAtStart, 2)} at the start, ${fmt(m.loadAtEnd, 2)} at the end`,
    `- Command: ${commandLine(data)}`,
    `- Method: an HTTPS server on 127.0.0.1 in its own process (throwaway P-256 certificate, trusted by the clients through NODE_EXTRA_CA_CERTS) answers 201 with Location and TrackingId after checking each SAS token. Each client runs in its own process and sends the same APNs alert with the tag expression \`(follows_arsenal || follows_chelsea) && !muted\`${
      p.nhubNotification === "once"
        ? "; nhub builds its notification once and sends that object every time (--nhub-notification once), so its figures leave out the notification's serialisation and checks"
        : ""
    }. ${
      p.warmupMs > 0 ? `Each client is warmed up for ${fmt(p.warmupMs / 1000, 1)} s, then ` : ""
    }${p.rounds} round(s) of ${p.smoke ? "count-limited" : `${fmt(p.windowMs / 1000, 1)} s`} windows run interleaved (every client at concurrency 64, then every client at concurrency 1, the order rotating each round${
      p.slices > 1
        ? `; the windows of the floor, nhub and the two dispatch floors are cut into ${p.slices} slices of ${fmt(p.windowMs / p.slices / 1000, 2)} s that alternate (floor, nhub, dispatch, dispatch-work, dispatch-work, dispatch, nhub, floor, ...), so they run through the same swings of machine speed`
        : ", the floor, nhub and the two dispatch floors back to back"
    }). Figures are medians over rounds with the range (min-max) in brackets; ratios are taken per round between the two clients' windows, then the median. Cold start is process spawn to first send completed, ${p.coldRounds} fresh process(es) per client, one at a time. CPU is user + system time of the client process only.`,
    "",
  );

  out.push("## Targets", "");
  const ts = targets(data, f);
  out.push(
    table(
      ["target", "goal", "measured", "met", "notes"],
      ts.map((t) => [t.name, t.target, fmtTargetValue(t), metText(t.met), t.note ?? ""]),
      false,
    ),
    "",
  );

  out.push("## Per client", "");
  const row = (label, key, digits, scale = 1) => [
    label,
    ...names.map((n) =>
      fmtSummary(
        f[n][key].map((v) => v * scale),
        digits,
      ),
    ),
  ];
  out.push(
    table(
      ["figure", ...names.map((n) => LABELS[n])],
      [
        row("sends/s, concurrency 64", "tput64", 0),
        row("sends/s, concurrency 1", "tput1", 0),
        row("p50 latency, concurrency 1 (ms)", "p50", 3),
        row("p99 latency, concurrency 1 (ms)", "p99", 3),
        row("p99 latency, concurrency 64 (ms)", "p99at64", 2),
        row("client CPU per 1000 sends, c64 (ms)", "cpu64", 1),
        row("client CPU per 1000 sends, c1 (ms)", "cpu1", 1),
        row("server CPU per 1000 sends, c64 (ms)", "serverCpu64", 1),
        row("cores busy (client + server), c64", "coresBusy64", 2),
        row("peak RSS under load (MB)", "rssMb", 1),
        row("cold start: spawn to first send done (ms)", "coldMs", 0),
        row("peak RSS at first send (MB)", "coldRssMb", 1),
        ["TLS handshakes, whole run (server count)", ...names.map((n) => fmt(f[n].handshakes))],
        [
          "TLS handshakes / sends during the timed rounds",
          ...names.map((n) => `${fmt(f[n].roundHandshakes)} / ${fmt(f[n].roundAccepted)}`),
        ],
        [
          "sends accepted by the server / sent by the client",
          ...names.map((n) => `${fmt(f[n].accepted)} / ${fmt(f[n].clientSends)}`),
        ],
        ["HMACs computed by the client (whole run)", ...names.map((n) => fmt(f[n].hmacs))],
        ["distinct SAS tokens seen by the server", ...names.map((n) => fmt(f[n].distinctTokens))],
        ["requests refused by the server", ...names.map((n) => fmt(f[n].refused))],
      ],
    ),
    "",
  );
  if (f.floor) {
    const rel = (key) => names.map((n) => fmtSummary(pairedRatio(f[n][key], f.floor[key]), 2));
    out.push(
      "Relative to the floor (per-round ratio, median and range):",
      "",
      table(
        ["ratio to floor", ...names.map((n) => LABELS[n])],
        [
          ["sends/s, concurrency 64", ...rel("tput64")],
          ["sends/s, concurrency 1", ...rel("tput1")],
          ["CPU per send, c64", ...rel("cpu64")],
        ],
      ),
      "",
    );
  }

  out.push("## Batch", "");
  if (f.nhub?.batchNote) {
    out.push(`nhub: ${f.nhub.batchNote}. The floor's figure is kept for when it lands.`, "");
  }
  const batchNames = ["floor", "nhub"].filter((n) => f[n] && f[n].batchMs.length > 0);
  if (batchNames.length > 0) {
    out.push(
      `${fmt(p.batchHandles)} device handles as direct \`$batch\` requests of 1000 handles, ${p.batchConcurrency} requests in flight, ${p.batchRounds} round(s) after one untimed warm-up; the floor sends prebuilt bodies, nhub builds them in \`sendDirectBatch\` (timed). The floor's second row builds its bodies in the timed part too (one \`JSON.stringify\` and one encode per chunk, no checks): the work any client given an array of handles adds to the first row.`,
      "",
      table(
        ["client", "requests", "time (ms)", "client CPU (ms)"],
        batchNames.flatMap((n) => [
          [LABELS[n], fmt(f[n].batchRequests), fmtSummary(f[n].batchMs, 1), fmtSummary(f[n].batchCpuMs, 1)],
          ...(n === "floor" && f.floor.batchBuildMs.length > 0
            ? [
                [
                  "floor, building its bodies (timed)",
                  fmt(f.floor.batchRequests),
                  fmtSummary(f.floor.batchBuildMs, 1),
                  fmtSummary(f.floor.batchBuildCpuMs, 1),
                ],
              ]
            : []),
        ]),
      ),
      "",
    );
  }

  out.push("## Size", "");
  if (data.bundles) {
    out.push(
      "esbuild (from tsup), ESM, platform node, minified, tree-shaken, code splitting on; gzip level 9. Initial = the entry chunk and what it imports statically; lazy = chunks loaded by `import()`. 'Strings blanked' gzips the same initial code with every string and template literal replaced by an empty string (parsed with acorn): the size of the code without its words (error messages, header names, URLs).",
      "",
      table(
        [
          "bundle",
          "initial min",
          "initial min+gz",
          "initial min+gz, strings blanked",
          "lazy min+gz",
          "external",
        ],
        data.bundles.map((b) => [
          b.name,
          `${fmt(b.initialMin / KB, 1)} KB`,
          `${fmt(b.initialGz / KB, 2)} KB`,
          b.initialCodeGz === undefined ? "-" : `${fmt(b.initialCodeGz / KB, 2)} KB`,
          b.lazyChunks > 0
            ? `${fmt(b.lazyGz / KB, 1)} KB (${b.lazyChunks} chunk${b.lazyChunks === 1 ? "" : "s"})`
            : "-",
          b.external.join(", ") || "-",
        ]),
      ),
      "",
    );
  }
  const modules = data.bundles?.find((b) => b.modules)?.modules;
  if (modules) {
    const total = modules.reduce((n, m) => n + m.min, 0);
    out.push(
      `What the first bundle's initial code is made of: the same entry bundled the same way from the TypeScript sources, with esbuild's count of the minified bytes each source module adds (${fmt(total / KB, 1)} KB in all, before gzip).`,
      "",
      table(
        ["source module", "min bytes", "share"],
        modules.map((m) => [`\`${m.module}.ts\``, fmt(m.min), `${fmt((100 * m.min) / total, 1)} %`]),
      ),
      "",
    );
  }
  if (data.install) {
    const { nhub, official } = data.install;
    out.push(
      "Install footprint: `npm install` into an empty directory (npm's hidden lockfile counts the packages; bytes are the files under node_modules). nhub's packages are packed from the workspace with `pnpm pack` and installed from the tarballs; their dependencies come from the registry.",
      "",
      table(
        ["install", "packages", "bytes on disk"],
        [
          ["@nhub/platform-apns (+ peer @nhub/core)", fmt(nhub.count), `${fmt(nhub.bytes / KB / KB, 2)} MB`],
          ["@azure/notification-hubs@2.1.0", fmt(official.count), `${fmt(official.bytes / KB / KB, 2)} MB`],
        ],
      ),
      "",
      `nhub installs: ${nhub.packages.join(", ")}.`,
      "",
    );
  } else {
    out.push(
      "Install footprint: not measured in this run (it needs the npm registry; the full run measures it).",
      "",
    );
  }

  out.push("## What each client sent", "");
  out.push(
    table(
      ["client", "path", "headers (besides host, content-length, connection)", "body bytes"],
      names
        .filter((n) => f[n].shape)
        .map((n) => [
          LABELS[n],
          `\`${f[n].shape.path}\``,
          f[n].shape.headers.join(", "),
          fmt(f[n].shape.bodyBytes),
        ]),
      false,
    ),
    "",
  );
  if (data.failures.length > 0) {
    out.push("## Failures", "", ...data.failures.map((x) => `- ${x}`), "");
  }
  return out.join("\n");
}

/** The console summary: the per-client table in short, then the ratios last. */
export function renderConsole(data, outFile) {
  const f = figures(data);
  const lines = [];
  const pad = (s, n) => String(s).padEnd(n);
  lines.push(
    "",
    `nhub benchmark${data.plan.smoke ? " (smoke)" : ""}: ${data.machine.cpu} x${data.machine.cores}, Node ${data.machine.node}`,
  );
  lines.push(pad("", 34) + data.clients.map((n) => pad(n, 24)).join(""));
  const show = (label, key, digits) =>
    lines.push(pad(label, 34) + data.clients.map((n) => pad(fmtSummary(f[n][key], digits), 24)).join(""));
  show("sends/s c64", "tput64", 0);
  show("sends/s c1", "tput1", 0);
  show("p50 / p99 c1 (ms)", "p50", 3);
  show("", "p99", 3);
  show("CPU ms per 1000 sends c64", "cpu64", 1);
  show("cores busy c64 (client+server)", "coresBusy64", 2);
  show("peak RSS (MB)", "rssMb", 1);
  show("cold start (ms)", "coldMs", 0);
  lines.push(
    pad("TLS handshakes / HMACs", 34) +
      data.clients.map((n) => pad(`${fmt(f[n].handshakes)} / ${fmt(f[n].hmacs)}`, 24)).join(""),
  );
  lines.push("", `report: ${outFile}`);
  if (data.failures.length > 0)
    lines.push(`FAILURES (${data.failures.length}):`, ...data.failures.map((x) => `  - ${x}`));
  if (data.profiles?.length) lines.push(`CPU profiles: ${data.profiles.join(", ")}`);
  lines.push(
    "",
    data.plan.smoke ? "Ratios (smoke run: a check that everything works, not a measurement):" : "Ratios:",
  );
  for (const t of targets(data, f)) {
    lines.push(
      `  ${pad(t.name, 66)} ${pad(fmtTargetValue(t), 26)} goal ${pad(t.target, 24)} ${t.met === undefined ? "n/a" : t.met ? "met" : "MISSED"}`,
    );
  }
  return lines.join("\n");
}

/**
 * The "Bulk" section from a bulk run's raw data (`src/bulk.mjs`): nhub's `streamDirectBatch` fed by an async
 * generator against the floor's prebuilt chunks, and nhub's heap growth at two source sizes.
 */
export function renderBulkSection(data) {
  const p = data.plan;
  const perSecond = (runs) => runs.map((r) => (r.sentHandles / r.ms) * 1000);
  const mib = (bytes) => fmt(bytes / 1048576, 1);
  const out = ["## Bulk", ""];
  out.push(
    `${fmt(p.handles)} device handles read one at a time from an async generator (as from a database cursor) and streamed through \`streamDirectBatch\` in \`$batch\` requests of 1000 handles, ${p.concurrency} in flight, each run in a fresh process (\`pnpm --filter @nhub/bench bench:bulk\`, ${data.date.slice(0, 10)}, Node ${data.node}, ${data.cpus} CPUs). The floor sends the same chunks on undici's \`Pool.request\` with bodies built before its timed part. ${p.rounds} round(s), alternating which client goes first; medians with the range in brackets.`,
    "",
  );
  const b = pairedRatio(perSecond(data.nhub), perSecond(data.floor));
  out.push(
    table(
      ["client", "requests", "time, ms", "handles per second", "CPU, ms"],
      [
        ["floor (prebuilt bodies)", data.floor, "floor"],
        ["nhub streamDirectBatch (async generator)", data.nhub, "nhub"],
      ].map(([label, runs]) => [
        label,
        fmt(runs[0]?.requests),
        fmtSummary(
          runs.map((r) => r.ms),
          0,
        ),
        fmtSummary(perSecond(runs), 0),
        fmtSummary(
          runs.map((r) => r.cpuUs / 1000),
          0,
        ),
      ]),
    ),
    "",
    `nhub / floor throughput: ${fmtSummary(b, 2)} (per round).`,
    "",
  );
  out.push(
    `Heap growth of nhub's process during the stream: \`heapUsed\` sampled every 50 ms${data.heap.some((h) => h.memory?.gc) ? " after a full collection (`--expose-gc`)" : ""}, the peak minus the baseline taken just before the call. Flat memory means the two rows are about equal.`,
    "",
    table(
      ["handles", "baseline heap, MiB", "peak heap, MiB", "growth, MiB"],
      data.heap.map((h) => [
        fmt(h.handles),
        mib(h.memory.baseline),
        mib(h.memory.peak),
        mib(h.memory.growth),
      ]),
    ),
    "",
  );
  return out.join("\n");
}

/**
 * `markdown` with its `## heading` section replaced by `section` (up to the next `## `), or with `section`
 * appended when there is none, so one script can refresh its own section of BENCHMARKS.md.
 */
export function spliceSection(markdown, heading, section) {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l === `## ${heading}`);
  if (start < 0) return `${markdown.trimEnd()}\n\n${section.trimEnd()}\n`;
  let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end < 0) end = lines.length;
  const head = lines.slice(0, start).join("\n").trimEnd();
  const tail = lines.slice(end).join("\n");
  return `${head}\n\n${section.trimEnd()}\n${tail === "" ? "" : `\n${tail}`}`;
}

/** The `## heading` section of `markdown` (through the line before the next `## `), or undefined. */
export function readSection(markdown, heading) {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l === `## ${heading}`);
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end < 0) end = lines.length;
  return lines.slice(start, end).join("\n").trimEnd();
}
