import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { preset } from "../../tsup.preset";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

export default defineConfig({
  ...preset,
  entry: ["src/index.ts", "src/bin.ts"],
  define: { __NHUB_CLI_VERSION__: JSON.stringify(version) },
});
