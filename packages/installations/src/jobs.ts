/**
 * Notification hub jobs: bulk export and import of registrations through Azure Storage
 * (`POST/GET {hub}/jobs`, Atom `NotificationHubJob` entries; Standard tier).
 */
import {
  describeValue,
  encodePathSegment,
  isPlainObject,
  type NotificationHub,
  sleep,
  TimeoutError,
  ValidationError,
} from "@nhub/core";
import { escapeXml } from "@nhub/xml";
import {
  ATOM_ENTRY_CONTENT_TYPE,
  atomEntry,
  child,
  children,
  entryContent,
  parseServiceDate,
  parseXml,
  text,
  unexpectedResponse,
  type XmlNode,
} from "./atom-xml";
import { checkPositiveMs, requireId, requireText } from "./field-checks";
import { type OperationOptions, requestOptions } from "./operation-options";

/** What a job does. */
export type NotificationHubJobType =
  | "ExportRegistrations"
  | "ImportCreateRegistrations"
  | "ImportUpdateRegistrations"
  | "ImportDeleteRegistrations"
  | "ImportUpsertRegistrations";

/** Every {@link NotificationHubJobType}. */
export const NOTIFICATION_HUB_JOB_TYPES: readonly NotificationHubJobType[] = Object.freeze([
  "ExportRegistrations",
  "ImportCreateRegistrations",
  "ImportUpdateRegistrations",
  "ImportDeleteRegistrations",
  "ImportUpsertRegistrations",
]);

/** Where a job is. `Completed` and `Failed` are final. */
export type NotificationHubJobStatus = "Started" | "Running" | "Completed" | "Failed";

/** A job to submit. */
export interface NotificationHubJobRequest {
  readonly type: NotificationHubJobType;
  /** A SAS URL of a blob container the job may write to (its output and failures files). */
  readonly outputContainerUrl: string;
  /** A SAS URL of the blob to import; required by the import types, refused by `ExportRegistrations`. */
  readonly importFileUrl?: string;
}

/** A job as the service reports it. */
export interface NotificationHubJob {
  readonly jobId: string;
  readonly type: NotificationHubJobType;
  readonly status?: NotificationHubJobStatus;
  /** Percent done, 0-100. */
  readonly progress?: number;
  readonly outputContainerUrl: string;
  readonly importFileUrl?: string;
  /** Why the job failed. */
  readonly failure?: string;
  /** Input properties the service recorded. */
  readonly inputProperties?: Readonly<Record<string, string>>;
  /** Output properties, e.g. `OutputFilePath` and `FailedFilePath` when the job is done. */
  readonly outputProperties?: Readonly<Record<string, string>>;
  readonly createdAt?: Date;
  readonly updatedAt?: Date;
}

function checkUrl(value: unknown, field: string): string {
  const url = requireText(value, field);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(field, "url", `${field} must be an absolute URL (a SAS URL of Azure Storage)`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ValidationError(field, "url", `${field} must be an http(s) URL`);
  }
  return url;
}

/**
 * Checks a job request and writes the Atom entry that submits it:
 * `<NotificationHubJob><Type/><OutputContainerUri/><ImportFileUri/></NotificationHubJob>`.
 *
 * @throws {ValidationError} naming the field at fault.
 */
export function notificationHubJobToAtomXml(job: NotificationHubJobRequest): string {
  if (!isPlainObject(job)) {
    throw new ValidationError("job", "type", `a job must be an object, not ${describeValue(job)}`);
  }
  if (!NOTIFICATION_HUB_JOB_TYPES.includes(job.type)) {
    throw new ValidationError(
      "type",
      "one-of",
      `type must be one of ${NOTIFICATION_HUB_JOB_TYPES.join(", ")}`,
    );
  }
  const output = checkUrl(job.outputContainerUrl, "outputContainerUrl");
  let xml = `<Type>${job.type}</Type><OutputContainerUri>${escapeXml(output, "outputContainerUrl")}</OutputContainerUri>`;
  if (job.type === "ExportRegistrations") {
    if (job.importFileUrl !== undefined) {
      throw new ValidationError(
        "importFileUrl",
        "forbidden",
        "an ExportRegistrations job has no import file",
      );
    }
  } else {
    if (job.importFileUrl === undefined) {
      throw new ValidationError("importFileUrl", "required", `a ${job.type} job needs importFileUrl`);
    }
    const input = checkUrl(job.importFileUrl, "importFileUrl");
    xml += `<ImportFileUri>${escapeXml(input, "importFileUrl")}</ImportFileUri>`;
  }
  return atomEntry("NotificationHubJob", xml);
}

function readProperties(node: XmlNode | undefined): Record<string, string> | undefined {
  if (node === undefined) return undefined;
  const out: [string, string][] = [];
  for (const item of children(node, "KeyValueOfstringstring")) {
    const key = text(item, "Key");
    if (key !== undefined) out.push([key, text(item, "Value") ?? ""]);
  }
  return Object.fromEntries(out);
}

function jobFromNode(node: XmlNode): NotificationHubJob {
  const jobId = text(node, "JobId");
  const type = text(node, "Type")?.trim();
  const outputContainerUrl = text(node, "OutputContainerUri")?.trim();
  if (jobId === undefined || type === undefined || outputContainerUrl === undefined) {
    throw unexpectedResponse("a NotificationHubJob without JobId, Type or OutputContainerUri");
  }
  const out: Record<string, unknown> = { jobId: jobId.trim(), type };
  const status = text(node, "Status")?.trim();
  if (status !== undefined) out["status"] = status;
  const progress = text(node, "Progress");
  if (progress !== undefined && !Number.isNaN(Number(progress))) out["progress"] = Number(progress);
  out["outputContainerUrl"] = outputContainerUrl;
  const importFileUrl = text(node, "ImportFileUri")?.trim();
  if (importFileUrl !== undefined) out["importFileUrl"] = importFileUrl;
  const failure = text(node, "Failure");
  if (failure !== undefined) out["failure"] = failure;
  const inputProperties = readProperties(child(node, "InputProperties"));
  if (inputProperties !== undefined) out["inputProperties"] = inputProperties;
  const outputProperties = readProperties(child(node, "OutputProperties"));
  if (outputProperties !== undefined) out["outputProperties"] = outputProperties;
  const createdAt = parseServiceDate(text(node, "CreatedAt"));
  if (createdAt !== undefined) out["createdAt"] = createdAt;
  const updatedAt = parseServiceDate(text(node, "UpdatedAt"));
  if (updatedAt !== undefined) out["updatedAt"] = updatedAt;
  return out as unknown as NotificationHubJob;
}

const isJobRoot = (name: string) => name === "NotificationHubJob";

/** Reads the Atom entry of one job. */
export async function parseNotificationHubJobEntry(xml: string): Promise<NotificationHubJob> {
  const doc = await parseXml(xml);
  const found = entryContent(children(doc, "entry")[0], isJobRoot);
  if (found === undefined)
    throw unexpectedResponse("the body is not an Atom entry holding a NotificationHubJob");
  return jobFromNode(found.node);
}

/** Reads an Atom feed of jobs. */
export async function parseNotificationHubJobFeed(xml: string): Promise<NotificationHubJob[]> {
  const doc = await parseXml(xml);
  const feed = doc["feed"];
  if (feed === undefined) throw unexpectedResponse("the body is not an Atom feed");
  return children(feed, "entry").map((entry) => {
    const found = entryContent(entry, isJobRoot);
    if (found === undefined) throw unexpectedResponse("a feed entry holds no NotificationHubJob");
    return jobFromNode(found.node);
  });
}

/**
 * Submits an export or import job (`POST /jobs`, answered 201 with the job). Standard tier only.
 *
 * @example
 * const job = await submitNotificationHubJob(hub, { type: "ExportRegistrations", outputContainerUrl: sasUrl });
 * const done = await waitForNotificationHubJob(hub, job.jobId);
 * @throws {ValidationError} before anything is sent, for a bad type or URL, or a missing/extra import file.
 */
export async function submitNotificationHubJob(
  hub: NotificationHub,
  job: NotificationHubJobRequest,
  options?: OperationOptions,
): Promise<NotificationHubJob> {
  const body = notificationHubJobToAtomXml(job);
  const res = await hub.request({
    operation: "submitNotificationHubJob",
    method: "POST",
    path: "/jobs",
    contentType: ATOM_ENTRY_CONTENT_TYPE,
    body,
    ...requestOptions(options),
  });
  return parseNotificationHubJobEntry(res.body);
}

/** Reads a job (`GET /jobs/{id}`). */
export async function getNotificationHubJob(
  hub: NotificationHub,
  jobId: string,
  options?: OperationOptions,
): Promise<NotificationHubJob> {
  const id = requireId(jobId, "jobId");
  const res = await hub.request({
    operation: "getNotificationHubJob",
    method: "GET",
    path: `/jobs/${encodePathSegment(id, "jobId")}`,
    ...requestOptions(options),
  });
  return parseNotificationHubJobEntry(res.body);
}

/** Lists the hub's jobs (`GET /jobs`). */
export async function listNotificationHubJobs(
  hub: NotificationHub,
  options?: OperationOptions,
): Promise<NotificationHubJob[]> {
  const res = await hub.request({
    operation: "listNotificationHubJobs",
    method: "GET",
    path: "/jobs",
    ...requestOptions(options),
  });
  return parseNotificationHubJobFeed(res.body);
}

/** Options of {@link waitForNotificationHubJob}. */
export interface WaitForJobOptions {
  /** Time between polls. Default 5 000 ms. */
  readonly intervalMs?: number;
  /** How long to wait in all before giving up with a `TimeoutError`. Default: no limit. */
  readonly timeoutMs?: number;
  /** Stops waiting with an `AbortError`. */
  readonly signal?: AbortSignal;
  /** Retry policy of each poll. */
  readonly retry?: OperationOptions["retry"];
}

/**
 * Polls a job until it is `Completed` or `Failed` and resolves with it in either state: check `status` (and
 * `failure`) on the result.
 *
 * @throws {TimeoutError} when `timeoutMs` passes first; `AbortError` when `signal` fires.
 */
export async function waitForNotificationHubJob(
  hub: NotificationHub,
  jobId: string,
  options: WaitForJobOptions = {},
): Promise<NotificationHubJob> {
  requireId(jobId, "jobId");
  checkPositiveMs(options.intervalMs, "intervalMs");
  checkPositiveMs(options.timeoutMs, "timeoutMs");
  const interval = options.intervalMs ?? 5_000;
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  // Each poll keeps the hub's per-request timeout: this timeoutMs bounds the whole wait.
  const pollOptions = requestOptions({ signal: options.signal, retry: options.retry });
  for (;;) {
    const job = await getNotificationHubJob(hub, jobId, pollOptions);
    if (job.status === "Completed" || job.status === "Failed") return job;
    const wait = deadline === undefined ? interval : Math.min(interval, deadline - Date.now());
    if (deadline !== undefined && wait <= 0) {
      throw new TimeoutError(
        `job ${jobId} was still ${job.status ?? "pending"} after ${options.timeoutMs} ms`,
      );
    }
    await sleep(wait, options.signal);
  }
}
