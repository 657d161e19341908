import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { defineConfig, type Options } from "tsup";
import { preset } from "../../tsup.preset";

type EsbuildPlugin = NonNullable<Options["esbuildPlugins"]>[number];

/**
 * `import text from "./file?raw"` gives the file's text, as Vite does when tests run from source, so the live
 * page's script and style are inlined into the bundle byte for byte and the published package reads no file.
 */
export const rawText: EsbuildPlugin = {
  name: "raw-text",
  setup(build) {
    // The resolved path keeps its `?raw`: tsup's own CSS plugin loads every path that ends in `.css`, whatever
    // its namespace, and would turn the style into a stylesheet next to the bundle.
    // The path is relative so that the bundle's comments and source map name no directory of the build machine.
    build.onResolve({ filter: /\?raw$/ }, (args) => {
      const file = resolve(args.resolveDir, args.path.slice(0, -"?raw".length));
      return { path: `${relative(process.cwd(), file)}?raw`, namespace: "raw-text", pluginData: { file } };
    });
    build.onLoad({ filter: /\?raw$/, namespace: "raw-text" }, async (args) => {
      const { file } = args.pluginData as { file: string };
      return { contents: await readFile(file, "utf8"), loader: "text", watchFiles: [file] };
    });
  },
};

export default defineConfig({ ...preset, entry: ["src/index.ts", "src/bin.ts"], esbuildPlugins: [rawText] });
