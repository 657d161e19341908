/**
 * The contract between core and a platform package: everything a stranger needs to add a push platform.
 *
 * A platform package gives three things, all built on this file and `notification.ts`:
 *
 * 1. `create<Platform>Notification(payload, options?)`: checks the payload, throwing a `ValidationError` that
 *    names the field and the rule before anything is sent, serialises it once and returns
 *    `createNotification({ format, contentType, body, headers })`: a frozen {@link Notification}, the only value
 *    core sends. Core never looks inside the body and knows no platform by name.
 * 2. `send<Platform>Notification(hub, payload, tags?, options?)`: an `async` function doing
 *    `hub.send(create…(payload, options), { tags })`, so bad input rejects rather than throws. `tags` is
 *    `SendOptions["tags"]` (every form `hub.send` takes) and `options` the same options `create` takes.
 * 3. A descriptor, `export const <platform>Platform = definePlatform({ … })`, that says which format, content
 *    types and size limit the platform uses and points at the two functions. Tools read it; `@nhub/testkit`'s
 *    `testPlatform(descriptor, cases)` runs the shared conformance suite against it.
 *
 * What core guarantees in return: no platform header and no caller header can replace `Authorization`,
 * `Content-Type`, `x-ms-version` or the `ServiceBusNotification-*` routing headers ({@link isReservedHeader});
 * header values never carry CR or LF; no body is over the service's 64 KB; tags, tokens, retries and errors are
 * core's business, not the platform's.
 *
 * Versions: a descriptor says which version of this contract it was written for in `specificationVersion`.
 * There is one version so far, `1`; a descriptor claiming a newer one is refused.
 *
 * Helpers for platform authors live beside this file in their own modules, so apps that do not use them do not
 * bundle them: `defineJsonPlatform` (`json-platform.ts`) for platforms whose body is a JSON object, and
 * `resolvePlatformHeaders` (`platform-headers.ts`) for platforms with header rules.
 *
 * @packageDocumentation
 */
import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";
import type { NotificationHub } from "./hub";
import type { SendOptions } from "./hub-options";
import { FORMAT_PATTERN, MAX_REQUEST_BODY_BYTES, type Notification } from "./notification";
import type { SendResult } from "./send-result";

/**
 * The newest version of the platform contract this `@nhub/core` understands. It grows only when a
 * descriptor gains a member core must know about; a new optional convenience does not change it.
 */
export const PLATFORM_SPECIFICATION_VERSION = 1;

/** The versions of the platform contract this `@nhub/core` accepts, oldest first. */
export const SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS: readonly number[] = Object.freeze([1]);

/**
 * Version 1 of the platform contract: what a platform package declares about itself.
 *
 * @typeParam P the payload `create` and `send` take, e.g. `ApnsPayload | string`
 * @typeParam O the options `create` takes, if any
 */
export interface PlatformDefinitionV1<P, O = undefined> {
  /** The contract version this descriptor was written for: `1`. */
  readonly specificationVersion: 1;
  /**
   * A short lowercase id for messages and test titles, e.g. `apns`, `fcm-v1`, `wns`: letters, digits and `-`.
   */
  readonly name: string;
  /** The `ServiceBusNotification-Format` every notification of this platform carries, e.g. `apple`. */
  readonly format: string;
  /**
   * Every `Content-Type` a notification of this platform may have, the usual one first, e.g.
   * `["application/xml", "application/octet-stream"]` for WNS toasts and raw notifications.
   */
  readonly contentTypes: readonly string[];
  /**
   * The largest body, in bytes, any notification of this platform may have (APNs: 5120, its VoIP limit; the
   * smaller limits of some kinds are the platform's own rules). At most the service's 64 KB.
   */
  readonly maxBytes: number;
  /**
   * Other names the platform goes by, besides `name` and `format`, e.g. `["fcm"]` for `fcm-v1`: the CLI accepts
   * them for `nhub send`. Same rule as `name`. Optional: most platforms need none.
   */
  readonly aliases?: readonly string[];
  /**
   * `create<Platform>Notification`: checks and serialises a payload.
   *
   * @throws {ValidationError} naming the field and rule, before anything is sent
   */
  create(payload: P, options?: O): Notification;
  /**
   * `send<Platform>Notification`: `hub.send(create(payload, options), { tags })`, rejecting (never throwing) on
   * bad input. `options` was added within version 1: it is optional, so a descriptor whose `send` takes three
   * arguments still fits.
   */
  send(
    hub: Pick<NotificationHub, "send">,
    payload: P,
    tags?: SendOptions["tags"],
    options?: O,
  ): Promise<SendResult>;
}

/**
 * A platform descriptor as core uses it: the newest version of the contract. {@link definePlatform} turns a
 * descriptor of any supported version into this shape.
 */
export type PlatformDefinition<P, O = undefined> = PlatformDefinitionV1<P, O>;

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Checks a platform descriptor and returns it frozen, upgraded to {@link PlatformDefinition}.
 *
 * Versions: only version 1 exists. Optional members added within it (`aliases`, `send`'s `options`) leave older
 * version 1 descriptors valid. A descriptor that claims a version newer than
 * {@link PLATFORM_SPECIFICATION_VERSION} is refused, because this core cannot know what its members mean: the
 * fix is to upgrade `@nhub/core`.
 *
 * Put a `@__PURE__` annotation comment before the call, as the platform packages do, so bundlers drop the
 * descriptor from apps that never use it.
 *
 * @example
 * export const xiaomiPlatform = definePlatform({
 *   specificationVersion: 1,
 *   name: "xiaomi",
 *   format: "xiaomi",
 *   contentTypes: ["application/json;charset=utf-8"],
 *   maxBytes: 4096,
 *   create: createXiaomiNotification,
 *   send: sendXiaomiNotification,
 * });
 * @throws {ValidationError} with field `platform.<member>`: rule `unsupported-version` for a version this core
 * does not know, `required`, `type`, `format-name`, `name` or `range` for a malformed member.
 */
export function definePlatform<P, O = undefined>(
  definition: PlatformDefinitionV1<P, O>,
): PlatformDefinition<P, O> {
  if (definition === null || typeof definition !== "object") {
    throw new ValidationError("platform", "type", "a platform definition is an object");
  }
  const version: unknown = definition.specificationVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new ValidationError(
      "platform.specificationVersion",
      "required",
      `specificationVersion must be a contract version such as ${PLATFORM_SPECIFICATION_VERSION}, got ${String(version)}`,
    );
  }
  if (!SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS.includes(version)) {
    throw new ValidationError(
      "platform.specificationVersion",
      "unsupported-version",
      `platform ${quoteExcerpt(String(definition.name))} was written for platform specification version ${version}, but this ` +
        `@nhub/core understands versions ${SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS.join(", ")}; upgrade @nhub/core`,
    );
  }
  const { name, format, contentTypes, maxBytes, aliases, create, send } = definition;
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw new ValidationError(
      "platform.name",
      "name",
      `${quoteExcerpt(String(name))} is not a platform name (lowercase letters, digits and single dashes)`,
    );
  }
  if (typeof format !== "string" || !FORMAT_PATTERN.test(format)) {
    throw new ValidationError(
      "platform.format",
      "format-name",
      `${quoteExcerpt(String(format))} is not a format name (lowercase letters and digits)`,
    );
  }
  if (!Array.isArray(contentTypes) || contentTypes.length === 0) {
    throw new ValidationError("platform.contentTypes", "required", "list at least one content type");
  }
  contentTypes.forEach((type: unknown, i) => {
    if (typeof type !== "string" || type === "" || CONTROL_CHARACTERS.test(type)) {
      throw new ValidationError(
        `platform.contentTypes.${i}`,
        "type",
        "a content type is a non-empty string without control characters",
      );
    }
  });
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_REQUEST_BODY_BYTES) {
    throw new ValidationError(
      "platform.maxBytes",
      "range",
      `maxBytes is a whole number of bytes from 1 to ${MAX_REQUEST_BODY_BYTES}, got ${String(maxBytes)}`,
    );
  }
  if (aliases !== undefined) {
    if (!Array.isArray(aliases)) {
      throw new ValidationError("platform.aliases", "type", "aliases is an array of platform names");
    }
    aliases.forEach((alias: unknown, i) => {
      if (typeof alias !== "string" || !NAME_PATTERN.test(alias)) {
        throw new ValidationError(
          `platform.aliases.${i}`,
          "name",
          `${quoteExcerpt(String(alias))} is not a platform name (lowercase letters, digits and single dashes)`,
        );
      }
    });
  }
  for (const [member, fn] of [
    ["create", create],
    ["send", send],
  ] as const) {
    if (typeof fn !== "function") {
      throw new ValidationError(`platform.${member}`, "type", `${member} must be a function`);
    }
  }
  // A copy, so freezing it leaves the caller's object alone and later changes to that object change nothing here.
  return Object.freeze({
    specificationVersion: 1,
    name,
    format,
    contentTypes: Object.freeze([...contentTypes]),
    maxBytes,
    ...(aliases === undefined ? {} : { aliases: Object.freeze([...aliases]) }),
    create,
    send,
  });
}
