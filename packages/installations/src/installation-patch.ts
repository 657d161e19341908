/**
 * Partial updates of an installation: `PATCH /installations/{id}` with a JSON-Patch (RFC 6902) document of the
 * operations the service supports.
 */
import { assertTag, describeValue, type NotificationHub, quoteExcerpt, ValidationError } from "@nhub/core";
import { checkExpiry, checkHeaderRecord, checkStringRecord, checkTagList, requireText } from "./field-checks";
import {
  type BrowserPushChannel,
  checkInstallationTemplate,
  checkPlatform,
  checkPushChannel,
  checkSecondaryTile,
  checkSystemId,
  checkTemplateName,
  type InstallationPlatform,
  type InstallationSecondaryTile,
  type InstallationTemplate,
  installationPath,
} from "./installation";
import { type OperationOptions, requestOptions } from "./operation-options";

/** The value of a patch operation. */
export type InstallationPatchValue =
  | string
  | readonly string[]
  | InstallationTemplate
  | InstallationSecondaryTile
  | BrowserPushChannel
  | Readonly<Record<string, string>>;

/**
 * One JSON-Patch operation on an installation. Supported paths:
 *
 * | path | ops | value |
 * |---|---|---|
 * | `/userId` | add, replace, remove | the user id |
 * | `/pushChannel` | add, replace | the handle (a {@link BrowserPushChannel} for browser) |
 * | `/tags` | add (one tag or an array), replace (array), remove (all tags) | tag(s) |
 * | `/tags/{tag}` | remove | - |
 * | `/templates/{name}` | add, replace, remove | an {@link InstallationTemplate} |
 * | `/templates/{name}/body` | add, replace | the body |
 * | `/templates/{name}/headers` | add, replace | a header record |
 * | `/templates/{name}/expiry` | add, replace, remove | the expiry (apns) |
 * | `/templates/{name}/tags` | add, replace, remove | tag(s) |
 * | `/templates/{name}/tags/{tag}` | remove | - |
 * | `/pushVariables` | add, replace, remove | a record of string values |
 * | `/pushVariables/{name}` | add, replace, remove | the variable's string value |
 * | `/secondaryTiles/{tileId}` | add, replace, remove | an {@link InstallationSecondaryTile} (wns) |
 * | `/secondaryTiles/{tileId}/pushChannel` | add, replace | the tile's channel URI |
 * | `/secondaryTiles/{tileId}/tags[/{tag}]` | as `/tags` | tag(s) |
 * | `/secondaryTiles/{tileId}/templates/{name}[/...]` | as `/templates/...` | as there |
 *
 * Use `~1` for `/` and `~0` for `~` inside a template name (RFC 6901). Strings and tag arrays are sent as JSON
 * values; objects (a template, headers, push variables, a secondary tile, a browser push channel) are sent as a
 * JSON-encoded string, the form both
 * official SDKs send and the REST reference shows.
 */
export interface InstallationPatch {
  readonly op: "add" | "remove" | "replace";
  readonly path: string;
  readonly value?: InstallationPatchValue;
}

/** Options of {@link updateInstallation}. */
export interface UpdateInstallationOptions extends OperationOptions {
  /**
   * The installation's platform, when known: lets template and push-channel values be checked by the platform's
   * rules (a template body must be JSON on apns, XML on wns...). Without it they get the checks that hold on
   * every platform.
   */
  readonly platform?: InstallationPlatform;
}

/** Encodes a template name or tag as one JSON-Pointer segment. */
export function jsonPointerSegment(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

function decodeSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

type WireOp = { op: string; path: string; value?: unknown };

function noValue(patch: InstallationPatch, field: string): void {
  if (patch.value !== undefined) {
    throw new ValidationError(
      `${field}.value`,
      "forbidden",
      `${quoteExcerpt(`${patch.op} ${patch.path}`)} takes no value`,
    );
  }
}

function stringValue(patch: InstallationPatch, field: string): string {
  return requireText(patch.value, `${field}.value`);
}

function onlyOps(patch: InstallationPatch, field: string, ops: readonly string[]): void {
  if (!ops.includes(patch.op)) {
    throw new ValidationError(
      `${field}.op`,
      "unsupported",
      `${quoteExcerpt(patch.op)} is not supported on ${patch.path}; use ${ops.join(" or ")}`,
    );
  }
}

function tagsValue(patch: InstallationPatch, field: string): string | string[] {
  if (typeof patch.value === "string" && patch.op === "add") {
    assertTag(patch.value, `${field}.value`);
    return patch.value;
  }
  if (!Array.isArray(patch.value)) {
    throw new ValidationError(
      `${field}.value`,
      "type",
      patch.op === "add" ? "the value is a tag or an array of tags" : "the value is an array of tags",
    );
  }
  return checkTagList(patch.value, `${field}.value`);
}

type Unsupported = () => ValidationError;

/** The operations below `/templates` (of the installation or of a secondary tile): `[name, member?, tag?]`. */
function templatePatch(
  patch: InstallationPatch,
  field: string,
  platform: InstallationPlatform | undefined,
  segments: readonly string[],
  wire: WireOp,
  unsupported: Unsupported,
): void {
  const [name, member, leaf, ...rest] = segments;
  if (name === undefined || rest.length > 0) throw unsupported();
  checkTemplateName(decodeSegment(name), `${field}.path`);
  if (member === undefined) {
    if (patch.op === "remove") noValue(patch, field);
    else wire.value = JSON.stringify(checkInstallationTemplate(platform, patch.value, `${field}.value`));
  } else if (member === "body" && leaf === undefined) {
    onlyOps(patch, field, ["add", "replace"]);
    wire.value = requireTemplateBody(patch, field);
  } else if (member === "headers" && leaf === undefined) {
    onlyOps(patch, field, ["add", "replace"]);
    wire.value = JSON.stringify(checkHeaderRecord(patch.value, `${field}.value`));
  } else if (member === "expiry" && leaf === undefined) {
    if (platform !== undefined && platform !== "apns") {
      throw new ValidationError(`${field}.path`, "platform", "only apns templates have an expiry");
    }
    if (patch.op === "remove") noValue(patch, field);
    else wire.value = checkExpiry(patch.value, `${field}.value`);
  } else if (member === "tags") {
    tagsPatch(patch, field, leaf, wire);
  } else {
    throw unsupported();
  }
}

/** `/tags` (any op) or `/tags/{tag}` (remove only), of the installation, a template or a secondary tile. */
function tagsPatch(patch: InstallationPatch, field: string, tag: string | undefined, wire: WireOp): void {
  if (tag === undefined) {
    if (patch.op === "remove") noValue(patch, field);
    else wire.value = tagsValue(patch, field);
    return;
  }
  onlyOps(patch, field, ["remove"]);
  noValue(patch, field);
  assertTag(decodeSegment(tag), `${field}.path`);
}

/** `/pushVariables` (a whole record) or `/pushVariables/{name}` (one string value). */
function pushVariablesPatch(patch: InstallationPatch, field: string, name: string | undefined, wire: WireOp) {
  if (name !== undefined && decodeSegment(name) === "") {
    throw new ValidationError(`${field}.path`, "required", "a push variable name cannot be empty");
  }
  if (patch.op === "remove") {
    noValue(patch, field);
  } else if (name === undefined) {
    wire.value = JSON.stringify(checkStringRecord(patch.value, `${field}.value`));
  } else if (typeof patch.value !== "string") {
    throw new ValidationError(
      `${field}.value`,
      "type",
      `a push variable is a string, not ${describeValue(patch.value)}`,
    );
  } else {
    wire.value = patch.value;
  }
}

/** The operations below `/secondaryTiles/{tileId}` (wns only). */
function secondaryTilePatch(
  patch: InstallationPatch,
  field: string,
  platform: InstallationPlatform | undefined,
  segments: readonly string[],
  wire: WireOp,
  unsupported: Unsupported,
): void {
  if (platform !== undefined && platform !== "wns") {
    throw new ValidationError(`${field}.path`, "platform", "only wns installations have secondary tiles");
  }
  const [tileId, member, ...rest] = segments;
  if (tileId === undefined || decodeSegment(tileId) === "") throw unsupported();
  if (member === undefined) {
    if (patch.op === "remove") noValue(patch, field);
    else wire.value = JSON.stringify(checkSecondaryTile(patch.value, `${field}.value`));
  } else if (member === "pushChannel" && rest.length === 0) {
    onlyOps(patch, field, ["add", "replace"]);
    wire.value = checkPushChannel("wns", patch.value, `${field}.value`);
  } else if (member === "tags" && rest.length <= 1) {
    tagsPatch(patch, field, rest[0], wire);
  } else if (member === "templates") {
    templatePatch(patch, field, "wns", rest, wire, unsupported);
  } else {
    throw unsupported();
  }
}

function checkPatch(
  patch: InstallationPatch,
  field: string,
  platform: InstallationPlatform | undefined,
): WireOp {
  if (patch === null || typeof patch !== "object") {
    throw new ValidationError(
      field,
      "type",
      `a patch operation is an object { op, path, value? }, not ${describeValue(patch)}`,
    );
  }
  if (!["add", "remove", "replace"].includes(patch.op)) {
    throw new ValidationError(`${field}.op`, "one-of", "op must be add, remove or replace");
  }
  const path = requireText(patch.path, `${field}.path`);
  const [empty, head, ...rest] = path.split("/");
  const unsupported = () =>
    new ValidationError(
      `${field}.path`,
      "unsupported",
      `${quoteExcerpt(path)} is not an installation path the service patches`,
    );
  if (empty !== "") throw unsupported();
  const wire: WireOp = { op: patch.op, path };
  if (head === "userId" && rest.length === 0) {
    if (patch.op === "remove") noValue(patch, field);
    else wire.value = checkSystemId(patch.value, `${field}.value`);
  } else if (head === "pushChannel" && rest.length === 0) {
    onlyOps(patch, field, ["add", "replace"]);
    const channel =
      platform !== undefined
        ? checkPushChannel(platform, patch.value, `${field}.value`)
        : typeof patch.value === "string"
          ? stringValue(patch, field)
          : checkPushChannel("browser", patch.value, `${field}.value`);
    wire.value = typeof channel === "string" ? channel : JSON.stringify(channel);
  } else if (head === "tags" && rest.length <= 1) {
    tagsPatch(patch, field, rest[0], wire);
  } else if (head === "templates") {
    templatePatch(patch, field, platform, rest, wire, unsupported);
  } else if (head === "pushVariables" && rest.length <= 1) {
    pushVariablesPatch(patch, field, rest[0], wire);
  } else if (head === "secondaryTiles") {
    secondaryTilePatch(patch, field, platform, rest, wire, unsupported);
  } else {
    throw unsupported();
  }
  return wire;
}

function requireTemplateBody(patch: InstallationPatch, field: string): string {
  if (typeof patch.value !== "string" || patch.value.trim() === "") {
    throw new ValidationError(`${field}.value`, "required", "a template body must be a non-empty string");
  }
  return patch.value;
}

/**
 * Checks patch operations and returns the JSON-Patch document that is sent.
 *
 * @throws {ValidationError} naming the operation (`patches.0.path`, ...) at fault.
 */
export function installationPatchDocument(
  patches: readonly InstallationPatch[],
  platform?: InstallationPlatform,
): string {
  if (!Array.isArray(patches) || patches.length === 0) {
    throw new ValidationError("patches", "required", "give at least one patch operation");
  }
  if (platform !== undefined) checkPlatform(platform, "platform");
  return JSON.stringify(patches.map((patch, i) => checkPatch(patch, `patches.${i}`, platform)));
}

/**
 * Applies JSON-Patch operations to an installation (`PATCH /installations/{id}` with
 * `application/json-patch+json`, answered 200).
 *
 * @example
 * await updateInstallation(hub, "device-42", [
 *   { op: "add", path: "/tags", value: "sports" },
 *   { op: "remove", path: "/tags/politics" },
 *   { op: "replace", path: "/userId", value: "ann" },
 * ]);
 * @throws {ValidationError} before anything is sent, for an id or an operation the service does not support.
 */
export async function updateInstallation(
  hub: NotificationHub,
  installationId: string,
  patches: readonly InstallationPatch[],
  options?: UpdateInstallationOptions,
): Promise<void> {
  const id = checkSystemId(installationId, "installationId");
  const body = installationPatchDocument(patches, options?.platform);
  await hub.request({
    operation: "updateInstallation",
    method: "PATCH",
    path: installationPath(id),
    contentType: "application/json-patch+json",
    body,
    ...requestOptions(options),
  });
}
