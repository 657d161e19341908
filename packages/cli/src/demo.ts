import { and, NotificationHub, not, type SendResult, waitForNotificationOutcome } from "@nhub/core";
import { type Delivery, type Installation, startEmulator } from "@nhub/emulator";
import { createOrUpdateInstallation, installationIdTag } from "@nhub/installations";
import { sendAdmNotification } from "@nhub/platform-adm";
import { createAppleNotification, sendAppleNotification } from "@nhub/platform-apns";
import { sendBaiduNotification } from "@nhub/platform-baidu";
import { sendFcmNotification } from "@nhub/platform-fcm";
import { sendMpnsNotification } from "@nhub/platform-mpns";
import { sendWindowsNotification } from "@nhub/platform-wns";
import { sendTemplateNotification } from "@nhub/template";

/** The devices the demo registers in its emulator. */
export const DEMO_DEVICES: readonly Installation[] = [
  {
    installationId: "iphone-ann",
    displayName: "Ann's iPhone",
    platform: "apns",
    pushChannel: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
    tags: ["sports"],
  },
  {
    installationId: "pixel-bob",
    displayName: "Bob's Pixel",
    platform: "fcmv1",
    pushChannel: "fcm-token-bob-0001",
    tags: ["sports"],
  },
  {
    installationId: "pc-carol",
    displayName: "Carol's Windows PC",
    platform: "wns",
    pushChannel: "https://wns.example/carol",
    tags: ["politics"],
  },
  {
    installationId: "lumia-dan",
    displayName: "Dan's Lumia",
    platform: "mpns",
    pushChannel: "https://mpns.example/dan",
    tags: [],
  },
  {
    installationId: "kindle-eve",
    displayName: "Eve's Kindle Fire",
    platform: "adm",
    pushChannel: "amzn1.adm-registration.eve",
    tags: [],
  },
  {
    installationId: "baidu-fang",
    displayName: "Fang's phone (Baidu)",
    platform: "baidu",
    pushChannel: "baidu-channel-fang",
    tags: [],
  },
  {
    installationId: "pixel-gil",
    displayName: "Gil's Pixel (templates)",
    platform: "fcmv1",
    pushChannel: "fcm-token-gil-0002",
    tags: ["greetings"],
    templates: {
      english: { body: '{"message":{"notification":{"title":"Greeting","body":"$(greeting_en)"}}}' },
      french: { body: '{"message":{"notification":{"title":"Salutation","body":"$(greeting_fr)"}}}' },
    },
  },
];

const TOAST =
  '<toast><visual><binding template="ToastText01"><text id="1">Hello world!</text></binding></visual></toast>';
const MPNS_TOAST =
  '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>Hello</wp:Text1><wp:Text2>world</wp:Text2></wp:Toast></wp:Notification>';

/** One line of the demo's story: what was sent and what the hub said. */
export interface DemoStep {
  readonly label: string;
  readonly result: SendResult;
}

/** A device of the demo as the reader needs it to see why a send reached it. */
export interface DemoDevice {
  readonly installationId: string;
  /** The name shown in the tables: the installation's display name, or its id. */
  readonly name: string;
  readonly platform: string;
  readonly tags: readonly string[];
}

/** What the demo did: the devices, the steps, and every delivery the emulator recorded. */
export interface DemoReport {
  readonly devices: readonly DemoDevice[];
  readonly steps: readonly DemoStep[];
  readonly deliveries: readonly Delivery[];
}

/** How {@link runDemo} reports its progress. */
export interface DemoOptions {
  /**
   * Show the request and response dumps of the debug-mode step, each after that step's progress line (never in
   * the middle of another line). Default: only the progress lines.
   */
  readonly debug?: boolean;
}

/** The installation the demo registers over the REST API, after the sample's sends. */
const HANA = {
  installationId: "ipad-hana",
  platform: "apns",
  pushChannel: "f".repeat(64),
  tags: ["sports", "news"],
} as const satisfies Installation;

function demoDevice(device: Installation): DemoDevice {
  return {
    installationId: device.installationId,
    name: device.displayName ?? device.installationId,
    platform: device.platform,
    tags: device.tags ?? [],
  };
}

/**
 * Runs every example of the Python REST sample through nhub's public API against an in-process emulator with
 * a handful of devices, and returns what happened.
 */
export async function runDemo(
  log: (line: string) => void = () => {},
  options: DemoOptions = {},
): Promise<DemoReport> {
  const emulator = await startEmulator({ hubs: ["myhub"], devices: [...DEMO_DEVICES] });
  const hub = new NotificationHub(emulator.connectionString(), "myhub");
  // The dumps of a step are held until its progress line is out, so the two never interleave.
  const dumps: string[] = [];
  const debugHub = new NotificationHub(emulator.connectionString(), "myhub", {
    debug: true,
    logger: { debug: (m) => dumps.push(m), warn: (m) => dumps.push(m), error: (m) => dumps.push(m) },
  });
  const steps: DemoStep[] = [];
  const step = async (label: string, send: () => Promise<SendResult>) => {
    dumps.length = 0;
    const result = await send();
    steps.push({ label, result });
    log(`sent ${label}`);
    if (options.debug) for (const dump of dumps) log(`    ${dump.replace(/\n/g, "\n    ")}`);
    else if (dumps.length > 0) log("    (run with --debug to see this send's request and response)");
    dumps.length = 0;
  };
  try {
    await step("Windows toast, broadcast", () => sendWindowsNotification(hub, TOAST));
    await step('Windows toast, tag "politics"', () => sendWindowsNotification(hub, TOAST, "politics"));
    await step('Windows toast, tags {"sports","politics"}', () =>
      sendWindowsNotification(hub, TOAST, new Set(["sports", "politics"])),
    );
    await step("Windows Phone toast, broadcast", () => sendMpnsNotification(hub, MPNS_TOAST));
    await step('iOS alert, tag "sports"', () =>
      sendAppleNotification(hub, { aps: { alert: "Hello!" } }, "sports"),
    );
    await step('Android (FCM v1) data, tag "sports"', () =>
      sendFcmNotification(hub, { data: { msg: "Hello!" } }, "sports"),
    );
    await step("Kindle (ADM) data, broadcast", () => sendAdmNotification(hub, { data: { msg: "Hello!" } }));
    await step("Baidu, broadcast", () =>
      sendBaiduNotification(hub, { title: "Hello", description: "Hello from Azure" }),
    );
    await step('template greeting_en/greeting_fr, tag "greetings"', () =>
      sendTemplateNotification(hub, { greeting_en: "Hello", greeting_fr: "Salut" }, "greetings"),
    );
    await step('debug: iOS alert, tag "sports" (test send)', () =>
      sendAppleNotification(debugHub, { aps: { alert: "Debug hello" } }, "sports"),
    );

    // Beyond the sample: the operations of the official SDK.
    await createOrUpdateInstallation(hub, { ...HANA, tags: [...HANA.tags] });
    log('registered installation "ipad-hana" through the REST API');
    await step("iOS alert, tags and(news, not(politics)) (builder)", () =>
      hub.send(createAppleNotification({ aps: { alert: "Breaking" } }), {
        tags: and("news", not("politics")),
      }),
    );
    await step("iOS alert, direct to one device handle", () =>
      hub.send(createAppleNotification({ aps: { alert: "Just you" } }), { deviceHandle: "f".repeat(64) }),
    );
    const batch = await hub.sendDirectBatch(createAppleNotification({ aps: { alert: "Batch" } }), [
      "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
      "f".repeat(64),
    ]);
    const first = batch.chunks[0];
    if (first?.ok)
      steps.push({ label: `iOS alert, direct batch to ${batch.sentHandles} handles`, result: first.result });
    log(`sent a direct batch: ${batch.sentHandles} handles in ${batch.chunks.length} request(s)`);
    const scheduled = await hub.scheduleNotification(
      createAppleNotification({ aps: { alert: "Scheduled" } }),
      new Date(Date.now() + 500),
      { tags: installationIdTag("ipad-hana") },
    );
    steps.push({ label: "iOS alert, scheduled 0.5 s ahead", result: scheduled });
    const details = await waitForNotificationOutcome(hub, scheduled.notificationId!, {
      intervalMs: 100,
      timeoutMs: 5000,
    });
    log(`scheduled notification ${details.state}: ${JSON.stringify(details.apnsOutcomeCounts ?? [])}`);
    return {
      devices: [...DEMO_DEVICES, HANA].map(demoDevice),
      steps,
      deliveries: emulator.hub("myhub").deliveries(),
    };
  } finally {
    await Promise.all([hub.close(), debugHub.close()]);
    await emulator.close();
  }
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** How {@link formatDemoReport} lays out its tables. */
export interface DemoFormatOptions {
  /** Show every payload whole (line breaks flattened); by default one longer than 70 characters is cut. */
  readonly wide?: boolean;
}

/**
 * Formats a demo report as the tables a person reads: the devices with their tags, the sends, and what each
 * device received.
 */
export function formatDemoReport(report: DemoReport, options: DemoFormatOptions = {}): string {
  const devices: string[][] = [["device", "platform", "tags"]];
  for (const d of report.devices) devices.push([d.name, d.platform, d.tags.join(", ") || "(none)"]);
  const tagsOf = new Map(report.devices.map((d) => [d.installationId, d.tags.join(", ") || "(none)"]));
  const rows: string[][] = [["#", "sent", "result"]];
  report.steps.forEach((s, i) => {
    const outcome = s.result.outcome
      ? `test send: ${s.result.outcome.success} reached`
      : `id ${s.result.notificationId ?? "-"}`;
    rows.push([String(i + 1), s.label, `${s.result.status} ${outcome}`]);
  });
  const byStep = new Map(report.steps.map((s, i) => [s.result.notificationId, i + 1]));
  const got: string[][] = [["device", "platform", "tags", "#", "received"]];
  for (const d of report.deliveries) {
    const what = d.templateName ? `[${d.templateName}] ${d.body}` : d.body;
    got.push([
      d.displayName ?? d.installationId,
      d.platform,
      tagsOf.get(d.installationId) ?? "?",
      String(byStep.get(d.notificationId) ?? "?"),
      shorten(what, options.wide ? Number.POSITIVE_INFINITY : 70),
    ]);
  }
  return `${table(devices)}\n\n${table(rows)}\n\n${table(got)}\n`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}
