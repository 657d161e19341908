// Every ```ts / ```js block of every package README (and the root README's first example) runs as written
// against an emulator this test starts, with the environment a reader would set. A block not meant to run says
// so in the README with `<!-- readme-example: no-run REASON -->` on the line before it; those are counted
// below, so a block cannot drop out of the run unnoticed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startEmulator } from "@nhub/emulator";
import { afterAll, describe, expect, it, vi } from "vitest";
import { extractBlocks, type ReadmeBlock } from "./readme-examples/extract";
import { recorded, reset } from "./readme-examples/vitest-shim";

const repo = resolve(import.meta.dirname, "../..");
const generated = join(import.meta.dirname, "readme-examples/.generated");
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated, { recursive: true });
afterAll(() => rmSync(generated, { recursive: true, force: true }));

const readmes = readdirSync(join(repo, "packages"))
  .map((name) => `packages/${name}/README.md`)
  .filter((file) => {
    try {
      readFileSync(join(repo, file));
      return true;
    } catch {
      return false;
    }
  });
const blocks: ReadmeBlock[] = [
  extractBlocks("README.md", readFileSync(join(repo, "README.md"), "utf8"))[0]!,
  ...readmes.flatMap((file) => extractBlocks(file, readFileSync(join(repo, file), "utf8"))),
];
const runnable = blocks.filter((b) => b.noRun === undefined);
const marked = blocks.filter((b) => b.noRun !== undefined);

describe("README examples", () => {
  it("finds the blocks, and every block that does not run says why in its README", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(25);
    for (const block of marked) expect(block.noRun, `${block.file}:${block.line}`).toMatch(/\w{3,}/);
    // Counted so a block cannot stop running unnoticed: adding a no-run marker means changing this number.
    expect(marked.map((b) => b.file)).toHaveLength(EXPECTED_NO_RUN);
  });

  for (const block of runnable) {
    it(`${block.file}:${block.line} runs as written`, async () => {
      const emulator = await startEmulator({ hubs: ["myhub"], sampleDevices: true, jobDurationMs: 0 });
      vi.stubEnv("NOTIFICATION_HUB_CONNECTION_STRING", emulator.connectionString());
      vi.stubEnv("NOTIFICATION_HUB_NAME", "myhub");
      vi.stubEnv("NH_PRIMARY_CONNECTION_STRING", emulator.connectionString());
      vi.stubEnv("NH_SECONDARY_CONNECTION_STRING", emulator.connectionString({ key: "secondary" }));
      vi.stubEnv("EXPORT_CONTAINER_SAS_URL", "https://myaccount.blob.core.windows.net/exports?sv=2024&sig=x");
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      const file = join(generated, `${block.file.replace(/[/.]/g, "_")}_${block.line}.${block.lang}`);
      writeFileSync(file, block.code.replace(/from "vitest"/g, 'from "../vitest-shim"'));
      reset();
      try {
        await import(pathToFileURL(file).href);
        // A block written as a test file: run its tests as vitest would, hooks included.
        if (/^\s*it\(/m.test(block.code)) expect(recorded.tests.length).toBeGreaterThan(0);
        for (const t of recorded.tests) {
          for (const hook of recorded.beforeEach) await hook();
          try {
            await t.fn();
          } finally {
            for (const hook of recorded.afterEach) await hook();
          }
        }
      } finally {
        log.mockRestore();
        vi.unstubAllEnvs();
        await emulator.close();
      }
    });
  }
});

const EXPECTED_NO_RUN = 16;
