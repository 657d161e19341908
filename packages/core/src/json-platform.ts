/**
 * The factory of platforms whose body is a JSON object sent as the caller gave it (ADM, browsers, Xiaomi): such a
 * platform is its data (format, content type, limit) and its payload check, and this builds the
 * `create…Notification` and `send…Notification` pair and the descriptor's members from them.
 *
 * Kept out of `platform.ts` and pure, so an app that uses no such platform does not bundle it.
 */
import { createJsonNotification, type JsonNotificationKind } from "./json-notification";
import type { Notification } from "./notification";
import type { PlatformDefinitionV1 } from "./platform";
import { optionHeaders } from "./platform-headers";
import { definePlatformSend, type PlatformSend } from "./platform-send";

/** The options of every JSON platform's `create…Notification`: extra headers, passed to `createNotification`. */
export interface JsonPlatformOptions {
  /** Extra headers sent with the notification; reserved ones (`Authorization`, `ServiceBusNotification-*`) are refused. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What {@link defineJsonPlatform} needs to know of a platform: {@link JsonNotificationKind} plus its names. */
export interface JsonPlatformSpec extends JsonNotificationKind {
  /** The descriptor's `name`, e.g. `adm`. */
  readonly name: string;
  /** The descriptor's `aliases`, if the platform goes by other names than its `name` and `format`. */
  readonly aliases?: readonly string[];
}

/** What {@link defineJsonPlatform} returns: the platform's two functions and its (unchecked) descriptor. */
export interface JsonPlatform<P> {
  /**
   * `create<Platform>Notification`: a value is checked and serialised once; a string must be JSON that passes
   * `checkParsed` and is sent byte for byte.
   *
   * @throws {ValidationError} from the checks, `json` for text that is not JSON, or `max-bytes`.
   */
  create(payload: P | string, options?: JsonPlatformOptions): Notification;
  /** `send<Platform>Notification`: `hub.send(create(payload, options), { tags })`; rejects on bad input. */
  readonly send: PlatformSend<P | string, JsonPlatformOptions>;
  /** The descriptor's members, for `definePlatform(…)` in the package's `-platform.ts` file. */
  readonly definition: PlatformDefinitionV1<P | string, JsonPlatformOptions>;
}

/**
 * Builds a JSON platform from its data and checks.
 *
 * The descriptor goes through `definePlatform` in its own module, so an app that only sends does not bundle the
 * descriptor's checks.
 *
 * @example
 * const acme = defineJsonPlatform<AcmePayload>({
 *   name: "acme",
 *   format: "acme",
 *   contentType: "application/json;charset=utf-8",
 *   maxBytes: 4096,
 *   what: "the Acme message",
 *   check: assertAcmePayload,
 *   checkParsed: assertAcmePayload,
 * });
 * export const createAcmeNotification = acme.create;
 * export const sendAcmeNotification = acme.send;
 * // acme-platform.ts: export const acmePlatform = definePlatform(acme.definition);
 */
export function defineJsonPlatform<P>(spec: JsonPlatformSpec): JsonPlatform<P> {
  const { name, aliases, ...kind } = spec;
  const create = (payload: P | string, options?: JsonPlatformOptions): Notification =>
    createJsonNotification(kind, payload, optionHeaders(options));
  const send = definePlatformSend(create);
  return {
    create,
    send,
    definition: {
      specificationVersion: 1,
      name,
      format: kind.format,
      contentTypes: [kind.contentType],
      maxBytes: kind.maxBytes,
      ...(aliases === undefined ? {} : { aliases }),
      create,
      send,
    },
  };
}
