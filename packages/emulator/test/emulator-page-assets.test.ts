/**
 * The live page's script and style are files of their own (src/page); these tests check that the page inlines
 * them byte for byte, both when tests import the source (Vite's `?raw`) and in the published build (tsup with
 * the raw-text plugin of tsup.config.ts), and that the CSP allows exactly that text by hash.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "tsup";
import { afterAll, describe, expect, it } from "vitest";
import { preset } from "../../../tsup.preset";
import { SNAPSHOT_DELIVERIES_PER_DEVICE, SNAPSHOT_REQUESTS } from "../src/emulator-events";
import { PAGE_CSP, PAGE_HTML } from "../src/emulator-page";
import { rawText } from "../tsup.config";

const here = resolve(import.meta.dirname, "..");
const STYLE = readFileSync(resolve(here, "src/page/live-page.css"), "utf8");
const SCRIPT = `var PER_DEVICE = ${SNAPSHOT_DELIVERIES_PER_DEVICE}, MAX_REQUESTS = ${SNAPSHOT_REQUESTS};\n${readFileSync(resolve(here, "src/page/live-page.js"), "utf8")}`;
const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

const out = mkdtempSync(join(tmpdir(), "nhub-page-build-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("live page assets", () => {
  it("inlines src/page/live-page.css and live-page.js as they are on disk, each allowed by its hash", () => {
    expect(STYLE).toContain(".card {");
    expect(PAGE_HTML).toContain(`<style>${STYLE}</style>`);
    expect(PAGE_HTML).toContain(`<script>${SCRIPT}</script>`);
    expect(PAGE_CSP).toContain(`style-src ${hash(STYLE)};`);
    expect(PAGE_CSP).toContain(`script-src ${hash(SCRIPT)};`);
  });

  it("the tsup build inlines the same text, so the published page and its CSP equal the source's", async () => {
    await build({
      ...preset,
      config: false,
      silent: true,
      entry: [resolve(here, "src/emulator-page.ts")],
      format: ["esm"],
      dts: false,
      sourcemap: false,
      outDir: out,
      esbuildPlugins: [rawText],
    });
    const built = (await import(pathToFileURL(join(out, "emulator-page.js")).href)) as {
      PAGE_HTML: string;
      PAGE_CSP: string;
    };
    expect(built.PAGE_CSP).toBe(PAGE_CSP);
    expect(built.PAGE_HTML).toBe(PAGE_HTML);
    // The bundle holds the text itself: nothing in it reads a file at run time.
    const code = readFileSync(join(out, "emulator-page.js"), "utf8");
    expect(code).not.toMatch(/readFile|node:fs|import\.meta\.url/);
  });
});
