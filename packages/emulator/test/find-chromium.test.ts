/** The browser search of the page tests: NHUB_CHROMIUM, then the PATH and system locations, then the package. */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findChromium, INSTALL_HINT } from "../scripts/find-chromium.mjs";

const dir = mkdtempSync(join(tmpdir(), "nhub-find-chromium-"));
const fake = join(dir, "chromium");
writeFileSync(fake, "#!/bin/sh\nexit 1\n");
chmodSync(fake, 0o755);
const empty = mkdtempSync(join(tmpdir(), "nhub-find-chromium-empty-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

describe("findChromium", () => {
  it("takes NHUB_CHROMIUM first, even when a system browser is on the PATH", async () => {
    const other = join(dir, "my-chrome");
    writeFileSync(other, "");
    await expect(findChromium({ NHUB_CHROMIUM: other, PATH: dir })).resolves.toEqual({
      path: other,
      source: "NHUB_CHROMIUM",
    });
  });

  it("says what to install when NHUB_CHROMIUM points at nothing", async () => {
    const missing = join(dir, "nope");
    await expect(findChromium({ NHUB_CHROMIUM: missing, PATH: dir })).rejects.toThrow(
      `NHUB_CHROMIUM is set but nothing is at ${missing}. ${INSTALL_HINT}`,
    );
  });

  it("finds an executable chromium on the PATH", async () => {
    await expect(findChromium({ PATH: dir })).resolves.toEqual({ path: fake, source: "system" });
  });

  it("falls back to the Chromium shipped in @sparticuz/chromium's tarball on x64 Linux with no system browser", async () => {
    const systemBrowser = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].some(
      existsSync,
    );
    const found = await findChromium({ PATH: empty });
    if (process.platform === "linux" && process.arch === "x64" && !systemBrowser) {
      expect(found.source).toBe("@sparticuz/chromium");
      expect(existsSync(found.path)).toBe(true);
    } else {
      expect(found.source).toBe("system");
    }
  }, 60_000);
});
