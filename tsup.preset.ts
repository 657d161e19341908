import type { Options } from "tsup";

/**
 * The one build every published package uses: dual ESM + CJS with separate type files for each. Splitting keeps
 * modules that a package loads with `import()` (operations other than send, XML readers, debug dumps) in their
 * own chunks, so neither Node nor a user's bundler loads them for a plain send.
 */
export const preset: Options = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  treeshake: true,
  splitting: true,
};
