import { describe, expect, it } from "vitest";
import { formatDemoReport, main, runDemo } from "../src/index";

describe("the demo", () => {
  it("sends every example of the Python sample and each device receives what its tags and platform select", async () => {
    const report = await runDemo();
    expect(report.steps).toHaveLength(14);
    expect(report.steps.every((s) => s.result.status === 201)).toBe(true);
    const received = (id: string) => report.deliveries.filter((d) => d.installationId === id);

    // Windows toast: broadcast, "politics" and {"sports","politics"} all reach Carol's PC.
    expect(received("pc-carol")).toHaveLength(3);
    expect(received("pc-carol").every((d) => d.headers["X-WNS-Type"] === "wns/toast")).toBe(true);
    // The Windows Phone toast reaches the Lumia with the MPNS toast headers.
    expect(received("lumia-dan")).toHaveLength(1);
    expect(received("lumia-dan")[0]!.headers["X-WindowsPhone-Target"]).toBe("toast");
    // iOS: the "sports" alert, and the debug test send.
    expect(received("iphone-ann").map((d) => JSON.parse(d.body))).toEqual([
      { aps: { alert: "Hello!" } },
      { aps: { alert: "Debug hello" } },
      { aps: { alert: "Batch" } },
    ]);
    // The installation registered over REST: builder tags, direct, batch and the scheduled send.
    expect(received("ipad-hana").map((d) => JSON.parse(d.body).aps.alert)).toEqual([
      "Breaking",
      "Just you",
      "Batch",
      "Scheduled",
    ]);
    // Android: the FCM v1 envelope was added around the sample's payload.
    expect(received("pixel-bob").map((d) => JSON.parse(d.body))).toEqual([
      { message: { data: { msg: "Hello!" } } },
    ]);
    expect(received("kindle-eve").map((d) => JSON.parse(d.body))).toEqual([{ data: { msg: "Hello!" } }]);
    expect(received("baidu-fang")).toHaveLength(1);
    // Templates: one rendering per template, in English and in French.
    const gil = received("pixel-gil");
    expect(gil.map((d) => [d.templateName, JSON.parse(d.body).message.notification.body])).toEqual([
      ["english", "Hello"],
      ["french", "Salut"],
    ]);
    // The debug send was a test send, and its outcome was parsed.
    expect(report.steps[9]!.result.outcome?.success).toBeGreaterThanOrEqual(1);

    const table = formatDemoReport(report);
    for (const name of [
      "Ann's iPhone",
      "Bob's Pixel",
      "Carol's Windows PC",
      "Dan's Lumia",
      "Eve's Kindle Fire",
      "Gil's Pixel (templates)",
    ]) {
      expect(table).toContain(name);
    }
  });

  it("shows each device's tags, in a table of its own and beside every delivery", async () => {
    const report = await runDemo();
    expect(report.devices.find((d) => d.installationId === "ipad-hana")?.tags).toEqual(["sports", "news"]);
    const text = formatDemoReport(report);
    const deviceRow = text.split("\n").find((l) => l.startsWith("Ann's iPhone"));
    expect(deviceRow).toMatch(/^Ann's iPhone\s+apns\s+sports$/);
    expect(text).toMatch(/^Dan's Lumia\s+mpns\s+\(none\)$/m);
    // Carol gets the "politics" send because she has that tag: the delivery row says so.
    expect(text).toMatch(/^Carol's Windows PC\s+wns\s+politics\s+2\s+<toast>/m);
    expect(text).toMatch(/^ipad-hana\s+apns\s+sports, news\s+11\s+\{"aps":\{"alert":"Breaking"\}\}$/m);
  });

  it("cuts long payloads by default and shows them whole with wide", async () => {
    const report = await runDemo();
    const toast = report.deliveries.find((d) => d.platform === "mpns")!.body;
    expect(toast.length).toBeGreaterThan(70);
    expect(formatDemoReport(report)).not.toContain(toast);
    expect(formatDemoReport(report)).toContain("…");
    expect(formatDemoReport(report, { wide: true })).toContain(toast);
  });

  it("prints the debug dumps after their step's progress line, only with --debug, and keeps the key out", async () => {
    const run = async (args: string[]) => {
      const err: string[] = [];
      const out: string[] = [];
      const code = await main(["demo", ...args], {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        env: {},
        cwd: process.cwd(),
        interrupted: () => new Promise(() => {}),
      });
      return { code, err: err.join(""), out: out.join("") };
    };
    const quiet = await run([]);
    expect(quiet.code).toBe(0);
    expect(quiet.err).not.toContain("--- nhub request ---");
    expect(quiet.err).toContain("(run with --debug to see this send's request and response)");

    const debug = await run(["--debug", "--wide"]);
    expect(debug.code).toBe(0);
    const lines = debug.err.split("\n");
    const stepLine = lines.findIndex((l) => l.includes('sent debug: iOS alert, tag "sports" (test send)'));
    const request = lines.findIndex((l) => l.includes("--- nhub request ---"));
    const response = lines.findIndex((l) => l.includes("--- nhub response 201"));
    const nextStep = lines.findIndex((l, i) => i > stepLine && /^ {2}(sent|registered) /.test(l));
    // The step's line comes first, then its request and response, then the next step: nothing interleaves.
    expect(stepLine).toBeGreaterThan(0);
    expect(request).toBeGreaterThan(stepLine);
    expect(response).toBeGreaterThan(request);
    expect(nextStep).toBeGreaterThan(response);
    // Every dump line is indented under its step.
    for (const line of lines.slice(stepLine + 1, nextStep)) expect(line).toMatch(/^ {4}|^$/);
    expect(debug.err).toContain("sig=<redacted>");
    expect(debug.out).toContain("<wp:Text2>world</wp:Text2></wp:Toast></wp:Notification>");

    const bad = await run(["extra"]);
    expect(bad.code).toBe(2);
  });
});
