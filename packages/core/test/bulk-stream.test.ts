import type { CannedResponse, RecordedRequest } from "@nhub/testkit";
import { describe, expect, it } from "vitest";
import {
  AbortError,
  createNotification,
  type DirectBatchStreamResult,
  type SendEachResult,
  ServiceError,
  sendEach,
  streamDirectBatch,
  ValidationError,
} from "../src/index";
import { apple, delay, expectValidation, useRecordingHub } from "./recording-hub";

const setup = useRecordingHub();

/** The devices part of a recorded batch request. */
function devicesOf(req: RecordedRequest): string[] {
  const start = req.text.indexOf("name=devices\r\n\r\n") + "name=devices\r\n\r\n".length;
  return JSON.parse(req.text.slice(start, req.text.lastIndexOf("\r\n--"))) as string[];
}

const created = (origin: string, id: string): CannedResponse => ({
  status: 201,
  headers: { Location: `${origin}/myhub/messages/$batch/${id}?api-version=2020-06`, TrackingId: `t-${id}` },
});

/** An async source of `h0..h{n-1}` that counts how far it was pulled and whether it was closed. */
function source(n: number, throwAt?: number) {
  const state = { pulled: 0, closed: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) {
        if (i === throwAt) throw new Error("the database went away");
        state.pulled++;
        yield `h${i}`;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, handles: gen() };
}

/** A gate the server waits on, so requests stay in flight until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await delay(5);
  expect(check()).toBe(true);
}

async function collect<R>(stream: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;

describe("streamDirectBatch", () => {
  it("streams an async generator's handles as chunks, each with its outcome, then the summary", async () => {
    const { server, hub } = await setup({ respond: (_req, i) => created(server.origin, `n${i}`) });
    const { state, handles } = source(2500);
    const stream = streamDirectBatch(hub, apple, handles);
    const results = (await collect(stream)).sort(byIndex);
    expect(results.map((r) => [r.index, r.handles.length, r.ok])).toEqual([
      [0, 1000, true],
      [1, 1000, true],
      [2, 500, true],
    ]);
    expect(results.map((r) => r.handles[0])).toEqual(["h0", "h1000", "h2000"]);
    for (const r of results) {
      expect(r).toMatchObject({ status: 201, notificationId: expect.stringMatching(/^n\d$/) });
      expect(r.ok && r.trackingId).toBe(`t-${r.ok && r.notificationId}`);
    }
    const sent = server.requests
      .flatMap(devicesOf)
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    expect(sent).toEqual(Array.from({ length: 2500 }, (_, i) => `h${i}`));
    for (const req of server.requests) {
      expect(req.path).toBe("/myhub/messages/$batch");
      expect(req.query.get("direct")).toBe("true");
      expect(req.tokenValid).toBe(true);
    }
    await expect(stream.summary).resolves.toEqual({
      requests: 3,
      sentHandles: 2500,
      failedHandles: 0,
      invalidHandles: 0,
      complete: true,
      aborted: false,
      stopped: false,
    });
    expect(state).toEqual({ pulled: 2500, closed: true });
  });

  it("reads the source no further than the chunks in flight while the hub holds them (backpressure)", async () => {
    const hold = gate();
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        await hold.opened;
        return created(server.origin, `n${i}`);
      },
    });
    const { state, handles } = source(1000);
    const progress: number[] = [];
    const stream = streamDirectBatch(hub, apple, handles, {
      chunkSize: 10,
      concurrency: 2,
      onProgress: (p) => progress.push(p.sentHandles),
    });
    const done = collect(stream);
    await until(() => server.requests.length === 2);
    await delay(50);
    // Two chunks in flight and nothing read ahead, however long the source.
    expect(state.pulled).toBe(20);
    expect(server.requests).toHaveLength(2);
    hold.open();
    const results = await done;
    expect(results).toHaveLength(100);
    expect(state.pulled).toBe(1000);
    expect(progress).toHaveLength(100);
    expect(progress.at(-1)).toBe(1000);
  });

  it("never has more than `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        most = Math.max(most, ++inFlight);
        await delay(15);
        inFlight--;
        return created(server.origin, `n${i}`);
      },
    });
    const { handles } = source(120);
    const summary = await streamDirectBatch(hub, apple, handles, { chunkSize: 10, concurrency: 3 }).summary;
    expect(summary).toMatchObject({ requests: 12, sentHandles: 120, complete: true });
    expect(most).toBe(3);
  });

  it("reports a failed chunk with exactly its handles and goes on with the others", async () => {
    const { server, hub } = await setup({
      respond: (req, i) =>
        devicesOf(req).includes("h15")
          ? { status: 403, headers: { TrackingId: "t-refused" }, body: "<Error><Code>403</Code></Error>" }
          : created(server.origin, `n${i}`),
    });
    const { handles } = source(40);
    const stream = streamDirectBatch(hub, apple, handles, { chunkSize: 10, concurrency: 2 });
    const results = (await collect(stream)).sort(byIndex);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true]);
    const failed = results[1] as Extract<DirectBatchStreamResult, { ok: false }>;
    expect(failed.handles).toEqual(Array.from({ length: 10 }, (_, i) => `h${10 + i}`));
    expect(failed.status).toBe(403);
    expect(failed.trackingId).toBe("t-refused");
    expect(ServiceError.isInstance(failed.error)).toBe(true);
    expect(await stream.summary).toMatchObject({
      requests: 4,
      sentHandles: 30,
      failedHandles: 10,
      complete: true,
      stopped: false,
    });
  });

  it("with stopOnError, reads no more after a failure and lets the chunks in flight finish", async () => {
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        if (i === 0) return { status: 400 };
        await delay(30);
        return created(server.origin, `n${i}`);
      },
    });
    const { state, handles } = source(1000);
    const stream = streamDirectBatch(hub, apple, handles, {
      chunkSize: 10,
      concurrency: 2,
      stopOnError: true,
    });
    const results = (await collect(stream)).sort(byIndex);
    // Chunk 1 was in flight when chunk 0 failed: it finishes; chunk 2 may have been read meanwhile, not sent.
    expect(results.slice(0, 2).map((r) => [r.index, r.ok, r.handles.length])).toEqual([
      [0, false, 10],
      [1, true, 10],
    ]);
    for (const r of results.slice(2)) {
      expect(r.ok).toBe(false);
      expect(AbortError.isInstance((r as { error: unknown }).error)).toBe(true);
    }
    expect(results.length).toBeLessThanOrEqual(3);
    expect(server.requests).toHaveLength(2);
    const summary = await stream.summary;
    expect(summary).toMatchObject({ requests: 2, sentHandles: 10, stopped: true, complete: false });
    expect(summary.failedHandles).toBe(10 * (results.length - 1));
    await until(() => state.closed);
    expect(state.pulled).toBe(10 * results.length);
  });

  it("reports a bad handle on its own, with its position, and sends the rest of its chunk", async () => {
    const { server, hub } = await setup({ respond: (_req, i) => created(server.origin, `n${i}`) });
    const stream = streamDirectBatch(hub, apple, ["a", "", "b\r\nX-Evil: 1", "c", "d"], { chunkSize: 4 });
    const results = await collect(stream);
    const bad = results.filter((r) => !r.ok) as Extract<DirectBatchStreamResult, { ok: false }>[];
    expect(bad.map((r) => [r.index, r.handles, (r.error as ValidationError).field])).toEqual([
      [0, [""], "handles.1"],
      [0, ["b\r\nX-Evil: 1"], "handles.2"],
    ]);
    for (const r of bad) expect(ValidationError.isInstance(r.error)).toBe(true);
    expect(server.requests.map(devicesOf)).toEqual([["a", "c"], ["d"]]);
    expect(await stream.summary).toMatchObject({
      requests: 2,
      sentHandles: 3,
      failedHandles: 2,
      invalidHandles: 2,
    });
  });

  it("aborts: requests in flight end with AbortError, nothing more is read, the source is closed", async () => {
    const hold = gate();
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        await hold.opened;
        return created(server.origin, `n${i}`);
      },
    });
    const { state, handles } = source(1000);
    const controller = new AbortController();
    const stream = streamDirectBatch(hub, apple, handles, {
      chunkSize: 10,
      concurrency: 2,
      signal: controller.signal,
    });
    const done = collect(stream);
    await until(() => server.requests.length === 2);
    controller.abort();
    const results = await done;
    hold.open();
    expect(results.map((r) => [r.ok, r.handles.length]).sort()).toEqual([
      [false, 10],
      [false, 10],
    ]);
    for (const r of results) expect(AbortError.isInstance((r as { error: unknown }).error)).toBe(true);
    expect(await stream.summary).toMatchObject({
      aborted: true,
      complete: false,
      sentHandles: 0,
      failedHandles: 20,
    });
    await until(() => state.closed);
    expect(state.pulled).toBe(20);
  });

  it("stops waiting for a source that never answers when aborted", async () => {
    const { hub } = await setup();
    const controller = new AbortController();
    const stalled: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<string>>(() => {}) }),
    };
    const stream = streamDirectBatch(hub, apple, stalled, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await collect(stream)).toEqual([]);
    expect(await stream.summary).toMatchObject({ aborted: true, complete: false, requests: 0 });
  });

  it("sends the handles read before the source threw, then rejects with the source's error", async () => {
    const { server, hub } = await setup({ respond: (_req, i) => created(server.origin, `n${i}`) });
    const { handles } = source(100, 15);
    const stream = streamDirectBatch(hub, apple, handles, { chunkSize: 10 });
    const seen: DirectBatchStreamResult[] = [];
    await expect(
      (async () => {
        for await (const r of stream) seen.push(r);
      })(),
    ).rejects.toThrow("the database went away");
    expect(seen.sort(byIndex).map((r) => [r.ok, r.handles.length])).toEqual([
      [true, 10],
      [true, 5],
    ]);
    await expect(stream.summary).rejects.toThrow("the database went away");
  });

  it("rejects a value that is not a string, after the handles before it", async () => {
    const { server, hub } = await setup({ respond: (_req, i) => created(server.origin, `n${i}`) });
    const stream = streamDirectBatch(hub, apple, ["a", "b", 42 as unknown as string, "c"], { chunkSize: 10 });
    await expectValidation(() => collect(stream), "handles.2", "type");
    expect(server.requests.map(devicesOf)).toEqual([["a", "b"]]);
  });

  it("closes the source and aborts what is in flight when the loop is left early", async () => {
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        if (i > 0) await delay(10_000);
        return created(server.origin, `n${i}`);
      },
    });
    const { state, handles } = source(1000);
    const stream = streamDirectBatch(hub, apple, handles, { chunkSize: 10, concurrency: 2 });
    for await (const r of stream) {
      expect(r.ok).toBe(true);
      break;
    }
    expect(state.closed).toBe(true);
    expect(await stream.summary).toMatchObject({ requests: 1, sentHandles: 10, complete: false });
  });

  it("checks its input before reading or sending anything", async () => {
    const { server, hub } = await setup();
    const { state, handles } = source(10);
    await expectValidation(
      () => streamDirectBatch(hub, apple, handles, { chunkSize: 1001 }),
      "chunkSize",
      "range",
    );
    await expectValidation(
      () => streamDirectBatch(hub, apple, handles, { concurrency: 0 }),
      "concurrency",
      "range",
    );
    await expectValidation(
      () => streamDirectBatch(hub, apple, handles, { stopOnError: "yes" as unknown as boolean }),
      "stopOnError",
      "type",
    );
    await expectValidation(() => streamDirectBatch(hub, apple, 5 as unknown as string[]), "handles", "type");
    const aborted = AbortSignal.abort();
    expect(() => streamDirectBatch(hub, apple, ["a"], { signal: aborted })).toThrow(AbortError);
    expect(state.pulled).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it("keeps hub.sendDirectBatch as it was", async () => {
    const { server, hub } = await setup();
    const result = await hub.sendDirectBatch(apple, ["x", "y"]);
    expect(result).toMatchObject({ sentHandles: 2, failedHandles: 0 });
    expect(server.requests.map(devicesOf)).toEqual([["x", "y"]]);
  });
});

describe("sendEach", () => {
  const note = (text: string) =>
    createNotification({
      format: "apple",
      contentType: "application/json;charset=utf-8",
      body: JSON.stringify({ aps: { alert: text } }),
    });

  it("sends each item to its device and reports each by index, mixed results included", async () => {
    const { server, hub } = await setup({
      respond: (req, i): CannedResponse =>
        req.headers["servicebusnotification-devicehandle"] === "gone"
          ? { status: 410, headers: { TrackingId: "t-gone" } }
          : {
              status: 201,
              headers: {
                Location: `${server.origin}/myhub/messages/m${i}?api-version=2020-06`,
                TrackingId: `t${i}`,
              },
            },
    });
    async function* items() {
      yield { notification: note("Hi Ann"), deviceHandle: "ann" };
      yield { notification: note("Hi Bob"), deviceHandle: "gone" };
      yield { notification: note("Hi Cy"), deviceHandle: "" };
      yield { notification: note("Hi Di") } as never;
      yield { notification: note("Hi Ed"), deviceHandle: "ed" };
    }
    const stream = sendEach(hub, items(), { concurrency: 2 });
    const results = (await collect(stream)).sort(byIndex);
    expect(results.map((r) => [r.index, r.deviceHandle, r.ok, r.status])).toEqual([
      [0, "ann", true, 201],
      [1, "gone", false, 410],
      [2, "", false, undefined],
      [3, undefined, false, undefined],
      [4, "ed", true, 201],
    ]);
    const failed = results.filter((r) => !r.ok) as Extract<SendEachResult, { ok: false }>[];
    expect(failed[0]!.trackingId).toBe("t-gone");
    expect(ServiceError.isInstance(failed[0]!.error)).toBe(true);
    expect(failed.slice(1).map((r) => ValidationError.isInstance(r.error))).toEqual([true, true]);
    expect((failed[2]!.error as ValidationError).field).toBe("items.3.deviceHandle");
    const ok = results.filter((r) => r.ok);
    for (const r of ok) expect(r.notificationId).toMatch(/^m\d$/);
    // Only the three valid items reached the hub, each as a direct send with its own body.
    expect(server.requests).toHaveLength(3);
    for (const req of server.requests) expect(req.query.get("direct")).toBe("true");
    const sentTo = Object.fromEntries(
      server.requests.map((r) => [r.headers["servicebusnotification-devicehandle"], r.text]),
    );
    expect(sentTo).toEqual({
      ann: '{"aps":{"alert":"Hi Ann"}}',
      gone: '{"aps":{"alert":"Hi Bob"}}',
      ed: '{"aps":{"alert":"Hi Ed"}}',
    });
    expect(await stream.summary).toEqual({
      successCount: 2,
      failureCount: 3,
      complete: true,
      aborted: false,
      stopped: false,
    });
  });

  it("keeps to `concurrency` and reads no item ahead while the hub holds the sends", async () => {
    const hold = gate();
    const { server, hub } = await setup({
      respond: async () => {
        await hold.opened;
        return { status: 201 };
      },
    });
    let pulled = 0;
    async function* items() {
      for (let i = 0; i < 200; i++) {
        pulled++;
        yield { notification: note(`n${i}`), deviceHandle: `d${i}` };
      }
    }
    const done = sendEach(hub, items(), { concurrency: 3 }).summary;
    await until(() => server.requests.length === 3);
    await delay(50);
    expect(pulled).toBe(3);
    hold.open();
    expect(await done).toMatchObject({ successCount: 200, failureCount: 0, complete: true });
  });

  it("aborts the sends in flight and stops reading", async () => {
    const { server, hub } = await setup({
      respond: async () => {
        await delay(10_000);
        return { status: 201 };
      },
    });
    const controller = new AbortController();
    const items = Array.from({ length: 50 }, (_, i) => ({ notification: note("x"), deviceHandle: `d${i}` }));
    const stream = sendEach(hub, items, { concurrency: 4, signal: controller.signal });
    const done = collect(stream);
    await until(() => server.requests.length === 4);
    controller.abort();
    const results = await done;
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    for (const r of results) expect(AbortError.isInstance((r as { error: unknown }).error)).toBe(true);
    expect(await stream.summary).toMatchObject({
      successCount: 0,
      failureCount: 4,
      aborted: true,
      complete: false,
    });
  });
});
