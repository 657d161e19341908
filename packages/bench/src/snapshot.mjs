// A private copy of the built packages and the client scripts for one run. Every client process then loads the
// same build even if a package is rebuilt while the run goes on (tsup empties dist/ first, and a client started
// at that moment would fail or, worse, measure a different build from its neighbours).
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The workspace packages the clients load, by directory. */
export const SNAPSHOT_PACKAGES = ["core", "sas", "platform-apns"];

/**
 * Copies `package.json` and `dist/` of each package into `<dir>/node_modules/@nhub/<name>`, links their
 * third-party dependencies and the official SDK to the installed copies, and copies `src/clients` and
 * `src/workload.mjs` into `<dir>/src`. Waits (up to `waitMs`) for a dist that is being rebuilt to reappear.
 *
 * @returns the directory holding the copied client scripts
 */
export async function snapshotBuild(dir, { benchDir, waitMs = 120_000 }) {
  const packagesDir = join(benchDir, "..");
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@nhub"), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (const name of SNAPSHOT_PACKAGES) {
    const from = join(packagesDir, name);
    const entry = join(from, "dist", "index.js");
    while (!existsSync(entry)) {
      if (Date.now() > deadline)
        throw new Error(`${entry} is missing: build the packages first (pnpm turbo run build)`);
      await sleep(500);
    }
    // A build in progress may still be writing its chunks; give it a moment to settle.
    await sleep(name === SNAPSHOT_PACKAGES[0] ? 300 : 0);
    const to = join(modules, "@nhub", name);
    mkdirSync(to, { recursive: true });
    cpSync(join(from, "package.json"), join(to, "package.json"));
    cpSync(join(from, "dist"), join(to, "dist"), { recursive: true });
  }
  const link = (fromDir, name) => {
    const path = join(modules, name);
    if (existsSync(path)) return;
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(realpathSync(join(fromDir, "node_modules", name)), path, "dir");
  };
  // Third-party dependencies resolve to the copies pnpm installed for each package.
  for (const name of SNAPSHOT_PACKAGES) {
    const from = join(packagesDir, name);
    const manifest = JSON.parse(readFileSync(join(from, "package.json"), "utf8"));
    for (const dep of Object.keys(manifest.dependencies ?? {}))
      if (!dep.startsWith("@nhub/")) link(from, dep);
  }
  link(benchDir, "undici");
  link(benchDir, "@azure/notification-hubs");
  cpSync(join(benchDir, "src", "clients"), join(dir, "src", "clients"), { recursive: true });
  cpSync(join(benchDir, "src", "workload.mjs"), join(dir, "src", "workload.mjs"));
  return join(dir, "src", "clients");
}
