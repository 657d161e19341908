import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { TOKEN_REFRESH_MARGIN_MS } from "../src/credential-forms";
import { REFRESH_MARGIN_MS } from "../src/credentials";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The part of esbuild's metafile this test reads. */
interface Metafile {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      imports: { path: string; kind: string; external?: boolean }[];
      inputs: Record<string, { bytesInOutput: number }>;
    }
  >;
}

/** Source modules of core with code in the chunks a plain send loads before its first request, and their bytes. */
let initialModules: Map<string, number>;

beforeAll(async () => {
  const fromRoot = createRequire(resolve(coreDir, "../../package.json"));
  const esbuildMain = createRequire(fromRoot.resolve("tsup/package.json")).resolve("esbuild");
  const mod = await import(pathToFileURL(esbuildMain).href);
  const esbuild = (mod.default ?? mod) as {
    build(options: Record<string, unknown>): Promise<{ metafile: Metafile }>;
  };
  // What an app that sends with a connection string bundles, code splitting on as a bundler for Node does it.
  const out = await esbuild.build({
    stdin: {
      contents: 'export { NotificationHub, createNotification } from "./src/index.ts";\n',
      resolveDir: coreDir,
      sourcefile: "entry.mjs",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    splitting: true,
    outdir: resolve(coreDir, "out-unused"),
    write: false,
    metafile: true,
    logLevel: "silent",
    external: ["undici", "fast-xml-parser"],
    alias: { "@nhub/sas": resolve(coreDir, "../sas/src/index.ts") },
    absWorkingDir: coreDir,
  });
  const outputs = out.metafile.outputs;
  const initial = new Set<string>();
  const walk = (file: string) => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind === "import-statement" && !imp.external) walk(imp.path);
    }
  };
  walk(Object.keys(outputs).find((f) => outputs[f]!.entryPoint !== undefined)!);
  initialModules = new Map();
  for (const file of initial) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[file]!.inputs)) {
      const m = /^src\/(.+)\.ts$/.exec(input);
      if (m && bytesInOutput > 0) initialModules.set(m[1]!, bytesInOutput);
    }
  }
}, 60_000);

describe("what a plain send bundles before its first request", () => {
  it("has the hub and its credential check", () => {
    expect(initialModules.has("hub-base")).toBe(true);
    expect(initialModules.has("credential-forms")).toBe(true);
  });

  it("leaves the callback token provider to a lazy chunk", () => {
    expect(initialModules.has("credentials")).toBe(false);
  });
});

describe("the callback token provider's refresh margin", () => {
  it("is the exported TOKEN_REFRESH_MARGIN_MS", () => {
    expect(REFRESH_MARGIN_MS).toBe(TOKEN_REFRESH_MARGIN_MS);
  });
});
