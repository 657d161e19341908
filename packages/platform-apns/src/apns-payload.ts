/**
 * The APNs payload after Apple's schema ("Generating a remote notification", "Starting and updating Live
 * Activities with ActivityKit push notifications"), its runtime checks and small builders.
 */
import {
  assertJsonValue,
  describeValue,
  isPlainObject,
  type JsonObject,
  type JsonValue,
  ValidationError,
} from "@nhub/core";

/** The dictionary form of `aps.alert`. */
export type ApnsAlert = {
  /** Short title shown above the body. */
  readonly title?: string;
  /** Secondary line under the title. */
  readonly subtitle?: string;
  /** The message text. */
  readonly body?: string;
  /** Launch image file name in the app bundle. */
  readonly "launch-image"?: string;
  /** Key of a localised title in the app's `Localizable.strings`. */
  readonly "title-loc-key"?: string;
  /** Values for the `%@` placeholders of `title-loc-key`. */
  readonly "title-loc-args"?: readonly string[];
  /** Key of a localised subtitle. */
  readonly "subtitle-loc-key"?: string;
  /** Values for the placeholders of `subtitle-loc-key`. */
  readonly "subtitle-loc-args"?: readonly string[];
  /** Key of a localised body. */
  readonly "loc-key"?: string;
  /** Values for the placeholders of `loc-key`. */
  readonly "loc-args"?: readonly string[];
};

/** The dictionary form of `aps.sound`, for critical alerts. */
export type ApnsSound = {
  /** `1` marks a critical alert (needs Apple's entitlement). */
  readonly critical?: 0 | 1;
  /** Sound file name in the app bundle, or `"default"`. */
  readonly name: string;
  /** Volume of a critical alert, 0 to 1. */
  readonly volume?: number;
};

/** How urgently the system presents a notification. */
export type ApnsInterruptionLevel = "passive" | "active" | "time-sensitive" | "critical";

/** What a Live Activity push does to the activity. */
export type ApnsLiveActivityEvent = "start" | "update" | "end";

/** The `aps` dictionary: the keys Apple reads. Times are Unix seconds. */
export type Aps = {
  /** Text, or a dictionary with title, subtitle, body and localisation keys. */
  readonly alert?: string | ApnsAlert;
  /** Number on the app icon; `0` clears it. */
  readonly badge?: number;
  /** Sound file name (`"default"` for the system sound), or a critical-alert sound dictionary. */
  readonly sound?: string | ApnsSound;
  /** Groups notifications in Notification Center. */
  readonly "thread-id"?: string;
  /** Notification category, for actionable notifications. */
  readonly category?: string;
  /** `1` makes a background (silent) update; Apple allows no other value. */
  readonly "content-available"?: 1;
  /** `1` lets a notification service extension edit the content. */
  readonly "mutable-content"?: 1;
  /** Identifier of the window brought forward. */
  readonly "target-content-id"?: string;
  /** Interruption level (iOS 15). */
  readonly "interruption-level"?: ApnsInterruptionLevel;
  /** Ranking in the notification summary, 0 to 1 (any number for Live Activities). */
  readonly "relevance-score"?: number;
  /** Focus filter criteria. */
  readonly "filter-criteria"?: string;
  /** Live Activity: when the content becomes stale (Unix seconds). */
  readonly "stale-date"?: number;
  /** Live Activity: the new `ContentState`, shaped as the app's Swift type. */
  readonly "content-state"?: JsonObject;
  /** Live Activity: when this update was made (Unix seconds); APNs drops older ones. */
  readonly timestamp?: number;
  /** Live Activity: start, update or end. */
  readonly event?: ApnsLiveActivityEvent;
  /** Live Activity: when an ended activity leaves the Lock Screen (Unix seconds). */
  readonly "dismissal-date"?: number;
  /** Live Activity start: the Swift `ActivityAttributes` type name. */
  readonly "attributes-type"?: string;
  /** Live Activity start: the static attributes. */
  readonly attributes?: JsonObject;
};

/**
 * A whole APNs payload: the `aps` dictionary plus any custom keys beside it, which the app reads from
 * `userInfo`. Custom values are JSON values.
 *
 * @example
 * const payload: ApnsPayload = { aps: { alert: { title: "Game", body: "Kick-off!" }, badge: 1 }, gameId: "g42" };
 */
export type ApnsPayload = { readonly aps: Aps; readonly [key: string]: JsonValue | undefined };

// Unix seconds stay below this until the year 5138; a larger "seconds" value is almost surely Date.now() in ms.
const MAX_UNIX_SECONDS = 1e11;

const NO_APS_MESSAGE =
  'the payload has no "aps" dictionary, so APNs would show nothing: put Apple\'s keys in "aps" ' +
  '(e.g. { aps: { alert: "Hello!" } }) and custom keys beside it';

/**
 * Throws a {@link ValidationError} unless `ok`, saying what was wanted and what `value` is instead:
 * `"badge" is a whole number >= 0 (0 clears it), not the string "1"`.
 */
export function expectValue(
  ok: unknown,
  value: unknown,
  field: string,
  rule: string,
  want: string,
): asserts ok {
  if (!ok) throw new ValidationError(field, rule, `${want}, not ${describeValue(value)}`);
}

/**
 * Checks one value that is present, found at `key` in the dictionary at `parent`. Its dotted path, `parent.key`, is
 * joined only for an error or a dictionary's own keys: a valid payload builds no string per key.
 */
type Rule = (value: unknown, parent: string, key: string | number) => void;

const rule =
  (name: string, ok: (value: unknown) => boolean, want: string): Rule =>
  (value, parent, key) => {
    if (!ok(value)) expectValue(false, value, `${parent}.${key}`, name, want);
  };

const isString = (value: unknown): boolean => typeof value === "string";
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
const STRING = rule("type", isString, "expected a string");
const oneOf = (allowed: readonly unknown[]): Rule =>
  rule("enum", (v) => allowed.includes(v), `expected one of ${allowed.map((v) => `"${v}"`).join(", ")}`);
const valueOne = (key: string): Rule => rule("value-one", (v) => v === 1, `"${key}" must be 1 or left out`);
const dictionary = (key: string): Rule => rule("type", isPlainObject, `"${key}" is a dictionary`);
const stringOr =
  (dictionaryRule: Rule): Rule =>
  (value, parent, key) => {
    if (typeof value !== "string") dictionaryRule(value, parent, key);
  };
/**
 * Runs the rule of every key present in `record`, in the record's order. A payload holds a few of the many keys
 * Apple defines, so walking the payload's keys is cheaper than probing for every defined one.
 */
const keys = (rules: Readonly<Record<string, Rule>>): ((record: object, field: string) => void) => {
  const byName = new Map(Object.entries(rules));
  return (record, field) => {
    for (const name in record as Record<string, unknown>) {
      const check = byName.get(name);
      const value = (record as Record<string, unknown>)[name];
      if (check !== undefined && value !== undefined) check(value, field, name);
    }
  };
};
const dictionaryOf = (want: string, rules: Readonly<Record<string, Rule>>): Rule => {
  const checkKeys = keys(rules);
  return (value, parent, key) => {
    const field = `${parent}.${key}`;
    expectValue(isPlainObject(value), value, field, "type", want);
    checkKeys(value, field);
  };
};

const STRING_ARRAY: Rule = (value, parent, key) => {
  const field = `${parent}.${key}`;
  expectValue(Array.isArray(value), value, field, "type", "expected an array of strings");
  for (let i = 0; i < value.length; i++) STRING(value[i], field, i);
};

const UNIX_SECONDS: Rule = (value, parent, key) => {
  const field = `${parent}.${key}`;
  expectValue(isCount(value), value, field, "unix-seconds", "expected Unix seconds (a whole number >= 0)");
  if ((value as number) >= MAX_UNIX_SECONDS) {
    throw new ValidationError(
      field,
      "unix-seconds",
      `${value} looks like milliseconds; APNs wants seconds (Math.floor(Date.now() / 1000))`,
    );
  }
};

const SOUND_KEYS = keys({
  critical: rule("enum", (v) => v === 0 || v === 1, '"critical" is 0 or 1'),
  volume: rule("range", (v) => typeof v === "number" && v >= 0 && v <= 1, '"volume" is a number from 0 to 1'),
});

const SOUND: Rule = (value, parent, key) => {
  const field = `${parent}.${key}`;
  expectValue(isPlainObject(value), value, field, "type", '"sound" is a file name or a dictionary');
  if (typeof value.name !== "string") {
    throw new ValidationError(
      `${field}.name`,
      "required",
      'a sound dictionary needs "name" (a file name or "default")',
    );
  }
  SOUND_KEYS(value, field);
};

// Apple's keys and their documented types.
const APS: Rule = dictionaryOf('"aps" must be a dictionary', {
  alert: stringOr(
    dictionaryOf('"alert" is a string or a dictionary', {
      title: STRING,
      subtitle: STRING,
      body: STRING,
      "launch-image": STRING,
      "title-loc-key": STRING,
      "subtitle-loc-key": STRING,
      "loc-key": STRING,
      "title-loc-args": STRING_ARRAY,
      "subtitle-loc-args": STRING_ARRAY,
      "loc-args": STRING_ARRAY,
    }),
  ),
  badge: rule("non-negative-integer", isCount, '"badge" is a whole number >= 0 (0 clears it)'),
  sound: stringOr(SOUND),
  "thread-id": STRING,
  category: STRING,
  "target-content-id": STRING,
  "filter-criteria": STRING,
  "attributes-type": STRING,
  "content-available": valueOne("content-available"),
  "mutable-content": valueOne("mutable-content"),
  "interruption-level": oneOf(["passive", "active", "time-sensitive", "critical"]),
  event: oneOf(["start", "update", "end"]),
  "relevance-score": rule("type", (v) => typeof v === "number", '"relevance-score" is a number'),
  "stale-date": UNIX_SECONDS,
  timestamp: UNIX_SECONDS,
  "dismissal-date": UNIX_SECONDS,
  "content-state": dictionary("content-state"),
  attributes: dictionary("attributes"),
});

/**
 * Checks a payload against Apple's schema before it is sent: an `aps` dictionary is required and every key
 * Apple defines must have its documented type. Keys Apple adds later pass through unchecked, and custom keys
 * only need to be JSON values.
 *
 * @throws {ValidationError} naming the field, e.g. `payload.aps.badge` with rule `non-negative-integer`.
 */
export function assertApnsPayload(payload: unknown, field = "payload"): asserts payload is ApnsPayload {
  expectValue(isPlainObject(payload), payload, field, "type", 'an APNs payload is a JSON object with "aps"');
  if (payload.aps === undefined) throw new ValidationError(`${field}.aps`, "required", NO_APS_MESSAGE);
  APS(payload.aps, field, "aps");
  // Last, so Apple's rule for a key (badge is a whole number) is reported before the generic JSON one.
  assertJsonValue(payload, field);
}

/**
 * Checks what a Live Activity push needs beyond the schema: `event` and `timestamp` always, `content-state`
 * for start and update, and `attributes-type` plus `attributes` for start.
 *
 * @throws {ValidationError} with rule `live-activity`.
 */
export function assertLiveActivityAps(aps: Aps, field = "payload.aps"): void {
  const need = (key: keyof Aps, why: string) => {
    if (aps[key] === undefined) {
      throw new ValidationError(
        `${field}.${key}`,
        "live-activity",
        `a Live Activity push needs "${key}" ${why}`,
      );
    }
  };
  need("event", '("start", "update" or "end")');
  need("timestamp", "(Unix seconds of the update; APNs ignores pushes older than the last one)");
  if (aps.event === "start" || aps.event === "update") need("content-state", `for event "${aps.event}"`);
  if (aps.event === "start") {
    need("attributes-type", 'for event "start" (the Swift ActivityAttributes type name)');
    need("attributes", 'for event "start"');
  }
}

/**
 * Builds a payload from an `aps` dictionary and custom keys, copying both so later changes to the inputs do not
 * leak into the payload.
 *
 * @throws {ValidationError} when `custom` has its own `aps` key.
 */
export function apnsPayload(aps: Aps, custom: JsonObject = {}): ApnsPayload {
  if (Object.hasOwn(custom, "aps")) {
    throw new ValidationError(
      "custom.aps",
      "reserved-key",
      '"aps" is Apple\'s dictionary; pass it as the first argument',
    );
  }
  return { ...custom, aps: { ...aps } };
}

/**
 * Builds a background (silent) update: `aps` holds only `"content-available": 1` and the data travels in custom
 * keys. {@link createAppleNotification} sends it with push type `background` and priority 5.
 */
export function apnsBackgroundPayload(custom: JsonObject = {}): ApnsPayload {
  return apnsPayload({ "content-available": 1 }, custom);
}

/** The `aps` of a Live Activity update or end; `timestamp` defaults to now. */
export type ApnsLiveActivityChange = Omit<Aps, "event" | "timestamp" | "content-state"> & {
  readonly event: "update" | "end";
  readonly "content-state"?: JsonObject;
  readonly timestamp?: number;
};

/** The `aps` of a push that starts a Live Activity; `timestamp` defaults to now. */
export type ApnsLiveActivityStart = Omit<
  Aps,
  "event" | "timestamp" | "content-state" | "attributes-type" | "attributes"
> & {
  readonly event: "start";
  readonly "content-state": JsonObject;
  readonly "attributes-type": string;
  readonly attributes: JsonObject;
  readonly timestamp?: number;
};

/**
 * Builds a Live Activity payload, filling `timestamp` with the current Unix time when it is left out.
 * {@link createAppleNotification} infers push type `liveactivity` from it; the hub's APNs topic must then be
 * `<bundle id>.push-type.liveactivity`.
 *
 * @throws {ValidationError} when a key the event needs is missing (see {@link assertLiveActivityAps}).
 */
export function apnsLiveActivityPayload(
  aps: ApnsLiveActivityChange | ApnsLiveActivityStart,
  custom: JsonObject = {},
): ApnsPayload {
  const payload = apnsPayload({ ...aps, timestamp: aps.timestamp ?? Math.floor(Date.now() / 1000) }, custom);
  assertLiveActivityAps(payload.aps);
  return payload;
}
