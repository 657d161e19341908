// The loopback HTTPS server both benchmarks send to (server.mjs, in a process of its own), started one way for
// run.mjs and bulk.mjs, and the helper they wait for a child process's message with.
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDevCertificate } from "@nhub/emulator";
import { HUB_NAME, KEY_NAME } from "./workload.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** Resolves with the first message of `type` that `child` sends; rejects if the child exits first. */
export function firstMessage(child, type) {
  return new Promise((resolveMessage, reject) => {
    const onMessage = (m) => {
      if (m?.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolveMessage(m);
    };
    const onExit = (code) => reject(new Error(`process exited (${code}) before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/**
 * Writes a throwaway P-256 certificate for 127.0.0.1 into `dir` and starts the server with one port per lane. The
 * certificate is the emulator's development certificate, made with node:crypto alone, so the bench needs no
 * openssl binary. Resolves with the server process, its port per lane, the certificate file the clients trust
 * (`NODE_EXTRA_CA_CERTS`) and the shared access key the server checks SAS tokens against.
 */
export async function startBenchServer({ dir, lanes }) {
  const key = `${randomBytes(32).toString("base64").slice(0, 43)}=`;
  const { cert, key: privateKey } = createDevCertificate();
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  const server = fork(join(here, "server.mjs"), [], {
    execArgv: [],
    env: {
      ...process.env,
      BENCH_SERVER: JSON.stringify({ lanes, hubName: HUB_NAME, keyName: KEY_NAME, key, certFile, keyFile }),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const { ports } = await firstMessage(server, "listening");
  return { server, ports, certFile, key };
}
