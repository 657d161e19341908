/**
 * `startEmulator`: a plain `node:http` server that speaks the Notification Hubs REST surface for local
 * development and tests. This file wires requests to the admin endpoints or to a hub (faults, auth,
 * api-version, route) and writes the answers; the operations themselves live in the other `emulator-*` files.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { assertHubName, MAX_REQUEST_BODY_BYTES, ValidationError } from "@nhub/core";
import { isLoopbackHost } from "@nhub/sas";
import { loadOrCreateDevCertificate } from "./dev-cert";
import { ADMIN_BODY_LIMIT, type AdminContext, adminRequestProblem, handleAdmin } from "./emulator-admin";
import { authorizationRefusal, createRules, type KeyWhich, RULE_NAMES } from "./emulator-auth";
import { EventStreams } from "./emulator-events";
import { HttpError, type HubHttpRequest, header, type Reply, readBody } from "./emulator-http";
import { type ActiveFault, HubState } from "./emulator-hub";
import { pageReply } from "./emulator-page";
import { type PlatformRegistry, platformRegistry } from "./emulator-platforms";
import { DEFAULT_JOB_DURATION_MS } from "./emulator-records";
import { findHubRoute } from "./emulator-routes";
import { requestTargetProblem } from "./emulator-safe";
import { checkTier, tierRefusal } from "./emulator-tiers";
import { errorXml } from "./emulator-xml";
import { SAMPLE_DEVICES } from "./samples";
import type {
  Emulator,
  EmulatorEvent,
  EmulatorHubConfig,
  EmulatorOptions,
  EmulatorRequestLog,
  EmulatorRule,
  EmulatorTier,
  Installation,
} from "./types";
import { WELL_KNOWN_KEYS } from "./well-known";

const XML = "application/xml; charset=utf-8";
const API_VERSION_PATTERN = /^\d{4}-\d{2}$/;
// Keys go into connection strings, which split on ";" and refuse whitespace.
const KEY_PATTERN = /^[^\s;]+$/;

function rewrap(error: unknown, prefix: string): unknown {
  if (!ValidationError.isInstance(error)) return error;
  const head = `${error.field}: `;
  const message = error.message.startsWith(head) ? error.message.slice(head.length) : error.message;
  return new ValidationError(`${prefix}.${error.field}`, error.rule, message);
}

function createHubs(
  configs: ReadonlyArray<string | EmulatorHubConfig>,
  options: {
    jobDurationMs: number;
    tier: EmulatorTier;
    platforms: PlatformRegistry;
    log: (line: string) => void;
    onEvent: (event: EmulatorEvent) => void;
    defaultKeys: Partial<Record<EmulatorRule, string>>;
  },
): HubState[] {
  if (!Array.isArray(configs) || configs.length === 0) {
    throw new ValidationError("hubs", "required", "give at least one hub name");
  }
  const seen = new Set<string>();
  return configs.map((config, i) => {
    const c: EmulatorHubConfig = typeof config === "string" ? { name: config } : config;
    try {
      // Core's rule refuses "." and ".." segments too: requests holding them are refused before routing, so such
      // a hub could never be reached.
      assertHubName(c?.name);
    } catch (error) {
      throw rewrap(error, `hubs.${i}`);
    }
    // The service treats hub names case-insensitively, and so does routing here.
    if (seen.has(c.name.toLowerCase()))
      throw new ValidationError(`hubs.${i}.name`, "unique", `hub "${c.name}" is listed twice`);
    seen.add(c.name.toLowerCase());
    for (const field of ["keys", "secondaryKeys"] as const) {
      for (const rule of ["full", "send", "listen"] as const) {
        const key = c[field]?.[rule];
        if (key !== undefined && (typeof key !== "string" || !KEY_PATTERN.test(key))) {
          throw new ValidationError(
            `hubs.${i}.${field}.${rule}`,
            "characters",
            "a key must be a non-empty string without whitespace or ;",
          );
        }
      }
    }
    const tier = checkTier(c.tier, `hubs.${i}.tier`, options.tier);
    return new HubState(c.name, createRules({ ...options.defaultKeys, ...c.keys }, c.secondaryKeys), {
      ...options,
      tier,
    });
  });
}

function seedDevices(hubs: readonly HubState[], devices: EmulatorOptions["devices"]): void {
  if (devices === undefined) return;
  const byHub: Array<[HubState, readonly Installation[], string]> = [];
  if (Array.isArray(devices)) {
    byHub.push([hubs[0]!, devices, "devices"]);
  } else {
    for (const [name, list] of Object.entries(devices as Readonly<Record<string, readonly Installation[]>>)) {
      const hub = hubs.find((h) => h.name.toLowerCase() === name.toLowerCase());
      if (!hub)
        throw new ValidationError(`devices.${name}`, "unknown-hub", `there is no hub named "${name}"`);
      if (!Array.isArray(list))
        throw new ValidationError(`devices.${name}`, "type", "expected an array of installations");
      byHub.push([hub, list, `devices.${name}`]);
    }
  }
  for (const [hub, list, field] of byHub) {
    for (const [i, installation] of list.entries()) {
      try {
        hub.upsertInstallation(installation);
      } catch (error) {
        throw rewrap(error, `${field}.${i}`);
      }
    }
  }
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.end(reply.body ?? "");
}

/** Sends the status line, headers and half the body of `reply` (announcing all of it), then cuts the socket. */
function writeTruncated(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(reply.body || "<NotificationOutcome>", "utf8");
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.setHeader("Content-Length", String(body.length + 16));
  res.flushHeaders();
  res.write(body.subarray(0, Math.ceil(body.length / 2)), () => res.destroy());
}

/** The host name of a `Host` header (`127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `::1`); "" when absent. */
function hostnameOf(host: string | undefined): string {
  if (!host) return "";
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return "";
  }
}

function errorReply(error: unknown, trackingId: string): Reply {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      headers: { "Content-Type": XML, ...error.headers },
      body: errorXml(error.status, error.detail, trackingId),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    headers: { "Content-Type": XML },
    body: errorXml(500, `Internal emulator error: ${message}`, trackingId),
    note: message,
  };
}

function faultReply(fault: Extract<ActiveFault, { kind: "status" }>, trackingId: string): Reply {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["Retry-After"] = fault.retryAfter;
  if (fault.body !== undefined) {
    headers["Content-Type"] = fault.body.trimStart().startsWith("<") ? XML : "text/plain; charset=utf-8";
    return { status: fault.status, headers, body: fault.body };
  }
  headers["Content-Type"] = XML;
  return {
    status: fault.status,
    headers,
    body: errorXml(
      fault.status,
      "Injected fault: the emulator was told to answer this request with an error.",
      trackingId,
    ),
  };
}

/** The certificate and key `https` asks for: the user's own, or the cached development certificate. */
function tlsSetup(https: EmulatorOptions["https"]): { cert: string; key: string; path?: string } | undefined {
  if (https === undefined || https === false) return undefined;
  const given = https === true ? {} : https;
  if (typeof given !== "object" || given === null)
    throw new ValidationError("https", "type", "https must be true, false or { cert, key } / { certDir }");
  if (given.cert !== undefined || given.key !== undefined) {
    if (typeof given.cert !== "string" || typeof given.key !== "string" || !given.cert || !given.key)
      throw new ValidationError("https.cert", "pair", "give both https.cert and https.key (PEM text)");
    return { cert: given.cert, key: given.key };
  }
  if (given.certDir !== undefined && (typeof given.certDir !== "string" || given.certDir === ""))
    throw new ValidationError("https.certDir", "type", "https.certDir must be a directory path");
  const dev = loadOrCreateDevCertificate(given.certDir);
  return { cert: dev.cert, key: dev.key, path: dev.certPath };
}

/** `HH:MM:SS.mmm` (UTC) of a request's arrival, for the log. */
function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

// Query parameters whose values the log shows; any other value (a SAS `sig` someone put in a URL, a filter
// naming a device handle) is written as "…".
const LOGGED_QUERY_VALUES = new Set(["api-version", "test", "direct", "$top"]);

/** The query for a log line: parameter names always, values only for the harmless ones. */
function loggedQuery(query: URLSearchParams): string {
  const parts = [...query].map(([name, value]) => {
    if (!/^[$A-Za-z][A-Za-z0-9_-]{0,31}$/.test(name)) return "…";
    return LOGGED_QUERY_VALUES.has(name.toLowerCase()) ? `${name}=${value}` : `${name}=…`;
  });
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}

/** The host part of the emulator's URL: the address actually bound, with wildcards shown as loopback. */
function urlHost(address: AddressInfo): string {
  const ip = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  return ip.includes(":") ? `[${ip}]` : ip;
}

/**
 * Starts the emulator: an HTTP server on 127.0.0.1 (by default on a free port) that accepts sends and
 * installations for each configured hub, verifies SAS tokens, routes sends to the registered devices and
 * records every delivery.
 *
 * @example
 * const emulator = await startEmulator({ hubs: ["myhub"] });
 * const hub = new NotificationHub(emulator.connectionString(), "myhub");
 * // ... send, then look at emulator.hub().deliveries()
 * await hub.close();
 * await emulator.close();
 *
 * @throws {ValidationError} for a non-loopback host without `allowRemote`, a bad port, hub name, key, device or
 * platform descriptor.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  if (typeof host !== "string" || host === "")
    throw new ValidationError("host", "required", "host must be a non-empty string");
  if (!isLoopbackHost(host) && options.allowRemote !== true) {
    throw new ValidationError(
      "host",
      "loopback",
      `refusing to listen on "${host}": the emulator is a development tool without TLS or admin authentication; use 127.0.0.1, ::1 or localhost, or set allowRemote: true`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValidationError("port", "range", "port must be a whole number from 0 to 65535");
  }
  const jobDurationMs = options.jobDurationMs ?? DEFAULT_JOB_DURATION_MS;
  if (
    typeof jobDurationMs !== "number" ||
    !Number.isFinite(jobDurationMs) ||
    jobDurationMs < 0 ||
    jobDurationMs > 600_000
  ) {
    throw new ValidationError(
      "jobDurationMs",
      "range",
      "jobDurationMs must be a number of milliseconds from 0 to 600000",
    );
  }
  const wellKnown = options.randomKeys === false;
  if (wellKnown && options.allowRemote === true) {
    throw new ValidationError(
      "randomKeys",
      "remote",
      "the well-known development keys are public and accepted only on loopback: with allowRemote, use random keys (randomKeys: true) or give your own in hubs[].keys",
    );
  }
  const tls = tlsSetup(options.https);
  const log = options.logger ?? (() => {});
  const events = new EventStreams();
  const hubs = createHubs(options.hubs ?? ["myhub"], {
    jobDurationMs,
    tier: checkTier(options.tier, "tier", "standard"),
    // Read once, so every hub checks sends against the same formats.
    platforms: platformRegistry(options.platforms),
    log,
    onEvent: (event) => events.publish(event),
    defaultKeys: wellKnown ? WELL_KNOWN_KEYS : {},
  });
  if (options.sampleDevices === true) seedDevices(hubs, SAMPLE_DEVICES);
  seedDevices(hubs, options.devices);
  // Longest names first, so a hub named "a/b" wins over a hub named "a" for "/a/b/messages/".
  const byLength = [...hubs].sort((x, y) => y.name.length - x.name.length);
  const pendingDelays = new Set<() => void>();
  let closed = false;
  let url = "";

  const connectionString = (
    hubName: string | undefined,
    rule: EmulatorRule = "full",
    which: KeyWhich = "primary",
  ): string => {
    const hub = findHub(hubName);
    const access = hub.rules.find((r) => r.rule === rule);
    if (!access)
      throw new ValidationError(
        "rule",
        "one-of",
        `rule must be one of ${Object.keys(RULE_NAMES).join(", ")}`,
      );
    // The service's endpoints say sb://, which the official SDK turns into https:// and nhub too; plain http://
    // stays as it is (nhub takes it for loopback hosts only).
    const endpoint = tls ? url.replace(/^https:/, "sb:") : url;
    if (which !== "primary" && which !== "secondary")
      throw new ValidationError("key", "one-of", "key must be primary or secondary");
    const key = which === "primary" ? access.key : access.secondaryKey;
    return `Endpoint=${endpoint};SharedAccessKeyName=${access.keyName};SharedAccessKey=${key}`;
  };

  function findHub(name: string | undefined): HubState {
    if (name === undefined) return hubs[0]!;
    const hub = hubs.find((h) => h.name.toLowerCase() === String(name).toLowerCase());
    if (!hub)
      throw new ValidationError(
        "hub",
        "unknown-hub",
        `there is no hub named "${name}"; the emulator has ${hubs.map((h) => h.name).join(", ")}`,
      );
    return hub;
  }

  const admin: AdminContext = {
    hubs,
    get url() {
      return url;
    },
    connectionString: (hub, rule, which) => connectionString(hub, rule, which),
    log: (line) => log(line),
  };

  // Ends early when the emulator closes or the client goes away, so no timer outlives its request.
  const wait = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pendingDelays.delete(done);
        res.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pendingDelays.add(done);
      res.on("close", done);
    });

  function serveHub(hub: HubState, req: HubHttpRequest): Reply {
    const route = findHubRoute(req.method, req.subPath);
    if (!route) throw new HttpError(404, `There is no ${req.method} ${req.subPath} on hub "${hub.name}".`);
    const denied = authorizationRefusal(header(req, "authorization"), req.url, hub.rules, route.right);
    if (denied) throw new HttpError(denied.status, denied.detail);
    const unavailable = tierRefusal(hub.tier, req.method, req.subPath);
    if (unavailable) throw unavailable;
    const apiVersion = req.query.get("api-version");
    if (!apiVersion)
      throw new HttpError(400, "The api-version query parameter is required (api-version=2020-06).");
    if (!API_VERSION_PATTERN.test(apiVersion))
      throw new HttpError(400, `api-version "${apiVersion}" is not a valid version (use 2020-06).`);
    if (req.bodySize > MAX_REQUEST_BODY_BYTES) {
      throw new HttpError(
        413,
        `The request body is ${req.bodySize} bytes; the limit is ${MAX_REQUEST_BODY_BYTES}.`,
      );
    }
    return route.handle(hub, req);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? "GET";
    // Before anything reads the path: the URL parser below would resolve dot segments and backslashes, so the
    // path that is routed would no longer be the path the client wrote.
    const targetProblem = requestTargetProblem(req.url ?? "/");
    if (targetProblem) {
      const trackingId = randomUUID();
      // Admin clients read JSON errors, hub clients the service's XML.
      const reply: Reply = req.url?.startsWith("/_emulator")
        ? {
            status: 400,
            headers: { "Content-Type": "application/json; charset=utf-8" },
            body: JSON.stringify({ error: { status: 400, message: targetProblem } }),
          }
        : errorReply(new HttpError(400, targetProblem), trackingId);
      write(res, { ...reply, headers: { ...reply.headers, TrackingId: trackingId } });
      log(`nhub-emulator: ${method} (refused request target) -> 400 (${Date.now() - started} ms)`);
      return;
    }
    const target = new URL(req.url ?? "/", "http://emulator.invalid");
    const path = target.pathname;
    // Behind a TLS-terminating proxy the client addressed https; Location headers and SAS audiences follow it.
    const scheme = tls || header(req, "x-forwarded-proto")?.toLowerCase() === "https" ? "https" : "http";
    const origin = `${scheme}://${req.headers.host ?? new URL(url).host}`;

    // The page and admin endpoints carry connection strings with keys. A web page could reach them through DNS
    // rebinding (its own name resolving to 127.0.0.1), so they answer only requests addressed to a loopback name.
    const adminSurface = path === "/" || path === "/_emulator" || path.startsWith("/_emulator/");
    if (adminSurface && options.allowRemote !== true && !isLoopbackHost(hostnameOf(req.headers.host))) {
      write(res, {
        status: 403,
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify({
          error: {
            status: 403,
            message: "the emulator's page and admin endpoints answer only loopback host names",
          },
        }),
      });
      return;
    }
    if (
      (method === "GET" || method === "HEAD") &&
      (path === "/" || path === "/_emulator" || path === "/_emulator/")
    ) {
      write(res, pageReply());
      return;
    }
    if (method === "GET" && path === "/_emulator/events") {
      const hubName = target.searchParams.get("hub");
      if (hubName !== null && !hubs.some((h) => h.name.toLowerCase() === hubName.toLowerCase())) {
        write(res, {
          status: 404,
          headers: { "Content-Type": "application/json; charset=utf-8" },
          body: JSON.stringify({ error: { status: 404, message: `No hub named "${hubName}".` } }),
        });
        return;
      }
      events.open(res, hubs, hubName ?? undefined);
      return;
    }

    if (path === "/_emulator" || path.startsWith("/_emulator/")) {
      const refused = adminRequestProblem(method, req.headers, {
        port: Number(new URL(url).port),
        origin,
      });
      if (refused) {
        req.resume();
        write(res, {
          status: refused.status,
          headers: { "Content-Type": "application/json; charset=utf-8" },
          body: JSON.stringify({ error: refused }),
        });
        return;
      }
      const { body } = await readBody(req, ADMIN_BODY_LIMIT);
      let reply: Reply;
      try {
        reply = handleAdmin(admin, method, path, body, target.searchParams);
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        reply = {
          status,
          headers: { "Content-Type": "application/json; charset=utf-8" },
          body: JSON.stringify({ error: { status, message } }),
        };
      }
      write(res, reply);
      return;
    }

    const trackingId = randomUUID();
    const { body, size } = await readBody(req, MAX_REQUEST_BODY_BYTES + 1);
    const lower = path.toLowerCase();
    const hub = byLength.find(
      (h) => lower === `/${h.name.toLowerCase()}` || lower.startsWith(`/${h.name.toLowerCase()}/`),
    );
    const tracking = { TrackingId: trackingId, "x-ms-correlation-request-id": randomUUID() };
    const line = (status: number | string, extra = "") =>
      log(
        `nhub-emulator: ${clock(started)} ${method} ${path}${loggedQuery(target.searchParams)} -> ${status} (${Date.now() - started} ms)${extra}`,
      );

    if (!hub) {
      const detail = `There is no hub at "${path}"; the emulator has ${hubs.map((h) => `/${h.name}`).join(", ")}.`;
      const reply = errorReply(new HttpError(404, detail), trackingId);
      write(res, { ...reply, headers: { ...reply.headers, ...tracking } });
      line(404);
      return;
    }

    const format = header(req, "servicebusnotification-format");
    const tags = header(req, "servicebusnotification-tags");
    const entry: Omit<EmulatorRequestLog, "status"> = {
      method,
      path,
      query: target.search.slice(1),
      ...(format !== undefined ? { format } : {}),
      ...(tags !== undefined ? { tags } : {}),
      at: new Date(started).toISOString(),
    };
    const fault = hub.takeFault();
    if (fault?.kind === "drop") {
      hub.recordRequest({ ...entry, status: 0, fault: "drop" });
      line("dropped", " [fault drop]");
      res.destroy();
      return;
    }
    if (fault?.kind === "delay") {
      await wait(fault.delayMs, res);
      if (closed || res.destroyed) {
        hub.recordRequest({ ...entry, status: 0, fault: "delay" });
        line("client gone", " [fault delay]");
        return;
      }
    }

    let reply: Reply;
    if (fault?.kind === "status") {
      reply = faultReply(fault, trackingId);
    } else {
      const hubRequest: HubHttpRequest = {
        method,
        subPath: path.slice(hub.name.length + 1) || "/",
        query: target.searchParams,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
        bodySize: size,
        // The token's audience is checked against the path that was routed, never the raw one.
        url: origin + path + target.search,
        origin,
        trackingId,
      };
      try {
        reply = serveHub(hub, hubRequest);
      } catch (error) {
        reply = errorReply(error, trackingId);
      }
    }
    if (fault?.kind === "drop-mid-response") {
      writeTruncated(res, { ...reply, headers: { ...reply.headers, ...tracking } });
    } else {
      write(res, { ...reply, headers: { ...reply.headers, ...tracking } });
    }
    hub.recordRequest({ ...entry, status: reply.status, ...(fault ? { fault: fault.kind } : {}) });
    const details = [
      fault ? ` [fault ${fault.kind}]` : "",
      format !== undefined ? ` format=${format}` : "",
      tags !== undefined ? ` tags=${JSON.stringify(tags)}` : "",
      reply.note ? ` ${reply.note}` : "",
    ].join("");
    line(reply.status, details);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log(`nhub-emulator: internal error: ${error instanceof Error ? error.message : String(error)}`);
      write(res, errorReply(error, randomUUID()));
    });
  };
  const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  url = `${tls ? "https" : "http"}://${urlHost(address)}:${address.port}/`;
  log(
    `nhub-emulator: listening on ${url} (hubs: ${hubs.map((h) => h.name).join(", ")}); a development tool, not for production`,
  );

  let closing: Promise<void> | undefined;
  const hubNames = Object.freeze(hubs.map((h) => h.name)) as string[];
  return Object.freeze({
    url,
    hubNames,
    connectionString: (opts: { hub?: string; rule?: EmulatorRule; key?: KeyWhich } = {}) =>
      connectionString(opts.hub, opts.rule, opts.key),
    ...(tls
      ? { certificate: Object.freeze({ pem: tls.cert, ...(tls.path ? { path: tls.path } : {}) }) }
      : {}),
    hub: (name?: string) => findHub(name).view,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        events.close();
        for (const hub of hubs) hub.close();
        for (const settle of [...pendingDelays]) settle();
        server.close(() => resolve());
        server.closeAllConnections();
        log("nhub-emulator: closed");
      });
      return closing;
    },
  });
}
