/**
 * The public shapes of the emulator: its options, the devices it holds, what it records and the faults it can
 * inject. Everything the emulator hands out is a copy; nothing a caller passes in is kept or changed.
 */

import type { BrowserPushChannel } from "@nhub/core";
import type {
  InstallationPlatform,
  InstallationTemplate as ServiceInstallationTemplate,
} from "@nhub/installations";
import type { EmulatorPlatform } from "./emulator-platforms";

// One set of service types: the platform names are @nhub/installations', the Web Push subscription is the one
// @nhub/core's direct sends take. Both stay importable from this package.
export type { BrowserPushChannel, InstallationPlatform };

/**
 * One template of an installation: a body in the template expression language, rendered per send. The
 * emulator keeps the body, headers, tags and expiry of `@nhub/installations`' `InstallationTemplate`. Its name is
 * one of its tags (a send to the tag `<name>` reaches it); an `expiry` date in the past stops its deliveries, and
 * on `apns` the expiry goes out as `ServiceBusNotification-Apns-Expiry`.
 */
export type InstallationTemplate = Pick<ServiceInstallationTemplate, "body" | "headers" | "tags" | "expiry">;

/** A registered device, in the service's installation shape (plus the emulator-only `displayName`). */
export interface Installation {
  readonly installationId: string;
  readonly platform: InstallationPlatform;
  /** The device handle; a {@link BrowserPushChannel} for `browser`. */
  readonly pushChannel: string | BrowserPushChannel;
  readonly tags?: readonly string[];
  /** Adds the system tag `$UserId:{userId}`. */
  readonly userId?: string;
  readonly templates?: Readonly<Record<string, InstallationTemplate>>;
  /** Variables of the installation (string values), stored and returned as the service does. */
  readonly pushVariables?: Readonly<Record<string, string>>;
  /** Emulator-only: a friendly name for tables and logs (the service has no such field). */
  readonly displayName?: string;
  /**
   * Read-only, set by the hub: `true` once a push service refused this installation's channel (`ExpiredChannel`,
   * or `BadChannel`) in a send. It stays while the installation keeps that channel, and goes when a write gives it
   * a new one; a value a client writes is ignored, as the service ignores it.
   */
  readonly pushChannelExpired?: boolean;
}

/** The three access rules every emulated hub has. */
export type EmulatorRule = "full" | "send" | "listen";

/**
 * A hub's pricing tier, which decides what the service lets it do: `standard` has everything; `basic` and `free`
 * send no `Location` (so no notification id) and refuse telemetry, scheduled sends and jobs with 403; `free`
 * also refuses direct batch sends.
 */
export type EmulatorTier = "free" | "basic" | "standard";

/** A hub to emulate. Keys that are not given are generated at random when the emulator starts. */
export interface EmulatorHubConfig {
  readonly name: string;
  readonly keys?: { readonly full?: string; readonly send?: string; readonly listen?: string };
  /** Each rule's secondary key; random when not given. A token signed with either key of a rule is accepted. */
  readonly secondaryKeys?: { readonly full?: string; readonly send?: string; readonly listen?: string };
  /** This hub's tier; default the emulator's {@link EmulatorOptions.tier}. */
  readonly tier?: EmulatorTier;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on. Default 0: a free port chosen by the system. */
  readonly port?: number;
  /** Interface to bind. Default `127.0.0.1`; anything not loopback is refused unless `allowRemote` is true. */
  readonly host?: string;
  /** Allows binding a non-loopback interface. The emulator has no TLS and its admin endpoints no auth. */
  readonly allowRemote?: boolean;
  /** The hubs to emulate, by name or with fixed keys. Default `["myhub"]`. */
  readonly hubs?: ReadonlyArray<string | EmulatorHubConfig>;
  /** Devices to register at start: per hub name, or a plain list for the first hub. */
  readonly devices?: Readonly<Record<string, readonly Installation[]>> | readonly Installation[];
  /** Receives one line per request and per lifecycle event. Lines never hold keys or tokens. */
  readonly logger?: (line: string) => void;
  /**
   * How long a submitted import/export job reports `Running` before it turns `Completed`, in milliseconds
   * (0-600 000). Default 500.
   */
  readonly jobDurationMs?: number;
  /** The tier every hub acts as, unless its {@link EmulatorHubConfig} names one. Default `standard`. */
  readonly tier?: EmulatorTier;
  /**
   * Whether keys not given in `hubs` are fresh random ones for each start (the default, so emulators started by
   * tests side by side never accept each other's tokens). `false` uses the well-known development keys
   * (`WELL_KNOWN_KEYS`), the same on every start, as `nhub emulator` does; refused together with `allowRemote`.
   */
  readonly randomKeys?: boolean;
  /**
   * Registers the sample devices (`SAMPLE_DEVICES`: one per platform plus a template device, tagged `sports`,
   * `news`, ...) in the first hub before `devices`.
   */
  readonly sampleDevices?: boolean;
  /**
   * Serves TLS instead of plain HTTP. `true` uses a development certificate for `localhost`, `127.0.0.1` and
   * `::1`, made on first use and cached in `~/.nhub/emulator/`; pass `{ certDir }` to cache it elsewhere, or
   * `{ cert, key }` (PEM) to use your own. Connection strings then say `Endpoint=sb://127.0.0.1:PORT/`.
   */
  readonly https?: boolean | EmulatorHttpsOptions;
  /**
   * The platform descriptors whose formats sends may use: their formats, content types and payload limits.
   * Default `EMULATOR_PLATFORMS`, every `@nhub/platform-*` package's descriptor. Pass
   * `[...EMULATOR_PLATFORMS, acmePlatform]` to try a platform package the emulator does not list yet (give it an
   * `installationPlatform` when its format is no installation platform's name). `template` is always taken.
   */
  readonly platforms?: readonly EmulatorPlatform[];
}

/** The TLS setup of {@link EmulatorOptions.https}: a certificate of your own, or where to cache the generated one. */
export interface EmulatorHttpsOptions {
  /** Your certificate (PEM); give `key` with it. */
  readonly cert?: string;
  /** The private key of `cert` (PEM). */
  readonly key?: string;
  /** Where the generated development certificate is cached. Default `~/.nhub/emulator`. */
  readonly certDir?: string;
}

/** One notification as it would have reached one device. */
export interface Delivery {
  /** The id of the send, as in the `Location` header of its 201 answer. */
  readonly notificationId: string;
  /**
   * The receiving installation; empty for a registration (see `registrationId`) and for a direct send to a
   * handle no installation or registration holds.
   */
  readonly installationId: string;
  /** The receiving registration, for devices registered with the registrations (Atom XML) API. */
  readonly registrationId?: string;
  readonly displayName?: string;
  /** The installation's platform, e.g. `apns`, `wns`. */
  readonly platform: string;
  /** The device handle (the endpoint for browser subscriptions). */
  readonly pushChannel: string;
  /** The `ServiceBusNotification-Format` of the send, e.g. `apple`, `template`. */
  readonly format: string;
  /**
   * The platform headers that went with it (`apns-*`, `X-WNS-*`, `X-WindowsPhone-*`, `X-NotificationClass`,
   * `X-Baidu-*`, `ServiceBusNotification-Apns-Expiry`) named as the sender wrote them, plus `content-type`.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The body the device gets: the sent body, or the device's rendered template. */
  readonly body: string;
  /**
   * For template sends: which of the installation's templates was rendered, or the registration's
   * `TemplateName` when it has one.
   */
  readonly templateName?: string;
  /** ISO-8601 time of the send. */
  readonly at: string;
}

/** One request to a hub's REST surface, without its `Authorization` header or body. */
export interface EmulatorRequestLog {
  readonly method: string;
  /** The path without the query, e.g. `/myhub/messages/`. */
  readonly path: string;
  /** The query string without `?`, e.g. `api-version=2020-06&test=true`. */
  readonly query: string;
  /** The status answered; 0 when none was (a `drop` fault, or the client left during a `delay`). */
  readonly status: number;
  /** `ServiceBusNotification-Format`, when sent. */
  readonly format?: string;
  /** `ServiceBusNotification-Tags`, when sent. */
  readonly tags?: string;
  /** Which injected fault shaped the answer, if any. */
  readonly fault?: "status" | "delay" | "drop" | "drop-mid-response";
  /** ISO-8601 arrival time. */
  readonly at: string;
}

/** Answer the next `count` (default 1) requests with `status`, e.g. 429 or 503 with `Retry-After`, or 500. */
export interface StatusFault {
  readonly status: number;
  readonly count?: number;
  /** The `Retry-After` header value, e.g. `"1"` (seconds) or an HTTP date. */
  readonly retryAfter?: string;
  /** The response body; default the service's XML error body. */
  readonly body?: string;
}

/** Hold the next `count` (default 1) responses back by `delayMs`, then answer them normally. */
export interface DelayFault {
  readonly delayMs: number;
  readonly count?: number;
}

/**
 * `drop: true`: read the next `count` (default 1) requests, then close their connections without an answer;
 * nothing is processed. `drop: "mid-response"`: process them normally (deliveries happen), send the status line,
 * headers and part of the body, then cut the connection, as a network fault after the hub did its work does.
 */
export interface DropFault {
  readonly drop: true | "mid-response";
  readonly count?: number;
}

/**
 * A device registered with the registrations API (`POST`/`PUT /{hub}/registrations`), as stored. Registrations
 * take part in routing like installations: a native registration gets native sends of its platform, a template
 * registration gets template sends rendered with its body template.
 */
export interface Registration {
  readonly registrationId: string;
  /**
   * Set on the registrations the hub shows for an installation (its native one and one per template): the
   * installation they follow. Such registrations live and die with it and receive sends through it.
   */
  readonly installationId?: string;
  /** The description kind without its suffix, e.g. `Apple`, `FcmV1Template`, `Windows`. */
  readonly kind: string;
  readonly platform: InstallationPlatform;
  /** The device handle; a {@link BrowserPushChannel} for `browser`, `{BaiduUserId}-{BaiduChannelId}` for Baidu. */
  readonly pushChannel: string | BrowserPushChannel;
  /** The platform's handle elements as the service names them, e.g. `{ DeviceToken: "..." }`. */
  readonly channelFields: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  /** Values merged under the sent properties when a template renders. */
  readonly pushVariables?: Readonly<Record<string, string>>;
  /** For template kinds: the body template, its platform headers and its name. */
  readonly template?: RegistrationTemplate;
  /** The registration's version: `1` when created, one more on each update. */
  readonly etag: string;
  /** ISO-8601; registrations made here never expire, so this is always the far future. */
  readonly expirationTime: string;
  /** ISO-8601 times of creation and last change. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The template part of a template registration. */
export interface RegistrationTemplate {
  readonly body: string;
  /** `WnsHeaders`, `MpnsHeaders` or `ApnsHeaders`, by name. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly name?: string;
  /** Apple only: `Expiry`, sent as `ServiceBusNotification-Apns-Expiry` once rendered. */
  readonly expiry?: string;
  /** Apple only: `Priority`, sent as `apns-priority` once rendered. */
  readonly priority?: string;
}

/** A send waiting for its `ServiceBusNotification-ScheduleTime`. */
export interface ScheduledNotification {
  /** The id in the 201's `Location` header; cancel with `DELETE /{hub}/schedulednotifications/{id}`. */
  readonly notificationId: string;
  /** ISO-8601 time the notification is due. */
  readonly scheduledTime: string;
  readonly format: string;
  /** The tag expression, when the send had one. */
  readonly tags?: string;
  readonly contentType: string;
  /** Platform headers as the sender wrote them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** ISO-8601 time the schedule request arrived. */
  readonly enqueuedAt: string;
}

/** An import/export job (`POST /{hub}/jobs`). Nothing is read from or written to storage. */
export interface NotificationHubJob {
  readonly jobId: string;
  /** As submitted, e.g. `ExportRegistrations`; unknown types fail. */
  readonly type: string;
  /**
   * Absent at submission: the service's entry has no `Status` (nor `Progress`) until the job starts, which here
   * is the first read after it was submitted.
   */
  readonly status?: "Started" | "Running" | "Completed" | "Failed";
  /** 0-100; absent while `status` is. */
  readonly progress?: number;
  readonly outputContainerUri: string;
  readonly importFileUri?: string;
  readonly inputProperties?: Readonly<Record<string, string>>;
  /** `OutputFilePath` and `FailedFilePath` once completed: names inside the output container. */
  readonly outputProperties?: Readonly<Record<string, string>>;
  readonly failure?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A fault to inject; faults queue up and apply to the hub's REST requests in order. */
export type EmulatorFault = StatusFault | DelayFault | DropFault;

/** One emulated hub: its devices, what was delivered and the faults to inject. */
export interface EmulatorHub {
  readonly name: string;
  /**
   * Registers or replaces a device, as `PUT /installations/{id}` does.
   *
   * @throws {ValidationError} for an invalid installation or template.
   */
  upsertInstallation(installation: Installation): void;
  /** Removes a device; removing an unknown id does nothing. */
  deleteInstallation(installationId: string): void;
  /** Every registered device, in registration order. */
  installations(): Installation[];
  /** Every delivery so far, oldest first (the newest 10 000 are kept). */
  deliveries(): Delivery[];
  clearDeliveries(): void;
  /** Every REST request so far, oldest first (the newest 1 000 are kept). */
  requests(): EmulatorRequestLog[];
  /**
   * Queues a fault for the hub's next requests.
   *
   * @throws {ValidationError} for a status outside 400-599, a negative delay or a count below 1.
   */
  injectFault(fault: EmulatorFault): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Every registration made over REST, ordered by registration id. */
  registrations(): Registration[];
  /** Removes a registration; removing an unknown id does nothing. */
  deleteRegistration(registrationId: string): void;
  /** The scheduled sends not yet due or cancelled, soonest first. */
  scheduled(): ScheduledNotification[];
  /** Cancels a scheduled send, as `DELETE /schedulednotifications/{id}` does; `false` when none is pending. */
  cancelScheduled(notificationId: string): boolean;
  /** Every submitted import/export job, oldest first, with its current status. */
  jobs(): NotificationHubJob[];
  /**
   * Marks a device's push channel `expired` (the push service answers `ExpiredChannel`) or `bad`
   * (`BadChannel`), or `ok` again. Sends to it deliver nothing and show up in the test-send outcome, the
   * notification's `PnsErrorDetailsUri` blob and the feedback container. The state stays with the channel the
   * device has now: a new `pushChannel` is a working one.
   *
   * @throws {ValidationError} for an unknown device or state.
   */
  setDeviceState(installationId: string, state: "expired" | "bad" | "ok"): void;
}

/** One hub's state as the live stream's `hello` event carries it: recent items only, not the whole history. */
export interface EmulatorHubSnapshot {
  readonly name: string;
  readonly installations: readonly Installation[];
  readonly registrations: readonly Registration[];
  /** The newest few deliveries of each device (and of each handle no device holds), oldest first. */
  readonly deliveries: readonly Delivery[];
  /** The newest REST requests, oldest first. */
  readonly requests: readonly EmulatorRequestLog[];
}

/**
 * One event of the live stream `GET /_emulator/events` (Server-Sent Events). The SSE event name is the `type`;
 * `data` is this object as JSON. Each connection starts with a `hello` holding the current state, so a client
 * that reconnects needs nothing else to catch up.
 */
export type EmulatorEvent =
  | { readonly type: "hello"; readonly hubs: readonly EmulatorHubSnapshot[] }
  | { readonly type: "delivery"; readonly hub: string; readonly delivery: Delivery }
  | { readonly type: "request"; readonly hub: string; readonly request: EmulatorRequestLog }
  | {
      readonly type: "device";
      readonly hub: string;
      readonly change: "upsert";
      readonly installation: Installation;
    }
  | {
      readonly type: "device";
      readonly hub: string;
      readonly change: "delete";
      readonly installationId: string;
    }
  | {
      readonly type: "registration";
      readonly hub: string;
      readonly change: "upsert";
      readonly registration: Registration;
    }
  | {
      readonly type: "registration";
      readonly hub: string;
      readonly change: "delete";
      readonly registrationId: string;
    }
  | { readonly type: "deliveries-cleared"; readonly hub: string };

/** A running emulator; see {@link startEmulator}. */
export interface Emulator {
  /** The namespace root, e.g. `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly hubNames: string[];
  /**
   * A connection string for a hub (default the first) and rule (default `full`). The rule names are
   * `DefaultFullSharedAccessSignature`, `DefaultSendSharedAccessSignature` and
   * `DefaultListenSharedAccessSignature`. `key` picks the rule's primary key (default) or its secondary key; after
   * a key is regenerated (`POST /_emulator/hubs/{hub}/keys/{rule}/regenerate`) this gives the new one.
   *
   * @throws {ValidationError} for a hub the emulator does not have.
   */
  connectionString(options?: { hub?: string; rule?: EmulatorRule; key?: "primary" | "secondary" }): string;
  /**
   * With `https`: the certificate served (PEM) and, for the generated development certificate, the file that
   * holds it (what `NODE_EXTRA_CA_CERTS` should name). Absent for plain HTTP.
   */
  readonly certificate?: { readonly pem: string; readonly path?: string };
  /**
   * One hub's state, default the first hub.
   *
   * @throws {ValidationError} for a hub the emulator does not have.
   */
  hub(name?: string): EmulatorHub;
  /**
   * Stops listening, ends the live event streams, cuts open connections and settles delayed answers. It does
   * not wait for clients to go away.
   */
  close(): Promise<void>;
}
