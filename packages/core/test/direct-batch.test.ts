import type { CannedResponse, RecordedRequest } from "@nhub/testkit";
import { describe, expect, it } from "vitest";
import { AbortError, createNotification, NotificationHub, ServiceError, type Transport } from "../src/index";
import { apple, delay, expectValidation, useRecordingHub } from "./recording-hub";

const setup = useRecordingHub();

const handles = (n: number) => Array.from({ length: n }, (_, i) => `h${i}`);

function boundaryOf(req: RecordedRequest): string {
  const match = /^multipart\/mixed; boundary="(nhub-[0-9a-f-]{36})"$/.exec(req.headers["content-type"] ?? "");
  expect(match, req.headers["content-type"]).not.toBeNull();
  return match![1]!;
}

/** The devices part of a recorded batch request, read back from the body. */
function devicesOf(req: RecordedRequest): string[] {
  const b = boundaryOf(req);
  const start = req.text.indexOf("name=devices\r\n\r\n") + "name=devices\r\n\r\n".length;
  return JSON.parse(req.text.slice(start, req.text.lastIndexOf(`\r\n--${b}--`))) as string[];
}

const created = (origin: string, id: string): CannedResponse => ({
  status: 201,
  headers: {
    Location: `${origin}/myhub/messages/${id}?api-version=2020-06`,
    TrackingId: `t-${id}`,
  },
});

describe("hub.sendDirectBatch", () => {
  it("posts exactly the multipart request the service expects", async () => {
    const { server, hub } = await setup();
    const result = await hub.sendDirectBatch(apple, ["token-1", "token-2"]);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/myhub/messages/$batch");
    expect([...req.query]).toEqual([
      ["api-version", "2020-06"],
      ["direct", "true"],
    ]);
    expect(req.headers["servicebusnotification-format"]).toBe("apple");
    expect(req.headers["apns-push-type"]).toBe("alert");
    expect(req.headers["x-ms-version"]).toBe("2020-06");
    expect(req.headers["servicebusnotification-tags"]).toBeUndefined();
    expect(req.headers["servicebusnotification-devicehandle"]).toBeUndefined();
    expect(req.tokenValid).toBe(true);
    const b = boundaryOf(req);
    const expected =
      `--${b}\r\n` +
      "Content-Type: application/json;charset=utf-8\r\n" +
      "Content-Disposition: inline; name=notification\r\n" +
      "\r\n" +
      '{"aps":{"alert":"Hello!"}}\r\n' +
      `--${b}\r\n` +
      "Content-Type: application/json\r\n" +
      "Content-Disposition: inline; name=devices\r\n" +
      "\r\n" +
      '["token-1","token-2"]\r\n' +
      `--${b}--`;
    expect(req.body.equals(Buffer.from(expected, "utf8"))).toBe(true);
    expect(result.sentHandles).toBe(2);
    expect(result.failedHandles).toBe(0);
    expect(result.chunks).toHaveLength(1);
    expect(result.chunks[0]).toMatchObject({ index: 0, handles: ["token-1", "token-2"], ok: true });
  });

  it("builds the body as bytes around a binary notification body", async () => {
    const { server, hub } = await setup();
    const raw = createNotification({
      format: "windows",
      contentType: "application/octet-stream",
      body: new Uint8Array([0, 13, 10, 255, 45, 45]),
      headers: { "X-WNS-Type": "wns/raw" },
    });
    await hub.sendDirectBatch(raw, ["ch1"]);
    const req = server.requests[0]!;
    const b = boundaryOf(req);
    const expected = Buffer.concat([
      Buffer.from(
        `--${b}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: inline; name=notification\r\n\r\n`,
      ),
      Buffer.from([0, 13, 10, 255, 45, 45]),
      Buffer.from(
        `\r\n--${b}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n["ch1"]\r\n--${b}--`,
      ),
    ]);
    expect(req.body.equals(expected)).toBe(true);
    expect(req.headers["x-wns-type"]).toBe("wns/raw");
  });

  it("uses a fresh boundary per request", async () => {
    const { server, hub } = await setup();
    await hub.sendDirectBatch(apple, handles(3), { chunkSize: 1 });
    expect(new Set(server.requests.map(boundaryOf)).size).toBe(3);
  });

  it("splits 2,500 handles into 1000/1000/500 with at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        most = Math.max(most, ++inFlight);
        await delay(40);
        inFlight--;
        return created(server.origin, `n${i}`);
      },
    });
    const all = handles(2500);
    const result = await hub.sendDirectBatch(apple, new Set(all), { concurrency: 2 });
    expect(server.requests).toHaveLength(3);
    expect(most).toBe(2);
    const sent = server.requests
      .map(devicesOf)
      .sort((a, b) => a[0]!.localeCompare(b[0]!, "en", { numeric: true }));
    expect(sent).toEqual([all.slice(0, 1000), all.slice(1000, 2000), all.slice(2000)]);
    expect(result.chunks.map((c) => [c.index, c.handles.length, c.ok])).toEqual([
      [0, 1000, true],
      [1, 1000, true],
      [2, 500, true],
    ]);
    expect(result.chunks.map((c) => c.handles[0])).toEqual(["h0", "h1000", "h2000"]);
    expect(result).toMatchObject({ sentHandles: 2500, failedHandles: 0 });
    for (const c of result.chunks) if (c.ok) expect(c.result.notificationId).toMatch(/^n\d$/);
  });

  it("keeps the default of 4 requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        most = Math.max(most, ++inFlight);
        await delay(30);
        inFlight--;
        return created(server.origin, `n${i}`);
      },
    });
    const result = await hub.sendDirectBatch(apple, handles(100), { chunkSize: 10 });
    expect(server.requests).toHaveLength(10);
    expect(most).toBe(4);
    expect(result.chunks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("reads each chunk's notification id from the service's messages/$batch/{id} Location", async () => {
    const { server, hub } = await setup({
      respond: (_req, i) => ({
        status: 201,
        headers: {
          // The shape the service answers a direct batch with: the id after `$batch`, a bare `direct` flag.
          Location: `${server.origin}/myhub/messages/$batch/batch-${i}_G1?api-version=2020-06&direct`,
          TrackingId: `t-${i}`,
        },
      }),
    });
    const result = await hub.sendDirectBatch(apple, handles(3), { chunkSize: 2, concurrency: 1 });
    expect(result.chunks.map((c) => (c.ok ? c.result.notificationId : c.error.message))).toEqual([
      "batch-0_G1",
      "batch-1_G1",
    ]);
    const first = result.chunks[0]!;
    expect(first.ok && first.result).toEqual({
      status: 201,
      notificationId: "batch-0_G1",
      location: `${server.origin}/myhub/messages/$batch/batch-0_G1?api-version=2020-06&direct`,
      trackingId: "t-0",
    });
  });

  it("leaves notificationId out when a batch Location names no notification", async () => {
    const { server, hub } = await setup({
      respond: () => ({
        status: 201,
        headers: { Location: `${server.origin}/myhub/messages/$batch?api-version=2020-06&direct` },
      }),
    });
    const chunk = (await hub.sendDirectBatch(apple, ["h"])).chunks[0]!;
    expect(chunk.ok).toBe(true);
    expect(chunk.ok && chunk.result).toEqual({
      status: 201,
      location: `${server.origin}/myhub/messages/$batch?api-version=2020-06&direct`,
    });
  });

  it("reports a failing middle chunk with its handles while the others succeed", async () => {
    const { server, hub } = await setup({
      respond: (req, i) =>
        devicesOf(req)[0] === "h1000"
          ? {
              status: 500,
              headers: { TrackingId: "t-bad" },
              body: "<Error><Code>500</Code><Detail>Internal error</Detail></Error>",
            }
          : created(server.origin, `n${i}`),
    });
    const all = handles(2500);
    const result = await hub.sendDirectBatch(apple, all, { concurrency: 3 });
    expect(result.sentHandles).toBe(1500);
    expect(result.failedHandles).toBe(1000);
    const [first, middle, last] = result.chunks;
    expect(first!.ok && last!.ok).toBe(true);
    expect(middle!.ok).toBe(false);
    expect(middle!.handles).toEqual(all.slice(1000, 2000));
    if (middle!.ok) throw new Error("unreachable");
    expect(ServiceError.isInstance(middle!.error)).toBe(true);
    expect(middle!.error).toMatchObject({ statusCode: 500, detail: "Internal error", trackingId: "t-bad" });
  });

  it("reports every chunk after an abort as failed with an AbortError, dropping none", async () => {
    const controller = new AbortController();
    const { server, hub } = await setup({
      respond: async (_req, i) => {
        if (i === 1) {
          controller.abort();
          await delay(100);
        }
        return created(server.origin, `n${i}`);
      },
    });
    const result = await hub.sendDirectBatch(apple, handles(2500), {
      concurrency: 1,
      signal: controller.signal,
    });
    expect(server.requests).toHaveLength(2);
    expect(result.chunks.map((c) => c.ok)).toEqual([true, false, false]);
    for (const c of result.chunks.slice(1)) {
      if (c.ok) throw new Error("unreachable");
      expect(AbortError.isInstance(c.error)).toBe(true);
    }
    expect(result).toMatchObject({ sentHandles: 1000, failedHandles: 1500 });
  });

  it("rejects bad input and an aborted signal before sending anything", async () => {
    const { server, hub } = await setup();
    await expectValidation(() => hub.sendDirectBatch(apple, []), "handles", "required");
    await expectValidation(() => hub.sendDirectBatch(apple, new Set<string>()), "handles", "required");
    await expectValidation(() => hub.sendDirectBatch(apple, ["a", ""]), "handles.1", "required");
    await expectValidation(() => hub.sendDirectBatch(apple, ["a", "b\r\nc"]), "handles.1", "header-value");
    await expectValidation(() => hub.sendDirectBatch(apple, ["a", 7 as never]), "handles.1", "required");
    await expectValidation(() => hub.sendDirectBatch(apple, 5 as never), "handles", "type");
    for (const chunkSize of [0, 1001, 1.5, Number.NaN]) {
      await expectValidation(() => hub.sendDirectBatch(apple, ["a"], { chunkSize }), "chunkSize", "range");
    }
    await expectValidation(
      () => hub.sendDirectBatch(apple, ["a"], { concurrency: 0 }),
      "concurrency",
      "range",
    );
    await expect(hub.sendDirectBatch(apple, ["a"], { signal: AbortSignal.abort() })).rejects.toSatisfy(
      AbortError.isInstance,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("finds a bad handle anywhere in a large batch, whatever the others hold, and sends nothing", async () => {
    const { server, hub } = await setup();
    const many = handles(2500);
    const at = (i: number, bad: string) => many.map((h, j) => (j === i ? bad : h));
    // DEL is the one control character JSON leaves unescaped.
    await expectValidation(
      () => hub.sendDirectBatch(apple, at(2400, "a\u007fb")),
      "handles.2400",
      "header-value",
    );
    await expectValidation(() => hub.sendDirectBatch(apple, at(1999, "")), "handles.1999", "required");
    await expectValidation(() => hub.sendDirectBatch(apple, at(5, "tab\there")), "handles.5", "header-value");
    // A quote or backslash makes JSON escape, which alone is no fault: the bad handle is still the one named.
    const mixed = at(1500, 'say "hi"');
    mixed[2000] = "nul\u0000";
    await expectValidation(() => hub.sendDirectBatch(apple, mixed), "handles.2000", "header-value");
    expect(server.requests).toHaveLength(0);
  });

  it("serialises handles that JSON must escape or that are not ASCII exactly as JSON.stringify does", async () => {
    const { server, hub } = await setup();
    const odd = ['quote"d', "back\\slash", "café-ü", "emoji-😀", "lone-\ud800", "plain"];
    const result = await hub.sendDirectBatch(apple, odd, { chunkSize: 4 });
    expect(result).toMatchObject({ sentHandles: 6, failedHandles: 0 });
    const sent = server.requests.map(devicesOf).sort((a, b) => b.length - a.length);
    expect(sent).toEqual([odd.slice(0, 4), odd.slice(4)]);
    // Clean non-ASCII handles take the fast path, byte for byte.
    server.requests.length = 0;
    await hub.sendDirectBatch(apple, ["café", "naïve", "x"], { chunkSize: 2 });
    const bodies = server.requests.map(devicesOf).sort((a, b) => b.length - a.length);
    expect(bodies).toEqual([["café", "naïve"], ["x"]]);
    expect(server.requests.every((r) => r.body.toString("utf8") === r.text)).toBe(true);
  });

  it("writes each chunk's devices part exactly as JSON.stringify would, for any valid handles", async () => {
    const fc = (await import("fast-check")).default;
    let bodies: string[] = [];
    const transport: Transport = {
      async request(req) {
        bodies.push(String(req.body));
        return { status: 201, headers: {}, body: "" };
      },
      close: async () => {},
      destroy: async () => {},
    };
    const hub = new NotificationHub(
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a2V5",
      "h",
      {
        transport,
      },
    );
    // Printable ASCII (the fast path), any other character but controls (the slow path), and mixes of both.
    const handle = fc.oneof(
      fc.string({ minLength: 1, unit: fc.constantFrom(...'abcAZ09-_:."\\/ ') }),
      fc
        .string({ minLength: 1, unit: "grapheme" })
        .filter((h) => [...h].every((c) => c >= " " && c !== "\u007f")),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(handle, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (list, chunkSize) => {
          bodies = [];
          await hub.sendDirectBatch(apple, list, { chunkSize, concurrency: 1 });
          const devices = bodies.map((b) =>
            b.slice(b.lastIndexOf("name=devices\r\n\r\n") + 16, b.lastIndexOf("\r\n--")),
          );
          const expected: string[] = [];
          for (let i = 0; i < list.length; i += chunkSize)
            expected.push(JSON.stringify(list.slice(i, i + chunkSize)));
          expect(devices).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
    await hub.destroy();
  });

  it("shows the multipart text, handles included, in a debug dump", async () => {
    const lines: string[] = [];
    const { hub } = await setup({}, { debug: true, logger: { debug: (m) => lines.push(m) } });
    await hub.sendDirectBatch(apple, ["token-1", "token-2"]);
    const dump = lines.join("\n");
    expect(dump).toContain("Content-Disposition: inline; name=devices");
    expect(dump).toContain('["token-1","token-2"]');
  });

  it("leaves the caller's list unchanged and chunks it in order", async () => {
    const { hub } = await setup();
    const list = Object.freeze(["a", "b", "c"]);
    const result = await hub.sendDirectBatch(apple, list, { chunkSize: 2 });
    expect(list).toEqual(["a", "b", "c"]);
    expect(result.chunks.map((c) => c.handles)).toEqual([["a", "b"], ["c"]]);
  });
});
