import { AbortError, type NotificationHub, TimeoutError, ValidationError } from "@nhub/core";
import type { RecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  getNotificationHubJob,
  listNotificationHubJobs,
  type NotificationHubJobRequest,
  submitNotificationHubJob,
  waitForNotificationHubJob,
} from "../src/index";
import { atomAnswer, BASE, childElementNames, deepFreeze, startHub, xmlTree } from "./fixtures";

let server: RecordingServer;
let hub: NotificationHub;
let running = false;

afterEach(async () => {
  if (!running) return;
  running = false;
  await hub.close();
  await server.close();
});

async function start(respond: Parameters<typeof startHub>[0]) {
  ({ server, hub } = await startHub(respond));
  running = true;
}

const JOB_ID = "2518085877924241193a972e50a-f767-43f5-9389-22c9956daafa";
const OUTPUT = "https://store.blob.core.windows.net/export?sv=2019-02-02&sr=c&sig=4aMH%2F%2Fq4T1U%3D&sp=rwl";
const IMPORT =
  "https://store.blob.core.windows.net/export/ImportRegistrations.txt?sv=2019-02-02&sr=b&sig=Du%3D&sp=rcw";

/** A NotificationHubJob entry as the service writes it; `inner` holds the elements after JobId. */
function jobEntry(inner: string, feedEntry = false): string {
  const ns = feedEntry ? "" : ' xmlns="http://www.w3.org/2005/Atom"';
  return (
    `<entry${ns}><id>${BASE}/jobs/${JOB_ID}?api-version=2020-06</id><title type="text">${JOB_ID}</title>` +
    "<published>2026-01-05T18:03:28Z</published><updated>2026-01-05T18:03:28Z</updated>" +
    `<link rel="self" href="${BASE}/jobs/${JOB_ID}?api-version=2020-06"/><content type="application/xml">` +
    '<NotificationHubJob xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">' +
    `<JobId>${JOB_ID}</JobId>${inner}</NotificationHubJob></content></entry>`
  );
}

const submitted = jobEntry(
  "<Type>ImportCreateRegistrations</Type>" +
    `<OutputContainerUri>${OUTPUT.replace(/&/g, "&amp;")}</OutputContainerUri>` +
    `<ImportFileUri>${IMPORT.replace(/&/g, "&amp;")}</ImportFileUri>` +
    "<CreatedAt>2026-01-05T18:03:28.2009314Z</CreatedAt><UpdatedAt>2026-01-05T18:03:28.2009314Z</UpdatedAt>",
);

function exportJob(status: string, progress: string, done = false, feedEntry = false): string {
  return jobEntry(
    `<Progress>${progress}</Progress><Type>ExportRegistrations</Type><Status>${status}</Status>` +
      `<OutputContainerUri>${OUTPUT.replace(/&/g, "&amp;")}</OutputContainerUri>` +
      (done
        ? '<OutputProperties xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
          "<d3p1:KeyValueOfstringstring><d3p1:Key>OutputFilePath</d3p1:Key><d3p1:Value>export/1/Output.txt</d3p1:Value></d3p1:KeyValueOfstringstring>" +
          "<d3p1:KeyValueOfstringstring><d3p1:Key>FailedFilePath</d3p1:Key><d3p1:Value>export/1/Failed.txt</d3p1:Value></d3p1:KeyValueOfstringstring>" +
          "</OutputProperties>"
        : "") +
      "<CreatedAt>2026-01-05T18:03:28Z</CreatedAt><UpdatedAt>2026-01-05T18:05:00Z</UpdatedAt>",
    feedEntry,
  );
}

describe("submitNotificationHubJob", () => {
  it("POSTs the NotificationHubJob Atom entry to /jobs and reads the submitted job", async () => {
    await start(() => atomAnswer(submitted, 201, { Location: `${BASE}/jobs/${JOB_ID}?api-version=2020-06` }));
    const request = deepFreeze({
      type: "ImportCreateRegistrations",
      outputContainerUrl: OUTPUT,
      importFileUrl: IMPORT,
    } satisfies NotificationHubJobRequest);
    const job = await submitNotificationHubJob(hub, request);

    expect(job).toEqual({
      jobId: JOB_ID,
      type: "ImportCreateRegistrations",
      outputContainerUrl: OUTPUT,
      importFileUrl: IMPORT,
      createdAt: new Date("2026-01-05T18:03:28.200Z"),
      updatedAt: new Date("2026-01-05T18:03:28.200Z"),
    });
    const [req] = server.requests;
    expect(req).toMatchObject({ method: "POST", path: "/myhub/jobs", tokenValid: true });
    expect([...req!.query.entries()]).toEqual([["api-version", "2020-06"]]);
    expect(req!.headers["content-type"]).toBe("application/atom+xml;type=entry;charset=utf-8");
    const expected =
      '<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">' +
      '<NotificationHubJob xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">' +
      `<Type>ImportCreateRegistrations</Type><OutputContainerUri>${OUTPUT.replace(/&/g, "&amp;")}</OutputContainerUri>` +
      `<ImportFileUri>${IMPORT.replace(/&/g, "&amp;")}</ImportFileUri></NotificationHubJob></content></entry>`;
    expect(req!.text).toBe(expected);
    expect(xmlTree(req!.text)).toEqual(xmlTree(expected));
    expect(childElementNames(req!.text, "NotificationHubJob")).toEqual([
      "Type",
      "OutputContainerUri",
      "ImportFileUri",
    ]);
  });

  const invalid: [string, unknown, string, string][] = [
    ["an unknown type", { type: "Export", outputContainerUrl: OUTPUT }, "type", "one-of"],
    ["a missing output container", { type: "ExportRegistrations" }, "outputContainerUrl", "required"],
    [
      "a relative output container",
      { type: "ExportRegistrations", outputContainerUrl: "container" },
      "outputContainerUrl",
      "url",
    ],
    [
      "an import file on an export",
      { type: "ExportRegistrations", outputContainerUrl: OUTPUT, importFileUrl: IMPORT },
      "importFileUrl",
      "forbidden",
    ],
    [
      "an import without a file",
      { type: "ImportUpsertRegistrations", outputContainerUrl: OUTPUT },
      "importFileUrl",
      "required",
    ],
    [
      "an ftp import file",
      { type: "ImportDeleteRegistrations", outputContainerUrl: OUTPUT, importFileUrl: "ftp://x/y" },
      "importFileUrl",
      "url",
    ],
  ];
  for (const [what, job, field, rule] of invalid) {
    it(`refuses ${what} (${field}: ${rule}), sending nothing`, async () => {
      await start(() => ({ status: 500 }));
      const error = await submitNotificationHubJob(hub, job as NotificationHubJobRequest).catch(
        (e: unknown) => e,
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field, rule });
      expect(server.requests).toHaveLength(0);
    });
  }
});

describe("getNotificationHubJob and listNotificationHubJobs", () => {
  it("reads a completed job with its output properties", async () => {
    await start(() => atomAnswer(exportJob("Completed", "100.00", true)));
    const job = await getNotificationHubJob(hub, JOB_ID);
    expect(job).toEqual({
      jobId: JOB_ID,
      type: "ExportRegistrations",
      status: "Completed",
      progress: 100,
      outputContainerUrl: OUTPUT,
      outputProperties: { OutputFilePath: "export/1/Output.txt", FailedFilePath: "export/1/Failed.txt" },
      createdAt: new Date("2026-01-05T18:03:28Z"),
      updatedAt: new Date("2026-01-05T18:05:00Z"),
    });
    expect(server.requests[0]).toMatchObject({ method: "GET", path: `/myhub/jobs/${JOB_ID}`, text: "" });
  });

  it("lists the jobs of a feed", async () => {
    await start(() => ({
      status: 200,
      body:
        '<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Jobs</title>' +
        `${exportJob("Running", "40", false, true)}${exportJob("Completed", "100", true, true)}</feed>`,
    }));
    const jobs = await listNotificationHubJobs(hub);
    expect(jobs.map((j) => [j.status, j.progress])).toEqual([
      ["Running", 40],
      ["Completed", 100],
    ]);
    expect(server.requests[0]).toMatchObject({ method: "GET", path: "/myhub/jobs" });
  });
});

describe("waitForNotificationHubJob", () => {
  it("polls until the job is Completed", async () => {
    const states = [
      exportJob("Started", "0"),
      exportJob("Running", "50"),
      exportJob("Completed", "100", true),
    ];
    await start((_req, i) => atomAnswer(states[Math.min(i, 2)]!));
    const job = await waitForNotificationHubJob(hub, JOB_ID, { intervalMs: 5 });
    expect(job.status).toBe("Completed");
    expect(job.outputProperties?.["OutputFilePath"]).toBe("export/1/Output.txt");
    expect(server.requests.map((r) => r.path)).toEqual(Array(3).fill(`/myhub/jobs/${JOB_ID}`));
  });

  it("keeps polling a job that has not started yet (no Status, no Progress)", async () => {
    // The service's first reads of a new job carry neither element.
    const states = [submitted, submitted, exportJob("Completed", "100", true)];
    await start((_req, i) => atomAnswer(states[Math.min(i, 2)]!));
    const job = await waitForNotificationHubJob(hub, JOB_ID, { intervalMs: 5 });
    expect(job.status).toBe("Completed");
    expect(server.requests).toHaveLength(3);
  });

  it("says a job still without Status is pending when it times out", async () => {
    await start(() => atomAnswer(submitted));
    const error = await waitForNotificationHubJob(hub, JOB_ID, { intervalMs: 10, timeoutMs: 40 }).catch(
      (e: unknown) => e,
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/still pending/);
  });

  it("resolves with a Failed job too", async () => {
    await start(() =>
      atomAnswer(
        jobEntry(
          `<Type>ExportRegistrations</Type><Status>Failed</Status><OutputContainerUri>${OUTPUT.replace(/&/g, "&amp;")}</OutputContainerUri>` +
            "<Failure>The container does not exist.</Failure>",
        ),
      ),
    );
    const job = await waitForNotificationHubJob(hub, JOB_ID, { intervalMs: 5 });
    expect(job).toMatchObject({ status: "Failed", failure: "The container does not exist." });
  });

  it("gives up with a TimeoutError after timeoutMs", async () => {
    await start(() => atomAnswer(exportJob("Running", "10")));
    const error = await waitForNotificationHubJob(hub, JOB_ID, { intervalMs: 10, timeoutMs: 60 }).catch(
      (e: unknown) => e,
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/still Running/);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it("stops with an AbortError when the signal fires", async () => {
    await start(() => atomAnswer(exportJob("Running", "10")));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await waitForNotificationHubJob(hub, JOB_ID, {
      intervalMs: 1_000,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("refuses bad options, sending nothing", async () => {
    await start(() => atomAnswer(exportJob("Running", "10")));
    await expect(waitForNotificationHubJob(hub, JOB_ID, { intervalMs: 0 })).rejects.toMatchObject({
      field: "intervalMs",
    });
    await expect(waitForNotificationHubJob(hub, "a/b")).rejects.toMatchObject({ field: "jobId" });
    expect(server.requests).toHaveLength(0);
  });
});
