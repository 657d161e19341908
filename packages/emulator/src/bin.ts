#!/usr/bin/env node
import { runEmulatorCli } from "./cli";

const interrupted = () =>
  new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });

runEmulatorCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  interrupted,
}).then((code) => {
  process.exitCode = code;
});
