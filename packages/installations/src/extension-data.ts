/**
 * Fields the service sends that nhub does not model. They are kept aside when an installation is read and written
 * back unchanged when it is put, so a read-modify-write never erases what a newer service (or a field nhub does not
 * know yet) stored.
 */
import { describeValue, isPlainObject, ValidationError } from "@nhub/core";

/** A JSON value, as `JSON.parse` gives it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * The fields of a JSON object that nhub does not model, by name, exactly as the service sent them. Filled in by
 * the read operations; a write sends them back after the known fields.
 */
export type ExtensionData = Readonly<Record<string, JsonValue>>;

// Bounds a caller's (or a hostile answer's) nesting, so the copy below cannot exhaust the stack.
const MAX_DEPTH = 64;

function copyJson(value: unknown, field: string, depth: number): JsonValue {
  if (depth > MAX_DEPTH) {
    throw new ValidationError(field, "depth", `${field} is nested more than ${MAX_DEPTH} levels deep`);
  }
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ValidationError(field, "json", `${field} is not a finite number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => copyJson(v, `${field}.${i}`, depth + 1));
  if (isPlainObject(value)) {
    // fromEntries defines own properties, so a key such as "__proto__" stays a key.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, copyJson(v, `${field}.${k}`, depth + 1)]),
    );
  }
  throw new ValidationError(field, "json", `${field} must be a JSON value, not ${describeValue(value)}`);
}

/**
 * Checks extension data before it is sent and returns a copy: a record of JSON values whose names are none of the
 * `known` fields (those go through their own checks and cannot be smuggled past them), except the `records`
 * ones: a known record field (such as `templates`) may appear to carry entries the reader could not model.
 */
export function checkExtensionData(
  value: unknown,
  field: string,
  known: ReadonlySet<string>,
  records: ReadonlySet<string> = new Set(),
): Record<string, JsonValue> {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, "type", `${field} must be an object of JSON values`);
  }
  const out: [string, JsonValue][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (known.has(key) && !(records.has(key) && isPlainObject(v))) {
      throw new ValidationError(
        `${field}.${key}`,
        "known-field",
        `"${key}" is a field nhub models; set it directly, not in ${field}`,
      );
    }
    out.push([key, copyJson(v, `${field}.${key}`, 1)]);
  }
  return Object.fromEntries(out);
}

/**
 * The fields of a parsed JSON object whose names are not in `known`, or `undefined` when there are none. Values
 * are kept as parsed.
 */
export function readExtensionData(
  value: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
): ExtensionData | undefined {
  const extra = Object.entries(value).filter(([key]) => !known.has(key));
  return extra.length === 0 ? undefined : (Object.fromEntries(extra) as ExtensionData);
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Adds checked extension data to an object that is about to be sent, after its known fields. Entries of a
 * `records` field join that record where it has no entry of the same name (the checked, known ones win).
 */
export function appendExtensionData(
  target: Record<string, unknown>,
  value: unknown,
  field: string,
  known: ReadonlySet<string>,
  records: ReadonlySet<string> = new Set(),
): void {
  if (value === undefined) return;
  for (const [key, v] of Object.entries(checkExtensionData(value, field, known, records))) {
    if (!records.has(key)) {
      define(target, key, v);
      continue;
    }
    const record = isPlainObject(target[key]) ? (target[key] as Record<string, unknown>) : {};
    for (const [name, entry] of Object.entries(v as Record<string, JsonValue>)) {
      if (!Object.hasOwn(record, name)) define(record, name, entry);
    }
    define(target, key, record);
  }
}
