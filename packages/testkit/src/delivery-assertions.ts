/**
 * Assertions on what reached devices, for tests of code that sends notifications through an in-process
 * emulator (`@nhub/emulator`). They read anything with a `deliveries()` method (an emulator hub, a test hub)
 * and need no test framework: the plain functions throw an `Error`, and {@link deliveryMatchers} plugs into
 * `expect.extend` of vitest or jest.
 */

/** One notification as it reached one device: the emulator's `Delivery`, structurally. */
export interface DeliveryRecord {
  readonly notificationId: string;
  /** The receiving installation; empty for a registration or an unknown direct-send handle. */
  readonly installationId: string;
  readonly registrationId?: string;
  /** The device's platform as installations name it, e.g. `apns`, `fcmv1`. */
  readonly platform: string;
  readonly pushChannel: string;
  /** The `ServiceBusNotification-Format` of the send, e.g. `apple`, `template`. */
  readonly format: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body the device got: the sent body, or its rendered template. */
  readonly body: string;
  readonly templateName?: string;
}

/** Where deliveries are read from: an emulator hub (`emulator.hub()`) or a test hub. */
export interface DeliverySource {
  deliveries(): readonly DeliveryRecord[];
}

/** What a delivery must look like; every given member must match, the others are not looked at. */
export interface DeliveryMatch {
  readonly installationId?: string;
  readonly registrationId?: string;
  readonly platform?: string;
  readonly pushChannel?: string;
  readonly format?: string;
  readonly templateName?: string;
  readonly notificationId?: string;
  /** The exact body, or a pattern it must match. */
  readonly body?: string | RegExp;
  /**
   * The body parsed as JSON must contain this: objects match when every member given matches (more members are
   * fine), arrays and other values must be equal.
   */
  readonly json?: unknown;
  /** Headers the delivery must carry with these values; names match in any letter case. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The deliveries that match, oldest first.
 *
 * @example
 * deliveriesMatching(emulator.hub(), { installationId: "ios-1", json: { aps: { alert: "Hi" } } });
 */
export function deliveriesMatching(source: DeliverySource, match: DeliveryMatch): DeliveryRecord[] {
  return readDeliveries(source).filter((d) => matchesDelivery(d, match));
}

/** Whether one delivery matches; see {@link DeliveryMatch}. */
export function matchesDelivery(delivery: DeliveryRecord, match: DeliveryMatch): boolean {
  for (const key of FIELDS) {
    if (match[key] !== undefined && delivery[key] !== match[key]) return false;
  }
  if (match.body !== undefined) {
    if (typeof match.body === "string" ? delivery.body !== match.body : !match.body.test(delivery.body))
      return false;
  }
  if (match.headers !== undefined) {
    const actual = new Map(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v]));
    for (const [name, value] of Object.entries(match.headers)) {
      if (actual.get(name.toLowerCase()) !== value) return false;
    }
  }
  if (match.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(delivery.body);
    } catch {
      return false;
    }
    if (!containsJson(parsed, match.json)) return false;
  }
  return true;
}

/**
 * Throws unless some delivery matches (exactly `times` of them, when given), and returns the matches.
 *
 * @throws {Error} describing the match and listing the deliveries there were
 */
export function assertDelivered(
  source: DeliverySource,
  match: DeliveryMatch,
  times?: number,
): DeliveryRecord[] {
  const found = deliveriesMatching(source, match);
  const ok = times === undefined ? found.length > 0 : found.length === times;
  if (!ok) throw new Error(deliveredMessage(source, match, times, found.length, false));
  return found;
}

/**
 * Throws if any delivery matches.
 *
 * @throws {Error} listing the matching deliveries
 */
export function assertNotDelivered(source: DeliverySource, match: DeliveryMatch): void {
  const found = deliveriesMatching(source, match);
  if (found.length > 0) throw new Error(deliveredMessage(source, match, undefined, found.length, true));
}

/** What `expect.extend(deliveryMatchers)` adds to `expect(...)`; extend your runner's assertion type with it. */
export interface DeliveryMatchers<R = unknown> {
  /** Passes when a delivery matches (exactly `times`, when given). */
  toHaveDelivered(match: DeliveryMatch, times?: number): R;
}

/** The result a custom matcher of vitest or jest returns. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/**
 * Custom matchers for `expect.extend` in vitest or jest; `expect(source).toHaveDelivered(match, times?)`.
 *
 * @example
 * import { deliveryMatchers, type DeliveryMatchers } from "@nhub/testkit";
 * expect.extend(deliveryMatchers);
 * declare module "vitest" {
 *   interface Assertion<T> extends DeliveryMatchers<T> {}
 * }
 * expect(testHub).toHaveDelivered({ installationId: "ios-1" });
 */
export const deliveryMatchers = {
  toHaveDelivered(received: unknown, match: DeliveryMatch, times?: number): MatcherResult {
    if (!isDeliverySource(received)) {
      return {
        pass: false,
        message: () =>
          `expected something with a deliveries() method (an emulator hub or a test hub), got ${typeof received}`,
      };
    }
    const count = deliveriesMatching(received, match).length;
    const pass = times === undefined ? count > 0 : count === times;
    return { pass, message: () => deliveredMessage(received, match, times, count, pass) };
  },
};

const FIELDS = [
  "installationId",
  "registrationId",
  "platform",
  "pushChannel",
  "format",
  "templateName",
  "notificationId",
] as const;

function isDeliverySource(value: unknown): value is DeliverySource {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { deliveries?: unknown }).deliveries === "function"
  );
}

function readDeliveries(source: DeliverySource): readonly DeliveryRecord[] {
  if (!isDeliverySource(source)) {
    throw new TypeError("expected something with a deliveries() method (an emulator hub or a test hub)");
  }
  return source.deliveries();
}

function containsJson(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => containsJson(actual[i], item))
    );
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(([k, v]) => Object.hasOwn(record, k) && containsJson(record[k], v));
  }
  return Object.is(actual, expected);
}

function deliveredMessage(
  source: DeliverySource,
  match: DeliveryMatch,
  times: number | undefined,
  count: number,
  negated: boolean,
): string {
  const wanted = negated ? "no delivery" : times === undefined ? "a delivery" : `exactly ${times} deliveries`;
  const all = source.deliveries();
  const list =
    all.length === 0
      ? "  (none)"
      : all
          .slice(-20)
          .map((d) => `  - ${summary(d)}`)
          .join("\n");
  const more = all.length > 20 ? `\n  (${all.length - 20} older not shown)` : "";
  return `expected ${wanted} matching ${showMatch(match)}, found ${count}. Deliveries:\n${list}${more}`;
}

function summary(d: DeliveryRecord): string {
  const who = d.installationId || d.registrationId || d.pushChannel;
  const body = d.body.length > 120 ? `${d.body.slice(0, 120)}...` : d.body;
  return `${who} (${d.platform}, ${d.format}${d.templateName ? `, template ${d.templateName}` : ""}): ${body}`;
}

function showMatch(match: DeliveryMatch): string {
  return JSON.stringify(match, (_key, value: unknown) => (value instanceof RegExp ? String(value) : value));
}
