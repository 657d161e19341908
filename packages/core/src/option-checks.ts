/**
 * The checks every option of a hub, a transport, a retry policy or a call goes through, so a bad value is a
 * {@link ValidationError} naming the option where it was given, never a `RangeError` from a timer, an undici
 * `InvalidArgumentError` or a retried connection error at the first send.
 */
import { ValidationError } from "./errors";

/**
 * The longest delay a JavaScript timer takes, 2^31-1 ms (about 24.8 days). A longer one fires after 1 ms with a
 * `TimeoutOverflowWarning`, so every delay or timeout option is refused above it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Returns `value` when it is `undefined` or a whole number from `min` to `max`.
 *
 * @throws {ValidationError} with `field` and a rule: `type` (not a number), `positive` / `non-negative` / `min`
 * (below `min` when it is 1, 0 or more), `max` (above `max`, `Infinity` included) or `integer` (a fraction, NaN).
 */
export function checkInteger(
  value: unknown,
  field: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  unit = "",
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number") {
    throw new ValidationError(field, "type", `${field} must be a number, got ${typeName(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const rule =
      value < min
        ? min === 1
          ? "positive"
          : min === 0
            ? "non-negative"
            : "min"
        : value > max
          ? "max"
          : "integer";
    const upTo = max === Number.MAX_SAFE_INTEGER ? " or more" : ` to ${max}`;
    throw new ValidationError(
      field,
      rule,
      `${field} must be a whole number${unit} from ${min}${upTo}, got ${value}`,
    );
  }
  return value;
}

/**
 * A delay or timeout in milliseconds: a whole number from `min` (0, or 1 for a timeout) to {@link MAX_TIMER_MS}.
 *
 * @throws {ValidationError} with `field` and rule `type` or `range`.
 */
export function checkMs(value: unknown, field: string, min = 0): number | undefined {
  return checkInteger(value, field, min, MAX_TIMER_MS, " of milliseconds");
}

/**
 * Returns `value` when it is `undefined` or a boolean.
 *
 * @throws {ValidationError} with `field` and rule `type`.
 */
export function checkBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new ValidationError(field, "type", `${field} must be true or false, got ${typeName(value)}`);
}

/**
 * Returns `value` when it is `undefined` or a function.
 *
 * @throws {ValidationError} with `field` and rule `type`.
 */
export function checkFunction<T>(value: T, field: string): T {
  if (value === undefined || typeof value === "function") return value;
  throw new ValidationError(field, "type", `${field} must be a function, got ${typeName(value)}`);
}

/**
 * Returns `value` when it is `undefined` or an `AbortSignal` (or anything shaped like one, from another realm).
 *
 * @throws {ValidationError} with `field` and rule `type`.
 */
export function checkSignal(value: unknown, field = "signal"): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const s = value as Partial<AbortSignal> | null;
  if (
    s !== null &&
    typeof s === "object" &&
    typeof s.aborted === "boolean" &&
    typeof s.addEventListener === "function" &&
    typeof s.removeEventListener === "function"
  ) {
    return value as AbortSignal;
  }
  throw new ValidationError(field, "type", `${field} must be an AbortSignal, got ${typeName(value)}`);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}
