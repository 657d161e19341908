/**
 * The admin JSON endpoints under `/_emulator/`: hubs and connection strings, deliveries, devices, faults,
 * the request log, registrations, scheduled sends, jobs, the (empty) feedback container and each rule's keys. They have no auth: the emulator is a loopback development tool.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ValidationError } from "@nhub/core";
import { isLoopbackHost } from "@nhub/sas";
import { type KeyWhich, RULE_NAMES, regenerateKey } from "./emulator-auth";
import { containerListingXml } from "./emulator-device-states";
import { HttpError, jsonReply, parseJsonBody, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { normalizeInstallation } from "./emulator-installations";
import type { EmulatorRule } from "./types";

/** Admin bodies are device lists and faults; 1 MB is plenty. */
export const ADMIN_BODY_LIMIT = 1024 * 1024;

/** What the admin endpoints need from the emulator. */
export interface AdminContext {
  readonly hubs: readonly HubState[];
  readonly url: string;
  connectionString(hub: string, rule: EmulatorRule, which?: KeyWhich): string;
  /** Where lifecycle lines go (a regenerated key); they never hold a key. */
  readonly log?: (line: string) => void;
}

const MUTATING_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Where the emulator is, for telling its own page's requests from another site's. */
export interface OwnOrigin {
  /** The port the emulator listens on. */
  readonly port: number;
  /**
   * The origin this request was addressed to (`http://` + its `Host`). Unless `allowRemote` is set, the `Host`
   * check has already made it a loopback name; with it, this is how a page opened on a remote address is known.
   */
  readonly origin: string;
}

function isOwnOrigin(value: string, own: OwnOrigin): boolean {
  if (value === own.origin) return true;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  const port = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);
  return port === own.port && isLoopbackHost(parsed.hostname);
}

function isJsonMediaType(contentType: string | undefined): boolean {
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  return media === "application/json";
}

function announcesBody(headers: IncomingHttpHeaders): boolean {
  const length = headers["content-length"];
  return headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * Why a request to the admin surface is refused before its body is read, or `undefined`. The admin endpoints
 * have no authentication, so a web page the developer has open could otherwise change faults and devices with a
 * cross-site `text/plain` POST, which browsers send without asking. A mutating request from a browser page
 * carries `Origin`; it must be the emulator's own (a loopback name on its port, or the address the request was
 * sent to). And bodies must be `application/json`, a type no cross-site page can send without a CORS preflight
 * the emulator never grants. Tools that send no `Origin` (curl, the CLI, tests) only need to label a body (or any
 * declared type) as JSON; a request without a body or a `Content-Type`, such as a `DELETE`, needs nothing.
 */
export function adminRequestProblem(
  method: string,
  headers: IncomingHttpHeaders,
  own: OwnOrigin,
): { status: number; message: string } | undefined {
  if (!MUTATING_METHODS.has(method)) return undefined;
  const origin = headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, own)) {
    return {
      status: 403,
      message: `the admin endpoints refuse ${method} requests from another origin (${origin}); only the emulator's own page may change them`,
    };
  }
  const typed = headers["content-type"] !== undefined;
  if ((typed || announcesBody(headers)) && !isJsonMediaType(headers["content-type"])) {
    return {
      status: 415,
      message: `the admin endpoints take ${method} bodies only as Content-Type: application/json`,
    };
  }
  return undefined;
}

// Checked before HUB_PATH: a hub name may hold "/", so the longer key paths must win over `{hub}/{resource}`.
const KEYS_PATH = /^\/_emulator\/hubs\/(.+)\/keys\/([^/]+)(\/regenerate)?$/;

const RULES: readonly EmulatorRule[] = ["full", "send", "listen"];

/** A rule's keys as the service's `listKeys` gives them: both connection strings. */
function ruleKeys(ctx: AdminContext, hub: HubState, rule: EmulatorRule): Record<string, string> {
  return {
    rule,
    keyName: RULE_NAMES[rule],
    primaryConnectionString: ctx.connectionString(hub.name, rule, "primary"),
    secondaryConnectionString: ctx.connectionString(hub.name, rule, "secondary"),
  };
}

/**
 * `GET /_emulator/hubs/{hub}/keys/{rule}` (both connection strings of a rule) and
 * `POST .../keys/{rule}/regenerate` with `{ "which": "primary" | "secondary" }`, which replaces that key: tokens
 * signed with the old key are refused from then on (401 `InvalidSignature`), those signed with the other key
 * still pass.
 */
function handleKeys(ctx: AdminContext, method: string, m: RegExpExecArray, body: Buffer): Reply {
  const hub = findHub(ctx, m[1]!);
  const rule = decodeSegment(m[2]!) as EmulatorRule;
  if (!RULES.includes(rule)) throw notFound(`No rule "${rule}"; the rules are ${RULES.join(", ")}.`);
  if (m[3] === undefined) {
    if (method !== "GET") throw notFound(`No admin endpoint ${method} keys/${rule}.`);
    return jsonReply(200, ruleKeys(ctx, hub, rule));
  }
  if (method !== "POST") throw notFound(`No admin endpoint ${method} keys/${rule}/regenerate.`);
  const input = parseJsonBody(body.length === 0 ? Buffer.from("{}") : body, "key regeneration");
  const which = (input as { which?: unknown } | null)?.which;
  if (which !== "primary" && which !== "secondary") {
    throw new HttpError(400, 'The body must be { "which": "primary" } or { "which": "secondary" }.');
  }
  const access = hub.rules.find((r) => r.rule === rule)!;
  regenerateKey(access, which);
  ctx.log?.(`nhub-emulator: regenerated the ${which} key of ${access.keyName} on hub ${hub.name}`);
  return jsonReply(200, ruleKeys(ctx, hub, rule), `${which} key of ${rule} regenerated`);
}

const HUB_PATH =
  /^\/_emulator\/hubs\/(.+)\/(deliveries|devices|faults|requests|registrations|scheduled|jobs|feedback|pnserrors)(?:\/([^/]+)(\/state)?)?$/;

function notFound(what: string): HttpError {
  return new HttpError(404, what);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `"${segment}" is not valid percent-encoding.`);
  }
}

function findHub(ctx: AdminContext, encoded: string): HubState {
  const name = decodeSegment(encoded);
  const hub = ctx.hubs.find((h) => h.name.toLowerCase() === name.toLowerCase());
  if (!hub)
    throw notFound(`No hub named "${name}"; the emulator has ${ctx.hubs.map((h) => h.name).join(", ")}.`);
  return hub;
}

function validated<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (ValidationError.isInstance(error)) throw new HttpError(400, error.message);
    throw error;
  }
}

/** The feedback container's `List Blobs` page for `marker` and `maxresults` (1-5000, as storage takes). */
function containerListing(hub: HubState, query: URLSearchParams): string {
  const max = query.get("maxresults");
  const maxResults = max === null ? 5000 : Number(max);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 5000) {
    throw new HttpError(400, "maxresults must be a whole number from 1 to 5000.");
  }
  return containerListingXml(
    `${hub.name}-feedback`,
    hub.deviceOutcomes.feedbackBlobs(),
    query.get("marker") ?? undefined,
    maxResults,
  );
}

/** A storage answer: XML listings, octet-stream blobs, with storage's `x-ms-*` headers. */
function storageReply(body: string, contentType = "application/xml; charset=utf-8", modified?: Date): Reply {
  return {
    status: 200,
    headers: {
      "Content-Type": contentType,
      "x-ms-version": "2020-10-02",
      ...(modified !== undefined
        ? { "Last-Modified": modified.toUTCString(), "x-ms-blob-type": "BlockBlob" }
        : {}),
    },
    body,
  };
}

/** Storage's 404: an XML `<Error>` with its `Code` and `Message`. */
function storageNotFound(code: string, message: string): Reply {
  return {
    status: 404,
    headers: { "Content-Type": "application/xml; charset=utf-8", "x-ms-error-code": code },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

/**
 * Answers one admin request.
 *
 * @throws {HttpError} 404 for unknown paths or hubs, 400 for invalid devices or faults.
 */
export function handleAdmin(
  ctx: AdminContext,
  method: string,
  path: string,
  body: Buffer,
  query: URLSearchParams = new URLSearchParams(),
): Reply {
  if (path === "/_emulator/hubs" && method === "GET") {
    return jsonReply(
      200,
      ctx.hubs.map((h) => ({
        name: h.name,
        url: ctx.url + h.name,
        connectionStrings: {
          full: ctx.connectionString(h.name, "full"),
          send: ctx.connectionString(h.name, "send"),
          listen: ctx.connectionString(h.name, "listen"),
        },
      })),
    );
  }
  const keys = KEYS_PATH.exec(path);
  if (keys) return handleKeys(ctx, method, keys, body);
  const m = HUB_PATH.exec(path);
  if (!m) throw notFound(`No admin endpoint ${method} ${path}.`);
  const hub = findHub(ctx, m[1]!);
  const resource = m[2]!;
  const id = m[3];
  const key = `${method} ${resource}${id === undefined ? "" : "/:id"}${m[4] ?? ""}`;
  switch (key) {
    case "GET deliveries":
      return jsonReply(200, hub.view.deliveries());
    case "DELETE deliveries":
      hub.view.clearDeliveries();
      return { status: 204 };
    case "GET devices":
      return jsonReply(200, hub.installations());
    case "POST devices": {
      const input = parseJsonBody(body, "device list");
      const list = Array.isArray(input) ? input : [input];
      // All or nothing: check every device before storing any.
      const checked = validated(() => list.map((i) => normalizeInstallation(i)));
      const stored = checked.map((i) => hub.upsertInstallation(i));
      return jsonReply(200, Array.isArray(input) ? stored : stored[0], `${stored.length} device(s)`);
    }
    case "DELETE devices/:id":
      hub.deleteInstallation(validated(() => decodeSegment(id!)));
      return { status: 204 };
    case "POST faults": {
      const fault = parseJsonBody(body, "fault");
      validated(() => hub.injectFault(fault));
      return { status: 204 };
    }
    case "DELETE faults":
      hub.view.clearFaults();
      return { status: 204 };
    case "GET requests":
      return jsonReply(200, hub.view.requests());
    case "GET registrations":
      return jsonReply(200, hub.registrations());
    case "DELETE registrations/:id":
      hub.deleteRegistration(decodeSegment(id!));
      return { status: 204 };
    case "GET scheduled":
      return jsonReply(200, hub.scheduled());
    case "DELETE scheduled/:id": {
      const notificationId = decodeSegment(id!);
      if (!hub.cancelScheduled(notificationId))
        throw notFound(`No pending scheduled notification "${notificationId}".`);
      return { status: 204 };
    }
    case "GET jobs":
      return jsonReply(200, hub.jobs());
    case "POST devices/:id/state": {
      const input = parseJsonBody(body, "device state") as { state?: unknown } | null;
      const installationId = decodeSegment(id!);
      if (!hub.installation(installationId)) throw notFound(`No device "${installationId}" on this hub.`);
      validated(() => hub.setDeviceState(installationId, input?.state));
      return { status: 204 };
    }
    case "GET feedback":
      return storageReply(containerListing(hub, query));
    case "GET feedback/:id": {
      const name = decodeSegment(id!);
      const blob = hub.deviceOutcomes.feedbackBlobs().find((b) => b.name === name);
      if (!blob) return storageNotFound("BlobNotFound", "The specified blob does not exist.");
      return storageReply(blob.body, "application/octet-stream", blob.lastModified);
    }
    case "GET pnserrors/:id": {
      const errors = hub.deviceOutcomes.errorDetails(decodeSegment(id!));
      if (errors === undefined) return storageNotFound("BlobNotFound", "The specified blob does not exist.");
      return storageReply(errors, "application/octet-stream");
    }
    default:
      throw notFound(`No admin endpoint ${method} ${path}.`);
  }
}
