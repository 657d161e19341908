/**
 * The one list of platforms the emulator takes sends for: the platform packages' own descriptors. Their formats
 * are the `ServiceBusNotification-Format` values a send may carry, their content types the ones each format
 * takes and their `maxBytes` each format's payload limit, so a platform package joins the emulator by having its
 * descriptor listed in {@link EMULATOR_PLATFORMS} (or passed in `EmulatorOptions.platforms`), with no edit to
 * the routing code. What is the service's own rule and no descriptor says (which installation platform a format
 * reaches, the `template` format, the limits it enforces differently, WNS and MPNS raw notifications, its error
 * texts) stays in this file's {@link FORMAT_PLATFORMS} and in `emulator-send.ts`.
 */
import { MAX_REQUEST_BODY_BYTES, type PlatformDefinition, ValidationError } from "@nhub/core";
import { INSTALLATION_PLATFORMS, type InstallationPlatform } from "@nhub/installations";
import { admPlatform } from "@nhub/platform-adm";
import { applePlatform } from "@nhub/platform-apns";
import { baiduPlatform } from "@nhub/platform-baidu";
import { browserPlatform } from "@nhub/platform-browser";
import { fcmLegacyPlatform, fcmV1Platform } from "@nhub/platform-fcm";
import { mpnsPlatform } from "@nhub/platform-mpns";
import { windowsPlatform } from "@nhub/platform-wns";
import { xiaomiPlatform } from "@nhub/platform-xiaomi";
import { templatePlatform } from "@nhub/template";

/**
 * What the emulator reads of a platform: the members of a `@nhub/core` platform descriptor (`definePlatform`)
 * that describe the wire, so any descriptor can be passed as it is, plus where its sends go.
 */
export interface EmulatorPlatform {
  /** The platform's short name, e.g. `apns`; a "too large" answer for a format the service does not know names it. */
  readonly name: string;
  /** The `ServiceBusNotification-Format` its sends carry, e.g. `apple`: lowercase letters and digits. */
  readonly format: string;
  /** Every `Content-Type` its sends may have, the usual one first; devices receive templates in the first. */
  readonly contentTypes: readonly string[];
  /** Its largest payload in bytes, from 1 to the service's 64 KB. */
  readonly maxBytes: number;
  /**
   * The installation platform whose devices its sends reach. Default: the one the service pairs with the format
   * ({@link FORMAT_PLATFORMS}), else the installation platform of the same name; a format with neither must
   * name one.
   */
  readonly installationPlatform?: InstallationPlatform;
}

/**
 * Every platform package's descriptor, as `definePlatform` made it, in the order the emulator's error messages
 * and `nhub --help` list them. The one list: a new platform package adds its descriptor here, and the emulator
 * takes its sends while `nhub send` offers it (the CLI reads this list, adding templates).
 */
export const PLATFORM_DESCRIPTORS: readonly PlatformDefinition<never, never>[] = Object.freeze([
  applePlatform,
  fcmV1Platform,
  fcmLegacyPlatform,
  windowsPlatform,
  mpnsPlatform,
  admPlatform,
  baiduPlatform,
  browserPlatform,
  xiaomiPlatform,
]);

/** The platforms the emulator takes sends for by default: {@link PLATFORM_DESCRIPTORS}. */
export const EMULATOR_PLATFORMS: readonly EmulatorPlatform[] = PLATFORM_DESCRIPTORS;

/**
 * The service's rule of which installation platform each known `ServiceBusNotification-Format` reaches (the
 * names differ for `apple`, `windows` and `windowsphone`). Descriptors do not say it: it is the service's data
 * model, like the installation platforms themselves.
 */
export const FORMAT_PLATFORMS: Readonly<Record<string, InstallationPlatform>> = Object.freeze({
  apple: "apns",
  fcmv1: "fcmv1",
  gcm: "gcm",
  windows: "wns",
  windowsphone: "mpns",
  adm: "adm",
  baidu: "baidu",
  browser: "browser",
  xiaomi: "xiaomi",
});

/** The service's own format, for template registrations; not a platform, so never one of `platforms`. */
export const TEMPLATE_FORMAT = templatePlatform.format;

/** One format as the emulator checks and routes it, worked out once from its descriptor. */
export interface FormatRule {
  /** The descriptor's `name`. */
  readonly name: string;
  /** The descriptor's `format`, the `ServiceBusNotification-Format` it is looked up by. */
  readonly format: string;
  /** The descriptor's content types as media types: lowercase, without parameters, each once, in order. */
  readonly mediaTypes: readonly string[];
  /** The descriptor's usual content type, as a device receives a rendered template. */
  readonly contentType: string;
  /** The descriptor's `maxBytes`; `platformLimit` in `emulator-send.ts` says where the service differs. */
  readonly maxBytes: number;
  /** The installation platform whose devices it reaches; none for `template`. */
  readonly platform?: InstallationPlatform;
  /**
   * What a "too large" answer calls it: the installation platform for the service's own formats (as the service
   * words it), else the descriptor's name.
   */
  readonly label: string;
  /** The body syntax its usual content type implies: a JSON object, well-formed XML, or anything. */
  readonly body: "json" | "xml" | "any";
}

/** The formats an emulator takes, read from its platforms. */
export interface PlatformRegistry {
  /** Every format taken, in the platforms' order, `template` last. */
  readonly formats: readonly string[];
  /** The rule of a format, or `undefined` when it is not taken. */
  rule(format: string): FormatRule | undefined;
  /**
   * The rule of the format that reaches an installation platform's devices: the service's own format for it when
   * listed, else the first listed that reaches it. Rendered templates go out under it.
   */
  ruleFor(platform: InstallationPlatform): FormatRule | undefined;
}

// Core's format rule (`definePlatform` checks descriptors with it): lowercase letters and digits.
const FORMAT_NAME = /^[a-z][a-z0-9]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

function bodySyntax(mediaTypes: readonly string[]): FormatRule["body"] {
  const usual = mediaTypes[0] ?? "";
  if (/[/+]json$/.test(usual)) return "json";
  if (/[/+]xml$/.test(usual)) return "xml";
  return "any";
}

function checkPlatform(p: EmulatorPlatform, field: string): void {
  if (p === null || typeof p !== "object") {
    throw new ValidationError(
      field,
      "type",
      "a platform is a descriptor {name, format, contentTypes, maxBytes}",
    );
  }
  if (typeof p.name !== "string" || p.name === "" || CONTROL_CHARACTERS.test(p.name)) {
    throw new ValidationError(
      `${field}.name`,
      "type",
      "name is a non-empty string without control characters",
    );
  }
  if (typeof p.format !== "string" || !FORMAT_NAME.test(p.format)) {
    throw new ValidationError(`${field}.format`, "format-name", "format is lowercase letters and digits");
  }
  if (p.format === TEMPLATE_FORMAT) {
    throw new ValidationError(
      `${field}.format`,
      "reserved",
      `"${TEMPLATE_FORMAT}" is the service's own format for template registrations, always taken`,
    );
  }
  if (!Array.isArray(p.contentTypes) || p.contentTypes.length === 0) {
    throw new ValidationError(`${field}.contentTypes`, "required", "list at least one content type");
  }
  p.contentTypes.forEach((type: unknown, i) => {
    if (typeof type !== "string" || mediaType(type) === "" || CONTROL_CHARACTERS.test(type)) {
      throw new ValidationError(
        `${field}.contentTypes.${i}`,
        "type",
        "a content type is a non-empty string without control characters",
      );
    }
  });
  if (!Number.isInteger(p.maxBytes) || p.maxBytes < 1 || p.maxBytes > MAX_REQUEST_BODY_BYTES) {
    throw new ValidationError(
      `${field}.maxBytes`,
      "range",
      `maxBytes is a whole number of bytes from 1 to ${MAX_REQUEST_BODY_BYTES}`,
    );
  }
  const given = p.installationPlatform;
  if (given !== undefined && !(INSTALLATION_PLATFORMS as readonly unknown[]).includes(given)) {
    throw new ValidationError(
      `${field}.installationPlatform`,
      "platform",
      `installationPlatform must be one of ${INSTALLATION_PLATFORMS.join(", ")}`,
    );
  }
  if (installationPlatformOf(p) === undefined) {
    throw new ValidationError(
      `${field}.installationPlatform`,
      "required",
      `format "${p.format}" is no installation platform's; name the one whose devices its sends reach`,
    );
  }
}

function installationPlatformOf(p: EmulatorPlatform): InstallationPlatform | undefined {
  return (
    p.installationPlatform ??
    // Own keys only: a format may be named "constructor".
    (Object.hasOwn(FORMAT_PLATFORMS, p.format) ? FORMAT_PLATFORMS[p.format] : undefined) ??
    INSTALLATION_PLATFORMS.find((installationPlatform) => installationPlatform === p.format)
  );
}

function toRule(p: EmulatorPlatform): FormatRule {
  const platform = installationPlatformOf(p);
  const mediaTypes = [...new Set(p.contentTypes.map(mediaType))];
  return Object.freeze({
    name: p.name,
    format: p.format,
    mediaTypes: Object.freeze(mediaTypes),
    contentType: p.contentTypes[0]!,
    maxBytes: p.maxBytes,
    ...(platform !== undefined ? { platform } : {}),
    label: Object.hasOwn(FORMAT_PLATFORMS, p.format) ? FORMAT_PLATFORMS[p.format]! : p.name,
    body: bodySyntax(mediaTypes),
  });
}

/**
 * Reads platform descriptors into the formats an emulator takes. `template` is always taken, described by
 * `@nhub/template`'s descriptor.
 *
 * @throws {ValidationError} with field `platforms.<i>.<member>` for a malformed descriptor, a format listed
 * twice or a descriptor for `template`.
 */
export function platformRegistry(
  platforms: readonly EmulatorPlatform[] = EMULATOR_PLATFORMS,
): PlatformRegistry {
  if (!Array.isArray(platforms)) {
    throw new ValidationError("platforms", "type", "platforms is an array of platform descriptors");
  }
  const byFormat = new Map<string, FormatRule>();
  const byPlatform = new Map<InstallationPlatform, FormatRule>();
  platforms.forEach((p, i) => {
    checkPlatform(p, `platforms.${i}`);
    const rule = toRule(p);
    if (byFormat.has(rule.format)) {
      throw new ValidationError(`platforms.${i}.format`, "unique", `format "${rule.format}" is listed twice`);
    }
    byFormat.set(rule.format, rule);
    const own = rule.label === rule.platform || rule.format === rule.platform;
    if (rule.platform !== undefined && (own || !byPlatform.has(rule.platform)))
      byPlatform.set(rule.platform, rule);
  });
  byFormat.set(TEMPLATE_FORMAT, toRule(templatePlatform));
  const formats = Object.freeze([...byFormat.keys()]);
  return Object.freeze({
    formats,
    rule: (format: string) => byFormat.get(format),
    ruleFor: (platform: InstallationPlatform) => byPlatform.get(platform),
  });
}

/** The formats of {@link EMULATOR_PLATFORMS}, which every emulator started without `platforms` takes. */
export const DEFAULT_PLATFORMS: PlatformRegistry = platformRegistry();
