import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import {
  ConnectionError,
  createUndiciTransport,
  NhubError,
  NotificationHub,
  quoteExcerpt,
  redactSecrets,
  type SendOptions,
  ServiceError,
  TimeoutError,
  type Transport,
  type TransportRequest,
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
import { type HubOptionValues, hubSettings } from "./hub-settings";
import { runFleetCommand } from "./migrate";
import { PLATFORM_NAMES, platformEntry, platformHelp, platformUsage } from "./platforms";

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
            [--header "Name: value"]... [--test] [--debug] [--dry-run] [--hub <name>] [--verbose]
  nhub installation put --id <id> --platform <platform> --channel <handle> [--tag <tag>]... [--user-id <id>]
  nhub installation get --id <id>
  nhub installation delete --id <id>
  nhub emulator [--port <n>] [--sample-devices] [--devices <file.json>] [--https] [--quiet] [--print-env] ...
                (see "nhub emulator --help")
  nhub demo [--debug] [--wide]
  nhub cleanup --records <file.jsonl> [--apply] [--json]  |  nhub migrate fcm-v1 [--apply] [--json] (dry runs unless --apply)
  nhub --help | --version       (and "nhub <command> --help", "nhub send <platform> --help")

Platforms (read from the platform packages' descriptors):
${platformHelp()}
The connection string and hub name come from the NOTIFICATION_HUB_CONNECTION_STRING and NOTIFICATION_HUB_NAME
environment variables (or --connection-string / --hub; a key on the command line is echoed by shells and scripts). Results are printed as JSON on stdout; messages go to stderr.
Installation platforms: apns, fcmv1, gcm, wns, mpns, adm, baidu, xiaomi, browser (--channel is then the JSON
subscription {"endpoint":"...","p256dh":"...","auth":"..."}).

Try it locally:
  eval "$(nhub emulator --print-env)"; nhub emulator --sample-devices &
  nhub installation put --id my-phone --platform apns --channel 0a1b2c3d --tag sports
  nhub send apns --payload '{"aps":{"alert":"Goal!"}}' --tags sports`;

const SEND_HELP = `Usage: nhub send <platform> --payload <text | @file> [options]

Sends one notification through the hub and prints the result as JSON.

Options:
  -p, --payload <text | @file>  the payload (JSON, or XML for wns and mpns); @file reads a file
  --tags <expression>           a tag expression, e.g. 'sports && !politics' (checked before sending)
  --tag <tag>                   a tag; repeat it to send to any of them (a || b)
  -H, --header "Name: value"    a platform header, checked by the platform's rules; repeatable
  --test                        test send: the result includes the outcome (up to 10 registrations)
  --debug                       test send, plus the request and response on stderr (signature redacted)
  --dry-run                     print the request that would be sent (signature redacted) and send nothing
  --hub <name>                  the hub (default: NOTIFICATION_HUB_NAME)
  --connection-string <cs>      default: NOTIFICATION_HUB_CONNECTION_STRING, which keeps the key off the command line
  --verbose                     print the stack trace of a failure
  -h, --help                    this text; "nhub send <platform> --help" describes a platform's payload and headers

Platforms:
${platformHelp()}

Examples:
  nhub send apns --payload '{"aps":{"alert":"Goal!"}}' --tags 'sports && !politics'
  nhub send fcm --payload @message.json --tag sports --tag news --header 'X-Custom: 1'
  nhub send wns --payload @toast.xml --dry-run`;

const INSTALLATION_HELP = `Usage:
  nhub installation put --id <id> --platform <platform> --channel <handle> [--tag <tag>]... [--user-id <id>]
  nhub installation get --id <id>
  nhub installation delete --id <id>

Adds (or replaces), reads and removes a device through the installations API; prints it as JSON.

Options:
  --id <id>                 the installation id
  --platform <platform>     put: apns, fcmv1, gcm, wns, mpns, adm, baidu, xiaomi or browser
  --channel <handle>        put: the device handle (browser: the JSON {"endpoint":"...","p256dh":"...","auth":"..."})
  --tag <tag>               put: a tag; repeatable
  --user-id <id>            put: the user id
  --hub <name>              the hub (default: NOTIFICATION_HUB_NAME)
  --connection-string <cs>  default: NOTIFICATION_HUB_CONNECTION_STRING
  --verbose                 print the stack trace of a failure
  -h, --help                this text

Examples:
  nhub installation put --id my-phone --platform apns --channel 0a1b2c3d --tag sports
  nhub installation get --id my-phone
  nhub installation delete --id my-phone`;

const DEMO_HELP = `Usage: nhub demo [--debug] [--wide]

Starts a local emulator with seven devices, sends every example of Microsoft's Python REST sample through it and
prints which device received what, with each device's tags. Needs no hub and no connection string.

Options:
  --debug   print the debug send's request and response dumps under its step (signature redacted)
  --wide    show whole payloads (they are cut at 70 characters otherwise)

Example:
  nhub demo --wide`;

/** A mistake in how the command was called: printed with a hint, exit code 2. */
class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the hint points at, e.g. `nhub send`. */
    readonly command = "nhub",
  ) {
    super(message);
  }
}

/** Asked for help: printed on stdout, exit code 0. */
class HelpRequest {
  constructor(readonly text: string) {}
}

/** Thrown by the dry-run transport once it has the request: nothing goes on the wire. */
class DryRunStop {
  constructor(readonly request: TransportRequest) {}
}

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
    if (command === undefined || command === "--help" || command === "-h") {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    // "nhub help send" is "nhub send --help".
    if (command === "help") return await main(rest.length > 0 ? [...rest, "--help"] : ["--help"], io);
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
    if (error instanceof HelpRequest) {
      io.stdout(`${redactSecrets(error.text, secrets)}\n`);
      return 0;
    }
    io.stderr(`nhub: ${redactSecrets(describe(error), secrets)}\n`);
    if (error instanceof UsageError) {
      io.stderr(`Run "${error.command} --help" for usage.\n`);
      return 2;
    }
    if (verbose && error instanceof Error && error.stack)
      io.stderr(`${redactSecrets(error.stack, secrets)}\n`);
    return ValidationError.isInstance(error) ? 2 : 1;
  }
}

/** What to check after a status, named without the values: the key name and key are in the connection string. */
const STATUS_HINTS: Readonly<Record<number, string>> = {
  401: "check the key name (SharedAccessKeyName) and the key (SharedAccessKey) in the connection string: the key must be that rule's current primary or secondary key",
  403: "the key's rule lacks the right this needs (Send for sends, Manage for installations) or the quota is used up",
  404: "check the hub name (--hub or NOTIFICATION_HUB_NAME) and the namespace in the connection string's Endpoint",
};

function describe(error: unknown): string {
  if (ServiceError.isInstance(error)) {
    const detail = error.detail ?? "";
    // The service often puts the tracking id in its message already: it is printed once.
    const track =
      error.trackingId && !detail.includes(error.trackingId) ? ` [TrackingId ${error.trackingId}]` : "";
    const hint = STATUS_HINTS[error.statusCode];
    return `the hub answered ${error.statusCode}${detail ? `: ${detail}` : ""}${track}${hint ? `; ${hint}` : ""}`;
  }
  const network = networkHint(error);
  if (network !== undefined) return network;
  if (ValidationError.isInstance(error)) return `${error.message.split("\n")[0] ?? ""} (rule: ${error.rule})`;
  if (NhubError.isInstance(error) || error instanceof Error) return error.message.split("\n")[0] ?? "";
  return String(error);
}

// Replaced at build time from package.json; source runs (tests) report a dev version.
declare const __NHUB_CLI_VERSION__: string | undefined;
async function version(): Promise<string> {
  return typeof __NHUB_CLI_VERSION__ === "string" ? __NHUB_CLI_VERSION__ : "0.0.0-dev";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

function parse(args: readonly string[], options: Options, command: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseError(error as Error & { code?: string }, options), command);
  }
}

/**
 * Node's parseArgs errors name the option as typed; an unknown one is quoted only when it looks like a flag,
 * with the nearest of the command's options when one is close, the rest (the option table's own names) pass
 * through.
 */
function parseError(error: Error & { code?: string }, options: Options): string {
  if (error.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return error.message;
  const typed = /'(-[^']*)'/.exec(error.message)?.[1] ?? "";
  const word = quoteWord(typed);
  // Only a word that is shown gets a suggestion: a near miss of a pasted secret says nothing useful.
  const nearest =
    word === undefined ? undefined : nearestOption(typed.replace(/^-+/, ""), Object.keys(options));
  if (nearest !== undefined) return `unknown option ${word}; did you mean --${nearest}?`;
  return `unknown option ${word ?? NOT_SHOWN}; a positional argument that starts with "-" goes after "--"`;
}

/** The option name closest to `typed` by edit distance, when it is close enough to be a typo of it. */
function nearestOption(typed: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const distance = levenshtein(typed.toLowerCase(), name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  // Two edits, or a third of a long name: "--paylod" finds "--payload", "--x" finds nothing.
  return bestDistance <= Math.max(2, Math.floor(typed.length / 3)) && bestDistance < typed.length
    ? best
    : undefined;
}

/** Edits (insert, delete, substitute) between two short strings; one row of the table at a time. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** The error codes and messages along a cause chain (undici wraps the socket's error). */
function causes(error: unknown): { codes: string[]; text: string } {
  const codes: string[] = [];
  let text = "";
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") codes.push(code);
    if (typeof message === "string") text += ` ${message}`;
    e = cause;
  }
  return { codes, text };
}

/** The request origin a network error is about, set by the CLI's transport (see {@link cliTransport}). */
const origins = new WeakMap<object, string>();

/** A failure to reach the hub, with the host and port and what to check; `undefined` for anything else. */
function networkHint(error: unknown): string | undefined {
  if (!ConnectionError.isInstance(error) && !TimeoutError.isInstance(error)) return undefined;
  const origin = origins.get(error);
  if (origin === undefined) return undefined;
  const url = new URL(origin);
  const https = url.protocol === "https:";
  const where = `${url.hostname}:${url.port || (https ? "443" : "80")}`;
  const { codes, text } = causes(error);
  const code = codes.find((c) => c !== "NHUB_CONNECTION" && c !== "NHUB_TIMEOUT") ?? "";
  const named = code ? ` (${code})` : "";
  if (TimeoutError.isInstance(error)) {
    return `${where} did not answer in time${named}: check the Endpoint in the connection string and your network or proxy`;
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return `cannot resolve ${url.hostname}${named}: check the namespace in the connection string's Endpoint and your DNS or network`;
  }
  if (
    https &&
    (code === "EPROTO" || code.startsWith("ERR_SSL") || /wrong version number|ssl|tls/i.test(text))
  ) {
    return `the TLS handshake with ${where} failed${named}: is it plain http? The emulator serves http:// unless started with --https, so the Endpoint would be http://${where}/`;
  }
  if (code === "ECONNREFUSED") {
    return `nothing is listening on ${where}${named}: check the host and port of the connection string's Endpoint, and that the emulator ("nhub emulator") or the network is up`;
  }
  return `could not reach ${where}${named}: check the connection string's Endpoint and your network or proxy`;
}

/**
 * The transport the CLI sends through: undici, made for the hub's origin on first use, which labels its errors
 * with that origin for {@link networkHint}; with `dryRun` it stops at the first request instead.
 */
function cliTransport(dryRun: boolean): Transport {
  let inner: Transport | undefined;
  return {
    async request(request) {
      if (dryRun) throw new DryRunStop(request);
      inner ??= createUndiciTransport({ origin: request.origin });
      try {
        return await inner.request(request);
      } catch (error) {
        if (error !== null && typeof error === "object") origins.set(error, request.origin);
        throw error;
      }
    },
    close: async () => inner?.close(),
    destroy: async () => inner?.destroy(),
  };
}

/** The request as the dry run prints it: method and URL, headers, a blank line and the body. */
function formatRequest(request: TransportRequest): string {
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`);
  const body =
    request.body === undefined || typeof request.body === "string"
      ? (request.body ?? "")
      : new TextDecoder().decode(request.body);
  return `${request.method} ${request.origin}${request.path}\n${headers.join("\n")}\n\n${body}\n`;
}

/** The connection string and hub name of `command`; a missing one is a usage error pointing at its help. */
function settings(values: HubOptionValues, io: CliIo, command: string) {
  return hubSettings(values, io, (_field, message) => new UsageError(message, command));
}

const SEND_OPTIONS: Options = {
  payload: { type: "string", short: "p" },
  tags: { type: "string" },
  tag: { type: "string", multiple: true },
  header: { type: "string", multiple: true, short: "H" },
  test: { type: "boolean" },
  debug: { type: "boolean" },
  "dry-run": { type: "boolean" },
  "connection-string": { type: "string" },
  hub: { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

async function send(args: readonly string[], io: CliIo): Promise<number> {
  const command = "nhub send";
  const { values, positionals } = parse(args, SEND_OPTIONS, command);
  const [platformName, ...extra] = positionals;
  if (values.help) {
    const usage = platformName === undefined ? undefined : platformUsage(platformName);
    throw new HelpRequest(usage ?? SEND_HELP);
  }
  if (platformName === undefined)
    throw new UsageError(`name a platform: ${PLATFORM_NAMES.join(", ")}`, command);
  if (extra.length > 0) throw new UsageError(`unexpected positional argument 2 ${NOT_SHOWN}`, command);
  const platform = platformEntry(platformName);
  if (!platform) {
    const word = quoteWord(platformName);
    throw new UsageError(
      `unknown platform ${word ?? NOT_SHOWN}; use one of ${PLATFORM_NAMES.join(", ")}`,
      command,
    );
  }
  const platformCommand = `nhub send ${platform.name}`;
  if (typeof values.payload !== "string")
    throw new UsageError("--payload is required (text, or @file to read a file)", platformCommand);
  if (values.tags !== undefined && values.tag !== undefined)
    throw new UsageError("use either --tags or --tag, not both", command);

  const { connectionString, hubName } = settings(values, io, command);

  const text = await readPayload(values.payload, io.cwd);
  let payload: unknown = text;
  if (platform.json) {
    try {
      payload = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `--payload is not valid JSON for ${platform.name}: ${(error as Error).message}`,
        platformCommand,
      );
    }
  }
  // The headers go through the platform's create options, so its own header rules check them (a ValidationError
  // naming the header and rule, exit 2) before anything is sent.
  const headers = values.header === undefined ? undefined : parseHeaders(values.header as string[]);
  const notification = platform.create(payload, headers);
  const options: { -readonly [K in keyof SendOptions]: SendOptions[K] } = {};
  if (values.tags !== undefined) options.tags = values.tags as string;
  if (values.tag !== undefined) options.tags = new Set(values.tag as string[]);
  if (values.test) options.test = true;

  const dryRun = values["dry-run"] === true;
  const hub = new NotificationHub(connectionString, hubName, {
    debug: values.debug === true,
    transport: cliTransport(dryRun),
    // A dry run makes one request, which never leaves: nothing to repeat.
    ...(dryRun ? { retry: false as const } : {}),
    logger: { debug: (m) => io.stderr(`${m}\n`), warn: (m) => io.stderr(`${m}\n`) },
  });
  try {
    const result = await hub.send(notification, options);
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DryRunStop)) throw error;
    const secrets = knownSecrets([connectionString], io.env);
    io.stdout(redactSecrets(formatRequest(error.request), secrets));
    io.stderr("nhub: dry run: nothing was sent\n");
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
    if (colon <= 0)
      throw new UsageError(`--header ${i + 1} is not "Name: value" (no ":" after a name)`, "nhub send");
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const INSTALLATION_ACTIONS = ["put", "get", "delete"] as const;

/** `nhub installation put|get|delete`: devices through the service's installations API (or the emulator's). */
async function installation(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      id: { type: "string" },
      platform: { type: "string" },
      channel: { type: "string" },
      tag: { type: "string", multiple: true },
      "user-id": { type: "string" },
      "connection-string": { type: "string" },
      hub: { type: "string" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    "nhub installation",
  );
  if (values.help) throw new HelpRequest(INSTALLATION_HELP);
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
  const { connectionString, hubName } = settings(values, io, "nhub installation");
  return new NotificationHub(connectionString, hubName, { transport: cliTransport(false) });
}

async function demo(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) throw new HelpRequest(DEMO_HELP);
  const { values, positionals } = parse(
    args,
    { debug: { type: "boolean" }, wide: { type: "boolean" } },
    "nhub demo",
  );
  if (positionals.length > 0) throw new UsageError('"nhub demo" takes no positional arguments', "nhub demo");
  const started = Date.now();
  io.stderr(
    "Starting a local emulator with 7 devices, sending every example of the Python sample, then the SDK's operations...\n",
  );
  const report = await runDemo((line) => io.stderr(`  ${line}\n`), { debug: values.debug === true });
  io.stdout(formatDemoReport(report, { wide: values.wide === true }));
  io.stderr(
    `Done in ${Date.now() - started} ms: ${report.steps.length} sends, ${report.deliveries.length} deliveries.\n`,
  );
  return 0;
}
