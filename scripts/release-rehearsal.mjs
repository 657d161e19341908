#!/usr/bin/env node
// Release rehearsal: packs every public package the way the release does (`pnpm pack`, the packing step of the
// `pnpm publish` that `changeset publish` runs in each package folder), then installs the tarballs with plain npm
// in scratch projects outside the workspace, the way users install, and sends an APNs notification through them
// from ESM, CommonJS and TypeScript (both module kinds), and through the installed `nhub` command, to a loopback
// server in this process that checks each request. Usage: `pnpm rehearse [--no-build] [--keep]`.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { manifestProblems, readTarEntry, sasProblem } from "./rehearsal-checks.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const consumerFixtures = join(root, "scripts", "rehearsal-consumer");
const flags = new Set(process.argv.slice(2));
const unknownFlags = [...flags].filter((flag) => flag !== "--no-build" && flag !== "--keep");
if (unknownFlags.length > 0) {
  console.error(`release rehearsal: unknown option ${unknownFlags.join(", ")} (known: --no-build, --keep)`);
  process.exit(2);
}
const keepScratch = flags.has("--keep");
const windows = process.platform === "win32";
// The versions the repository itself pins in its root devDependencies (newer majors need Node 22).
const TYPESCRIPT = "typescript@5.9.3";
const TYPES_NODE = "@types/node@^20.19.0";
const LIBRARY_PACKAGES = ["@nhub/core", "@nhub/sas", "@nhub/platform-apns"];
const HUB = "rehearsal-hub";
const KEY_NAME = "DefaultFullSharedAccessSignature";
// A fresh key each run, base64 with its trailing "=" like the service's, so parsing is exercised too.
const KEY = randomBytes(32).toString("base64");

class RehearsalError extends Error {
  /** @param {string} message @param {string} [output] the failing command's output, shown under the message */
  constructor(message, output) {
    super(message);
    this.output = output;
  }
}

const started = Date.now();
const seconds = (/** @type {number} */ since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
let stepNumber = 0;
let currentStep = "start";

/**
 * Runs one named step, printing a line before and its outcome after.
 * @template T @param {string} name @param {() => Promise<T> | T} body @returns {Promise<T>}
 */
async function step(name, body) {
  currentStep = name;
  stepNumber += 1;
  console.log(`[rehearsal ${stepNumber}] ${name}`);
  const since = Date.now();
  const result = await body();
  console.log(`    ok (${seconds(since)})`);
  return result;
}

/** @param {string} line */
const note = (line) => console.log(`    ${line}`);

// Variables pnpm sets for a `pnpm run` script describe the workspace's root package; npm and the consumer
// scripts must not see them, as a user's shell would not have them.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) =>
      !/^(npm_package_|npm_lifecycle_|npm_config_user_agent$|npm_execpath$|npm_node_execpath$|npm_command$)/i.test(
        name,
      ) && !/^pnpm_/i.test(name),
  ),
);

/**
 * Runs a command to completion with its output captured; never inherits a shell (except for Windows' .cmd shims).
 * @param {string} command @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} options
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function run(command, args, { cwd, env = cleanEnv, timeoutMs = 120_000 }) {
  return new Promise((resolvePromise, reject) => {
    const shell = windows && command.endsWith(".cmd");
    const child = spawn(command, args, { cwd, env, shell, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new RehearsalError(`${command} ${args.join(" ")} took over ${timeoutMs / 1000} s`, stdout + stderr),
      );
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new RehearsalError(`could not start ${command}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Like `run`, but a non-zero exit is a failure that shows the command's output. */
async function runOk(
  /** @type {string} */ command,
  /** @type {string[]} */ args,
  /** @type {Parameters<typeof run>[2]} */ options,
) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new RehearsalError(
      `\`${command} ${args.join(" ")}\` exited with ${result.code} in ${options.cwd}`,
      `${result.stdout}${result.stderr}`,
    );
  }
  return result;
}

const pnpm = windows ? "pnpm.cmd" : "pnpm";
const npm = windows ? "npm.cmd" : "npm";

/** The repository's untracked and modified files (not ignored ones); `undefined` outside a git checkout. */
function gitStatus() {
  const result = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: root,
    encoding: "utf8",
  });
  return result.status === 0 ? new Set(result.stdout.split("\n").filter(Boolean)) : undefined;
}

// The loopback hub: records every request, checks it is a send the service would accept, answers 201 like the
// service, or 400 naming what is wrong so the sender fails loudly.
/** @type {{ body: string, problems: string[] }[]} */
const received = [];
let origin = "";
const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const url = new URL(request.url ?? "/", origin);
    const body = Buffer.concat(chunks).toString("utf8");
    const problems = [];
    if (request.method !== "POST") problems.push(`method ${request.method}, not POST`);
    if (url.pathname !== `/${HUB}/messages/`) problems.push(`path ${url.pathname}, not /${HUB}/messages/`);
    if (!url.searchParams.has("api-version")) problems.push("no api-version in the query");
    const format = request.headers["servicebusnotification-format"];
    if (format !== "apple") problems.push(`ServiceBusNotification-Format ${format}, not apple`);
    const sas = sasProblem(request.headers.authorization, {
      url: url.href,
      keyName: KEY_NAME,
      key: KEY,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (sas) problems.push(`Authorization: ${sas}`);
    try {
      if (typeof JSON.parse(body)?.aps !== "object") problems.push("the body has no aps dictionary");
    } catch {
      problems.push("the body is not JSON");
    }
    received.push({ body, problems });
    if (problems.length > 0) {
      response.writeHead(400, { "Content-Type": "text/plain" });
      response.end(problems.join("; "));
      return;
    }
    const id = `rehearsal-${received.length}`;
    response.writeHead(201, {
      Location: `${origin}/${HUB}/messages/${id}?api-version=2020-06`,
      TrackingId: `tracking-${id}`,
      "x-ms-correlation-request-id": `correlation-${id}`,
    });
    response.end();
  });
});

/** Asserts that exactly one request carrying `marker` arrived and was a valid send. */
function expectReceived(/** @type {string} */ marker) {
  const matching = received.filter((request) => request.body.includes(marker));
  if (matching.length !== 1) {
    throw new RehearsalError(`the loopback hub got ${matching.length} requests carrying "${marker}", not 1`);
  }
  const [request] = matching;
  if (request && request.problems.length > 0) {
    throw new RehearsalError(`the send carrying "${marker}" was refused: ${request.problems.join("; ")}`);
  }
}

const scratch = mkdtempSync(join(tmpdir(), "nhub-rehearsal-"));
let cleaned = false;
function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  server.closeAllConnections();
  server.close();
  if (keepScratch) console.log(`scratch kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    cleanUp();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

/**
 * Installs tarballs with plain npm into a new project under the scratch folder, as a user would.
 * @param {string} name @param {string[]} specs tarball paths and registry specs
 */
async function npmProject(name, specs) {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name, version: "1.0.0", private: true }, null, 2)}\n`,
  );
  // --engine-strict: a dependency that stops supporting this Node fails the rehearsal instead of warning.
  await runOk(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--engine-strict", ...specs], {
    cwd: dir,
  });
  for (const file of readdirSync(consumerFixtures)) {
    writeFileSync(join(dir, file), readFileSync(join(consumerFixtures, file)));
  }
  return dir;
}

/**
 * Every @nhub package in an npm project must have come from one of our tarballs, never from the registry.
 * @param {string} dir @param {Map<string, { version: string }>} packed
 */
function expectOnlyTarballs(dir, packed) {
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  const nhub = Object.entries(lock.packages ?? {}).filter(([path]) =>
    /(^|\/)node_modules\/@nhub\//.test(path),
  );
  for (const [path, entry] of nhub) {
    const name = path.slice(path.lastIndexOf("@nhub/"));
    if (!String(entry.resolved ?? "").startsWith("file:")) {
      throw new RehearsalError(`${name} was installed from ${entry.resolved}, not from its tarball`);
    }
    if (entry.version !== packed.get(name)?.version) {
      throw new RehearsalError(`${name} ${entry.version} installed, ${packed.get(name)?.version} packed`);
    }
  }
  return nhub.length;
}

/**
 * The packed packages `names` need, themselves included: their dependencies and peer dependencies on
 * other packed packages, transitively, so npm never looks for an @nhub package on the registry.
 * @param {string[]} names @param {Map<string, { manifest: Record<string, Record<string, string>> }>} packed
 */
function withWorkspaceDependencies(names, packed) {
  const needed = new Set(names);
  for (const name of needed) {
    const manifest = packed.get(name)?.manifest;
    if (!manifest) throw new RehearsalError(`${name} was not packed`);
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const dependency of Object.keys(manifest[field] ?? {})) {
        if (packed.has(dependency)) needed.add(dependency);
      }
    }
  }
  return [...needed].sort();
}

async function main() {
  console.log(`release rehearsal: node ${process.version}, scratch ${scratch}`);
  const statusBefore = gitStatus();

  await step(flags.has("--no-build") ? "build: skipped (--no-build)" : "build: turbo run build", async () => {
    if (flags.has("--no-build")) return;
    await runOk(pnpm, ["exec", "turbo", "run", "build", "--output-logs=errors-only"], {
      cwd: root,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" },
      timeoutMs: 170_000,
    });
  });

  /** @type {Map<string, { version: string, tarball: string, manifest: Record<string, any> }>} */
  const packed = new Map();
  await step("pack: pnpm pack every public package", async () => {
    const listed = JSON.parse(
      (await runOk(pnpm, ["-r", "ls", "--json", "--depth", "-1"], { cwd: root })).stdout,
    );
    const publics = listed.filter((pkg) => pkg.private !== true && pkg.path !== root);
    if (publics.length === 0) throw new RehearsalError("pnpm listed no public package");
    const packs = join(scratch, "packs");
    mkdirSync(packs);
    for (const pkg of publics) {
      await runOk(pnpm, ["pack", "--pack-destination", packs], { cwd: pkg.path });
    }
    const engines = new Set();
    for (const file of readdirSync(packs).filter((name) => name.endsWith(".tgz"))) {
      const tarball = join(packs, file);
      const text = readTarEntry(readFileSync(tarball), "package/package.json")?.toString("utf8");
      if (text === undefined) throw new RehearsalError(`${file} has no package/package.json`);
      const manifest = JSON.parse(text);
      const problems = manifestProblems(manifest);
      if (text.includes("workspace:") && problems.length === 0)
        problems.push('the text contains "workspace:"');
      if (problems.length > 0) {
        throw new RehearsalError(`${file}'s package.json cannot be published:\n  ${problems.join("\n  ")}`);
      }
      packed.set(manifest.name, { version: manifest.version, tarball, manifest });
      engines.add(manifest.engines.node);
    }
    if (packed.size !== publics.length) {
      throw new RehearsalError(`${publics.length} public packages but ${packed.size} tarballs`);
    }
    note(`${packed.size} tarballs, none with a workspace: range; engines.node ${[...engines].join(", ")}`);
  });

  await step("hub: loopback recording server", async () => {
    await new Promise((resolveListen) => server.listen(0, "127.0.0.1", () => resolveListen(undefined)));
    const address = server.address();
    if (address === null || typeof address === "string") throw new RehearsalError("the server has no port");
    origin = `http://127.0.0.1:${address.port}`;
    note(`${origin}/${HUB}/messages/`);
  });
  const hubEnv = {
    ...cleanEnv,
    NOTIFICATION_HUB_CONNECTION_STRING: `Endpoint=${origin}/;SharedAccessKeyName=${KEY_NAME};SharedAccessKey=${KEY}`,
    NOTIFICATION_HUB_NAME: HUB,
  };

  const library = await step(
    `npm i ${LIBRARY_PACKAGES.join(" ")} (tarballs), ${TYPESCRIPT}, ${TYPES_NODE}`,
    async () => {
      const names = withWorkspaceDependencies(LIBRARY_PACKAGES, packed);
      const dir = await npmProject("library-app", [
        ...names.map((name) => packed.get(name)?.tarball ?? name),
        TYPESCRIPT,
        TYPES_NODE,
      ]);
      note(`${expectOnlyTarballs(dir, packed)} @nhub packages, all from tarballs`);
      return dir;
    },
  );

  for (const [kind, file, marker] of [
    ["ESM", "send.mjs", "rehearsal esm"],
    ["CommonJS", "send.cjs", "rehearsal cjs"],
  ]) {
    await step(`send from ${kind}: node ${file}`, async () => {
      const { stdout } = await runOk(process.execPath, [file], {
        cwd: library,
        env: hubEnv,
        timeoutMs: 30_000,
      });
      expectReceived(marker);
      note(stdout.trim());
    });
  }

  await step(
    "TypeScript: tsc (module nodenext, strict, no DOM lib, skipLibCheck off) on send-ts.mts and send-ts.cts",
    async () => {
      const tsc = join(library, "node_modules", "typescript", "bin", "tsc");
      const { stdout } = await runOk(process.execPath, [tsc, "--version"], { cwd: library });
      // One pass both type-checks and emits; noEmitOnError (tsconfig) means nothing runs unless it type-checks.
      await runOk(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: library, timeoutMs: 60_000 });
      note(`${stdout.trim()}: no errors`);
    },
  );
  for (const [kind, file, marker] of [
    [".mts", "out/send-ts.mjs", "rehearsal mts"],
    [".cts", "out/send-ts.cjs", "rehearsal cts"],
  ]) {
    await step(`send from TypeScript ${kind}: node ${file}`, async () => {
      const { stdout } = await runOk(process.execPath, [file], {
        cwd: library,
        env: hubEnv,
        timeoutMs: 30_000,
      });
      expectReceived(marker);
      note(stdout.trim());
    });
  }

  const cliNames = withWorkspaceDependencies(["@nhub/cli"], packed);
  const cli = await step(
    `npm i @nhub/cli (tarball, with ${cliNames.length - 1} @nhub dependencies)`,
    async () => {
      const dir = await npmProject(
        "cli-app",
        cliNames.map((name) => packed.get(name)?.tarball ?? name),
      );
      note(`${expectOnlyTarballs(dir, packed)} @nhub packages, all from tarballs`);
      return dir;
    },
  );
  const nhub = join(cli, "node_modules", ".bin", windows ? "nhub.cmd" : "nhub");

  await step("nhub --version", async () => {
    const { stdout } = await runOk(nhub, ["--version"], { cwd: cli, timeoutMs: 30_000 });
    const expected = packed.get("@nhub/cli")?.version;
    if (stdout.trim() !== expected) {
      throw new RehearsalError(`nhub --version printed "${stdout.trim()}", the package is ${expected}`);
    }
    note(stdout.trim());
  });

  await step(
    `nhub send apns --payload '{"aps":{"alert":"rehearsal cli"}}' (connection from the environment)`,
    async () => {
      const { stdout } = await runOk(
        nhub,
        ["send", "apns", "--payload", '{"aps":{"alert":"rehearsal cli"}}'],
        {
          cwd: cli,
          env: hubEnv,
          timeoutMs: 30_000,
        },
      );
      expectReceived("rehearsal cli");
      const result = JSON.parse(stdout);
      if (result.status !== 201 || typeof result.notificationId !== "string") {
        throw new RehearsalError(`nhub printed an unexpected result: ${stdout.trim()}`);
      }
      note(`status ${result.status}, notificationId ${result.notificationId}`);
    },
  );

  // The projects above install only what the packages they need declare, so an undeclared dependency fails
  // there; this one installs every tarball to load the packages no send above touches.
  const everything = await step(`npm i every public package (${packed.size} tarballs)`, async () => {
    const dir = await npmProject(
      "every-package-app",
      [...packed.values()].map(({ tarball }) => tarball),
    );
    note(`${expectOnlyTarballs(dir, packed)} @nhub packages, all from tarballs`);
    return dir;
  });
  await step("every package loads with require() and import()", async () => {
    const { stdout } = await runOk(process.execPath, ["load-every-package.mjs", ...packed.keys()], {
      cwd: everything,
      timeoutMs: 30_000,
    });
    note(stdout.trim());
  });

  await step("the repository is unchanged", () => {
    const statusAfter = gitStatus();
    if (statusBefore === undefined || statusAfter === undefined) {
      note("not a git checkout: not checked");
      return;
    }
    const added = [...statusAfter].filter((line) => !statusBefore.has(line));
    if (added.length > 0)
      throw new RehearsalError(`the rehearsal left files in the repository:\n  ${added.join("\n  ")}`);
  });
}

try {
  await main();
  console.log(`release rehearsal passed: ${received.length} sends received, ${seconds(started)}`);
} catch (error) {
  process.exitCode = 1;
  console.error(`\nrelease rehearsal FAILED at "${currentStep}":`);
  console.error(`  ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof RehearsalError && error.output) {
    console.error(`  output:\n${error.output.trimEnd().replace(/^/gm, "    | ")}`);
  } else if (!(error instanceof RehearsalError) && error instanceof Error && error.stack) {
    console.error(error.stack);
  }
  if (!keepScratch) console.error("  (run with --keep to keep the scratch projects for a look)");
} finally {
  cleanUp();
}
