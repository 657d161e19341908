/**
 * The one rule for a caller's value that becomes a URL path segment (an installation, registration, job or
 * notification id, a tag to list by, each segment of a hub name), and the check of `hub.request`'s path.
 * HTTP stacks and URL parsers (WHATWG `URL`, the fetch transport, proxies, the service's front end) resolve
 * `.` and `..` and split on `/` or `\`, so such a value would address another resource: `..` as an installation
 * id turns `DELETE /hub/installations/..` into `DELETE /hub/`.
 */
import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";

/** Options of {@link assertPathSegment} and {@link encodePathSegment}. */
export interface PathSegmentOptions {
  /**
   * Let `#` through; it is sent percent-encoded (`%23`). Only for values whose own grammar has `#`: tags and
   * installation or user ids. Default `false`.
   */
  readonly allowHash?: boolean;
}

// Whitespace, C0, DEL and C1 controls, the separators "/" "\" "?" and "%", and unpaired surrogates (which
// encodeURIComponent cannot encode). "#" is checked on its own because two grammars allow it.
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  /[\s\u0000-\u001f\u007f-\u009f/\\?%]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The refused characters, as the messages list them. */
const REFUSED = 'whitespace, control characters, unpaired surrogates, "/", "\\", "?", "%"';

/**
 * The reason `value` cannot be one URL path segment, or `undefined` when it can: it must be a non-empty string,
 * not `.` or `..`, without whitespace, control characters (C0, DEL, C1), unpaired surrogates, `/`, `\`, `?`, `%`,
 * and without `#` unless `options.allowHash`.
 */
export function pathSegmentProblem(
  value: unknown,
  options?: PathSegmentOptions,
): { rule: string; message: string } | undefined {
  if (typeof value !== "string") return { rule: "type", message: "must be a string" };
  if (value === "") return { rule: "required", message: "cannot be empty" };
  if (value === "." || value === "..") {
    return {
      rule: "characters",
      message: `"${value}" is a dot segment: a URL path reads "." and ".." as this folder and the parent folder`,
    };
  }
  if (FORBIDDEN.test(value) || (options?.allowHash !== true && value.includes("#"))) {
    return {
      rule: "characters",
      message: `${quoteExcerpt(value)} cannot be one URL path segment: it may not hold ${REFUSED}${options?.allowHash === true ? "" : ' or "#"'}`,
    };
  }
  return undefined;
}

/**
 * Checks a value that goes into a URL path as exactly one segment (the rule every id of nhub follows; see
 * {@link pathSegmentProblem}). Length and alphabet limits of each kind of id are checked by its own function.
 *
 * @throws {ValidationError} naming `field`, with rule `type`, `required` or `characters`.
 */
export function assertPathSegment(
  value: unknown,
  field: string,
  options?: PathSegmentOptions,
): asserts value is string {
  const problem = pathSegmentProblem(value, options);
  if (problem !== undefined) throw new ValidationError(field, problem.rule, problem.message);
}

/**
 * Checks `value` with {@link assertPathSegment} and percent-encodes it: the result is one path segment that
 * decodes back to `value`.
 *
 * @throws {ValidationError} naming `field` when the value cannot be one path segment.
 */
export function encodePathSegment(value: string, field: string, options?: PathSegmentOptions): string {
  assertPathSegment(value, field, options);
  return encodeURIComponent(value);
}

// What RFC 3986 lets a path segment hold raw (pchar): unreserved, sub-delims, ":", "@", and %XX escapes.
const RAW_SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

/**
 * Checks the path of a `hub.request` (below the hub, starting with `/`): every segment is written with the
 * characters a path may hold raw or as `%XX` escapes, and once decoded satisfies {@link assertPathSegment}
 * (`#` allowed, as `%23`). So no `.` or `..` segment (`%2e` included), no empty segment, and no `?`, `#`, `\`
 * or control character in the path; the query goes in the request's `query` option. One trailing `/` is
 * allowed, as the service spells some collections (`messages/`).
 *
 * @throws {ValidationError} naming `field` (default `path`), with rule `absolute`, `empty-segment`,
 * `characters` or `encoding`.
 */
export function assertRequestPath(path: unknown, field = "path"): asserts path is string {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new ValidationError(field, "absolute", "a hub request path must start with /");
  }
  const segments = path.slice(1).split("/");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  for (const raw of segments) {
    if (raw === "") {
      throw new ValidationError(
        field,
        "empty-segment",
        `${quoteExcerpt(path)} has an empty segment ("//" or a lone "/"): name a resource below the hub`,
      );
    }
    if (!RAW_SEGMENT.test(raw)) {
      throw new ValidationError(
        field,
        "characters",
        `${quoteExcerpt(raw)} in the path holds a character a path cannot carry raw: percent-encode each value with encodePathSegment, and pass the query as the query option`,
      );
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new ValidationError(
        field,
        "encoding",
        `${quoteExcerpt(raw)} in the path is not valid percent-encoded UTF-8`,
      );
    }
    const problem = pathSegmentProblem(decoded, { allowHash: true });
    if (problem !== undefined) {
      throw new ValidationError(
        field,
        problem.rule,
        `the path segment ${quoteExcerpt(raw)}: ${problem.message}`,
      );
    }
  }
}
