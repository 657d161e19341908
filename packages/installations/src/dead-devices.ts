/**
 * Dead-handle cleanup: deletes the installations and registrations behind per-device outcomes that say the push
 * handle is gone for good (`isDeadHandle`), so the hub stops paying to send to devices that no longer exist.
 */
import {
  type DeviceOutcomeRecord,
  isDeadHandle,
  isPlainObject,
  type NotificationHub,
  type PnsOutcome,
  ValidationError,
} from "@nhub/core";
import {
  checkConcurrency,
  checkDryRun,
  failureText,
  forEachBounded,
  installationIdOfTags,
  isNotFound,
  throwIfAborted,
} from "./fleet-pool";
import { checkSystemId, deleteInstallation } from "./installation";
import { type OperationOptions, requestOptions } from "./operation-options";
import { deleteRegistration, listRegistrations } from "./registrations";

/** Options of {@link removeDeadDevices}. */
export interface RemoveDeadDevicesOptions extends OperationOptions {
  /** Only report what would be deleted (channel look-ups still run). Default **true**: pass `false` to delete. */
  readonly dryRun?: boolean;
  /** How many requests run at once (1-64). Default 8. */
  readonly concurrency?: number;
}

/** How a dead device was found: by the record's installation id, its registration id, or its push handle. */
export type DeadDeviceVia = "installationId" | "registrationId" | "channel";

/** What happened to one dead device. */
export type DeadDeviceResult = "deleted" | "wouldDelete" | "alreadyGone" | "failed";

/** One line of the cleanup report: record → action → result. */
export interface DeadDeviceAction {
  /** What was (or would be) deleted. */
  readonly target: "installation" | "registration";
  /** Its id. */
  readonly id: string;
  /** How it was found. */
  readonly via: DeadDeviceVia;
  /** The first record that named it (later ones for the same device are counted in `records`). */
  readonly record: DeviceOutcomeRecord;
  /** How many dead records named this device. */
  readonly records: number;
  /** Why: the record's outcome. */
  readonly reason: PnsOutcome;
  /** The result; a 404 is `alreadyGone` (someone else deleted it, or the channel has no registration left). */
  readonly result: DeadDeviceResult;
  /** Why it failed (`result: "failed"`), without secrets. */
  readonly error?: string;
}

/** What {@link removeDeadDevices} did, or would do in a dry run. */
export interface RemoveDeadDevicesReport {
  readonly dryRun: boolean;
  /** Records read. */
  readonly examined: number;
  /** Records whose outcome is a dead handle. */
  readonly dead: number;
  /** Records left alone because their outcome is not a dead handle, by outcome. */
  readonly ignored: Readonly<Partial<Record<PnsOutcome, number>>>;
  /** Dead records naming neither an installation, a registration nor a handle. */
  readonly unaddressable: number;
  /** One entry per device, de-duplicated. */
  readonly actions: readonly DeadDeviceAction[];
  /** Counts of `actions` by result. */
  readonly counts: Readonly<Record<DeadDeviceResult, number>>;
}

interface Planned {
  readonly key: string;
  readonly via: DeadDeviceVia;
  readonly value: string;
  readonly apple: boolean;
  readonly record: DeviceOutcomeRecord;
  records: number;
}

function checkRecord(value: unknown, index: number): DeviceOutcomeRecord {
  const field = `records[${index}]`;
  if (!isPlainObject(value)) throw new ValidationError(field, "type", `${field} must be an object`);
  if (typeof value["outcome"] !== "string") {
    throw new ValidationError(`${field}.outcome`, "required", `${field}.outcome must be a string`);
  }
  for (const name of ["installationId", "registrationId", "pnsHandle", "platform"]) {
    const v = value[name];
    if (v !== undefined && typeof v !== "string") {
      throw new ValidationError(`${field}.${name}`, "type", `${field}.${name} must be a string`);
    }
  }
  return value as unknown as DeviceOutcomeRecord;
}

/** Quotes a value as an OData string literal: `'` is doubled. */
function odata(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Deletes the devices behind dead-handle outcomes: for each record whose outcome `isDeadHandle` (ExpiredChannel,
 * BadChannel; transient failures and credential mismatches such as WrongToken are left alone), the installation named by `installationId`, else
 * the registration named by `registrationId`, else every registration of its push handle (listed with
 * `ChannelUri eq '<handle>'`; one that stands for an installation, tagged `$InstallationId:{id}`, deletes that
 * installation instead). Each device is deleted once however many records name it; a 404 counts as already gone.
 *
 * All records are read, and checked, before anything is deleted, so a malformed record rejects with a
 * `ValidationError` with nothing changed. It is a **dry run unless `dryRun: false`** is passed.
 *
 * @example
 * const report = await removeDeadDevices(hub, records, { dryRun: false });
 * for (const a of report.actions) console.log(a.target, a.id, a.reason, a.result);
 */
export async function removeDeadDevices(
  hub: NotificationHub,
  records: Iterable<DeviceOutcomeRecord> | AsyncIterable<DeviceOutcomeRecord>,
  options: RemoveDeadDevicesOptions = {},
): Promise<RemoveDeadDevicesReport> {
  if (
    records === null ||
    typeof records !== "object" ||
    !(Symbol.iterator in records || Symbol.asyncIterator in records)
  ) {
    throw new ValidationError("records", "type", "records must be an iterable or async iterable of records");
  }
  const dryRun = checkDryRun(options.dryRun);
  const concurrency = checkConcurrency(options.concurrency);
  const perRequest = requestOptions(options);

  const plan = new Map<string, Planned>();
  const ignored: Partial<Record<PnsOutcome, number>> = {};
  let examined = 0;
  let dead = 0;
  let unaddressable = 0;
  for await (const raw of records as AsyncIterable<unknown>) {
    throwIfAborted(options.signal);
    const record = checkRecord(raw, examined++);
    if (!isDeadHandle(record)) {
      ignored[record.outcome] = (ignored[record.outcome] ?? 0) + 1;
      continue;
    }
    dead++;
    let via: DeadDeviceVia;
    let value: string;
    if (record.installationId !== undefined && record.installationId !== "") {
      via = "installationId";
      value = checkSystemId(record.installationId, `records[${examined - 1}].installationId`);
    } else if (record.registrationId !== undefined && record.registrationId !== "") {
      via = "registrationId";
      value = record.registrationId;
    } else if (record.pnsHandle !== undefined && record.pnsHandle.trim() !== "") {
      via = "channel";
      value = record.pnsHandle.trim();
    } else {
      unaddressable++;
      continue;
    }
    const apple = via === "channel" && /^(apple|apns)$/i.test(record.platform ?? "");
    // APNs tokens are compared without case by the service, so one device is one key whatever case it came in.
    const key = `${via}:${apple ? value.toUpperCase() : value}`;
    const existing = plan.get(key);
    if (existing) existing.records++;
    else plan.set(key, { key, via, value, apple, record, records: 1 });
  }

  const actions: DeadDeviceAction[] = [];
  // Which installations and registrations an action already covers, so a channel look-up that finds a device
  // named by another record does not delete (or report) it twice.
  const claimed = new Set<string>();
  for (const p of plan.values()) {
    if (p.via === "installationId") claimed.add(`installation:${p.value}`);
    if (p.via === "registrationId") claimed.add(`registration:${p.value}`);
  }

  /** What every action on `id` says, whatever its result: the device, how it was found, the record behind it. */
  const actionOn = (target: "installation" | "registration", id: string, p: Planned) => ({
    target,
    id,
    via: p.via,
    record: p.record,
    records: p.records,
    reason: p.record.outcome,
  });

  const remove = async (target: "installation" | "registration", id: string, p: Planned): Promise<void> => {
    const base = actionOn(target, id, p);
    if (dryRun) {
      actions.push({ ...base, result: "wouldDelete" });
      return;
    }
    try {
      if (target === "installation") await deleteInstallation(hub, id, perRequest);
      else await deleteRegistration(hub, id, undefined, perRequest);
      actions.push({ ...base, result: "deleted" });
    } catch (error) {
      if (isNotFound(error)) actions.push({ ...base, result: "alreadyGone" });
      else if (ValidationError.isInstance(error) || isTransportFailure(error)) {
        actions.push({ ...base, result: "failed", error: failureText(error) });
      } else throw error;
    }
  };

  await forEachBounded(plan.values(), concurrency, options.signal, async (p) => {
    if (p.via === "installationId") return remove("installation", p.value, p);
    if (p.via === "registrationId") return remove("registration", p.value, p);
    const handle = p.apple ? p.value.toUpperCase() : p.value;
    const lookup = actionOn("registration", handle, p);
    const found: { target: "installation" | "registration"; id: string }[] = [];
    try {
      for await (const r of listRegistrations(hub, {
        ...perRequest,
        filter: `ChannelUri eq ${odata(handle)}`,
      })) {
        const installationId = installationIdOfTags(r.tags);
        if (installationId !== undefined) found.push({ target: "installation", id: installationId });
        else if (r.registrationId !== undefined) found.push({ target: "registration", id: r.registrationId });
      }
    } catch (error) {
      if (!isTransportFailure(error)) throw error;
      actions.push({ ...lookup, result: "failed", error: failureText(error) });
      return;
    }
    const fresh = found.filter((f) => {
      const key = `${f.target}:${f.id}`;
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    });
    if (found.length === 0) {
      actions.push({ ...lookup, result: "alreadyGone" });
    }
    for (const f of fresh) await remove(f.target, f.id, p);
  });

  const counts: Record<DeadDeviceResult, number> = { deleted: 0, wouldDelete: 0, alreadyGone: 0, failed: 0 };
  for (const a of actions) counts[a.result]++;
  return { dryRun, examined, dead, ignored, unaddressable, actions, counts };
}

/** A failure of one request that should be reported for its device rather than end the whole cleanup. */
function isTransportFailure(error: unknown): boolean {
  return (
    error instanceof Error &&
    ["ServiceError", "TimeoutError", "ConnectionError", "ResponseTooLargeError"].includes(error.name)
  );
}
