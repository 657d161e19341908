// The send bundle's size across revisions, from each revision's own sources, bundled as the report's first bundle
// is: which change grew it, and by how much. Needs no build and runs nothing of the code.
//
//   node src/bundle-history.mjs REV...          each revision given
//   node src/bundle-history.mjs --since REV     every first-parent commit after REV up to HEAD, printing a row
//                                               only where the size changed
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BUNDLES, measureSourceBundle, repoDir } from "./static-figures.mjs";

const KB = 1024;
const PATHS = ["core", "sas", "platform-apns"].flatMap((p) => [
  `packages/${p}/src`,
  `packages/${p}/package.json`,
]);
const git = (...args) => execFileSync("git", args, { cwd: repoDir, encoding: "utf8" }).trim();

const { values, positionals } = parseArgs({ allowPositionals: true, options: { since: { type: "string" } } });
const revisions = values.since
  ? git("rev-list", "--first-parent", "--reverse", `${values.since}..HEAD`).split("\n").filter(Boolean)
  : positionals;
if (revisions.length === 0) {
  console.error("usage: node src/bundle-history.mjs REV... | --since REV");
  process.exit(2);
}
if (values.since) revisions.unshift(git("rev-parse", values.since));

const bundle = BUNDLES.find((b) => b.key === "nhub");
console.log(`${bundle.name}: initial chunks, from each revision's sources (min / min+gz, KB)`);
let previous;
for (const rev of revisions) {
  const root = mkdtempSync(join(tmpdir(), "nhub-bundle-history-"));
  try {
    // No shell: a revision given on the command line is an argument to git, never shell text.
    const archive = execFileSync("git", ["archive", rev, "--", ...PATHS], {
      cwd: repoDir,
      maxBuffer: 1 << 30,
    });
    execFileSync("tar", ["-x", "-C", root], { input: archive });
    const { initialMin, initialGz } = await measureSourceBundle({
      root,
      source: bundle.source,
      external: bundle.external,
    });
    const gz = (initialGz / KB).toFixed(2);
    if (values.since && gz === previous) continue;
    const delta =
      previous === undefined
        ? ""
        : ` (${Number(gz) - Number(previous) >= 0 ? "+" : ""}${(Number(gz) - Number(previous)).toFixed(2)})`;
    const subject = git("log", "-1", "--format=%h %s", rev).slice(0, 90);
    console.log(`${(initialMin / KB).toFixed(1).padStart(6)} ${gz.padStart(6)}${delta.padEnd(9)} ${subject}`);
    previous = gz;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
