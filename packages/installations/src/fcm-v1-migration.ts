/**
 * The FCM legacy → FCM v1 migration kit. FCM legacy was shut down in 2024 and the hub does not convert legacy
 * registrations or installations itself: this recreates each as FCM v1 with the same handle, tags and template
 * (translated), and removes the legacy one only once its replacement exists.
 */
import { type NotificationHub, ValidationError } from "@nhub/core";
import { translateLegacyFcmTemplate } from "./fcm-v1-template";
import {
  checkConcurrency,
  checkDryRun,
  failureText,
  forEachBounded,
  installationIdOfTags,
  isNotFound,
  throwIfAborted,
} from "./fleet-pool";
import {
  createOrUpdateInstallation,
  getInstallation,
  type Installation,
  type InstallationTemplate,
} from "./installation";
import { type OperationOptions, requestOptions } from "./operation-options";
import type {
  FcmV1RegistrationDescription,
  FcmV1TemplateRegistrationDescription,
  GcmRegistrationDescription,
  GcmTemplateRegistrationDescription,
  RegistrationDescription,
} from "./registration-types";
import {
  createOrUpdateRegistration,
  createRegistrationId,
  deleteRegistration,
  listRegistrations,
} from "./registrations";

/** Options of {@link migrateToFcmV1}. */
export interface MigrateToFcmV1Options extends OperationOptions {
  /** Only report what would change. Default **true**: pass `false` to migrate. */
  readonly dryRun?: boolean;
  /** How many devices are migrated at once (1-64). Default 8. */
  readonly concurrency?: number;
  /** Called after each device with the running counts. */
  readonly onProgress?: (progress: FcmV1MigrationProgress) => void;
}

/** What happened to one legacy device. */
export type FcmV1MigrationResult =
  | "migrated"
  | "wouldMigrate"
  | "alreadyMigrated"
  | "untranslatable"
  | "failed";

/** One line of the migration report. */
export interface FcmV1MigrationItem {
  /** A registration, or an installation (found through its `$InstallationId:{id}` tag). */
  readonly target: "registration" | "installation";
  /** The legacy registration's id, or the installation's id. */
  readonly id: string;
  /** The legacy kind (registrations only). */
  readonly kind?: "Gcm" | "GcmTemplate";
  readonly result: FcmV1MigrationResult;
  /** The FCM v1 registration that replaces it (created now, or found from an earlier run). */
  readonly newRegistrationId?: string;
  /** Why it is untranslatable or failed. */
  readonly reason?: string;
}

/** Running counts passed to `onProgress`. */
export interface FcmV1MigrationProgress {
  /** Registrations read from the feed so far. */
  readonly scanned: number;
  /** Legacy devices handled so far. */
  readonly handled: number;
  readonly counts: Readonly<Record<FcmV1MigrationResult, number>>;
}

/** What {@link migrateToFcmV1} did, or would do in a dry run. */
export interface FcmV1MigrationReport {
  readonly dryRun: boolean;
  /** Registrations read from the feed (over every pass). */
  readonly scanned: number;
  /** Feed passes made: another pass follows one that deleted anything, since deleting shifts later pages. */
  readonly passes: number;
  readonly items: readonly FcmV1MigrationItem[];
  readonly counts: Readonly<Record<FcmV1MigrationResult, number>>;
}

type Legacy = GcmRegistrationDescription | GcmTemplateRegistrationDescription;
type V1 = FcmV1RegistrationDescription | FcmV1TemplateRegistrationDescription;

const MAX_PASSES = 5;

const isLegacy = (r: RegistrationDescription): r is Legacy => r.kind === "Gcm" || r.kind === "GcmTemplate";

/** Quotes a value as an OData string literal: `'` is doubled. */
function odata(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The FCM v1 registration a legacy one becomes, or why it cannot. */
function v1Of(legacy: Legacy): { ok: true; registration: V1 } | { ok: false; reason: string } {
  const common = {
    fcmV1RegistrationId: legacy.gcmRegistrationId,
    ...(legacy.tags === undefined ? {} : { tags: legacy.tags }),
    ...(legacy.pushVariables === undefined ? {} : { pushVariables: legacy.pushVariables }),
  };
  if (legacy.kind === "Gcm") return { ok: true, registration: { kind: "FcmV1", ...common } };
  const body = translateLegacyFcmTemplate(legacy.bodyTemplate);
  if (!body.ok) return body;
  return {
    ok: true,
    registration: {
      kind: "FcmV1Template",
      ...common,
      bodyTemplate: body.body,
      ...(legacy.templateName === undefined ? {} : { templateName: legacy.templateName }),
    },
  };
}

/** The installation as FCM v1: platform `fcmv1`, templates translated, every other field kept. */
function v1Installation(
  installation: Installation,
): { ok: true; installation: Installation } | { ok: false; reason: string } {
  let templates: Record<string, InstallationTemplate> | undefined;
  if (installation.templates !== undefined) {
    templates = {};
    for (const [name, template] of Object.entries(installation.templates)) {
      const body = translateLegacyFcmTemplate(template.body);
      if (!body.ok) return { ok: false, reason: `template ${JSON.stringify(name)}: ${body.reason}` };
      templates[name] = { ...template, body: body.body };
    }
  }
  return {
    ok: true,
    installation: {
      ...installation,
      platform: "fcmv1",
      pushChannel: installation.pushChannel as string,
      ...(templates === undefined ? {} : { templates }),
    },
  };
}

/**
 * Migrates every FCM legacy device of the hub to FCM v1. Pages through `GET /registrations` and, for each
 * `Gcm`/`GcmTemplate` registration:
 *
 * - one that stands for an installation (tagged `$InstallationId:{id}`) has its installation rewritten, once:
 *   `GET`, platform `fcmv1`, templates translated, every other field kept, `PUT` (the hub then shows it as FCM v1
 *   registrations);
 * - any other is recreated as `FcmV1`/`FcmV1Template` with the same handle, tags, push variables, template name
 *   and translated body (`createRegistrationId` + `PUT`), and the legacy one is deleted (`If-Match` its ETag)
 *   only after that.
 *
 * Resumable: before creating, it lists the handle's registrations (`ChannelUri eq '<token>'`) and reuses an FCM
 * v1 one of the same kind and template name, so a second run after a crash creates no duplicates. A legacy
 * template whose body has no v1 translation is left untouched and reported `untranslatable`. Registration
 * expiry is not written: it is the hub's time to live, set anew on create. At most `concurrency` devices are in
 * flight; core's retry honours the service's 429 `Retry-After`. It is a **dry run unless `dryRun: false`**.
 */
export async function migrateToFcmV1(
  hub: NotificationHub,
  options: MigrateToFcmV1Options = {},
): Promise<FcmV1MigrationReport> {
  const dryRun = checkDryRun(options.dryRun);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new ValidationError("onProgress", "type", "onProgress must be a function");
  }
  const concurrency = checkConcurrency(options.concurrency);
  const perRequest = requestOptions(options);
  const items: FcmV1MigrationItem[] = [];
  const counts: Record<FcmV1MigrationResult, number> = {
    migrated: 0,
    wouldMigrate: 0,
    alreadyMigrated: 0,
    untranslatable: 0,
    failed: 0,
  };
  // Devices handled in this run, so a later pass (or another registration of the same installation) skips them.
  const handled = new Set<string>();
  let scanned = 0;
  const record = (item: FcmV1MigrationItem) => {
    items.push(item);
    counts[item.result]++;
    options.onProgress?.({ scanned, handled: items.length, counts: { ...counts } });
  };
  // Registrations of one handle are migrated one after another, so two legacy duplicates of a device cannot
  // both miss the other's new registration and create two.
  const handleLocks = new Map<string, Promise<void>>();
  const underLock = async (handle: string, run: () => Promise<void>) => {
    const before = handleLocks.get(handle) ?? Promise.resolve();
    const mine = before.then(run);
    const tail = mine.catch(() => undefined);
    handleLocks.set(handle, tail);
    try {
      await mine;
    } finally {
      if (handleLocks.get(handle) === tail) handleLocks.delete(handle);
    }
  };

  const migrateInstallation = async (installationId: string) => {
    let installation: Installation;
    try {
      installation = await getInstallation(hub, installationId, perRequest);
    } catch (error) {
      if (isNotFound(error))
        return record({
          target: "installation",
          id: installationId,
          result: "alreadyMigrated",
          reason: "gone",
        });
      return record({
        target: "installation",
        id: installationId,
        result: "failed",
        reason: failureText(error),
      });
    }
    if (installation.platform !== "gcm") {
      return record({ target: "installation", id: installationId, result: "alreadyMigrated" });
    }
    const v1 = v1Installation(installation);
    if (!v1.ok)
      return record({
        target: "installation",
        id: installationId,
        result: "untranslatable",
        reason: v1.reason,
      });
    if (dryRun) return record({ target: "installation", id: installationId, result: "wouldMigrate" });
    try {
      await createOrUpdateInstallation(hub, v1.installation, perRequest);
      record({ target: "installation", id: installationId, result: "migrated" });
    } catch (error) {
      record({ target: "installation", id: installationId, result: "failed", reason: failureText(error) });
    }
  };

  const migrateRegistration = async (legacy: Legacy): Promise<boolean> => {
    const id = legacy.registrationId!;
    const base = { target: "registration" as const, id, kind: legacy.kind };
    const v1 = v1Of(legacy);
    if (!v1.ok) {
      record({ ...base, result: "untranslatable", reason: v1.reason });
      return false;
    }
    let wrote = false;
    await underLock(legacy.gcmRegistrationId, async () => {
      try {
        let existing: V1 | undefined;
        const filter = `ChannelUri eq ${odata(legacy.gcmRegistrationId)}`;
        for await (const r of listRegistrations(hub, { ...perRequest, filter })) {
          if (r.kind !== v1.registration.kind || installationIdOfTags(r.tags) !== undefined) continue;
          if (
            r.kind === "FcmV1Template" &&
            r.templateName !== (v1.registration as FcmV1TemplateRegistrationDescription).templateName
          )
            continue;
          existing = r as V1;
          break;
        }
        if (dryRun) {
          record({
            ...base,
            result: existing ? "alreadyMigrated" : "wouldMigrate",
            ...(existing?.registrationId ? { newRegistrationId: existing.registrationId } : {}),
          });
          return;
        }
        let newId = existing?.registrationId;
        if (newId === undefined) {
          newId = await createRegistrationId(hub, perRequest);
          await createOrUpdateRegistration(hub, { ...v1.registration, registrationId: newId }, perRequest);
        }
        try {
          await deleteRegistration(hub, id, legacy.etag, perRequest);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        wrote = true;
        record({ ...base, result: existing ? "alreadyMigrated" : "migrated", newRegistrationId: newId });
      } catch (error) {
        if (!(error instanceof Error) || error.name === "AbortError") throw error;
        record({ ...base, result: "failed", reason: failureText(error) });
      }
    });
    return wrote;
  };

  let passes = 0;
  for (;;) {
    passes++;
    let deleted = false;
    const legacyOfPass = async function* (): AsyncGenerator<Legacy> {
      for await (const r of listRegistrations(hub, { ...perRequest, top: 100 })) {
        scanned++;
        if (!isLegacy(r) || r.registrationId === undefined) continue;
        const installationId = installationIdOfTags(r.tags);
        const key =
          installationId === undefined
            ? `registration:${r.registrationId}`
            : `installation:${installationId}`;
        if (handled.has(key)) continue;
        handled.add(key);
        yield r;
      }
    };
    await forEachBounded(legacyOfPass(), concurrency, options.signal, async (r) => {
      throwIfAborted(options.signal);
      const installationId = installationIdOfTags(r.tags);
      if (installationId !== undefined) await migrateInstallation(installationId);
      else if (await migrateRegistration(r)) deleted = true;
    });
    if (dryRun || !deleted || passes >= MAX_PASSES) break;
  }
  return { dryRun, scanned, passes, items, counts };
}
