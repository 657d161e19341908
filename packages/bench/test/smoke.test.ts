// The benchmark is not a test: this runs its smoke mode (a few hundred sends per client against the loopback
// HTTPS server) and checks that every client sent, that the server accepted every send, and that the table was
// written. It asserts no timing. The clients import the BUILT packages, so build first (`pnpm test` does).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let outDir: string | undefined;

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

it("smoke: every client sends, the server accepts every send, the table is written, ratios print last", async () => {
  outDir = await mkdtemp(join(tmpdir(), "nhub-bench-smoke-"));
  const out = join(outDir, "BENCHMARKS.md");
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ["src/run.mjs", "--smoke", "--out", out],
      { cwd: benchDir, timeout: 170_000, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
  expect(result.stderr).not.toContain("FAILED");
  expect(result.code).toBe(0);

  const md = await readFile(out, "utf8");
  expect(md).toContain("# nhub benchmarks");
  expect(md).toContain("This is a smoke run");
  for (const client of [
    "floor (undici Pool.request)",
    "nhub",
    "undici Pool.dispatch (context)",
    "Pool.dispatch doing a send's work (context)",
    "official SDK 2.1.0",
    "seed (Python sample's pattern)",
  ]) {
    expect(md).toContain(client);
  }
  // The server's count equals the client's for every client: "accepted / sent" cells read "N / N".
  const row = md
    .split("\n")
    .find((l) => /^\| sends accepted by the server \/ sent by the client\s+\|/.test(l));
  expect(row).toBeDefined();
  const cells = row!
    .split("|")
    .slice(2, -1)
    .map((c) => c.trim());
  expect(cells).toHaveLength(6);
  for (const cell of cells) {
    const [accepted, sent] = cell.split(" / ").map((n) => Number(n.replace(/,/g, "")));
    expect(sent).toBeGreaterThanOrEqual(200);
    expect(accepted).toBe(sent);
  }
  expect(md).toMatch(/\| sends\/s, concurrency 64\s+\|/);
  expect(md).toMatch(/\| throughput at concurrency 64, nhub \/ Pool\.dispatch floor\s+\| context\s+\|/);
  expect(md).toMatch(/\| client CPU per 1000 sends \(c64\), nhub \/ dispatch \+ work\s+\| context\s+\|/);
  expect(md).toMatch(/\| nhub: core \+ sas \+ platform-apns \(what a send uses\)\s+\|/);

  const lines = result.stdout.trimEnd().split("\n");
  const ratios = lines.map((l) => l.startsWith("Ratios")).lastIndexOf(true);
  expect(ratios).toBeGreaterThan(0);
  expect(lines.slice(ratios + 1).every((l) => l.startsWith("  "))).toBe(true);
}, 180_000);
