/**
 * The header resolver of platform packages: one way to read a caller's `options.headers` and typed header options
 * (`options.priority`, `options.ttl`, ...) into canonically spelt, checked platform headers. A platform supplies
 * its header names and a rule for each; this module does the rest the same way for every platform: names matched
 * case-insensitively, a header given twice refused, an option that contradicts a header refused, every value
 * checked by its rule, and other headers passed through for `createNotification` to check.
 *
 * Kept out of `platform.ts` and pure, so an app that imports no platform using it does not bundle it.
 */
import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";
import { describeValue, isPlainObject } from "./json";

/**
 * One header rule: why a value is wrong, as `[rule, message]`, or `undefined` when it is fine. The message
 * should quote the value with `quoteExcerpt`, so a long or odd value never floods an error.
 */
export type HeaderRule = (value: string) => readonly [rule: string, message: string] | undefined;

/** The headers a platform knows, by canonical spelling, each with its rule (`null`: any string). */
export type HeaderRules = Readonly<Record<string, HeaderRule | null>>;

/** A platform's header table, built once by {@link defineHeaderRules}. */
export interface PlatformHeaderSpec {
  /** The rules, by canonical name. */
  readonly rules: HeaderRules;
  /** Lowercase name to canonical name. */
  readonly canonical: ReadonlyMap<string, string>;
}

/** A header value and where it came from, for messages: `headers.apns-priority` or `options.priority`. */
export interface HeaderSetting {
  readonly value: string;
  readonly field: string;
}

/**
 * The caller's header options, being resolved: the known headers read from `options.headers`, to which the
 * platform adds the ones its typed options set, before {@link PlatformHeaderResolver.check} checks them all.
 */
export interface PlatformHeaderResolver {
  /**
   * Sets a known header from a typed option. Giving the same value as `options.headers` is fine; another value
   * is refused.
   *
   * @throws {ValidationError} at `field` with rule `type` for a value that is not a string, or `conflict`.
   */
  set(name: string, value: unknown, field: string): void;
  /** The setting of a known header (canonical name), or `undefined`. */
  get(name: string): HeaderSetting | undefined;
  /**
   * Runs each known header's rule and returns what to send.
   *
   * @throws {ValidationError} at the setting's field, with the rule's own rule name.
   */
  check(): ResolvedPlatformHeaders;
}

/** The outcome of {@link PlatformHeaderResolver.check}. */
export interface ResolvedPlatformHeaders {
  /** The known headers, by canonical name, in the order they were first given; every one passed its rule. */
  readonly settings: ReadonlyMap<string, HeaderSetting>;
  /** The headers the platform does not know, as given; `createNotification` checks their names and values. */
  readonly passthrough: Readonly<Record<string, string>>;
}

/**
 * The `headers` of a platform's options, for platforms with no header rules of their own: `createNotification`
 * checks them. `undefined` options mean none.
 *
 * @throws {ValidationError} field `options`, rule `type`, for options that are not an object.
 */
export function optionHeaders(options: unknown): Readonly<Record<string, string>> | undefined {
  if (options === undefined) return undefined;
  assertOptionsObject(options);
  return (options as { headers?: Readonly<Record<string, string>> }).headers;
}

function assertOptionsObject(options: unknown): asserts options is object {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError("options", "type", `options must be an object, not ${describeValue(options)}`);
  }
}

/**
 * Builds a platform's header table once, at module load, so each notification only looks names up.
 *
 * @example
 * const SPEC = defineHeaderRules({
 *   "X-Acme-Priority": (v) => (/^[1-4]$/.test(v) ? undefined : ["enum", `${quoteExcerpt(v)} is not 1 to 4`]),
 *   "X-Acme-Tag": null,
 * });
 */
export function defineHeaderRules(rules: HeaderRules): PlatformHeaderSpec {
  return Object.freeze({
    rules,
    canonical: new Map(Object.keys(rules).map((name) => [name.toLowerCase(), name])),
  });
}

/**
 * Starts resolving one notification's headers: checks that `options` and `options.headers` are objects and reads
 * the headers, matching known names case-insensitively. Headers left `undefined` are absent (the text
 * "undefined" is never sent).
 *
 * @param options the platform's options object as the caller gave it, or `undefined`
 * @throws {ValidationError} field `options` or `headers` with rule `type`; `headers.<name>` with rule `type` for a
 * known header that is not a string, or `duplicate` when two spellings name one header.
 */
export function resolvePlatformHeaders(spec: PlatformHeaderSpec, options: unknown): PlatformHeaderResolver {
  assertOptionsObject(options);
  const settings = new Map<string, HeaderSetting>();
  const passthrough: Record<string, string> = {};
  const given: unknown = (options as { headers?: unknown }).headers;
  if (given !== undefined) {
    if (!isPlainObject(given)) {
      throw new ValidationError("headers", "type", `headers must be an object, not ${describeValue(given)}`);
    }
    for (const name of Object.keys(given)) {
      const value = given[name];
      if (value === undefined) continue;
      const canonical = spec.canonical.get(name.toLowerCase());
      if (canonical === undefined) {
        passthrough[name] = value as string;
        continue;
      }
      const field = `headers.${name}`;
      if (typeof value !== "string") {
        throw new ValidationError(field, "type", `header values are strings, not ${describeValue(value)}`);
      }
      const prior = settings.get(canonical);
      if (prior) {
        throw new ValidationError(
          field,
          "duplicate",
          `${prior.field} and ${field} name the same header; give it once`,
        );
      }
      settings.set(canonical, { value, field });
    }
  }
  return {
    set(name, value, field) {
      if (typeof value !== "string") {
        throw new ValidationError(field, "type", `expected a string, not ${describeValue(value)}`);
      }
      const prior = settings.get(name);
      if (prior === undefined) settings.set(name, { value, field });
      else if (prior.value !== value) {
        throw new ValidationError(
          field,
          "conflict",
          `${field} gives ${quoteExcerpt(value)} but ${prior.field} gives ${quoteExcerpt(prior.value)}; give one`,
        );
      }
    },
    get: (name) => settings.get(name),
    check() {
      for (const [name, { value, field }] of settings) {
        const problem = spec.rules[name]?.(value);
        if (problem) throw new ValidationError(field, problem[0], problem[1]);
      }
      return { settings, passthrough };
    },
  };
}
