/**
 * The records an emulated hub keeps and the handlers fill: submitted jobs (and how one reads at a given time),
 * per-notification outcome records, and a checked, routed send. Kept apart from the hub and the handlers so
 * that each of them can import these without importing the other.
 */
import type { OutcomeEntry } from "./emulator-xml";
import type { Delivery, InstallationPlatform, NotificationHubJob } from "./types";

/** How long a job runs unless the emulator is told otherwise. */
export const DEFAULT_JOB_DURATION_MS = 500;

/** A submitted job; its status is worked out from its age whenever it is read. */
export interface StoredJob {
  readonly jobId: string;
  readonly type: string;
  readonly outputContainerUri: string;
  readonly importFileUri?: string;
  readonly inputProperties?: Readonly<Record<string, string>>;
  /** Why the job failed at once (an unknown type, an import without a file). */
  readonly failure?: string;
  readonly createdAtMs: number;
}

/**
 * A job as of `now`: without a status at the instant of submission (the service's answer to the submission has
 * neither `Status` nor `Progress`), then `Running` until `durationMs` passed, then `Completed`.
 */
export function jobAt(job: StoredJob, now: number, durationMs: number): NotificationHubJob {
  const base = {
    jobId: job.jobId,
    type: job.type,
    outputContainerUri: job.outputContainerUri,
    ...(job.importFileUri !== undefined ? { importFileUri: job.importFileUri } : {}),
    ...(job.inputProperties !== undefined ? { inputProperties: job.inputProperties } : {}),
    createdAt: new Date(job.createdAtMs).toISOString(),
  };
  if (job.failure !== undefined) {
    return Object.freeze({
      ...base,
      status: "Failed",
      progress: 0,
      failure: job.failure,
      updatedAt: base.createdAt,
    });
  }
  const elapsed = now - job.createdAtMs;
  if (elapsed >= durationMs) {
    // Names inside the output container, as the service reports them in OutputProperties.
    const container = job.outputContainerUri.split("?")[0]!.replace(/\/+$/, "");
    return Object.freeze({
      ...base,
      status: "Completed",
      progress: 100,
      outputProperties: Object.freeze({
        OutputFilePath: `${container}/${job.jobId}/Output.txt`,
        FailedFilePath: `${container}/${job.jobId}/Failed.txt`,
      }),
      updatedAt: new Date(job.createdAtMs + durationMs).toISOString(),
    });
  }
  if (elapsed <= 0) return Object.freeze({ ...base, updatedAt: base.createdAt });
  return Object.freeze({
    ...base,
    status: "Running",
    progress: Math.floor((elapsed / durationMs) * 100),
    updatedAt: new Date(now).toISOString(),
  });
}

/** The lifecycle states the emulator reports, a subset of the service's. */
export type NotificationState = "Enqueued" | "Completed" | "Cancelled";

/** How many registrations of one platform ended in one outcome. */
export interface OutcomeCount {
  readonly platform: InstallationPlatform;
  /** `Success`, `InvalidNotificationFormat` (a template that failed to render) or `InvalidNotificationSize`. */
  readonly name: string;
  readonly count: number;
}

/** What the emulator remembers of one notification for its outcome details. */
export interface NotificationRecord {
  readonly notificationId: string;
  readonly location: string;
  readonly state: NotificationState;
  /** ISO-8601 times: accepted, delivery started, delivery ended. */
  readonly enqueueTime: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly body: string;
  readonly tags?: string;
  /** Comma-separated formats reached, e.g. `apple` or `apple,windows` for a template send. */
  readonly targetPlatforms?: string;
  readonly counts: readonly OutcomeCount[];
}

/** A notification that passed the service's checks, ready to route now or later. */
export interface CheckedNotification {
  readonly format: string;
  /** The platform a native format reaches; absent for `template`. */
  readonly platform?: InstallationPlatform;
  readonly contentType: string;
  /** Platform headers as the sender wrote them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** For `template`: the sent property bag. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** What one routed send produced: the deliveries and, per registration reached, its outcome. */
export interface Routed {
  readonly deliveries: Delivery[];
  readonly outcome: OutcomeEntry[];
}
