/** Helpers for the emulator command tests: eval printed export lines in bash, run a long-lived CLI, free ports. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";

const NAMES = ["NOTIFICATION_HUB_CONNECTION_STRING", "NOTIFICATION_HUB_NAME", "NODE_EXTRA_CA_CERTS"] as const;

/** What bash sets after `eval`-ing `output`, as a user's `eval "$(nhub emulator --print-env)"` would. */
export function evalExports(output: string): Record<string, string> {
  // The output goes in through the environment, so the test's own quoting cannot change what bash reads.
  const printed = execFileSync(
    "bash",
    ["-c", `eval "$NHUB_OUTPUT"; for n in ${NAMES.join(" ")}; do printf '%s=%s\\0' "$n" "\${!n}"; done`],
    { env: { PATH: process.env.PATH, NHUB_OUTPUT: output }, encoding: "utf8" },
  );
  const vars: Record<string, string> = {};
  for (const entry of printed.split("\0").filter(Boolean)) {
    const eq = entry.indexOf("=");
    if (entry.length > eq + 1) vars[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return vars;
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A long-running command (`emulator`) of a CLI binary, ready once it printed its export lines. */
export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Ctrl+C, then the exit code. */
  stop(): Promise<number | null>;
}

export function runUntilReady(
  bin: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Running> {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const running: Running = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => {
      child.kill("SIGINT");
      return exited;
    },
  };
  return new Promise((ready, fail) => {
    child.stdout!.on("data", (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes("NOTIFICATION_HUB_NAME=") && stderr.includes("Ctrl+C")) ready(running);
    });
    child.stderr!.on("data", () => {
      if (stdout.includes("NOTIFICATION_HUB_NAME=") && stderr.includes("Ctrl+C")) ready(running);
    });
    exited.then((code) => fail(new Error(`exited with ${code} before it was ready: ${stderr}`)));
  });
}
