#!/usr/bin/env node
// The root `pnpm nhub` script: runs the built CLI, or says how to build it instead of a module-not-found trace
// in a clone that is installed but not built.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const bin = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));
if (!existsSync(bin)) {
  process.stderr.write(
    "nhub: the CLI is not built yet (packages/cli/dist/bin.js is missing): run `pnpm build` first, then `pnpm --silent nhub ...`\n",
  );
  process.exit(1);
}
// The bin reads process.argv.slice(2), which are this script's arguments.
await import(pathToFileURL(bin).href);
