/**
 * `nhub migrate fcm-v1 [--apply]`: moves every FCM legacy registration and installation to FCM v1, printing a
 * progress line and a final report. A dry run unless `--apply`.
 */
import { parseArgs } from "node:util";
import { ValidationError } from "@nhub/core";
import { type FcmV1MigrationReport, migrateToFcmV1 } from "@nhub/installations";
import { type FleetCommandIo, type FleetConnection, fleetConcurrency, fleetHub, runCleanup } from "./cleanup";

/** The report as text: one line per device that was not simply migrated, then the totals. */
export function formatMigrationReport(report: FcmV1MigrationReport): string {
  const lines: string[] = [];
  for (const item of report.items) {
    const what = `${item.target} ${item.id}${item.kind ? ` (${item.kind})` : ""}`;
    const to = item.newRegistrationId ? ` -> ${item.newRegistrationId}` : "";
    lines.push(`${item.result.padEnd(15)} ${what}${to}${item.reason ? `: ${item.reason}` : ""}`);
  }
  const c = report.counts;
  lines.push(
    `scanned ${report.scanned} registrations in ${report.passes} pass${report.passes > 1 ? "es" : ""}`,
    `${report.dryRun ? `dry run: would migrate ${c.wouldMigrate}` : `migrated ${c.migrated}`}, already migrated ${c.alreadyMigrated}, untranslatable ${c.untranslatable}, failed ${c.failed}${report.dryRun ? " (pass --apply to migrate)" : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

/** Runs `nhub migrate <target>`; resolves with the exit code (1 when a device failed). */
export async function runMigrate(
  target: string | undefined,
  values: FleetConnection & { apply?: boolean; json?: boolean },
  io: FleetCommandIo,
): Promise<number> {
  if (target !== "fcm-v1") {
    throw new ValidationError("target", "enum", 'name what to migrate: "nhub migrate fcm-v1"');
  }
  const hub = fleetHub(values, io);
  try {
    const report = await migrateToFcmV1(hub, {
      dryRun: values.apply !== true,
      ...fleetConcurrency(values),
      onProgress: (p) =>
        io.stderr(
          `\rscanned ${p.scanned}, handled ${p.handled}: ${p.counts.migrated + p.counts.wouldMigrate} to v1, ${p.counts.untranslatable} untranslatable, ${p.counts.failed} failed`,
        ),
    });
    io.stderr("\n");
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatMigrationReport(report));
    return report.counts.failed > 0 ? 1 : 0;
  } finally {
    await hub.close();
  }
}

const FLEET_OPTIONS = {
  records: { type: "string" },
  since: { type: "string" },
  apply: { type: "boolean" },
  json: { type: "boolean" },
  concurrency: { type: "string" },
  "connection-string": { type: "string" },
  hub: { type: "string" },
  verbose: { type: "boolean" },
} as const;

/**
 * `nhub cleanup ...` and `nhub migrate ...`: parses the arguments and runs the command. An unknown option is
 * not quoted back (it may be a pasted secret).
 */
export async function runFleetCommand(
  command: "cleanup" | "migrate",
  args: readonly string[],
  io: FleetCommandIo,
): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof FLEET_OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...args], options: FLEET_OPTIONS, allowPositionals: true, strict: true });
  } catch {
    throw new ValidationError(
      "arguments",
      "unknown",
      `nhub ${command}: an option is unknown or lacks its value (the options are --records, --since, --apply, --json, --concurrency, --connection-string, --hub)`,
    );
  }
  const { values, positionals } = parsed;
  if (command === "migrate") {
    if (positionals.length > 1)
      throw new ValidationError("arguments", "extra", "nhub migrate takes one target");
    return runMigrate(positionals[0], values, io);
  }
  if (positionals.length > 0)
    throw new ValidationError("arguments", "extra", "nhub cleanup takes no positional arguments");
  return runCleanup(values, io);
}
