/**
 * `nhub cleanup --records <file.jsonl> [--apply]`: deletes the devices behind dead-handle outcomes. A dry run
 * unless `--apply`. Records are JSON lines of `DeviceOutcomeRecord`.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type DeviceOutcomeRecord, NotificationHub, readFeedback, ValidationError } from "@nhub/core";
import { type RemoveDeadDevicesReport, removeDeadDevices } from "@nhub/installations";
import { hubSettings } from "./hub-settings";

/** What the cleanup and migrate commands need from the CLI around them. */
export interface FleetCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Options of the fleet commands common to both. */
export interface FleetConnection {
  readonly "connection-string"?: string;
  readonly hub?: string;
  readonly concurrency?: string;
}

/** A hub from the options or the NOTIFICATION_HUB_* variables; a usage mistake is a `ValidationError` (exit 2). */
export function fleetHub(values: FleetConnection, io: FleetCommandIo): NotificationHub {
  const { connectionString, hubName } = hubSettings(
    values,
    io,
    (field, message) => new ValidationError(field, "required", message),
  );
  return new NotificationHub(connectionString, hubName);
}

/** `--concurrency` as the fleet operation's option: absent, or the number given (the operation checks its range). */
export function fleetConcurrency(values: FleetConnection): { concurrency?: number } {
  return values.concurrency === undefined ? {} : { concurrency: Number(values.concurrency) };
}

/** Reads JSON lines of records; a bad line is a `ValidationError` naming its line number. */
export function parseRecordLines(text: string): DeviceOutcomeRecord[] {
  const out: DeviceOutcomeRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ValidationError("records", "json", `line ${i + 1} of the records file is not JSON`);
    }
    if (
      value !== null &&
      typeof value === "object" &&
      typeof (value as { time?: unknown }).time === "string"
    ) {
      value = { ...value, time: new Date((value as { time: string }).time) };
    }
    out.push(value as DeviceOutcomeRecord);
  }
  return out;
}

const DURATION = /^(\d{1,6})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `--since`: a duration back from `now` (`30m`, `24h`, `7d`) or an ISO 8601 time.
 *
 * @throws {ValidationError} naming `since` for anything else.
 */
export function sinceDate(value: string, now: number): Date {
  const match = DURATION.exec(value);
  if (match) return new Date(now - Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(time)) {
    throw new ValidationError(
      "since",
      "duration",
      "--since takes a duration such as 30m, 24h or 7d, or an ISO 8601 time",
    );
  }
  return new Date(time);
}

/** The report as text: one line per device, then the totals. */
export function formatCleanupReport(report: RemoveDeadDevicesReport): string {
  const lines = report.actions.map(
    (a) =>
      `${a.result.padEnd(11)} ${a.target} ${a.id} (${a.reason} via ${a.via}${a.records > 1 ? `, ${a.records} records` : ""})${a.error ? `: ${a.error}` : ""}`,
  );
  const ignored = Object.entries(report.ignored)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  lines.push(
    `${report.examined} records, ${report.dead} dead${ignored ? `, ignored: ${ignored}` : ""}${report.unaddressable ? `, ${report.unaddressable} naming no device` : ""}`,
    `${report.dryRun ? "dry run: would delete" : "deleted"} ${report.dryRun ? report.counts.wouldDelete : report.counts.deleted}, already gone ${report.counts.alreadyGone}, failed ${report.counts.failed}${report.dryRun ? " (pass --apply to delete)" : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

/** Runs `nhub cleanup` with its parsed options; resolves with the exit code (1 when a deletion failed). */
export async function runCleanup(
  values: FleetConnection & { records?: string; apply?: boolean; since?: string; json?: boolean },
  io: FleetCommandIo,
): Promise<number> {
  if (values.since !== undefined && values.records !== undefined) {
    throw new ValidationError("since", "conflict", "use either --since or --records, not both");
  }
  if (values.since === undefined && values.records === undefined) {
    throw new ValidationError(
      "records",
      "required",
      "give --since <duration> (read the hub's feedback container, e.g. --since 24h) or --records <file.jsonl>",
    );
  }
  const since = values.since === undefined ? undefined : sinceDate(values.since, Date.now());
  const fileRecords =
    values.records === undefined
      ? undefined
      : parseRecordLines(await readFile(resolve(io.cwd, values.records), "utf8"));
  const hub = fleetHub(values, io);
  try {
    // The feedback container streams its records newest first; removeDeadDevices reads them as they come.
    const records = fileRecords ?? readFeedback(hub, { since });
    const report = await removeDeadDevices(hub, records, {
      dryRun: values.apply !== true,
      ...fleetConcurrency(values),
    });
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatCleanupReport(report));
    return report.counts.failed > 0 ? 1 : 0;
  } finally {
    await hub.close();
  }
}
