// Finds a Chromium for the emulator page's browser tests and the screenshot script, without downloading one.
// Order: NHUB_CHROMIUM, then a system Chromium or Chrome, then the Chromium that @sparticuz/chromium ships inside
// its npm tarball (x64 Linux only). Plain JavaScript so that both vitest and a bare `node` script can import it.
import { accessSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";

/** Flags for a headless run on a machine with no network but loopback (see the emulator README). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
const SYSTEM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function systemChromium(env) {
  const dirs = (env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutable(path)) return path;
    }
  }
  return SYSTEM_PATHS.find(isExecutable);
}

/** What to do when no browser can be found or started, for the error a test throws. */
export const INSTALL_HINT =
  "Install Chromium or Chrome (Debian/Ubuntu: apt-get install chromium; macOS: install Google Chrome), " +
  "or point NHUB_CHROMIUM at a Chromium binary. On x64 Linux the devDependency @sparticuz/chromium " +
  "(installed by `pnpm install`) is used when no system browser is found; if it is there but does not start, " +
  "the shared libraries it needs are missing (Debian/Ubuntu: apt-get install libnss3 libatk1.0-0 " +
  "libatk-bridge2.0-0 libcups2 libdrm2 libxkbcommon0 libxcomposite1 libxdamage1 libxrandr2 libgbm1 " +
  "libpango-1.0-0 libasound2).";

/**
 * The Chromium to launch: `{ path, source }`, where source says which step of the search found it.
 * Throws an Error that says what to install when nothing is found; never downloads anything.
 */
export async function findChromium(env = process.env) {
  const pinned = env.NHUB_CHROMIUM;
  if (pinned) {
    if (!existsSync(pinned))
      throw new Error(`NHUB_CHROMIUM is set but nothing is at ${pinned}. ${INSTALL_HINT}`);
    return { path: pinned, source: "NHUB_CHROMIUM" };
  }
  const system = systemChromium(env);
  if (system) return { path: system, source: "system" };
  if (process.platform === "linux" && process.arch === "x64") {
    let packaged;
    try {
      packaged = createRequire(import.meta.url)("@sparticuz/chromium");
    } catch (error) {
      throw new Error(
        `No system Chromium, and @sparticuz/chromium cannot be loaded (${error.message}). ${INSTALL_HINT}`,
      );
    }
    const chromium = packaged.default ?? packaged;
    // Unpacks the brotli-compressed binary that ships in the package's own tarball into the temp directory.
    return { path: await chromium.executablePath(), source: "@sparticuz/chromium" };
  }
  throw new Error(`No Chromium found on this ${process.platform}/${process.arch} machine. ${INSTALL_HINT}`);
}
