/** Import and export jobs: submit, get, list. */
import type * as sdk from "@azure/notification-hubs";
import {
  getNotificationHubJob,
  listNotificationHubJobs,
  type NotificationHubJobRequest,
  submitNotificationHubJob,
} from "@nhub/installations";
import { describe, expect, it } from "vitest";
import { JOB_ID, runOne } from "../src/capture";

// The SDK writes an Atom `<updated>` element in the entry; nhub does not. See differences.test.ts.
const ATOM_UPDATED = "body/entry: children sdk [updated, content] nhub [content]";
// The SDK sends a Content-Type on GETs, which have no body; nhub does not. See differences.test.ts.
const GET_CONTENT_TYPE =
  'header content-type: sdk "application/atom+xml;type=entry;charset=utf-8" nhub (absent)';

const output = "https://exports.blob.core.windows.net/out?sv=2024-11-04&sr=c&sig=a%2Bb&se=2099-01-01";
const input = "https://exports.blob.core.windows.net/in/import.txt?sv=2024-11-04&sr=b&sig=c%2Bd";

const JOBS: readonly NotificationHubJobRequest[] = [
  { type: "ExportRegistrations", outputContainerUrl: output },
  { type: "ImportCreateRegistrations", outputContainerUrl: output, importFileUrl: input },
  { type: "ImportUpdateRegistrations", outputContainerUrl: output, importFileUrl: input },
  { type: "ImportDeleteRegistrations", outputContainerUrl: output, importFileUrl: input },
  { type: "ImportUpsertRegistrations", outputContainerUrl: output, importFileUrl: input },
];

/** The fields both clients read from a job. */
function jobFields(job: sdk.NotificationHubJob | Awaited<ReturnType<typeof getNotificationHubJob>>) {
  return {
    jobId: job.jobId,
    type: job.type,
    status: job.status,
    progress: job.progress,
    outputContainerUrl: job.outputContainerUrl,
    importFileUrl: job.importFileUrl,
    failure: job.failure,
    inputProperties: job.inputProperties,
    outputProperties: job.outputProperties,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

describe.each(JOBS)("submit $type", (job) => {
  it("POSTs jobs with the same NotificationHubJob entry and reads the same job back", async () => {
    const run = await runOne(
      (c) => c.submitNotificationHubJob({ ...job }),
      (h) => submitNotificationHubJob(h, job),
    );
    expect(run.diff).toEqual([ATOM_UPDATED]);
    expect(run.nhub.method).toBe("POST");
    expect(run.nhub.path).toBe("/myhub/jobs");
    expect(run.nhub.headers["content-type"]).toBe("application/atom+xml;type=entry;charset=utf-8");
    expect(jobFields(run.nhubResult)).toEqual(jobFields(run.sdkResult));
    expect(run.nhubResult).toMatchObject({ jobId: JOB_ID, type: job.type, status: "Started" });
  });
});

describe("jobs", () => {
  it("gets a job with GET jobs/{id}", async () => {
    const run = await runOne(
      (c) => c.getNotificationHubJob(JOB_ID),
      (h) => getNotificationHubJob(h, JOB_ID),
    );
    expect(run.diff).toEqual([GET_CONTENT_TYPE]);
    expect(run.nhub.path).toBe(`/myhub/jobs/${JOB_ID}`);
    expect(jobFields(run.nhubResult)).toEqual(jobFields(run.sdkResult));
    expect(run.nhubResult).toMatchObject({
      status: "Completed",
      progress: 100,
      outputProperties: { OutputFilePath: "myhub/export/output.txt" },
    });
  });

  it("lists jobs with GET jobs", async () => {
    const run = await runOne(
      (c) => c.listNotificationHubJobs(),
      (h) => listNotificationHubJobs(h),
    );
    expect(run.diff).toEqual([GET_CONTENT_TYPE]);
    expect(run.nhub.path).toBe("/myhub/jobs");
    expect(run.nhubResult.map(jobFields)).toEqual(run.sdkResult.map(jobFields));
    expect(run.nhubResult.map((j) => j.status)).toEqual(["Completed", "Failed"]);
    expect(run.nhubResult[1]).toMatchObject({ failure: "The input file is empty." });
  });
});
