/**
 * The state of one emulated hub: its rules, devices (installations and registrations), deliveries, outcome
 * records, scheduled sends, jobs, request log and queued faults.
 */
import { ValidationError } from "@nhub/core";
import type { AccessRule } from "./emulator-auth";
import { DeviceOutcomeStore, type DeviceState, isDeviceState } from "./emulator-device-states";
import {
  type InstallationRegistrationIds,
  installationRegistrations,
} from "./emulator-installation-registrations";
import { handleOf, normalizeInstallation } from "./emulator-installations";
import { DEFAULT_PLATFORMS, type PlatformRegistry } from "./emulator-platforms";
import { DEFAULT_JOB_DURATION_MS, jobAt, type NotificationRecord, type StoredJob } from "./emulator-records";
import { NEVER_EXPIRES, newRegistrationId } from "./emulator-registration-ids";
import { dictionaryOf } from "./emulator-safe";
import type {
  Delivery,
  EmulatorEvent,
  EmulatorFault,
  EmulatorHub,
  EmulatorRequestLog,
  EmulatorTier,
  Installation,
  NotificationHubJob,
  Registration,
  ScheduledNotification,
} from "./types";

/** Most deliveries kept per hub; the oldest go first, so a long-running emulator does not grow forever. */
export const MAX_DELIVERIES = 10_000;
/** Most request log entries kept per hub. */
export const MAX_REQUESTS = 1_000;

/** A fault taken from the queue for one request. */
export type ActiveFault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly body?: string }
  | { readonly kind: "delay"; readonly delayMs: number }
  | { readonly kind: "drop" }
  | { readonly kind: "drop-mid-response" };

interface QueuedFault {
  readonly fault: ActiveFault;
  remaining: number;
}

function checkCount(count: unknown): number {
  if (count === undefined) return 1;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
    throw new ValidationError(
      "fault.count",
      "positive-integer",
      "count must be a whole number of at least 1",
    );
  }
  return count;
}

/**
 * Checks a fault from the in-process API or the admin endpoint and turns it into its queued form.
 *
 * @throws {ValidationError} naming the bad field.
 */
export function toActiveFault(input: unknown): { fault: ActiveFault; count: number } {
  if (typeof input !== "object" || input === null) {
    throw new ValidationError(
      "fault",
      "type",
      'a fault is {status, count?, retryAfter?, body?}, {delayMs, count?} or {drop: true | "mid-response", count?}',
    );
  }
  const f = input as Record<string, unknown>;
  const count = checkCount(f["count"]);
  if (f["status"] !== undefined) {
    const status = f["status"];
    if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new ValidationError(
        "fault.status",
        "range",
        "a fault status must be a whole number from 400 to 599",
      );
    }
    for (const key of ["retryAfter", "body"] as const) {
      const value = f[key];
      if (value !== undefined && typeof value !== "string")
        throw new ValidationError(`fault.${key}`, "type", `${key} must be a string`);
    }
    const retryAfter = f["retryAfter"] as string | undefined;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
    if (retryAfter !== undefined && /[\u0000-\u001f\u007f]/.test(retryAfter)) {
      throw new ValidationError(
        "fault.retryAfter",
        "header-value",
        "retryAfter cannot contain control characters",
      );
    }
    const fault: ActiveFault = {
      kind: "status",
      status,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      ...(f["body"] !== undefined ? { body: f["body"] as string } : {}),
    };
    return { fault, count };
  }
  if (f["delayMs"] !== undefined) {
    const delayMs = f["delayMs"];
    if (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > 600_000) {
      throw new ValidationError(
        "fault.delayMs",
        "range",
        "delayMs must be a number of milliseconds from 0 to 600000",
      );
    }
    return { fault: { kind: "delay", delayMs }, count };
  }
  if (f["drop"] === true) return { fault: { kind: "drop" }, count };
  if (f["drop"] === "mid-response") return { fault: { kind: "drop-mid-response" }, count };
  throw new ValidationError(
    "fault",
    "type",
    'a fault needs status, delayMs, drop: true or drop: "mid-response"',
  );
}

/** Most notification outcome records kept per hub; the oldest go first. */
export const MAX_NOTIFICATION_RECORDS = 10_000;

/** A scheduled send waiting for its time; the timer delivers it (see `emulator-scheduled.ts`). */
export interface PendingSchedule {
  readonly info: ScheduledNotification;
  timer?: ReturnType<typeof setTimeout>;
}

/** One hub's state. The emulator's public {@link EmulatorHub} is a narrow view of it ({@link HubState.view}). */
export class HubState {
  readonly name: string;
  readonly rules: readonly AccessRule[];
  /** How long a job runs before it completes, in milliseconds. */
  readonly jobDurationMs: number;
  /** The pricing tier the hub acts as (see `emulator-tiers.ts`). */
  readonly tier: EmulatorTier;
  /** The formats its sends may use, read from the emulator's platform descriptors. */
  readonly platforms: PlatformRegistry;
  readonly #installations = new Map<string, Installation>();
  readonly #registrations = new Map<string, Registration>();
  /** The registration ids each installation is shown under, by installation id. */
  readonly #installationIds = new Map<string, InstallationRegistrationIds>();
  readonly #notifications = new Map<string, NotificationRecord>();
  readonly #scheduled = new Map<string, PendingSchedule>();
  readonly #jobs = new Map<string, StoredJob>();
  /** Dead push channels and the PNS error details and feedback about sends to them. */
  readonly deviceOutcomes = new DeviceOutcomeStore((id) => this.#channelRefused(id));
  #deliveries: Delivery[] = [];
  #requests: EmulatorRequestLog[] = [];
  #faults: QueuedFault[] = [];
  #closed = false;
  /** The public view handed to callers: only the {@link EmulatorHub} methods, nothing internal. */
  readonly view: EmulatorHub;

  /** Writes a lifecycle line (e.g. a scheduled send going out) to the emulator's logger. */
  readonly log: (line: string) => void;
  /** Hears every change the page's live stream reports (deliveries, requests, devices). */
  readonly #onEvent: (event: EmulatorEvent) => void;

  constructor(
    name: string,
    rules: readonly AccessRule[],
    options: {
      jobDurationMs?: number;
      tier?: EmulatorTier;
      platforms?: PlatformRegistry;
      log?: (line: string) => void;
      onEvent?: (event: EmulatorEvent) => void;
    } = {},
  ) {
    this.name = name;
    this.rules = rules;
    this.jobDurationMs = options.jobDurationMs ?? DEFAULT_JOB_DURATION_MS;
    this.tier = options.tier ?? "standard";
    this.platforms = options.platforms ?? DEFAULT_PLATFORMS;
    this.log = options.log ?? (() => {});
    this.#onEvent = options.onEvent ?? (() => {});
    this.view = Object.freeze({
      name,
      upsertInstallation: (i: Installation) => this.upsertInstallation(i),
      deleteInstallation: (id: string) => this.deleteInstallation(id),
      installations: () => this.installations(),
      deliveries: () => [...this.#deliveries],
      clearDeliveries: () => {
        this.#deliveries = [];
        this.#onEvent({ type: "deliveries-cleared", hub: this.name });
      },
      requests: () => [...this.#requests],
      injectFault: (f: EmulatorFault) => this.injectFault(f),
      clearFaults: () => {
        this.#faults = [];
      },
      registrations: () => this.registrations(),
      deleteRegistration: (id: string) => {
        this.deleteRegistration(id);
      },
      scheduled: () => this.scheduled(),
      cancelScheduled: (id: string) => this.cancelScheduled(id),
      jobs: () => this.jobs(),
      setDeviceState: (id: string, state: DeviceState) => this.setDeviceState(id, state),
    });
  }

  /**
   * A push service refused an installation's channel in a send: it is flagged `pushChannelExpired`. Routing reads
   * the installations as they are, so the channel refused is the one it has.
   */
  #channelRefused(installationId: string): void {
    const installation = this.#installations.get(installationId);
    if (installation !== undefined)
      this.#installations.set(installationId, withChannelExpired(installation, true));
  }

  /**
   * Marks the push channel an installation has now as `expired`, `bad` or `ok`.
   *
   * @throws {ValidationError} for an unknown installation or state.
   */
  setDeviceState(installationId: string, state: unknown): void {
    if (!isDeviceState(state)) {
      throw new ValidationError("state", "enum", 'state must be "expired", "bad" or "ok"');
    }
    const installation = this.#installations.get(installationId);
    if (!installation) {
      throw new ValidationError(
        "installationId",
        "exists",
        `there is no device "${installationId}" on this hub`,
      );
    }
    this.deviceOutcomes.mark(installation.platform, handleOf(installation), state);
  }

  /**
   * Checks and stores a device; stored installations are frozen copies. `strictChannel` (the REST surface) also
   * applies the service's push-channel rule.
   */
  upsertInstallation(input: unknown, strictChannel = false): Installation {
    const checked = normalizeInstallation(input, strictChannel);
    // pushChannelExpired is the hub's to set: kept while the channel stays the one that was refused.
    const before = this.#installations.get(checked.installationId);
    const installation = withChannelExpired(
      checked,
      before?.pushChannelExpired === true && handleOf(before) === handleOf(checked),
    );
    this.#installations.set(installation.installationId, installation);
    this.#syncInstallationIds(installation);
    this.#onEvent({ type: "device", hub: this.name, change: "upsert", installation });
    return installation;
  }

  /** Keeps the registration ids of an installation: old ones stay, new templates get new ones, removed go. */
  #syncInstallationIds(installation: Installation): void {
    const previous = this.#installationIds.get(installation.installationId);
    const now = new Date().toISOString();
    const templates = new Map<string, string>();
    for (const name of Object.keys(installation.templates ?? {}))
      templates.set(name, previous?.templates.get(name) ?? newRegistrationId());
    this.#installationIds.set(installation.installationId, {
      native: previous?.native ?? newRegistrationId(),
      templates,
      etag: (previous?.etag ?? 0) + 1,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
  }

  /** The registrations the hub shows for its installations (see `emulator-installation-registrations.ts`). */
  installationRegistrations(): Registration[] {
    const out: Registration[] = [];
    for (const installation of this.#installations.values()) {
      const ids = this.#installationIds.get(installation.installationId);
      if (ids) out.push(...installationRegistrations(installation, ids, NEVER_EXPIRES));
    }
    return out;
  }

  /**
   * Every registration the REST listing shows, ordered by id: the REST registrations and those of the
   * installations.
   */
  listedRegistrations(): Registration[] {
    return [...this.#registrations.values(), ...this.installationRegistrations()].sort((a, b) =>
      a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0,
    );
  }

  /** A REST registration, or one of an installation's, by id. */
  listedRegistration(registrationId: string): Registration | undefined {
    const own = this.#registrations.get(registrationId);
    if (own) return own;
    for (const [installationId, ids] of this.#installationIds) {
      if (ids.native !== registrationId && ![...ids.templates.values()].includes(registrationId)) continue;
      const installation = this.#installations.get(installationId);
      if (!installation) return undefined;
      return installationRegistrations(installation, ids, NEVER_EXPIRES).find(
        (r) => r.registrationId === registrationId,
      );
    }
    return undefined;
  }

  /**
   * Deletes a registration by id. For an installation's registration: its native one takes the whole installation
   * with it (the push channel lives there), a template's one removes that template from the installation.
   */
  deleteListedRegistration(registrationId: string): boolean {
    if (this.deleteRegistration(registrationId)) return true;
    const registration = this.listedRegistration(registrationId);
    if (registration?.installationId === undefined) return false;
    const installation = this.#installations.get(registration.installationId);
    if (!installation) return false;
    const templateName = registration.template?.name;
    if (templateName === undefined) return this.deleteInstallation(installation.installationId);
    const templates = Object.fromEntries(
      Object.entries(installation.templates ?? {}).filter(([name]) => name !== templateName),
    );
    const { templates: _dropped, ...rest } = installation;
    this.upsertInstallation(Object.keys(templates).length > 0 ? { ...rest, templates } : rest);
    return true;
  }

  deleteInstallation(installationId: string): boolean {
    this.#installationIds.delete(installationId);
    const deleted = this.#installations.delete(installationId);
    if (deleted) this.#onEvent({ type: "device", hub: this.name, change: "delete", installationId });
    return deleted;
  }

  installation(installationId: string): Installation | undefined {
    return this.#installations.get(installationId);
  }

  installations(): Installation[] {
    return [...this.#installations.values()];
  }

  /** Every REST registration, ordered by id (the order listings and their continuation tokens follow). */
  registrations(): Registration[] {
    return [...this.#registrations.values()].sort((a, b) =>
      a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0,
    );
  }

  registration(registrationId: string): Registration | undefined {
    return this.#registrations.get(registrationId);
  }

  /** Stores a checked registration (a frozen copy made by `emulator-registrations.ts`). */
  putRegistration(registration: Registration): void {
    this.#registrations.set(registration.registrationId, registration);
    this.#onEvent({ type: "registration", hub: this.name, change: "upsert", registration });
  }

  deleteRegistration(registrationId: string): boolean {
    const deleted = this.#registrations.delete(registrationId);
    if (deleted) this.#onEvent({ type: "registration", hub: this.name, change: "delete", registrationId });
    return deleted;
  }

  recordNotification(record: NotificationRecord): void {
    // Re-inserting moves an updated record (a scheduled send that went out) to the newest end.
    this.#notifications.delete(record.notificationId);
    this.#notifications.set(record.notificationId, Object.freeze({ ...record }));
    while (this.#notifications.size > MAX_NOTIFICATION_RECORDS) {
      const oldest = this.#notifications.keys().next().value;
      if (oldest === undefined) break;
      this.#notifications.delete(oldest);
    }
  }

  notificationRecord(notificationId: string): NotificationRecord | undefined {
    return this.#notifications.get(notificationId);
  }

  /** Keeps a pending scheduled send; after {@link close} its timer is cleared at once. */
  addScheduled(entry: PendingSchedule): void {
    if (this.#closed && entry.timer) clearTimeout(entry.timer);
    else this.#scheduled.set(entry.info.notificationId, entry);
  }

  /** Removes a pending scheduled send (it is due or cancelled) and clears its timer. */
  takeScheduled(notificationId: string): PendingSchedule | undefined {
    const entry = this.#scheduled.get(notificationId);
    if (!entry) return undefined;
    this.#scheduled.delete(notificationId);
    if (entry.timer) clearTimeout(entry.timer);
    return entry;
  }

  scheduled(): ScheduledNotification[] {
    return [...this.#scheduled.values()]
      .map((e) => e.info)
      .sort((a, b) => Date.parse(a.scheduledTime) - Date.parse(b.scheduledTime));
  }

  /** Cancels a pending scheduled send; its outcome details turn `Cancelled`. */
  cancelScheduled(notificationId: string): boolean {
    if (!this.takeScheduled(notificationId)) return false;
    const record = this.#notifications.get(notificationId);
    if (record) this.#notifications.set(notificationId, Object.freeze({ ...record, state: "Cancelled" }));
    return true;
  }

  addJob(job: StoredJob): void {
    this.#jobs.set(job.jobId, job);
  }

  /** A job with its status as of now. */
  job(jobId: string, now = Date.now()): NotificationHubJob | undefined {
    const stored = this.#jobs.get(jobId);
    return stored ? jobAt(stored, now, this.jobDurationMs) : undefined;
  }

  jobs(now = Date.now()): NotificationHubJob[] {
    return [...this.#jobs.values()].map((j) => jobAt(j, now, this.jobDurationMs));
  }

  /** Clears the timers of pending scheduled sends, so none fires after the emulator closed. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#scheduled.values()) if (entry.timer) clearTimeout(entry.timer);
    this.#scheduled.clear();
  }

  recordDeliveries(deliveries: readonly Delivery[]): void {
    for (const d of deliveries) {
      const delivery = Object.freeze({ ...d, headers: Object.freeze(dictionaryOf(d.headers)) });
      this.#deliveries.push(delivery);
      this.#onEvent({ type: "delivery", hub: this.name, delivery });
    }
    if (this.#deliveries.length > MAX_DELIVERIES)
      this.#deliveries.splice(0, this.#deliveries.length - MAX_DELIVERIES);
  }

  recordRequest(entry: EmulatorRequestLog): void {
    const request = Object.freeze({ ...entry });
    this.#requests.push(request);
    this.#onEvent({ type: "request", hub: this.name, request });
    if (this.#requests.length > MAX_REQUESTS) this.#requests.splice(0, this.#requests.length - MAX_REQUESTS);
  }

  injectFault(input: unknown): void {
    const { fault, count } = toActiveFault(input);
    this.#faults.push({ fault, remaining: count });
  }

  /** The fault for the next request, if any is queued; each use counts down its `count`. */
  takeFault(): ActiveFault | undefined {
    const head = this.#faults[0];
    if (!head) return undefined;
    if (--head.remaining <= 0) this.#faults.shift();
    return head.fault;
  }
}

/** `installation` (frozen) with `pushChannelExpired` as the hub sets it: `true`, or absent. */
function withChannelExpired(installation: Installation, expired: boolean): Installation {
  const { pushChannelExpired, ...rest } = installation;
  if (expired)
    return pushChannelExpired === true ? installation : Object.freeze({ ...rest, pushChannelExpired: true });
  return "pushChannelExpired" in installation ? Object.freeze(rest) : installation;
}
