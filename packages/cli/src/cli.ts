import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import {
  NhubError,
  NotificationHub,
  quoteExcerpt,
  redactSecrets,
  type SendOptions,
  ServiceError,
  ValidationError,
} from "@nhub/core";
import { runEmulatorCli } from "@nhub/emulator";
import {
  createOrUpdateInstallation,
  deleteInstallation,
  getInstallation,
  type Installation,
} from "@nhub/installations";
import { formatDemoReport, runDemo } from "./demo";
import { runFleetCommand } from "./migrate";
import { PLATFORM_NAMES, platformEntry, platformHelp } from "./platforms";

/** Where the CLI reads and writes; injectable so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the user asks the long-running `emulator` command to stop (Ctrl+C). */
  readonly interrupted: () => Promise<void>;
}

const USAGE = `Usage:
  nhub send <platform> --payload <text | @file> [--tags <expression>] [--tag <tag>]...
            [--header "Name: value"]... [--test] [--debug] [--connection-string <cs>] [--hub <name>] [--verbose]
  nhub installation put --id <id> --platform <platform> --channel <handle> [--tag <tag>]... [--user-id <id>]
  nhub installation get --id <id>
  nhub installation delete --id <id>
  nhub emulator [--port <n>] [--sample-devices] [--devices <file.json>] [--https] [--quiet] [--print-env] ...
                (see "nhub emulator --help")
  nhub demo
  nhub cleanup --records <file.jsonl> [--apply] [--json]  |  nhub migrate fcm-v1 [--apply] [--json] (dry runs unless --apply)
  nhub --help | --version

Platforms (read from the platform packages' descriptors):
${platformHelp()}
The connection string and hub name come from --connection-string / --hub or the NOTIFICATION_HUB_CONNECTION_STRING
and NOTIFICATION_HUB_NAME environment variables. Results are printed as JSON on stdout; messages go to stderr.
Installation platforms: apns, fcmv1, gcm, wns, mpns, adm, baidu, xiaomi, browser (--channel is then the JSON
subscription {"endpoint":"...","p256dh":"...","auth":"..."}).

Try it locally:
  eval "$(nhub emulator --print-env)"; nhub emulator --sample-devices &
  nhub installation put --id my-phone --platform apns --channel 0a1b2c3d --tag sports
  nhub send apns --payload '{"aps":{"alert":"Goal!"}}' --tags sports`;

/** A mistake in how the command was called: printed with a hint, exit code 2. */
class UsageError extends Error {}

/**
 * The words of a mistake about an argument whose value is never shown: an unknown positional or command may be
 * a pasted connection string or key, so the CLI names its place instead of quoting it.
 */
const NOT_SHOWN = "(not shown: it may hold a secret)";

/**
 * Quotes a value the user typed where a known, non-secret word belongs (a platform or option name), but only
 * when it looks like one: anything else may be a secret pasted in the wrong place and is not shown.
 */
function quoteWord(value: string): string | undefined {
  return /^-{0,2}[A-Za-z][A-Za-z0-9-]{0,31}$/.test(value) ? quoteExcerpt(value) : undefined;
}

/**
 * The keys the CLI was given (in `--connection-string` or the environment), which nothing it prints may show:
 * handed to the one redaction of `@nhub/core` as known secrets, on top of the patterns it always removes.
 */
function knownSecrets(argv: readonly string[], env: CliIo["env"]): string[] {
  const secrets: string[] = [];
  for (const text of [...argv, env.NOTIFICATION_HUB_CONNECTION_STRING ?? ""]) {
    for (const match of text.matchAll(/SharedAccessKey=([^;\s]+)/g)) secrets.push(match[1]!);
  }
  return secrets;
}

/**
 * Runs the `nhub` command line with `argv` (without the node and script paths) and returns the exit code:
 * 0 on success, 1 when the operation failed, 2 for a usage or input mistake.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const verbose = argv.includes("--verbose");
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === "--version" || command === "-v") {
      io.stdout(`${await version()}\n`);
      return 0;
    }
    if (command === "send") return await send(rest, io);
    if (command === "emulator") return await runEmulatorCli(rest, { ...io, command: "nhub emulator" });
    if (command === "installation") return await installation(rest, io);
    if (command === "demo") return await demo(rest, io);
    if (command === "cleanup" || command === "migrate") return await runFleetCommand(command, rest, io);
    const word = quoteWord(command);
    throw new UsageError(
      `unknown command ${word ?? NOT_SHOWN}; the commands are send, installation, emulator, demo, --help and --version`,
    );
  } catch (error) {
    // Every message the CLI prints goes through the one redaction, with the keys it was given.
    const secrets = knownSecrets(argv, io.env);
    io.stderr(`nhub: ${redactSecrets(describe(error), secrets)}\n`);
    if (error instanceof UsageError) {
      io.stderr('Run "nhub --help" for usage.\n');
      return 2;
    }
    if (verbose && error instanceof Error && error.stack)
      io.stderr(`${redactSecrets(error.stack, secrets)}\n`);
    return ValidationError.isInstance(error) ? 2 : 1;
  }
}

function describe(error: unknown): string {
  if (ServiceError.isInstance(error)) {
    const track = error.trackingId ? ` [TrackingId ${error.trackingId}]` : "";
    return `the hub answered ${error.statusCode}${error.detail ? `: ${error.detail}` : ""}${track}`;
  }
  if (NhubError.isInstance(error) || error instanceof Error) return error.message.split("\n")[0] ?? "";
  return String(error);
}

// Replaced at build time from package.json; source runs (tests) report a dev version.
declare const __NHUB_CLI_VERSION__: string | undefined;
async function version(): Promise<string> {
  return typeof __NHUB_CLI_VERSION__ === "string" ? __NHUB_CLI_VERSION__ : "0.0.0-dev";
}

function parse(args: readonly string[], options: NonNullable<ParseArgsConfig["options"]>) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseError(error as Error & { code?: string }));
  }
}

/**
 * Node's parseArgs errors name the option as typed; an unknown one is quoted only when it looks like a flag,
 * the rest (the option table's own names) pass through.
 */
function parseError(error: Error & { code?: string }): string {
  if (error.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return error.message;
  const typed = /'(-[^']*)'/.exec(error.message)?.[1] ?? "";
  const word = quoteWord(typed);
  return `unknown option ${word ?? NOT_SHOWN}; a positional argument that starts with "-" goes after "--"`;
}

async function send(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    payload: { type: "string", short: "p" },
    tags: { type: "string" },
    tag: { type: "string", multiple: true },
    header: { type: "string", multiple: true, short: "H" },
    test: { type: "boolean" },
    debug: { type: "boolean" },
    "connection-string": { type: "string" },
    hub: { type: "string" },
    verbose: { type: "boolean" },
  });
  const [platformName, ...extra] = positionals;
  if (platformName === undefined) throw new UsageError(`name a platform: ${PLATFORM_NAMES.join(", ")}`);
  if (extra.length > 0) throw new UsageError(`unexpected positional argument 2 ${NOT_SHOWN}`);
  const platform = platformEntry(platformName);
  if (!platform) {
    const word = quoteWord(platformName);
    throw new UsageError(`unknown platform ${word ?? NOT_SHOWN}; use one of ${PLATFORM_NAMES.join(", ")}`);
  }
  if (typeof values.payload !== "string")
    throw new UsageError("--payload is required (text, or @file to read a file)");
  if (values.tags !== undefined && values.tag !== undefined)
    throw new UsageError("use either --tags or --tag, not both");

  const connectionString =
    (values["connection-string"] as string | undefined) ?? io.env.NOTIFICATION_HUB_CONNECTION_STRING;
  const hubName = (values.hub as string | undefined) ?? io.env.NOTIFICATION_HUB_NAME;
  if (!connectionString) {
    throw new UsageError(
      "no connection string: pass --connection-string or set NOTIFICATION_HUB_CONNECTION_STRING",
    );
  }
  if (!hubName) throw new UsageError("no hub name: pass --hub or set NOTIFICATION_HUB_NAME");

  const text = await readPayload(values.payload, io.cwd);
  let payload: unknown = text;
  if (platform.json) {
    try {
      payload = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--payload is not valid JSON for ${platform.name}: ${(error as Error).message}`);
    }
  }
  const notification = platform.create(payload);
  const options: { -readonly [K in keyof SendOptions]: SendOptions[K] } = {};
  if (values.tags !== undefined) options.tags = values.tags as string;
  if (values.tag !== undefined) options.tags = new Set(values.tag as string[]);
  if (values.test) options.test = true;
  if (values.header !== undefined) options.headers = parseHeaders(values.header as string[]);

  const hub = new NotificationHub(connectionString, hubName, {
    debug: values.debug === true,
    logger: { debug: (m) => io.stderr(`${m}\n`), warn: (m) => io.stderr(`${m}\n`) },
  });
  try {
    const result = await hub.send(notification, options);
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    await hub.close();
  }
}

async function readPayload(value: string, cwd: string): Promise<string> {
  if (!value.startsWith("@")) return value;
  const path = resolve(cwd, value.slice(1));
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read payload file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [i, line] of lines.entries()) {
    const colon = line.indexOf(":");
    // The line is not shown: a header value may be a credential.
    if (colon <= 0) throw new UsageError(`--header ${i + 1} is not "Name: value" (no ":" after a name)`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const INSTALLATION_ACTIONS = ["put", "get", "delete"] as const;

/** `nhub installation put|get|delete`: devices through the service's installations API (or the emulator's). */
async function installation(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    id: { type: "string" },
    platform: { type: "string" },
    channel: { type: "string" },
    tag: { type: "string", multiple: true },
    "user-id": { type: "string" },
    "connection-string": { type: "string" },
    hub: { type: "string" },
    verbose: { type: "boolean" },
  });
  const [action, ...extra] = positionals;
  if (action === undefined || !(INSTALLATION_ACTIONS as readonly string[]).includes(action)) {
    const word = action === undefined ? undefined : quoteWord(action);
    throw new UsageError(
      `${action === undefined ? "name an action" : `unknown action ${word ?? NOT_SHOWN}`}: nhub installation put, get or delete`,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected positional argument 2 ${NOT_SHOWN}`);
  if (values.id === undefined) throw new UsageError("--id is required (the installation id)");
  const id = values.id as string;
  if (action !== "put") {
    for (const name of ["platform", "channel", "tag", "user-id"] as const) {
      if (values[name] !== undefined) throw new UsageError(`--${name} is for "nhub installation put" only`);
    }
  }
  const hub = connect(values, io);
  try {
    if (action === "get") {
      io.stdout(`${JSON.stringify(await getInstallation(hub, id), null, 2)}\n`);
    } else if (action === "delete") {
      await deleteInstallation(hub, id);
      io.stdout(`${JSON.stringify({ installationId: id, deleted: true }, null, 2)}\n`);
    } else {
      if (values.platform === undefined) throw new UsageError("--platform is required for put");
      if (values.channel === undefined)
        throw new UsageError("--channel is required for put (the device handle)");
      const platform = values.platform as string;
      let pushChannel: unknown = values.channel;
      if (platform === "browser") {
        try {
          pushChannel = JSON.parse(values.channel as string);
        } catch {
          throw new UsageError(
            '--channel of a browser installation is JSON: {"endpoint":"...","p256dh":"...","auth":"..."}',
          );
        }
      }
      const device = {
        installationId: id,
        platform,
        pushChannel,
        ...(values.tag !== undefined ? { tags: values.tag as string[] } : {}),
        ...(values["user-id"] !== undefined ? { userId: values["user-id"] as string } : {}),
      } as Installation;
      // createOrUpdateInstallation checks every field (a ValidationError naming it) before anything is sent.
      await createOrUpdateInstallation(hub, device);
      io.stdout(`${JSON.stringify(device, null, 2)}\n`);
    }
    return 0;
  } finally {
    await hub.close();
  }
}

/** A hub from `--connection-string` / `--hub` or the NOTIFICATION_HUB_* environment variables. */
function connect(values: { "connection-string"?: unknown; hub?: unknown }, io: CliIo): NotificationHub {
  const connectionString =
    (values["connection-string"] as string | undefined) ?? io.env.NOTIFICATION_HUB_CONNECTION_STRING;
  const hubName = (values.hub as string | undefined) ?? io.env.NOTIFICATION_HUB_NAME;
  if (!connectionString) {
    throw new UsageError(
      "no connection string: pass --connection-string or set NOTIFICATION_HUB_CONNECTION_STRING",
    );
  }
  if (!hubName) throw new UsageError("no hub name: pass --hub or set NOTIFICATION_HUB_NAME");
  return new NotificationHub(connectionString, hubName);
}

async function demo(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError('"nhub demo" takes no arguments');
  const started = Date.now();
  io.stderr(
    "Starting a local emulator with 7 devices, sending every example of the Python sample, then the SDK's operations...\n",
  );
  const report = await runDemo((line) => io.stderr(`  ${line}\n`));
  io.stdout(formatDemoReport(report));
  io.stderr(
    `Done in ${Date.now() - started} ms: ${report.steps.length} sends, ${report.deliveries.length} deliveries.\n`,
  );
  return 0;
}
