// Figures that need no server: what a user's bundler ships (minified + gzipped) and what `npm install` puts on
// disk, for nhub (core + sas + platform-apns) and for the official SDK, measured the same way.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
/** The bench package's directory: bundles resolve @nhub/*, undici and the SDK from its node_modules. */
export const benchDir = resolve(here, "..");
/** The repository checkout the bench belongs to. */
export const repoDir = resolve(benchDir, "../..");

/** esbuild, borrowed from tsup (the repository's bundler) so the bench adds no dependency of its own. */
async function loadEsbuild() {
  const require = createRequire(join(repoDir, "package.json"));
  const tsup = require.resolve("tsup/package.json");
  const esbuildMain = createRequire(tsup).resolve("esbuild");
  const mod = await import(pathToFileURL(esbuildMain).href);
  return mod.default ?? mod;
}

/** The entries a user writes, for each measured bundle. */
export const BUNDLES = [
  {
    name: "nhub: core + sas + platform-apns (what a send uses)",
    key: "nhub",
    source:
      'export { NotificationHub } from "@nhub/core";\n' +
      'export { createAppleNotification, sendAppleNotification } from "@nhub/platform-apns";\n',
    external: ["undici"],
    bySourceModule: true,
  },
  {
    name: "nhub: core + sas + platform-apns (every export)",
    key: "nhubAll",
    source: 'export * from "@nhub/core";\nexport * from "@nhub/sas";\nexport * from "@nhub/platform-apns";\n',
    external: ["undici"],
  },
  {
    name: "undici (Pool), reported apart",
    key: "undici",
    source: 'export { Pool } from "undici";\n',
    external: [],
  },
  {
    name: "official SDK: createClientContext + sendNotification + createAppleNotification",
    key: "official",
    source:
      'export { createClientContext, sendNotification } from "@azure/notification-hubs/api";\n' +
      'export { createAppleNotification } from "@azure/notification-hubs/models";\n',
    external: [],
  },
];

/**
 * Bundles each entry with esbuild (ESM, platform node, minified, tree-shaken, code splitting on so a dynamic
 * import becomes the lazy chunk a user's bundler would make), then gzips every chunk (level 9).
 * "initial" is the entry chunk plus what it imports statically; "lazy" is the rest. Packages resolve from
 * `modulesDir` (the run's snapshot of the build).
 */
export async function measureBundles({ modulesDir = join(benchDir, "node_modules") } = {}) {
  const esbuild = await loadEsbuild();
  const work = await mkdtemp(join(tmpdir(), "nhub-bench-bundle-"));
  try {
    const results = [];
    for (const bundle of BUNDLES) {
      const dir = join(work, bundle.key);
      const out = await bundleEntry(esbuild, dir, bundle.source, {
        external: bundle.external,
        absWorkingDir: benchDir,
        nodePaths: [modulesDir],
        write: true,
      });
      const outputs = out.metafile.outputs;
      const sizes = {};
      for (const file of Object.keys(outputs)) {
        if (file.endsWith(".map")) continue;
        const bytes = await readFile(resolve(benchDir, file));
        sizes[file] = {
          min: bytes.length,
          gz: gzipSync(bytes, { level: 9 }).length,
          codeGz: gzipSync(withoutText(bytes.toString("utf8")), { level: 9 }).length,
        };
      }
      const initial = initialChunks(outputs);
      const sum = (files, field) => files.reduce((n, f) => n + (sizes[f]?.[field] ?? 0), 0);
      const all = Object.keys(sizes);
      const lazy = all.filter((f) => !initial.has(f));
      const inputs = Object.keys(out.metafile.inputs);
      results.push({
        key: bundle.key,
        name: bundle.name,
        initialMin: sum([...initial], "min"),
        initialGz: sum([...initial], "gz"),
        initialCodeGz: sum([...initial], "codeGz"),
        lazyMin: sum(lazy, "min"),
        lazyGz: sum(lazy, "gz"),
        lazyChunks: lazy.length,
        inputFiles: inputs.length,
        packages: [...new Set(inputs.map(packageOf).filter(Boolean))].sort(),
        external: bundle.external,
        modules: bundle.bySourceModule
          ? await bytesBySourceModule(esbuild, join(dir, "src"), bundle.source, bundle.external)
          : undefined,
      });
    }
    return results;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Writes `source` as the entry a user would write in `dir` and bundles it as a user's bundler would for Node:
 * ESM, minified, tree-shaken, code splitting on so a dynamic import becomes a lazy chunk, with a metafile.
 * `where` says how packages resolve, what stays external and whether the chunks are written.
 */
async function bundleEntry(esbuild, dir, source, where) {
  const entry = join(dir, "entry.mjs");
  await mkdir(dir, { recursive: true });
  await writeFile(entry, source);
  return esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    splitting: true,
    treeShaking: true,
    outdir: join(dir, "out"),
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
    ...where,
  });
}

/** The entry chunk and every chunk it imports statically: what loads before the first send. */
export function initialChunks(outputs) {
  // The chunks `import()` makes have an entryPoint too (the module they start from): the entry is the user's file.
  const entryFile = Object.keys(outputs).find((f) => outputs[f].entryPoint?.endsWith("entry.mjs"));
  const initial = new Set();
  const walk = (file) => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind === "import-statement" && !imp.external) walk(imp.path);
    }
  };
  walk(entryFile);
  return initial;
}

/** The workspace packages a send bundle is made of, bundled from their TypeScript sources for the breakdown. */
const SOURCE_PACKAGES = ["core", "sas", "platform-apns"];

/** esbuild aliases that resolve the send packages to their TypeScript sources under `root`. */
function sourceAlias(root) {
  return Object.fromEntries(
    SOURCE_PACKAGES.map((p) => [`@nhub/${p}`, join(root, "packages", p, "src", "index.ts")]),
  );
}

/**
 * The same entry bundled the same way from the workspace's TypeScript sources instead of the built `dist` files
 * (where tsup has merged a package's modules into a few chunks), so esbuild's metafile can tell how many
 * minified bytes each source module puts in the initial chunks. Sorted, largest first.
 */
async function bytesBySourceModule(esbuild, dir, source, external) {
  const out = await bundleEntry(esbuild, dir, source, {
    external,
    alias: sourceAlias(repoDir),
    absWorkingDir: repoDir,
    write: false,
  });
  const outputs = out.metafile.outputs;
  const bytes = new Map();
  for (const file of initialChunks(outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[file].inputs)) {
      const m = /packages\/([^/]+)\/src\/(.+)\.ts$/.exec(input);
      if (m && bytesInOutput > 0)
        bytes.set(`${m[1]}/${m[2]}`, (bytes.get(`${m[1]}/${m[2]}`) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].map(([module, min]) => ({ module, min })).sort((a, b) => b.min - a.min);
}

/**
 * The initial size of `source` bundled from the TypeScript sources of the send packages under `root` (a checkout,
 * or an older revision's files extracted elsewhere), the way {@link measureBundles} bundles the built packages:
 * what `bundle-history.mjs` compares across revisions. Packages outside the workspace resolve from this checkout.
 */
export async function measureSourceBundle({ root, source, external }) {
  const esbuild = await loadEsbuild();
  const dir = await mkdtemp(join(tmpdir(), "nhub-bench-source-bundle-"));
  try {
    const out = await bundleEntry(esbuild, dir, source, {
      external,
      alias: sourceAlias(root),
      absWorkingDir: dir,
      nodePaths: [join(repoDir, "packages", "core", "node_modules"), join(repoDir, "node_modules")],
      write: true,
    });
    let min = 0;
    let gz = 0;
    for (const file of initialChunks(out.metafile.outputs)) {
      const bytes = await readFile(resolve(dir, file));
      min += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
    }
    return { initialMin: min, initialGz: gz };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `code` with every string and template literal replaced by `""`: what is left when the text (error messages,
 * header names, URLs) is taken out, to show how much of a bundle is code and how much is words.
 */
export function withoutText(code) {
  const { parse } = createRequire(import.meta.url)("acorn");
  const spans = [];
  const walk = (node) => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node.type !== "string") return;
    if ((node.type === "Literal" && typeof node.value === "string") || node.type === "TemplateLiteral") {
      spans.push([node.start, node.end]);
      return;
    }
    for (const key of Object.keys(node)) if (key !== "loc") walk(node[key]);
  };
  walk(parse(code, { ecmaVersion: "latest", sourceType: "module" }));
  let out = "";
  let at = 0;
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    out += `${code.slice(at, start)}""`;
    at = end;
  }
  return out + code.slice(at);
}

/** The npm package an esbuild input path belongs to (`@nhub/core` for `.../packages/core/dist/...`). */
function packageOf(relativeInput) {
  const input = resolve(benchDir, relativeInput);
  const nm = input.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = input.slice(nm + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ws = /packages\/([^/]+)\/dist\//.exec(input);
  return ws ? `@nhub/${ws[1]}` : undefined;
}

async function dirBytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await dirBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/** Packages npm installed, from its hidden lockfile (node_modules/.package-lock.json). */
async function installedPackages(prefix) {
  const lock = JSON.parse(await readFile(join(prefix, "node_modules/.package-lock.json"), "utf8"));
  return Object.keys(lock.packages)
    .filter((p) => p.startsWith("node_modules/"))
    .map((p) => p.slice(p.lastIndexOf("node_modules/") + "node_modules/".length))
    .sort();
}

async function npmInstall(prefix, specs) {
  await mkdir(prefix, { recursive: true });
  await writeFile(join(prefix, "package.json"), '{ "name": "footprint", "private": true }\n');
  await run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      "--prefix",
      prefix,
      ...specs,
    ],
    { cwd: prefix, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
  );
  const packages = await installedPackages(prefix);
  return { packages, count: packages.length, bytes: await dirBytes(join(prefix, "node_modules")) };
}

/**
 * What `npm install` of `@nhub/platform-apns` (with its peer `@nhub/core`, which brings `@nhub/sas`, undici and
 * the lazily loaded XML parser) puts in node_modules, next to `npm install @azure/notification-hubs@2.1.0`.
 * The nhub packages are not published yet, so they are packed from the workspace with `pnpm pack` (which
 * rewrites `workspace:` ranges as publishing does) and installed from the tarballs; everything else comes from
 * the registry.
 */
export async function measureInstallFootprint() {
  const work = await mkdtemp(join(tmpdir(), "nhub-bench-install-"));
  try {
    const tarballs = join(work, "tarballs");
    await mkdir(tarballs, { recursive: true });
    for (const dir of ["sas", "core", "platform-apns"]) {
      await run("pnpm", ["pack", "--pack-destination", tarballs], {
        cwd: join(repoDir, "packages", dir),
        maxBuffer: 16 * 1024 * 1024,
      });
    }
    const files = (await readdir(tarballs)).filter((f) => f.endsWith(".tgz")).map((f) => join(tarballs, f));
    const nhub = await npmInstall(join(work, "nhub"), files);
    const official = await npmInstall(join(work, "official"), ["@azure/notification-hubs@2.1.0"]);
    return { nhub, official };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
