// The public API report: every name each published package exports, per entry point, with its kind, read from
// the TypeScript sources by the compiler (so it needs no build). `node scripts/api-report.mjs` prints it;
// `--write` rewrites docs/api-report.md; `--check` exits 1 when the committed report differs, so a change to
// the public API is always a visible change to that file (and to its changeset).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = process.env.NHUB_API_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPORT = join(root, "docs", "api-report.md");

/** The public packages and their entry points: `[{ name, entries: [{ subpath, file }] }]`. */
export function publicPackages(dir = root) {
  const out = [];
  for (const folder of readdirSync(join(dir, "packages")).sort()) {
    const pkg = JSON.parse(readFileSync(join(dir, "packages", folder, "package.json"), "utf8"));
    if (pkg.private) continue;
    const entries = [];
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (subpath.endsWith(".json")) continue;
      const built = typeof target === "string" ? target : (target.import?.default ?? target.default);
      if (typeof built !== "string") continue;
      // dist/<name>.js is built from src/<name>.ts by the shared tsup preset.
      const source = built.replace(/^\.\/dist\//, "src/").replace(/\.m?js$/, ".ts");
      entries.push({ subpath, file: join(dir, "packages", folder, source) });
    }
    out.push({ name: pkg.name, entries });
  }
  return out;
}

function kindOf(symbol, checker) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const f = target.flags;
  if (f & ts.SymbolFlags.Class) return "class";
  if (f & ts.SymbolFlags.Function) return "function";
  if (f & ts.SymbolFlags.Interface) return "interface";
  if (f & ts.SymbolFlags.TypeAlias) return "type";
  if (f & ts.SymbolFlags.Enum) return "enum";
  if (f & ts.SymbolFlags.Variable) return "const";
  if (f & ts.SymbolFlags.Namespace || f & ts.SymbolFlags.ValueModule) return "namespace";
  return "other";
}

function isDeprecated(symbol, checker) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return target.getJsDocTags(checker).some((t) => t.name === "deprecated");
}

/** The report's text: a section per package and entry point, one line per exported name, sorted. */
export function renderApiReport(dir = root) {
  const packages = publicPackages(dir);
  const files = packages.flatMap((p) => p.entries.map((e) => e.file));
  const paths = Object.fromEntries(
    packages.map((p) => [p.name, [join(dir, "packages", p.name.replace(/^@nhub\//, ""), "src", "index.ts")]]),
  );
  for (const p of packages) {
    for (const e of p.entries) if (e.subpath !== ".") paths[p.name + e.subpath.slice(1)] = [e.file];
  }
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowJs: false,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    baseUrl: dir,
    paths,
  });
  const checker = program.getTypeChecker();
  let text =
    "# Public API report\n\nEvery name each published package exports, per entry point, from `node scripts/api-report.mjs --write`.\n" +
    "A test fails when this file and the sources disagree: a change to the public API is a change here too.\n";
  for (const p of packages) {
    for (const e of p.entries) {
      const source = program.getSourceFile(e.file);
      if (!source) throw new Error(`no source for ${p.name}${e.subpath.slice(1)} at ${e.file}`);
      const moduleSymbol = checker.getSymbolAtLocation(source);
      const names = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
      const lines = names
        .map(
          (s) => `- ${s.getName()}: ${kindOf(s, checker)}${isDeprecated(s, checker) ? " (deprecated)" : ""}`,
        )
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      text += `\n## ${p.name}${e.subpath === "." ? "" : e.subpath.slice(1)}\n\n${lines.join("\n")}\n`;
    }
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = renderApiReport();
  if (process.argv.includes("--write")) {
    writeFileSync(REPORT, text);
    console.log(`wrote ${REPORT}`);
  } else if (process.argv.includes("--check")) {
    if (readFileSync(REPORT, "utf8") !== text) {
      console.error("docs/api-report.md is out of date: run node scripts/api-report.mjs --write");
      process.exit(1);
    }
  } else {
    process.stdout.write(text);
  }
}
