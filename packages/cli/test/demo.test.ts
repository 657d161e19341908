import { describe, expect, it } from "vitest";
import { formatDemoReport, runDemo } from "../src/index";

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
});
