/** In the repository, the CLI is a root bin: `pnpm exec nhub` runs it and echoes no argument. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";

const root = resolve(__dirname, "../../..");

it("runs as `pnpm exec nhub` without echoing the command line", async () => {
  expect(existsSync(resolve(__dirname, "../dist/bin.js")), "build first: pnpm build").toBe(true);
  const secret = "SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGhlLXRlc3Q=";
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (done) => {
      execFile(
        "pnpm",
        [
          "exec",
          "nhub",
          "send",
          "apns",
          "--payload",
          "{}",
          "--connection-string",
          `Endpoint=sb://x/;SharedAccessKeyName=a;${secret}`,
        ],
        { cwd: root, timeout: 30_000, env: { ...process.env, NOTIFICATION_HUB_NAME: "myhub" } },
        (error, out, err) => done({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
      );
    },
  );
  expect(code).not.toBe(0);
  expect(stdout + stderr).not.toContain("c2VjcmV0LWtleS1mb3ItdGhlLXRlc3Q=");
  expect(stderr).not.toMatch(/^\$ /m);
}, 40_000);
