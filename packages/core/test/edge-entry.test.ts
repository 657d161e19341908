import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import { type RecordingServer, startRecordingServer } from "@nhub/testkit";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as edge from "../src/edge";
import * as node from "../src/index";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sasSource = resolve(coreDir, "../sas/src/index.ts");

/** The part of esbuild's API this test uses (core does not depend on esbuild, so its types are not here). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: { text: string }[];
    metafile?: { inputs: Record<string, unknown> };
  }>;
}

/** esbuild, as tsup (the repository's bundler) resolves it, so the test adds no dependency. */
async function loadEsbuild(): Promise<Esbuild> {
  const fromRoot = createRequire(resolve(coreDir, "../../package.json"));
  const esbuildMain = createRequire(fromRoot.resolve("tsup/package.json")).resolve("esbuild");
  const mod = (await import(pathToFileURL(esbuildMain).href)) as Esbuild & { default?: Esbuild };
  return mod.default ?? mod;
}

let esm: { text: string; inputs: string[] };
let iife: string;

beforeAll(async () => {
  const esbuild = await loadEsbuild();
  const common = {
    entryPoints: [resolve(coreDir, "src/edge.ts")],
    bundle: true,
    platform: "neutral" as const,
    target: "es2022",
    write: false,
    logLevel: "silent" as const,
    alias: { "@nhub/sas": sasSource },
    // Drops comments (whose prose may name undici or Buffer) and keeps every identifier readable.
    minifyWhitespace: true,
  };
  // What a Workers bundler sees: everything but the XML parser (loaded lazily for test sends), lazy chunks
  // inlined so they are checked too.
  const out = await esbuild.build({
    ...common,
    format: "esm",
    external: ["fast-xml-parser"],
    metafile: true,
  });
  esm = { text: out.outputFiles[0]!.text, inputs: Object.keys(out.metafile?.inputs ?? {}) };
  const script = await esbuild.build({
    ...common,
    format: "iife",
    globalName: "nhub",
    external: ["fast-xml-parser"],
  });
  iife = script.outputFiles[0]!.text;
}, 60_000);

describe("the edge entry's bundle", () => {
  it("imports no Node built-in, no undici, no diagnostics_channel and no Node crypto", () => {
    expect(esm.text).not.toMatch(/["']node:/);
    expect(esm.text).not.toMatch(/\brequire\s*\(/);
    expect(esm.text).not.toMatch(/undici/i);
    expect(esm.text).not.toContain("diagnostics_channel");
    expect(esm.text).not.toContain("getBuiltinModule");
    expect(esm.text).not.toContain("createHmac");
    // Only core's and sas's own sources go in; the one external is the lazily loaded XML parser.
    expect(esm.inputs.length).toBeGreaterThan(10);
    expect(esm.inputs.every((input) => /packages\/(core|sas)\/src\//.test(input))).toBe(true);
    expect(esm.text).toMatch(/import\(["']fast-xml-parser["']\)/);
    expect(esm.text).not.toMatch(/from\s*["']fast-xml-parser["']/);
  });

  it("uses Buffer nowhere", () => {
    expect([...esm.text.matchAll(/\bBuffer\b.{0,24}/g)].map((m) => m[0])).toEqual([]);
  });

  it("sends a notification from a context that has only web globals", async () => {
    server = await startRecordingServer({ key: "EdgeOnlyKey=" });
    // A sandbox like a Workers isolate: fetch, WebCrypto, timers, no process, require, module or Buffer.
    const sandbox: Record<string, unknown> = {
      fetch,
      Headers,
      Request,
      Response,
      AbortController,
      AbortSignal,
      TextEncoder,
      TextDecoder,
      URL,
      URLSearchParams,
      crypto: globalThis.crypto,
      setTimeout,
      clearTimeout,
      performance,
      btoa,
      atob,
      console,
      queueMicrotask,
      DOMException,
    };
    const api = runInNewContext(`${iife}; nhub`, sandbox) as typeof edge;
    expect(runInNewContext("typeof process + typeof require + typeof module", sandbox)).toBe(
      "undefinedundefinedundefined",
    );
    const hub = new api.NotificationHub(server.connectionString, "myhub", { retry: false });
    const result = await hub.send(
      api.createNotification({
        format: "apple",
        contentType: "application/json;charset=utf-8",
        body: '{"aps":{"alert":"from the edge"}}',
      }),
      { tags: "sports" },
    );
    await hub.close();
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeDefined();
    const [req] = server.requests;
    expect(req!.tokenValid).toBe(true);
    expect(req!.text).toBe('{"aps":{"alert":"from the edge"}}');
    expect(req!.headers["servicebusnotification-tags"]).toBe("sports");
  });
});

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the edge entry's exports", () => {
  /** What only the Node entry has: the undici transport and its error mapping. */
  const NODE_ONLY = ["createUndiciTransport", "toTransportError"];

  it("has every export of the main entry but the undici transport", () => {
    const missing = Object.keys(node).filter((name) => !(name in edge) && !NODE_ONLY.includes(name));
    expect(missing).toEqual([]);
    expect(Object.keys(edge).filter((name) => !(name in node))).toEqual([]);
    for (const name of NODE_ONLY) expect(name in edge).toBe(false);
  });

  it("has its own NotificationHub on the same base class", () => {
    expect(edge.NotificationHub).not.toBe(node.NotificationHub);
    expect(edge.NotificationHubBase).toBe(node.NotificationHubBase);
    expect(Object.getPrototypeOf(edge.NotificationHub)).toBe(node.NotificationHubBase);
    expect(Object.getPrototypeOf(node.NotificationHub)).toBe(node.NotificationHubBase);
    expect(edge.createNotification).toBe(node.createNotification);
  });

  it("is what edge runtimes resolve for @nhub/core, and what @nhub/core/edge names", () => {
    const pkg = JSON.parse(readFileSync(resolve(coreDir, "package.json"), "utf8")) as {
      exports: Record<string, Record<string, unknown>>;
    };
    const edgeFiles = {
      import: { types: "./dist/edge.d.ts", default: "./dist/edge.js" },
      require: { types: "./dist/edge.d.cts", default: "./dist/edge.cjs" },
    };
    const root = pkg.exports["."]!;
    for (const condition of ["workerd", "edge-light", "deno", "bun"])
      expect(root[condition]).toEqual(edgeFiles);
    expect(root["import"]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(Object.keys(root).slice(-2)).toEqual(["import", "require"]);
    expect(pkg.exports["./edge"]).toEqual(edgeFiles);
    expect(readFileSync(resolve(coreDir, "tsup.config.ts"), "utf8")).toContain('"src/edge.ts"');
  });
});
