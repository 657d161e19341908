/**
 * The conformance suite every platform package runs: {@link testPlatform} registers it with the test runner you
 * already use, {@link platformChecks} hands back the checks to run any way you like.
 *
 * The suite speaks to a platform only through its descriptor (`definePlatform` in `@nhub/core`) and sends
 * through a real `NotificationHub` to a {@link startRecordingServer} server. It takes the contract (types, limits,
 * the descriptor rules, `ValidationError`) from `@nhub/core`, a peer dependency: a platform is checked against
 * the core it ships with, not against a copy of the contract that could drift from it.
 */
import {
  definePlatform,
  type Notification,
  NotificationHub,
  type NotificationHubOptions,
  type PlatformDefinition,
  type SendOptions,
  toTagExpression,
  ValidationError,
} from "@nhub/core";
import { type RecordedRequest, startRecordingServer } from "./recording-server";
import { sendMismatches } from "./wire-assertions";

/**
 * The versions of the platform contract this suite knows how to check: the suite's own knowledge, which can lag
 * behind a newer core's.
 */
const KNOWN_SPECIFICATION_VERSIONS: readonly number[] = [1];

/** core's `Notification`, under the name this package has always used for it. */
export type PlatformNotification = Notification;

/** Who a send reaches: core's `SendOptions["tags"]`. */
export type ConformanceTags = SendOptions["tags"];

/** The part of core's `SendOptions` the suite uses. */
export type ConformanceSendOptions = Pick<SendOptions, "tags" | "headers">;

/** What a platform's `send` function needs of a hub: core's `Pick<NotificationHub, "send">`. */
export type ConformanceSender = Pick<NotificationHub, "send">;

/** A `NotificationHub` class: core's own (the default), or one built on it. */
export type ConformanceHubConstructor = new (
  connectionString: string,
  hubName: string,
  options?: NotificationHubOptions,
) => ConformanceSender & { close(): Promise<void> };

/** A platform descriptor as `definePlatform` from `@nhub/core` returns it. */
export type PlatformUnderTest<P, O = undefined> = PlatformDefinition<P, O>;

/** A payload the platform must accept, and exactly what it must send. */
export interface ValidCase<P, O = undefined> {
  /** Names the test, e.g. `"an alert with a badge"`. */
  readonly name: string;
  readonly payload: P;
  /**
   * Options for `create`. A case with options is sent with `hub.send(create(payload, options))`; one without
   * is sent with the descriptor's `send`.
   */
  readonly options?: O;
  /** Send to these tags; default a broadcast. */
  readonly tags?: ConformanceTags;
  readonly expect: {
    /** The exact body: text, or bytes for a binary payload. */
    readonly body: string | Uint8Array;
    /** The `Content-Type`; default the descriptor's first content type. */
    readonly contentType?: string;
    /** Exactly the platform headers (names match in any letter case); default none. */
    readonly headers?: Readonly<Record<string, string>>;
  };
}

/** Input the platform must refuse, and the `ValidationError` it must refuse it with. */
export interface InvalidCase {
  readonly name: string;
  /** Anything: typed `unknown` so cases can pass what the payload type forbids, as JavaScript callers can. */
  readonly payload: unknown;
  /**
   * Options for `create`, also `unknown` so they can break the options' rules. A case with options checks
   * `create` only, as descriptors written before `send` took options still pass the suite.
   */
  readonly options?: unknown;
  /** The `ValidationError`'s `field`, e.g. `payload.aps.alert` or `headers.apns-priority`. */
  readonly field: string;
  /** The `ValidationError`'s `rule`, e.g. `type` or `max-bytes`. */
  readonly rule: string;
}

/** Payloads at the size limit, the descriptor's `maxBytes`. */
export interface SizeCases<P, O = undefined> {
  /** A payload whose body would be over `maxBytes`; it must be refused with rule `max-bytes`. */
  readonly overLimit: P;
  /** A payload whose body is exactly `maxBytes` bytes; it must be accepted and sent. */
  readonly atLimit?: P;
  /** Options for `create` with both payloads. */
  readonly options?: O;
  /** The field the size error names; default `payload`. */
  readonly field?: string;
}

/** The cases {@link testPlatform} runs: real payloads of the platform under test. */
export interface PlatformCases<P, O = undefined> {
  /** At least one, and at least one without options (it exercises `send`). */
  readonly valid: readonly ValidCase<P, O>[];
  /** At least one. */
  readonly invalid: readonly InvalidCase[];
  readonly size: SizeCases<P, O>;
  /**
   * Payloads holding what must be escaped in the body: quotes, backslashes, `<`, `&`, control characters,
   * U+2028, emoji, text that looks like a header (`"\r\nAuthorization: x"`). Checked like valid cases, and a
   * JSON body must also parse.
   */
  readonly escaping?: readonly ValidCase<P, O>[];
}

/** Options of {@link platformChecks}. */
export interface PlatformChecksOptions {
  /**
   * The hub class to send through; default `NotificationHub` from `@nhub/core` (the peer copy, which is the one
   * your platform package is built against).
   */
  readonly NotificationHub?: ConformanceHubConstructor;
}

/** A test runner's `describe` and `it`: those of vitest, jest, mocha and `node:test` all fit. */
export interface TestRunner {
  readonly describe?: (name: string, body: () => void) => unknown;
  readonly it?: (name: string, body: () => Promise<void>) => unknown;
}

/** Options of {@link testPlatform}. */
export interface TestPlatformOptions extends PlatformChecksOptions, TestRunner {}

/** One named check of the suite; `run` rejects with an `Error` listing every problem it found. */
export interface PlatformCheck {
  readonly name: string;
  run(): Promise<void>;
}

/**
 * Registers the platform conformance suite: one `describe` named `<name> platform conformance` with one `it` per
 * check of {@link platformChecks}. Call it at the top level of a test file.
 *
 * `describe` and `it` default to the global ones (jest, or vitest with `globals: true`); pass them otherwise.
 *
 * @example
 * import { NotificationHub } from "@nhub/core";
 * import { testPlatform } from "@nhub/testkit";
 * import { describe, it } from "vitest"; // or "node:test"
 * import { xiaomiPlatform } from "../src/index";
 *
 * testPlatform(xiaomiPlatform, {
 *   valid: [{ name: "a title", payload: { title: "Hi" }, expect: { body: '{"title":"Hi"}' } }],
 *   invalid: [{ name: "an array", payload: [], field: "payload", rule: "type" }],
 *   size: { overLimit: { title: "x".repeat(4096) } },
 * }, { describe, it, NotificationHub });
 * @throws {Error} at once when the cases are malformed or no `describe`/`it` is available
 */
export function testPlatform<P, O = undefined>(
  platform: PlatformUnderTest<P, O>,
  cases: PlatformCases<P, O>,
  options: TestPlatformOptions = {},
): void {
  const globals = globalThis as TestRunner;
  const describe = options.describe ?? globals.describe;
  const it = options.it ?? globals.it;
  if (typeof describe !== "function" || typeof it !== "function") {
    throw new Error(
      "testPlatform needs a test runner: pass { describe, it } (from vitest, jest or node:test), " +
        "or run the checks of platformChecks() yourself",
    );
  }
  const checks = platformChecks(platform, cases, options);
  describe(`${String(platform?.name)} platform conformance`, () => {
    for (const check of checks) it(check.name, () => check.run());
  });
}

/**
 * The conformance suite as a list of named checks, for runners {@link testPlatform} does not fit. Each check
 * starts its own recording server and hub and closes them when it ends. Together they check:
 *
 * - the descriptor: a contract version this suite knows, frozen (built with `definePlatform`), a lowercase name
 *   and format, content types, a size limit within the service's 64 KB;
 * - each valid and escaping case: `create` returns a frozen notification with the platform's format, a content
 *   type it declares, exactly the expected body and headers, no larger than `maxBytes`, and gives the same from a
 *   deep-frozen copy of the payload (so it never changes its input); sent through a real hub, the request has a
 *   valid SAS token, the format, content type, tags and `x-ms-version` headers, exactly the platform headers and
 *   the body byte for byte;
 * - `send` passes a tag expression and a set of tags through;
 * - each invalid case: `create` throws a `ValidationError` with the expected field and rule, `send` returns a
 *   promise that rejects with it (it does not throw), and no request is made;
 * - the size limit: a payload over `maxBytes` is refused with rule `max-bytes`, one of exactly `maxBytes` is sent;
 * - headers: neither `create`'s `headers` option nor a send's own headers can set `Authorization`,
 *   `Content-Type`, `x-ms-version` or `ServiceBusNotification-*`, or smuggle a header in with CR/LF.
 *
 * @throws {Error} at once when the cases are malformed
 */
export function platformChecks<P, O = undefined>(
  platform: PlatformUnderTest<P, O>,
  cases: PlatformCases<P, O>,
  options: PlatformChecksOptions = {},
): PlatformCheck[] {
  assertCases(cases);
  const Hub = options.NotificationHub ?? NotificationHub;
  if (typeof Hub !== "function") {
    throw new Error(
      "platformChecks needs a NotificationHub class (from @nhub/core) to send through a real hub",
    );
  }
  const suite = new Suite(platform, Hub);
  const base = cases.valid[0]!;
  const plain = cases.valid.find((c) => c.options === undefined)!;
  const checks: PlatformCheck[] = [
    {
      name: "descriptor: contract version, name, format, content types, size limit",
      run: async () => suite.descriptor(),
    },
  ];
  for (const c of cases.valid) checks.push({ name: `valid: ${c.name}`, run: () => suite.valid(c, false) });
  for (const c of cases.escaping ?? [])
    checks.push({ name: `escaping: ${c.name}`, run: () => suite.valid(c, true) });
  checks.push({ name: "send: passes a tag expression and a set of tags", run: () => suite.tags(plain) });
  for (const c of cases.invalid) {
    checks.push({ name: `invalid: ${c.name} (${c.field} / ${c.rule})`, run: () => suite.invalid(c) });
  }
  checks.push({
    name: `size: a body over maxBytes (${platform?.maxBytes}) is refused with max-bytes`,
    run: () => suite.overLimit(cases.size),
  });
  const { atLimit } = cases.size;
  if (atLimit !== undefined) {
    checks.push({
      name: `size: a body of exactly maxBytes (${platform?.maxBytes}) is sent`,
      run: () => suite.atLimit(atLimit, cases.size.options),
    });
  }
  checks.push(
    {
      name: "headers: create options cannot set Authorization, Content-Type or ServiceBusNotification-*",
      run: () => suite.createHeaders(base),
    },
    {
      name: "headers: a send's own headers cannot override Authorization, Content-Type or ServiceBusNotification-*",
      run: () => suite.sendHeaders(base),
    },
  );
  return checks;
}

function assertCases(cases: PlatformCases<unknown, unknown>): void {
  const fail = (message: string): never => {
    throw new Error(`testPlatform cases: ${message}`);
  };
  if (cases === null || typeof cases !== "object") fail("expected { valid, invalid, size, escaping? }");
  if (!Array.isArray(cases.valid) || cases.valid.length === 0) fail("give at least one valid case");
  if (!cases.valid.some((c) => c?.options === undefined)) {
    fail("give at least one valid case without options, so the platform's send function is tested");
  }
  if (!Array.isArray(cases.invalid) || cases.invalid.length === 0) fail("give at least one invalid case");
  if (cases.escaping !== undefined && !Array.isArray(cases.escaping)) fail("escaping is a list of cases");
  if (cases.size === null || typeof cases.size !== "object" || !("overLimit" in cases.size)) {
    fail("give size.overLimit, a payload over the platform's maxBytes");
  }
  const names = new Set<string>();
  for (const c of [...cases.valid, ...(cases.escaping ?? [])]) {
    if (typeof c?.name !== "string" || c.name === "") fail("every case needs a name");
    if (names.has(c.name)) fail(`two cases are named "${c.name}"`);
    names.add(c.name);
    const body = c.expect?.body;
    if (typeof body !== "string" && !(body instanceof Uint8Array)) fail(`"${c.name}" needs expect.body`);
  }
  for (const c of cases.invalid) {
    if (typeof c?.name !== "string" || c.name === "") fail("every case needs a name");
    if (typeof c.field !== "string" || typeof c.rule !== "string")
      fail(`"${c.name}" needs a field and a rule`);
  }
}

/** Reserved headers a caller might try, spelt as a caller would, some in odd letter case. */
const HOSTILE_HEADERS: readonly Readonly<Record<string, string>>[] = [
  { Authorization: "SharedAccessSignature sr=https%3A%2F%2Fevil&sig=x&se=9999999999&skn=evil" },
  { "content-type": "text/plain" },
  { "Content-Length": "1" },
  { "x-ms-version": "2099-01" },
  { "ServiceBusNotification-Format": "gcm" },
  { "SERVICEBUSNOTIFICATION-TAGS": "everyone" },
  { "ServiceBusNotification-DeviceHandle": "https://evil.example/push" },
  { "ServiceBusNotification-ScheduleTime": "2099-01-01T00:00:00Z" },
  { "X-Conformance": "ok\r\nAuthorization: SharedAccessSignature evil" },
];

/** Headers a send's own options try to override; core must refuse each with `reserved-header`. */
const RESERVED_SEND_HEADERS: readonly string[] = [
  "Authorization",
  "Content-Type",
  "x-ms-version",
  "ServiceBusNotification-Format",
  "ServiceBusNotification-Tags",
  "servicebusnotification-devicehandle",
];

/** The members `definePlatform` checks, each tried on its own so one run reports every broken member. */
const DESCRIPTOR_MEMBERS = [
  "specificationVersion",
  "name",
  "format",
  "contentTypes",
  "maxBytes",
  "create",
  "send",
] as const;

/** A descriptor core accepts, into which the member under test is put. */
const SOUND_DESCRIPTOR: PlatformDefinition<unknown, unknown> = {
  specificationVersion: 1,
  name: "sound",
  format: "sound",
  contentTypes: ["application/json"],
  maxBytes: 1,
  create: () => {
    throw new Error("never called");
  },
  send: async () => {
    throw new Error("never called");
  },
};

/** Collects problems, so one failing check reports everything wrong with the case at once. */
class Problems {
  readonly #lines: string[] = [];
  constructor(readonly context: string) {}

  add(line: string): void {
    this.#lines.push(line);
  }

  check(what: string, actual: unknown, wanted: unknown): void {
    if (actual !== wanted) this.add(`${what}: expected ${show(wanted)}, got ${show(actual)}`);
  }

  throwIfAny(): void {
    if (this.#lines.length > 0) throw new Error(`${this.context}:\n- ${this.#lines.join("\n- ")}`);
  }
}

class Suite<P, O> {
  constructor(
    private readonly platform: PlatformUnderTest<P, O>,
    private readonly Hub: ConformanceHubConstructor,
  ) {}

  private problems(what: string): Problems {
    return new Problems(`${String(this.platform?.name)} platform: ${what}`);
  }

  descriptor(): void {
    const p = this.platform;
    const problems = this.problems("descriptor");
    if (p === null || typeof p !== "object") {
      problems.add("the descriptor is not an object");
      problems.throwIfAny();
    }
    if (!KNOWN_SPECIFICATION_VERSIONS.includes(p.specificationVersion)) {
      problems.add(
        `specificationVersion ${show(p.specificationVersion)} is not one this @nhub/testkit checks ` +
          `(${KNOWN_SPECIFICATION_VERSIONS.join(", ")}); upgrade @nhub/testkit`,
      );
    }
    if (!Object.isFrozen(p))
      problems.add("the descriptor is not frozen: build it with definePlatform from @nhub/core");
    // core's definePlatform is the one statement of the descriptor rules; asking it about each member alone
    // keeps this suite from restating them and still reports every broken member, not just the first.
    for (const member of DESCRIPTOR_MEMBERS) {
      try {
        definePlatform({ ...SOUND_DESCRIPTOR, [member]: p[member] });
      } catch (error) {
        problems.add(`${member} ${showMember(p[member])} is refused by @nhub/core: ${describeError(error)}`);
      }
    }
    problems.throwIfAny();
  }

  async valid(c: ValidCase<P, O>, escaping: boolean): Promise<void> {
    const problems = this.problems(`${escaping ? "escaping" : "valid"} case "${c.name}"`);
    const n = this.created(problems, () => this.platform.create(c.payload, c.options));
    const contentType = c.expect.contentType ?? this.platform.contentTypes[0];
    const headers = lowercaseKeys(c.expect.headers ?? {});
    this.checkNotification(problems, n, { body: c.expect.body, contentType, headers });
    if (escaping && typeof n.body === "string" && /json/i.test(n.contentType)) {
      try {
        JSON.parse(n.body);
      } catch (error) {
        problems.add(`the body is not valid JSON: ${(error as Error).message}`);
      }
    }
    const copy = deepFrozenCopy(c.payload);
    if (copy.ok) {
      try {
        const again = this.platform.create(copy.value, c.options);
        if (!sameBody(again.body, n.body))
          problems.add("a deep-frozen copy of the payload gives another body");
        if (show(sortedHeaders(again.headers)) !== show(sortedHeaders(n.headers))) {
          problems.add("a deep-frozen copy of the payload gives other headers");
        }
      } catch (error) {
        problems.add(
          `create fails on a deep-frozen copy of the payload (does it change its input?): ${error}`,
        );
      }
    }
    await this.withHub(problems, async (hub, requests) => {
      if (c.options === undefined) await this.platform.send(hub, c.payload, c.tags);
      else await hub.send(n, { tags: c.tags });
      this.checkOneSend(problems, requests, { body: c.expect.body, contentType, headers, tags: c.tags });
    });
    problems.throwIfAny();
  }

  async tags(c: ValidCase<P, O>): Promise<void> {
    const problems = this.problems("send with tags");
    await this.withHub(problems, async (hub, requests) => {
      await this.platform.send(hub, c.payload, "conformance && !muted");
      await this.platform.send(hub, c.payload, new Set(["conformance", "beta"]));
      problems.check("requests made", requests.length, 2);
      problems.check(
        "tags of a tag expression",
        requests[0]?.headers["servicebusnotification-tags"],
        "conformance && !muted",
      );
      problems.check(
        "tags of a set",
        requests[1]?.headers["servicebusnotification-tags"],
        "conformance || beta",
      );
      for (const req of requests) problems.check("tokenValid", req.tokenValid, true);
    });
    problems.throwIfAny();
  }

  async invalid(c: InvalidCase): Promise<void> {
    const problems = this.problems(`invalid case "${c.name}"`);
    const payload = c.payload as P;
    expectValidation(problems, "create", c.field, c.rule, () =>
      this.platform.create(payload, c.options as O),
    );
    if (c.options === undefined) {
      await this.withHub(problems, async (hub, requests) => {
        await expectRejection(problems, c.field, c.rule, () => this.platform.send(hub, payload));
        problems.check("requests made", requests.length, 0);
      });
    }
    problems.throwIfAny();
  }

  async overLimit(size: SizeCases<P, O>): Promise<void> {
    const problems = this.problems("payload over maxBytes");
    const field = size.field ?? "payload";
    expectValidation(problems, "create", field, "max-bytes", () =>
      this.platform.create(size.overLimit, size.options),
    );
    if (size.options === undefined) {
      await this.withHub(problems, async (hub, requests) => {
        await expectRejection(problems, field, "max-bytes", () => this.platform.send(hub, size.overLimit));
        problems.check("requests made", requests.length, 0);
      });
    }
    problems.throwIfAny();
  }

  async atLimit(payload: P, options: O | undefined): Promise<void> {
    const problems = this.problems("payload of exactly maxBytes");
    const n = this.created(problems, () => this.platform.create(payload, options));
    problems.check("body bytes", byteLength(n.body), this.platform.maxBytes);
    problems.throwIfAny();
    await this.withHub(problems, async (hub, requests) => {
      await hub.send(n);
      problems.check("requests made", requests.length, 1);
      problems.check("bytes on the wire", requests[0]?.body.byteLength, this.platform.maxBytes);
      problems.check("tokenValid", requests[0]?.tokenValid, true);
    });
    problems.throwIfAny();
  }

  async createHeaders(c: ValidCase<P, O>): Promise<void> {
    const problems = this.problems("reserved headers in create options");
    const baseOptions: object = typeof c.options === "object" && c.options !== null ? c.options : {};
    for (const hostile of HOSTILE_HEADERS) {
      const [name] = Object.keys(hostile);
      const options = { ...baseOptions, headers: hostile } as O;
      let n: PlatformNotification;
      try {
        n = this.platform.create(c.payload, options);
      } catch (error) {
        // Refusing is right, but only as a ValidationError, before anything is sent.
        if (!isValidationError(error))
          problems.add(`${name}: create threw ${show(String(error))}, not a ValidationError`);
        continue;
      }
      // A platform whose create takes no headers may ignore them; then none may reach the notification.
      const leaked = Object.entries(n.headers ?? {}).filter(
        ([header, value]) => header.toLowerCase() === name!.toLowerCase() || /[\r\n]/.test(value),
      );
      for (const [header, value] of leaked)
        problems.add(`${name}: the notification carries ${header}: ${show(value)}`);
      if (leaked.length > 0) continue;
      await this.withHub(problems, async (hub, requests) => {
        await hub.send(n);
        const req = requests[0];
        problems.check(`${name}: tokenValid`, req?.tokenValid, true);
        problems.check(
          `${name}: format`,
          req?.headers["servicebusnotification-format"],
          this.platform.format,
        );
        problems.check(`${name}: content type`, req?.headers["content-type"], n.contentType);
        problems.check(`${name}: x-ms-version`, req?.headers["x-ms-version"], "2020-06");
        problems.check(`${name}: tags`, req?.headers["servicebusnotification-tags"], undefined);
        problems.check(
          `${name}: device handle`,
          req?.headers["servicebusnotification-devicehandle"],
          undefined,
        );
        problems.check(
          `${name}: schedule time`,
          req?.headers["servicebusnotification-scheduletime"],
          undefined,
        );
      });
    }
    problems.throwIfAny();
  }

  async sendHeaders(c: ValidCase<P, O>): Promise<void> {
    const problems = this.problems("reserved headers in send options");
    const n = this.created(problems, () => this.platform.create(c.payload, c.options));
    await this.withHub(problems, async (hub, requests) => {
      for (const name of RESERVED_SEND_HEADERS) {
        await expectRejection(problems, `headers.${name}`, "reserved-header", () =>
          hub.send(n, { headers: { [name]: "evil" } }),
        );
      }
      problems.check("requests made", requests.length, 0);
    });
    problems.throwIfAny();
  }

  /** Runs `create`, reporting anything but a notification as the problem it is. */
  private created(problems: Problems, create: () => PlatformNotification): PlatformNotification {
    try {
      const n = create();
      if (n === null || typeof n !== "object") {
        problems.add(`create returned ${show(n)}, not a notification`);
        problems.throwIfAny();
      }
      return n;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(problems.context)) throw error;
      problems.add(
        `create threw ${isValidationError(error) ? "a ValidationError" : "an error"}: ${String(error)}`,
      );
      problems.throwIfAny();
      throw error;
    }
  }

  private checkNotification(
    problems: Problems,
    n: PlatformNotification,
    expected: { body: string | Uint8Array; contentType: string | undefined; headers: Record<string, string> },
  ): void {
    problems.check("format", n.format, this.platform.format);
    problems.check("content type", n.contentType, expected.contentType);
    if (!this.platform.contentTypes.includes(n.contentType)) {
      problems.add(`content type ${show(n.contentType)} is not one the descriptor lists`);
    }
    if (!sameBody(n.body, expected.body))
      problems.add(`body: expected ${showBody(expected.body)}, got ${showBody(n.body)}`);
    if (byteLength(n.body) > this.platform.maxBytes) {
      problems.add(
        `the body is ${byteLength(n.body)} bytes, over the descriptor's maxBytes ${this.platform.maxBytes}`,
      );
    }
    const actual = lowercaseKeys(n.headers ?? {});
    if (show(sortedHeaders(actual)) !== show(sortedHeaders(expected.headers))) {
      problems.add(`headers: expected ${show(expected.headers)}, got ${show(n.headers ?? {})}`);
    }
    if (!Object.isFrozen(n) || (n.headers !== undefined && !Object.isFrozen(n.headers))) {
      problems.add("the notification is not frozen: build it with createNotification from @nhub/core");
    } else if (Reflect.set(n, "body", "tampered") || n.body === "tampered") {
      problems.add("the notification's body can be changed after creation");
    }
  }

  private checkOneSend(
    problems: Problems,
    requests: readonly RecordedRequest[],
    expected: {
      body: string | Uint8Array;
      contentType: string | undefined;
      headers: Record<string, string>;
      tags: ConformanceTags | undefined;
    },
  ): void {
    problems.check("requests made", requests.length, 1);
    const mismatches = sendMismatches(requests[0], {
      format: this.platform.format,
      body: expected.body,
      platformHeaders: expected.headers,
      tags: tagHeader(expected.tags),
      ...(expected.contentType === undefined ? {} : { contentType: expected.contentType }),
    });
    for (const line of mismatches) problems.add(`on the wire: ${line}`);
  }

  /** Starts a recording server and a hub without retries, runs `body`, and closes both whatever happens. */
  private async withHub(
    problems: Problems,
    body: (hub: ConformanceSender, requests: readonly RecordedRequest[]) => Promise<void>,
  ): Promise<void> {
    const server = await startRecordingServer();
    const hub = new this.Hub(server.connectionString, "myhub", { retry: false });
    try {
      await body(hub, server.requests);
    } catch (error) {
      // A send that fails where the suite expects it to go through is a finding too; report it with the rest.
      problems.add(`sending failed: ${describeError(error)}`);
    } finally {
      await hub.close();
      await server.close();
    }
  }
}

function isValidationError(error: unknown): error is ValidationError {
  // isInstance reads core's marker, so a ValidationError from any copy of @nhub/core counts.
  return ValidationError.isInstance(error);
}

function describeError(error: unknown): string {
  if (isValidationError(error)) return `ValidationError ${error.field} / ${error.rule}: ${error.message}`;
  return error === undefined ? "nothing" : String(error);
}

function expectValidation(
  problems: Problems,
  what: string,
  field: string,
  rule: string,
  fn: () => unknown,
): void {
  try {
    fn();
  } catch (error) {
    if (!isValidationError(error) || error.field !== field || error.rule !== rule) {
      problems.add(`${what}: expected ValidationError ${field} / ${rule}, got ${describeError(error)}`);
    }
    return;
  }
  problems.add(`${what}: expected ValidationError ${field} / ${rule}, but nothing was thrown`);
}

async function expectRejection(
  problems: Problems,
  field: string,
  rule: string,
  fn: () => Promise<unknown>,
): Promise<void> {
  let promise: Promise<unknown>;
  try {
    promise = fn();
  } catch (error) {
    problems.add(
      `send threw at once (${describeError(error)}); it must return a rejected promise: make it async`,
    );
    return;
  }
  if (typeof (promise as { then?: unknown })?.then !== "function") {
    problems.add(`send returned ${show(promise)}, not a promise`);
    return;
  }
  try {
    await promise;
  } catch (error) {
    if (!isValidationError(error) || error.field !== field || error.rule !== rule) {
      problems.add(
        `send: expected a rejection with ValidationError ${field} / ${rule}, got ${describeError(error)}`,
      );
    }
    return;
  }
  problems.add(`send: expected a rejection with ValidationError ${field} / ${rule}, but it resolved`);
}

function tagHeader(tags: ConformanceTags): string | undefined {
  // What core puts on the wire for these tags; the suite checks the platform passes them through, not core.
  return toTagExpression(tags);
}

function lowercaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function sortedHeaders(headers: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(headers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength;
}

function sameBody(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function showBody(body: string | Uint8Array): string {
  if (typeof body === "string") return show(body.length > 300 ? `${body.slice(0, 300)}...` : body);
  return `${body.byteLength} bytes ${Buffer.from(body.subarray(0, 16)).toString("hex")}`;
}

function showMember(value: unknown): string {
  return typeof value === "function" ? "(a function)" : show(value);
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A structured clone of the payload with every object in it frozen, or `ok: false` when it cannot be cloned
 * (functions). Typed arrays stay unfrozen: JavaScript cannot freeze one that has elements.
 */
function deepFrozenCopy<T>(value: T): { ok: true; value: T } | { ok: false } {
  let copy: T;
  try {
    copy = structuredClone(value);
  } catch {
    return { ok: false };
  }
  const seen = new Set<object>();
  const freeze = (v: unknown): void => {
    if (v === null || typeof v !== "object" || seen.has(v) || ArrayBuffer.isView(v)) return;
    seen.add(v);
    for (const key of Reflect.ownKeys(v)) freeze((v as Record<PropertyKey, unknown>)[key]);
    Object.freeze(v);
  };
  freeze(copy);
  return { ok: true, value: copy };
}
