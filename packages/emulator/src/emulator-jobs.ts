/**
 * Import/export jobs (`POST`/`GET /{hub}/jobs`, `GET /{hub}/jobs/{id}`): accepted, reported `Running`, then
 * `Completed` once the hub's job duration has passed. No storage is touched: an export records the file names
 * it would have written, an import changes nothing.
 */
import { randomUUID } from "node:crypto";
import {
  ATOM_ENTRY_TYPE,
  ATOM_FEED_TYPE,
  atomEntry,
  atomFeed,
  childList,
  childText,
  parseAtomContent,
} from "./emulator-atom";
import { HttpError, type HubHttpRequest, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { jobAt, type StoredJob } from "./emulator-records";
import { dictionary, isReservedName, RESERVED_NAMES } from "./emulator-safe";
import { element, SERVICE_NAMESPACE, XSI_NAMESPACE } from "./emulator-xml";
import type { NotificationHubJob } from "./types";

/** The job types the service knows. */
export const JOB_TYPES: readonly string[] = [
  "ExportRegistrations",
  "ImportCreateRegistrations",
  "ImportUpdateRegistrations",
  "ImportDeleteRegistrations",
  "ImportUpsertRegistrations",
];

const ARRAYS_NAMESPACE = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

function propertiesXml(name: string, properties: Readonly<Record<string, string>> | undefined): string {
  if (properties === undefined) return "";
  const items = Object.entries(properties)
    .map(
      ([k, v]) =>
        `<d3p1:KeyValueOfstringstring>${element("d3p1:Key", k)}${element("d3p1:Value", v)}</d3p1:KeyValueOfstringstring>`,
    )
    .join("");
  return `<${name} xmlns:d3p1="${ARRAYS_NAMESPACE}">${items}</${name}>`;
}

/** The `NotificationHubJob` description, elements in the service's data-contract order. */
export function jobXml(job: NotificationHubJob): string {
  return (
    `<NotificationHubJob xmlns="${SERVICE_NAMESPACE}" xmlns:i="${XSI_NAMESPACE}">` +
    element("JobId", job.jobId) +
    (job.progress !== undefined ? element("Progress", String(job.progress)) : "") +
    element("Type", job.type) +
    (job.status !== undefined ? element("Status", job.status) : "") +
    element("OutputContainerUri", job.outputContainerUri) +
    (job.importFileUri !== undefined ? element("ImportFileUri", job.importFileUri) : "") +
    propertiesXml("InputProperties", job.inputProperties) +
    (job.failure !== undefined ? element("Failure", job.failure) : "") +
    propertiesXml("OutputProperties", job.outputProperties) +
    element("CreatedAt", job.createdAt) +
    element("UpdatedAt", job.updatedAt) +
    "</NotificationHubJob>"
  );
}

function jobUrl(req: HubHttpRequest, hub: HubState, jobId: string): string {
  return `${req.origin}/${hub.name}/jobs/${jobId}?api-version=${req.query.get("api-version")}`;
}

function entryFor(req: HubHttpRequest, hub: HubState, job: NotificationHubJob, nested = false): string {
  return atomEntry({
    url: jobUrl(req, hub, job.jobId),
    title: job.jobId,
    published: job.createdAt,
    updated: job.updatedAt,
    content: jobXml(job),
    nested,
  });
}

function checkUri(value: string | undefined, field: string, required: boolean): string | undefined {
  if (value === undefined || value === "") {
    if (required) throw new HttpError(400, `The job needs ${field}.`);
    return undefined;
  }
  if (!URL.canParse(value)) throw new HttpError(400, `The job's ${field} "${value}" is not a URL.`);
  return value;
}

/**
 * `POST /{hub}/jobs`: accepts a job (201 with the entry, which has no `Status` or `Progress` yet). An unknown type or an import without an
 * `ImportFileUri` is accepted and reported `Failed`, the way a job fails once it runs.
 *
 * @throws {HttpError} 400 for a body that is not a `NotificationHubJob` entry or lacks `Type` or `OutputContainerUri`.
 */
export function handleSubmitJob(hub: HubState, req: HubHttpRequest): Reply {
  const { name, value } = parseAtomContent(req.body, "job");
  if (name !== "NotificationHubJob")
    throw new HttpError(400, `The job entry must hold a NotificationHubJob, not ${name}.`);
  const type = childText(value, "Type");
  if (!type) throw new HttpError(400, "The job needs a Type.");
  const outputContainerUri = checkUri(childText(value, "OutputContainerUri"), "OutputContainerUri", true)!;
  const importFileUri = checkUri(childText(value, "ImportFileUri"), "ImportFileUri", false);
  const items = childList(value, "InputProperties", "KeyValueOfstringstring");
  let inputProperties: Record<string, string> | undefined;
  for (const item of items) {
    const key = childText(item, "Key");
    if (key === undefined) continue;
    if (isReservedName(key)) {
      throw new HttpError(
        400,
        `InputProperties cannot use the key "${key}" (${[...RESERVED_NAMES].join(", ")} are reserved).`,
      );
    }
    inputProperties ??= dictionary();
    inputProperties[key] = childText(item, "Value") ?? "";
  }
  let failure: string | undefined;
  if (!JOB_TYPES.includes(type))
    failure = `The job type "${type}" is not supported; use one of ${JOB_TYPES.join(", ")}.`;
  else if (type.startsWith("Import") && importFileUri === undefined)
    failure = `A ${type} job needs an ImportFileUri.`;
  const now = Date.now();
  const stored: StoredJob = {
    jobId: randomUUID(),
    type,
    outputContainerUri,
    ...(importFileUri !== undefined ? { importFileUri } : {}),
    ...(inputProperties !== undefined ? { inputProperties: Object.freeze(inputProperties) } : {}),
    ...(failure !== undefined ? { failure } : {}),
    createdAtMs: now,
  };
  hub.addJob(stored);
  const job = jobAt(stored, now, hub.jobDurationMs);
  return {
    status: 201,
    headers: { "Content-Type": ATOM_ENTRY_TYPE, Location: jobUrl(req, hub, job.jobId) },
    body: entryFor(req, hub, job),
    note: `job ${job.jobId} ${job.status ?? "submitted"}`,
  };
}

/**
 * `GET /{hub}/jobs/{id}`: the job with its current status.
 *
 * @throws {HttpError} 404 for an unknown job.
 */
export function handleGetJob(hub: HubState, req: HubHttpRequest, jobId: string): Reply {
  const job = hub.job(jobId);
  if (!job) throw new HttpError(404, `There is no job with id "${jobId}" on this hub.`);
  return {
    status: 200,
    headers: { "Content-Type": ATOM_ENTRY_TYPE },
    body: entryFor(req, hub, job),
    note: job.status ?? "submitted",
  };
}

/** `GET /{hub}/jobs`: every job, oldest first, as an Atom feed. */
export function handleListJobs(hub: HubState, req: HubHttpRequest): Reply {
  const jobs = hub.jobs();
  return {
    status: 200,
    headers: { "Content-Type": ATOM_FEED_TYPE },
    body: atomFeed({
      url: `${req.origin}/${hub.name}/jobs?api-version=${req.query.get("api-version")}`,
      title: "NotificationHubJobs",
      entries: jobs.map((j) => entryFor(req, hub, j, true)),
    }),
    note: `${jobs.length} job(s)`,
  };
}
