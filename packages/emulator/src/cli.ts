/**
 * The emulator's command line, shared by the `nhub-emulator` bin of this package and `nhub emulator` of
 * @nhub/cli: option parsing, the shell-safe `export` lines, `--print-env` / `--print-token`, and the run loop
 * that keeps the emulator up until the user stops it.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { quoteExcerpt, ValidationError } from "@nhub/core";
import { signSasToken } from "@nhub/sas";
import { defaultCertDir, loadOrCreateDevCertificate } from "./dev-cert";
import { startEmulator } from "./emulator";
import { RULE_NAMES } from "./emulator-auth";
import { EMULATOR_TIERS } from "./emulator-tiers";
import type { EmulatorHttpsOptions, EmulatorTier, Installation } from "./types";
import { DEFAULT_EMULATOR_PORT, urlHostOf, WELL_KNOWN_KEYS, wellKnownConnectionString } from "./well-known";

/** Where the emulator's command line reads and writes; injectable so tests can run it in-process. */
export interface EmulatorCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the user asks the running emulator to stop (Ctrl+C, SIGTERM). */
  readonly interrupted: () => Promise<void>;
  /** How the command is called in messages and usage: `nhub-emulator` (default) or `nhub emulator`. */
  readonly command?: string;
}

/** The `--help` text of the emulator's command line, for the command name given. */
export function emulatorUsage(command = "nhub-emulator"): string {
  return `Usage:
  ${command} [--port <n>] [--host <address>] [--hub <name>]... [--devices <file.json>] [--sample-devices]
  ${" ".repeat(command.length)} [--random-keys] [--allow-remote] [--https [--cert <file> --key <file>]] [--quiet]
  ${" ".repeat(command.length)} [--tier free|basic|standard]
  ${command} --print-env [--port <n>] [--host <address>] [--hub <name>] [--https]
  ${command} --print-token [--port <n>] [--host <address>] [--hub <name>] [--https]

Starts a local Notification Hubs emulator (default http://127.0.0.1:${DEFAULT_EMULATOR_PORT}/, hub "myhub") and prints
shell lines to paste or eval:
  export NOTIFICATION_HUB_CONNECTION_STRING='Endpoint=...;SharedAccessKeyName=...;SharedAccessKey=...'
  export NOTIFICATION_HUB_NAME='myhub'
The keys are the well-known development keys, the same on every start, so a saved connection string keeps
working; --random-keys makes fresh ones (required with --allow-remote). One line per request goes to stderr
(--quiet silences it); the live page is the emulator's URL. Ctrl+C stops it.

Options:
  --port <n>          port to listen on (default ${DEFAULT_EMULATOR_PORT}; 0 picks a free one)
  --host <address>    interface to bind (default 127.0.0.1; ::1 and localhost work too)
  --hub <name>        a hub to emulate, repeatable (default myhub); the first is printed
  --devices <file>    devices to register: a JSON array of installations, or { "<hub>": [...] }
  --sample-devices    register one sample device per platform plus a template device (tags sports, news, ...)
  --random-keys       fresh random keys instead of the well-known ones
  --allow-remote      bind a non-loopback interface (needs --random-keys; no admin auth: trusted networks only)
  --https             serve TLS with a development certificate cached in ~/.nhub/emulator (or --cert-dir,
                      NHUB_EMULATOR_CERT_DIR); the Endpoint becomes sb://, and NODE_EXTRA_CA_CERTS trusts it
  --cert <file> --key <file>  serve TLS with your own certificate and key (PEM) instead
  --tier <tier>       free, basic or standard (default): what the hubs refuse below Standard (telemetry,
                      scheduled sends, jobs; on Free also the direct batch), and no Location on sends
  --quiet             no request log
  --print-env         print the export lines of the well-known connection string and exit (starts nothing)
  --print-token       print an Authorization header value (full rights, valid 1 hour) for curl and exit
  --regenerate-key <rule>[:secondary]  on the emulator running at --port, replace a rule's primary (or
                      secondary) key (rule: full, send or listen), print its new connection strings and exit
  -h, --help          this text

Examples:
  eval "$(${command} --print-env)"          # set the variables for an emulator on the default port
  ${command} --sample-devices               # run it with a device per platform; open the printed URL
  ${command} --https --port 10201           # TLS; then export NODE_EXTRA_CA_CERTS as printed
  curl -X POST "http://127.0.0.1:${DEFAULT_EMULATOR_PORT}/myhub/messages/?api-version=2020-06" \\
    -H "Authorization: $(${command} --print-token)" -H "ServiceBusNotification-Format: apple" \\
    -H "ServiceBusNotification-Tags: sports" -H "Content-Type: application/json;charset=utf-8" \\
    -d '{"aps":{"alert":"Goal!"}}'`;
}

/** A mistake in how the command was called: exit code 2. */
class UsageError extends Error {}

/**
 * `value` as one single-quoted shell word: safe to paste or `eval` in sh, bash and zsh whatever it holds
 * (`;`, `$`, spaces, quotes), with each `'` written as `'\''`.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

function exportLines(vars: ReadonlyArray<readonly [string, string]>): string {
  return vars.map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join("");
}

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  hub: { type: "string", multiple: true },
  devices: { type: "string" },
  "sample-devices": { type: "boolean" },
  "random-keys": { type: "boolean" },
  "allow-remote": { type: "boolean" },
  https: { type: "boolean" },
  cert: { type: "string" },
  key: { type: "string" },
  "cert-dir": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  tier: { type: "string" },
  verbose: { type: "boolean" },
  "print-env": { type: "boolean" },
  "print-token": { type: "boolean" },
  "regenerate-key": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(e.message);
    // The option is named only when it looks like one: anything else may be a key pasted in the wrong place.
    const typed = /'(-[^']*)'/.exec(e.message)?.[1] ?? "";
    const shown = /^-{1,2}[A-Za-z][A-Za-z0-9-]{0,31}$/.test(typed) ? quoteExcerpt(typed) : "(not shown)";
    throw new UsageError(`unknown option ${shown}`);
  }
}

/**
 * Runs the emulator's command line with `argv` (without the node and script paths) and returns the exit code:
 * 0 on success, 1 when the emulator could not start (a port in use), 2 for a usage or input mistake. Without
 * `--print-env`, `--print-token` or `--help` it runs until `io.interrupted()` resolves.
 *
 * @example
 * // src/bin.ts of a tool of your own
 * process.exitCode = await runEmulatorCli(process.argv.slice(2), { stdout, stderr, env, cwd, interrupted });
 */
export async function runEmulatorCli(argv: readonly string[], io: EmulatorCliIo): Promise<number> {
  const command = io.command ?? "nhub-emulator";
  try {
    return await run(argv, io, command);
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    io.stderr(`${command}: ${message}\n`);
    if (error instanceof UsageError) {
      io.stderr(`Run "${command} --help" for usage.\n`);
      return 2;
    }
    return ValidationError.isInstance(error) ? 2 : 1;
  }
}

async function run(argv: readonly string[], io: EmulatorCliIo, command: string): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout(`${emulatorUsage(command)}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("unexpected positional argument 1 (not shown)");
  const port = values.port === undefined ? DEFAULT_EMULATOR_PORT : Number(values.port);
  if (values.port !== undefined && !/^\d+$/.test(values.port)) throw badPort(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw badPort(String(values.port));
  const host = values.host ?? "127.0.0.1";
  const hubNames = values.hub ?? ["myhub"];
  const hubName = hubNames[0]!;
  if ((values.cert === undefined) !== (values.key === undefined))
    throw new UsageError("give --cert and --key together");
  const https = values.https === true || values.cert !== undefined;
  if (values["allow-remote"] && !values["random-keys"]) {
    throw new UsageError(
      "--allow-remote needs --random-keys: the well-known keys are public and accepted only on loopback",
    );
  }

  if (values["regenerate-key"] !== undefined) {
    if (port === 0) throw new UsageError("give the --port of the running emulator");
    return regenerateKey(String(values["regenerate-key"]), { host, port, https, hubName }, io);
  }
  if (values["print-env"] || values["print-token"]) {
    if (values["print-env"] && values["print-token"])
      throw new UsageError("use --print-env or --print-token");
    if (values["random-keys"]) {
      throw new UsageError(
        `--random-keys makes keys only a running emulator knows: copy its export lines instead of using --${values["print-env"] ? "print-env" : "print-token"}`,
      );
    }
    if (port === 0)
      throw new UsageError("give the --port of the emulator (0 picks a port only when it starts)");
    if (values["print-token"]) {
      const resource = `${https ? "https" : "http"}://${urlHostOf(host)}:${port}/${hubName}`;
      const expiresAt = Math.floor(Date.now() / 1000) + 3600;
      io.stdout(
        `${signSasToken({ resourceUri: resource, keyName: RULE_NAMES.full, key: WELL_KNOWN_KEYS.full, expiresAt })}\n`,
      );
      return 0;
    }
    const vars: Array<[string, string]> = [
      ["NOTIFICATION_HUB_CONNECTION_STRING", wellKnownConnectionString({ port, host, https })],
      ["NOTIFICATION_HUB_NAME", hubName],
    ];
    if (https && values.cert === undefined) {
      // The certificate a running emulator serves: made now if none is cached yet, so the path exists.
      vars.push(["NODE_EXTRA_CA_CERTS", loadOrCreateDevCertificate(certDir(values, io)).certPath]);
    } else if (values.cert !== undefined) {
      vars.push(["NODE_EXTRA_CA_CERTS", resolve(io.cwd, values.cert)]);
    }
    io.stdout(exportLines(vars));
    return 0;
  }

  const devices =
    values.devices === undefined ? undefined : await readDevices(resolve(io.cwd, values.devices));
  let httpsOption: EmulatorHttpsOptions | boolean = false;
  let certFile: string | undefined;
  if (values.cert !== undefined && values.key !== undefined) {
    certFile = resolve(io.cwd, values.cert);
    httpsOption = {
      cert: await readText(certFile, "--cert"),
      key: await readText(resolve(io.cwd, values.key), "--key"),
    };
  } else if (https) {
    httpsOption = { certDir: certDir(values, io) };
  }
  const quiet = values.quiet === true;
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emu = await startEmulator({
      port,
      host,
      allowRemote: values["allow-remote"] === true,
      hubs: hubNames,
      devices,
      sampleDevices: values["sample-devices"] === true,
      randomKeys: values["random-keys"] === true,
      tier: tierOption(values.tier),
      https: httpsOption,
      logger: quiet ? undefined : (line) => io.stderr(`${line}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new Error(
        `port ${port} on ${host} is in use (another emulator?): stop it, or pass --port <n> (0 picks a free one)`,
      );
    }
    throw error;
  }
  const vars: Array<[string, string]> = [
    ["NOTIFICATION_HUB_CONNECTION_STRING", emu.connectionString({ hub: hubName })],
    ["NOTIFICATION_HUB_NAME", hubName],
  ];
  const trustPath = certFile ?? emu.certificate?.path;
  if (trustPath !== undefined) vars.push(["NODE_EXTRA_CA_CERTS", trustPath]);
  io.stdout(exportLines(vars));
  const notes = [
    `${command} listening on ${emu.url} (hubs: ${emu.hubNames.join(", ")}${values["sample-devices"] ? `; ${emu.hub().installations().length} devices` : ""}).`,
    `  live page: ${emu.url}   deliveries: ${emu.url}_emulator/hubs/${hubName}/deliveries`,
    values["random-keys"]
      ? "  keys: random for this start"
      : "  keys: the well-known development keys (the same every start; loopback only)",
  ];
  if (trustPath !== undefined) {
    notes.push(
      `  certificate: ${trustPath}; Node trusts it with NODE_EXTRA_CA_CERTS=${shellQuote(trustPath)} set before it starts`,
    );
  }
  notes.push("Ctrl+C to stop.");
  io.stderr(`${notes.join("\n")}\n`);
  await io.interrupted();
  await emu.close();
  io.stderr(`${command} stopped.\n`);
  return 0;
}

function tierOption(value: unknown): EmulatorTier | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !(EMULATOR_TIERS as readonly string[]).includes(value)) {
    throw new UsageError(`--tier takes one of ${EMULATOR_TIERS.join(", ")}`);
  }
  return value as EmulatorTier;
}

/**
 * `--regenerate-key full[:secondary]`: asks a running emulator (its admin endpoint, as a JSON POST from no web
 * origin) to replace one key of a rule, and prints the rule's connection strings after it.
 */
async function regenerateKey(
  spec: string,
  at: { host: string; port: number; https: boolean; hubName: string },
  io: EmulatorCliIo,
): Promise<number> {
  const [rule, which = "primary"] = spec.split(":");
  if (!["full", "send", "listen"].includes(rule ?? "") || !["primary", "secondary"].includes(which)) {
    throw new UsageError("--regenerate-key takes full, send or listen, optionally followed by :secondary");
  }
  const hubPath = at.hubName.split("/").map(encodeURIComponent).join("/");
  const url = `${at.https ? "https" : "http"}://${urlHostOf(at.host)}:${at.port}/_emulator/hubs/${hubPath}/keys/${rule}/regenerate`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ which }),
    });
  } catch {
    io.stderr(
      `no emulator answered on ${urlHostOf(at.host)}:${at.port}: start one, or check --port and --https\n`,
    );
    return 1;
  }
  if (!res.ok) {
    io.stderr(`the emulator refused to regenerate the key (HTTP ${res.status})\n`);
    return 1;
  }
  const keys = (await res.json()) as { primaryConnectionString?: string; secondaryConnectionString?: string };
  io.stdout(
    exportLines([
      ["NOTIFICATION_HUB_CONNECTION_STRING", String(keys.primaryConnectionString)],
      ["NOTIFICATION_HUB_SECONDARY_CONNECTION_STRING", String(keys.secondaryConnectionString)],
    ]),
  );
  return 0;
}

function badPort(value: string): UsageError {
  return new UsageError(`--port ${quoteExcerpt(value)} is not a port number (0-65535)`);
}

function certDir(values: { "cert-dir"?: string }, io: EmulatorCliIo): string {
  const dir = values["cert-dir"] ?? io.env.NHUB_EMULATOR_CERT_DIR;
  return dir ? resolve(io.cwd, dir) : defaultCertDir();
}

async function readText(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read ${option} file ${path}: ${(error as NodeJS.ErrnoException).code ?? ""}`,
    );
  }
}

async function readDevices(path: string): Promise<Record<string, Installation[]> | Installation[]> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Record<string, Installation[]> | Installation[];
  } catch (error) {
    throw new UsageError(`cannot read devices file ${path}: ${(error as Error).message}`);
  }
}
