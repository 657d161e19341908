import type { Options } from "tsup";

/** The one build every published package uses: dual ESM + CJS with separate type files for each. */
export const preset: Options = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  treeshake: true,
  splitting: false,
};
