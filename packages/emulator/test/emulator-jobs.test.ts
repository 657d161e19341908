import { ValidationError } from "@nhub/core";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { ATOM_ENTRY, atomEntry, elements, errorParts, raw, tokenFor } from "./helpers";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ jobDurationMs: 300 });
});

afterAll(async () => {
  await emulator.close();
});

const CONTAINER = "https://store.blob.core.windows.net/exports?sv=2020-10-02&amp;sig=abc";

function job(inner: string): string {
  return atomEntry(
    '<NotificationHubJob xmlns:i="http://www.w3.org/2001/XMLSchema-instance" ' +
      `xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">${inner}</NotificationHubJob>`,
  );
}

function submit(body: string, authorization?: string) {
  return raw(emulator, "myhub/jobs?api-version=2020-06", {
    method: "POST",
    headers: { "Content-Type": ATOM_ENTRY },
    body,
    ...(authorization !== undefined ? { authorization } : {}),
  });
}

// The official JS SDK reads the properties under their d3p1: prefix, so keep prefixes when parsing here.
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });

function content(xml: string) {
  return parser.parse(xml).entry.content.NotificationHubJob;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("import/export jobs", () => {
  it("accepts an export without Status or Progress, reports it Running, then Completed with its output file names", async () => {
    const res = await submit(
      job(
        `<Type>ExportRegistrations</Type><OutputContainerUri><![CDATA[${CONTAINER.replace("&amp;", "&")}]]></OutputContainerUri>`,
      ),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("content-type")).toBe(ATOM_ENTRY);
    const submitted = content(res.text);
    expect(submitted).toMatchObject({
      Type: "ExportRegistrations",
      OutputContainerUri: CONTAINER.replace("&amp;", "&"),
    });
    // As the service answers a submission: the job has not started, so it has no Status or Progress yet.
    expect(submitted).not.toHaveProperty("Status");
    expect(submitted).not.toHaveProperty("Progress");
    const id = submitted.JobId as string;
    expect(res.headers.get("location")).toBe(`${emulator.url}myhub/jobs/${id}?api-version=2020-06`);

    await sleep(50);
    const running = await raw(emulator, `myhub/jobs/${id}?api-version=2020-06`, { method: "GET" });
    expect(running.status).toBe(200);
    expect(content(running.text).Status).toBe("Running");

    await sleep(350);
    const done = await raw(emulator, `myhub/jobs/${id}?api-version=2020-06`, { method: "GET" });
    const completed = content(done.text);
    expect(completed).toMatchObject({ Status: "Completed", Progress: "100" });
    expect(done.text).toContain(
      '<OutputProperties xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">',
    );
    expect(elements(done.text, "d3p1:Key")).toEqual(["OutputFilePath", "FailedFilePath"]);
    expect(elements(done.text, "d3p1:Value")).toEqual([
      `https://store.blob.core.windows.net/exports/${id}/Output.txt`,
      `https://store.blob.core.windows.net/exports/${id}/Failed.txt`,
    ]);
    // The service's element order.
    const order = [
      "JobId",
      "Progress",
      "Type",
      "Status",
      "OutputContainerUri",
      "OutputProperties",
      "CreatedAt",
      "UpdatedAt",
    ].map((e) => done.text.indexOf(`<${e}`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(
      emulator
        .hub()
        .jobs()
        .find((j) => j.jobId === id),
    ).toMatchObject({ status: "Completed", progress: 100 });
  });

  it("fails a job of an unknown type and an import without a file", async () => {
    const unknown = await submit(
      job(`<Type>ExportEverything</Type><OutputContainerUri>${CONTAINER}</OutputContainerUri>`),
    );
    expect(unknown.status).toBe(201);
    expect(content(unknown.text)).toMatchObject({ Status: "Failed", Type: "ExportEverything" });
    expect(content(unknown.text).Failure).toContain("not supported");
    const noFile = await submit(
      job(`<Type>ImportCreateRegistrations</Type><OutputContainerUri>${CONTAINER}</OutputContainerUri>`),
    );
    expect(content(noFile.text)).toMatchObject({ Status: "Failed" });
    expect(content(noFile.text).Failure).toContain("ImportFileUri");
    await sleep(350);
    const again = await raw(emulator, `myhub/jobs/${content(unknown.text).JobId}?api-version=2020-06`, {
      method: "GET",
    });
    expect(content(again.text).Status).toBe("Failed");
  });

  it("keeps an import's file and input properties, and lists every job as a feed", async () => {
    const res = await submit(
      job(
        "<Type>ImportUpsertRegistrations</Type>" +
          `<OutputContainerUri>${CONTAINER}</OutputContainerUri>` +
          "<ImportFileUri>https://store.blob.core.windows.net/in/regs.txt</ImportFileUri>" +
          '<InputProperties xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
          "<d3p1:KeyValueOfstringstring><d3p1:Key>k</d3p1:Key><d3p1:Value>v</d3p1:Value></d3p1:KeyValueOfstringstring>" +
          "</InputProperties>",
      ),
    );
    expect(res.status, res.text).toBe(201);
    expect(content(res.text).ImportFileUri).toBe("https://store.blob.core.windows.net/in/regs.txt");
    expect(elements(res.text, "d3p1:Key")).toEqual(["k"]);
    const list = await raw(emulator, "myhub/jobs?api-version=2020-06", { method: "GET" });
    expect(list.status).toBe(200);
    expect(list.headers.get("content-type")).toBe("application/atom+xml;type=feed;charset=utf-8");
    const entries = parser.parse(list.text).feed.entry as Array<{
      content: { NotificationHubJob: { JobId: string } };
    }>;
    expect(entries.map((e) => e.content.NotificationHubJob.JobId)).toEqual(
      emulator
        .hub()
        .jobs()
        .map((j) => j.jobId),
    );
    expect(entries.length).toBeGreaterThanOrEqual(1);
    const admin = await fetch(`${emulator.url}_emulator/hubs/myhub/jobs`);
    expect(((await admin.json()) as unknown[]).length).toBe(entries.length);
  });

  it("refuses a job duration outside 0-600000 ms before listening", async () => {
    for (const jobDurationMs of [-1, 600_001, Number.NaN]) {
      const error = await startEmulator({ jobDurationMs }).catch((e: unknown) => e);
      expect(ValidationError.isInstance(error) && error.field).toBe("jobDurationMs");
    }
  });

  it("answers 400 for a body that is not a job, 404 for an unknown job, 401 without Manage", async () => {
    for (const [body, detail] of [
      [job(`<OutputContainerUri>${CONTAINER}</OutputContainerUri>`), "needs a Type"],
      [job("<Type>ExportRegistrations</Type>"), "OutputContainerUri"],
      [
        job("<Type>ExportRegistrations</Type><OutputContainerUri>not a url</OutputContainerUri>"),
        "not a URL",
      ],
      [atomEntry("<AppleRegistrationDescription/>"), "NotificationHubJob"],
      ["nope", "not well-formed"],
    ] as const) {
      const res = await submit(body);
      expect(res.status, body).toBe(400);
      expect(errorParts(res.text).detail).toContain(detail);
    }
    expect((await raw(emulator, "myhub/jobs/nope?api-version=2020-06", { method: "GET" })).status).toBe(404);
    const listen = await submit(
      job(`<Type>ExportRegistrations</Type><OutputContainerUri>${CONTAINER}</OutputContainerUri>`),
      tokenFor(emulator, { rule: "listen" }),
    );
    expect(listen.status).toBe(401);
  });
});
