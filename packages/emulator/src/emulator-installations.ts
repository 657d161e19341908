/**
 * The installation model: checking and copying installations (from the in-process API or `PUT` JSON),
 * applying JSON-patch updates, a device's tags for matching, and rendering its templates.
 */
import { assertHeaders, tagProblem, ValidationError } from "@nhub/core";
import { INSTALLATION_PLATFORMS, checkPushChannel as sharedPushChannelCheck } from "@nhub/installations";
import { renderTemplate } from "@nhub/template";
import { assertSafeName, dictionary, parseJsonSafely, ReservedKeyError } from "./emulator-safe";
import type { BrowserPushChannel, Installation, InstallationPlatform, InstallationTemplate } from "./types";

// Ids end up inside URLs and inside the `$InstallationId:{id}` system tag, so they keep to characters that
// are safe in both.
const ID_PATTERN = /^[^\s{}()!&|/\\?#%]{1,256}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
// A template body is JSON or XML text, where tab, LF and CR are ordinary whitespace (registrations carry them as
// &#9; &#10; &#13;); other control characters are refused like everywhere else.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireText(value: unknown, field: string, what: string, control = CONTROL): string {
  if (typeof value !== "string" || value === "")
    throw new ValidationError(field, "required", `${what} must be a non-empty string`);
  if (control.test(value))
    throw new ValidationError(field, "characters", `${what} cannot contain control characters`);
  return value;
}

function checkTags(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new ValidationError(field, "type", "tags must be an array of strings");
  const out: string[] = [];
  for (const [i, tag] of value.entries()) {
    const problem =
      typeof tag === "string" ? tagProblem(tag) : { rule: "type", message: "a tag must be a string" };
    if (problem) throw new ValidationError(`${field}.${i}`, problem.rule, problem.message);
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

function checkPushChannel(platform: InstallationPlatform, value: unknown): string | BrowserPushChannel {
  if (platform !== "browser") {
    requireText(value, "pushChannel", "pushChannel");
    return value as string;
  }
  if (!isObject(value)) {
    throw new ValidationError(
      "pushChannel",
      "type",
      "a browser pushChannel is an object {endpoint, p256dh, auth}",
    );
  }
  const channel = {
    endpoint: requireText(value["endpoint"], "pushChannel.endpoint", "pushChannel.endpoint"),
    p256dh: requireText(value["p256dh"], "pushChannel.p256dh", "pushChannel.p256dh"),
    auth: requireText(value["auth"], "pushChannel.auth", "pushChannel.auth"),
  };
  return Object.freeze(channel);
}

function checkTemplate(platform: InstallationPlatform, name: string, value: unknown): InstallationTemplate {
  const field = `templates.${name}`;
  if (!isObject(value))
    throw new ValidationError(field, "type", "a template is an object {body, headers?, tags?, expiry?}");
  const body = requireText(value["body"], `${field}.body`, "a template body", BODY_CONTROL);
  let headers: Record<string, string> | undefined;
  if (value["headers"] !== undefined) {
    if (!isObject(value["headers"]))
      throw new ValidationError(`${field}.headers`, "type", "headers must be an object of strings");
    assertHeaders(value["headers"], `${field}.headers`, "template");
    const copy = dictionary<string>();
    for (const [header, text] of Object.entries(value["headers"] as Record<string, string>)) {
      assertSafeName(header, `${field}.headers`, "a header name");
      copy[header] = text;
    }
    headers = Object.freeze(copy);
  }
  if (platform === "wns" && !Object.keys(headers ?? {}).some((h) => h.toLowerCase() === "x-wns-type")) {
    throw new ValidationError(
      `${field}.headers.X-WNS-Type`,
      "required",
      "a wns template needs an X-WNS-Type header",
    );
  }
  const template: { -readonly [K in keyof InstallationTemplate]: InstallationTemplate[K] } = { body };
  if (headers) template.headers = headers;
  if (value["tags"] !== undefined) template.tags = Object.freeze(checkTags(value["tags"], `${field}.tags`));
  if (value["expiry"] !== undefined && value["expiry"] !== null) {
    const expiry = requireText(value["expiry"], `${field}.expiry`, "a template expiry");
    // A date, "0" (APNs: deliver once, keep nothing) or an expression rendered per send, as the shared rule allows.
    if (!/^[$#.%{]/.test(expiry) && expiry !== "0" && Number.isNaN(Date.parse(expiry))) {
      throw new ValidationError(
        `${field}.expiry`,
        "date",
        'a template expiry is an ISO-8601 date, "0" or a template expression such as $(expiry)',
      );
    }
    template.expiry = expiry;
  }
  // A template that cannot render is refused at registration, as the service does, not at the first send.
  try {
    renderInstallationTemplate(template, {});
  } catch (error) {
    if (ValidationError.isInstance(error)) {
      const prefix = `${error.field}: `;
      const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      throw new ValidationError(`${field}.body`, error.rule, message);
    }
    throw error;
  }
  return Object.freeze(template);
}

/**
 * Checks an installation and returns a frozen copy: the known fields checked, any other field kept as given (a
 * JSON copy); the platform name is accepted in any case and stored lowercase. `strictChannel` applies the
 * service's push-channel rule (@nhub/installations' `checkPushChannel`): the REST surface does, while devices
 * seeded in process or through the admin endpoint may use placeholder handles such as `"apns-1"`.
 *
 * @throws {ValidationError} naming the field at fault.
 */
export function normalizeInstallation(input: unknown, strictChannel = false): Installation {
  if (!isObject(input))
    throw new ValidationError("installation", "type", "an installation must be a JSON object");
  const installationId = requireText(input["installationId"], "installationId", "installationId");
  if (!ID_PATTERN.test(installationId)) {
    throw new ValidationError(
      "installationId",
      "characters",
      "installationId must be 1-256 characters without whitespace or any of { } ( ) ! & | / \\ ? # %",
    );
  }
  const platformText = requireText(input["platform"], "platform", "platform").toLowerCase();
  if (!(INSTALLATION_PLATFORMS as readonly string[]).includes(platformText)) {
    throw new ValidationError(
      "platform",
      "one-of",
      `platform must be one of ${INSTALLATION_PLATFORMS.join(", ")}`,
    );
  }
  const platform = platformText as InstallationPlatform;
  const out: { -readonly [K in keyof Installation]: Installation[K] } = {
    installationId,
    platform,
    pushChannel: checkPushChannel(platform, input["pushChannel"]),
  };
  if (input["tags"] !== undefined && input["tags"] !== null)
    out.tags = Object.freeze(checkTags(input["tags"], "tags"));
  if (input["userId"] !== undefined && input["userId"] !== null) {
    const userId = requireText(input["userId"], "userId", "userId");
    if (!ID_PATTERN.test(userId)) {
      throw new ValidationError(
        "userId",
        "characters",
        "userId must be 1-256 characters without whitespace or { } ( ) ! & | / \\ ? # %",
      );
    }
    out.userId = userId;
  }
  if (input["templates"] !== undefined && input["templates"] !== null) {
    const templates = input["templates"];
    if (!isObject(templates))
      throw new ValidationError("templates", "type", "templates must be an object of named templates");
    const checked = dictionary<InstallationTemplate>();
    for (const name of Object.keys(templates)) {
      requireText(name, "templates", "a template name");
      assertSafeName(name, "templates", "a template name");
      checked[name] = checkTemplate(platform, name, templates[name]);
    }
    out.templates = Object.freeze(checked);
  }
  if (input["pushVariables"] !== undefined && input["pushVariables"] !== null) {
    out.pushVariables = checkPushVariables(input["pushVariables"]);
  }
  if (input["displayName"] !== undefined && input["displayName"] !== null) {
    out.displayName = requireText(input["displayName"], "displayName", "displayName");
  }
  // One rule for clients and the emulator: what @nhub/installations refuses (a non-hex APNs token, a WNS channel
  // that is not a URL) the REST surface refuses too. Checked last, so a bad tag or template is named first.
  if (strictChannel) sharedPushChannelCheck(platform, out.pushChannel);
  // Fields the emulator does not model are stored and returned unchanged, as the service keeps what it stores.
  const extra = Object.entries(input).filter(([key]) => !KNOWN_FIELDS.has(key));
  for (const [key, value] of extra) {
    const json = JSON.stringify(value);
    if (json === undefined) continue;
    Object.defineProperty(out, key, { value: freezeJson(JSON.parse(json)), enumerable: true });
  }
  return Object.freeze(out);
}

const KNOWN_FIELDS = new Set([
  "installationId",
  "platform",
  "pushChannel",
  "tags",
  "userId",
  "templates",
  "pushVariables",
  "displayName",
]);

function checkPushVariables(value: unknown): Record<string, string> {
  if (!isObject(value)) throw new ValidationError("pushVariables", "type", "pushVariables must be an object");
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new ValidationError(`pushVariables.${key}`, "type", "push variable values must be strings");
    }
  }
  return Object.freeze(Object.fromEntries(Object.entries(value))) as Record<string, string>;
}

function freezeJson(value: unknown): unknown {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) freezeJson(v);
    Object.freeze(value);
  }
  return value;
}

/** One JSON-patch operation of `PATCH /installations/{id}`. */
interface PatchOperation {
  readonly op: "add" | "remove" | "replace";
  readonly path: string;
  readonly value?: unknown;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * Applies the service's installation JSON-patch operations (`add`/`remove`/`replace` on `/tags`,
 * `/tags/{tag}`, `/templates/{name}`, `/pushVariables`, `/pushVariables/{name}`, `/userId`, `/pushChannel`,
 * `/platform`, `/displayName`) and checks the
 * result.
 *
 * @throws {ValidationError} for an operation the service does not support or an invalid result.
 */
export function patchInstallation(
  current: Installation,
  operations: unknown,
  strictChannel = false,
): Installation {
  if (!Array.isArray(operations))
    throw new ValidationError("patch", "type", "a JSON patch is an array of operations");
  const draft: Json = JSON.parse(JSON.stringify(current));
  // The templates the operations write into are a null-prototype record, so no path can reach a prototype.
  if (isObject(draft["templates"])) draft["templates"] = Object.assign(dictionary(), draft["templates"]);
  for (const [i, raw] of operations.entries()) {
    const field = `patch.${i}`;
    if (
      !isObject(raw) ||
      typeof raw["path"] !== "string" ||
      !["add", "remove", "replace"].includes(String(raw["op"]))
    ) {
      throw new ValidationError(
        field,
        "type",
        'each operation needs "op" (add, remove or replace) and "path"',
      );
    }
    const op = raw as unknown as PatchOperation;
    const segments = op.path.split("/").map(decodePointer);
    for (const segment of segments) assertSafeName(segment, `${field}.path`, "a patch path segment");
    const [, head = "", ...rest] = segments;
    const tail = rest.join("/");
    if (head === "tags" && tail === "") {
      const tags = Array.isArray(draft["tags"]) ? (draft["tags"] as unknown[]) : [];
      if (op.op === "remove") delete draft["tags"];
      else if (op.op === "replace") draft["tags"] = op.value;
      else draft["tags"] = [...tags, ...(Array.isArray(op.value) ? op.value : [op.value])];
    } else if (head === "tags" && op.op === "remove") {
      const tags = Array.isArray(draft["tags"]) ? (draft["tags"] as unknown[]) : [];
      draft["tags"] = tags.filter((t) => t !== tail);
    } else if (head === "templates" && tail !== "" && !tail.includes("/")) {
      const templates = isObject(draft["templates"]) ? draft["templates"] : dictionary();
      if (op.op === "remove") delete templates[tail];
      else templates[tail] = jsonStringValue(op.value, `${field}.value`);
      draft["templates"] = templates;
    } else if (head === "templates" && /^[^/]+\/(body|headers|tags|expiry)$/.test(tail)) {
      const [name = "", member = ""] = tail.split("/");
      const templates = isObject(draft["templates"]) ? draft["templates"] : dictionary();
      const template = templates[name];
      if (!isObject(template)) {
        throw new ValidationError(`${field}.path`, "not-found", `the installation has no template "${name}"`);
      }
      if (op.op === "remove") delete template[member];
      else template[member] = member === "body" ? op.value : jsonStringValue(op.value, `${field}.value`);
    } else if (head === "pushVariables" && !tail.includes("/")) {
      const variables = isObject(draft["pushVariables"]) ? draft["pushVariables"] : {};
      if (tail === "") {
        if (op.op === "remove") delete draft["pushVariables"];
        else draft["pushVariables"] = jsonStringValue(op.value, `${field}.value`);
      } else {
        if (op.op === "remove") delete variables[tail];
        else variables[tail] = op.value;
        draft["pushVariables"] = variables;
      }
    } else if (["userId", "pushChannel", "platform", "displayName"].includes(head) && tail === "") {
      if (op.op === "remove") delete draft[head];
      else
        draft[head] = head === "pushChannel" ? jsonStringValue(op.value, `${field}.value`, true) : op.value;
    } else {
      throw new ValidationError(
        `${field}.path`,
        "unsupported",
        `"${op.op} ${op.path}" is not an installation patch the service supports`,
      );
    }
  }
  return normalizeInstallation(draft, strictChannel);
}

/**
 * The service and both official SDKs send object values of a patch (a whole template, a header record, a browser
 * push channel) as JSON-encoded strings; plain objects are accepted too.
 */
function jsonStringValue(value: unknown, field: string, onlyObjects = false): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (onlyObjects && !text.startsWith("{")) return value;
  if (!text.startsWith("{") && !text.startsWith("[")) return value;
  try {
    return parseJsonSafely(text);
  } catch (error) {
    if (error instanceof ReservedKeyError) throw new ValidationError(field, "reserved-name", error.message);
    throw new ValidationError(field, "json", "the value is a string that is not valid JSON");
  }
}

/** A device's tags for matching: its own plus the system tags `$InstallationId:{id}` and `$UserId:{id}`. */
export function deviceTags(installation: Installation, extra: readonly string[] = []): Set<string> {
  const tags = new Set<string>(installation.tags ?? []);
  tags.add(`$InstallationId:{${installation.installationId}}`);
  if (installation.userId !== undefined) tags.add(`$UserId:{${installation.userId}}`);
  for (const t of extra) tags.add(t);
  return tags;
}

/** The device handle as a string: the endpoint for browser subscriptions. */
export function handleOf(installation: Installation): string {
  const channel = installation.pushChannel;
  return typeof channel === "string" ? channel : channel.endpoint;
}

/** A template rendered for one send. */
export interface RenderedTemplate {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * Renders a template and its headers with the sent properties. Header values are expressions too; each is
 * rendered as the one string slot of a JSON document so it follows exactly the body's rules.
 *
 * @throws {ValidationError} when rendering fails.
 */
export function renderInstallationTemplate(
  template: InstallationTemplate,
  properties: Readonly<Record<string, string>>,
): RenderedTemplate {
  const body = renderTemplate(template.body, properties);
  const headers = dictionary<string>();
  for (const [name, value] of Object.entries(template.headers ?? {})) {
    const rendered = (
      JSON.parse(renderTemplate(JSON.stringify({ v: value }), properties, "json")) as { v: unknown }
    ).v;
    headers[name] = String(rendered);
  }
  return { body, headers };
}
