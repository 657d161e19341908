#!/usr/bin/env node
// Runs the workspace's turbo with its telemetry off: turbo reads that only from the environment
// (TURBO_TELEMETRY_DISABLED / DO_NOT_TRACK), so without this a fresh clone prints turbo's telemetry notice on
// the first run. Plain node so the root scripts work the same on every shell and platform.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const bin = require.resolve("turbo/bin/turbo");
const child = spawn(process.execPath, [bin, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" },
});
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
