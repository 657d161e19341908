// Takes docs/emulator-demo.png: the emulator's live page after the CLI demo's sends (and a few more that show
// what each platform's card can draw), rendered through playwright-core by the Chromium that find-chromium.mjs finds.
//
// A development script, not part of the package. It imports the built packages, so build them first:
//   (cd packages/core && npx tsup) ... or `pnpm build` at the root, then:
//   node packages/emulator/scripts/screenshot.mjs [output.png]
// @nhub/cli is not a dependency of the emulator; its dist is imported by path for DEMO_DEVICES.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { DEMO_DEVICES } from "../../cli/dist/index.js";
import { NotificationHub } from "../../core/dist/index.js";
import { createOrUpdateInstallation } from "../../installations/dist/index.js";
import { sendAdmNotification } from "../../platform-adm/dist/index.js";
import { createAppleNotification, sendAppleNotification } from "../../platform-apns/dist/index.js";
import { sendBaiduNotification } from "../../platform-baidu/dist/index.js";
import { sendFcmNotification } from "../../platform-fcm/dist/index.js";
import { sendMpnsNotification } from "../../platform-mpns/dist/index.js";
import { sendWindowsNotification } from "../../platform-wns/dist/index.js";
import { sendTemplateNotification } from "../../template/dist/index.js";
import { startEmulator } from "../dist/index.js";
import { CHROMIUM_ARGS, findChromium } from "./find-chromium.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(process.argv[2] ?? resolve(here, "../../../docs/emulator-demo.png"));
const { path: chromiumPath } = await findChromium();

const TOAST =
  '<toast><visual><binding template="ToastText01"><text id="1">Hello world!</text></binding></visual></toast>';
const MPNS_TOAST =
  '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>Hello</wp:Text1><wp:Text2>world</wp:Text2></wp:Toast></wp:Notification>';

const emulator = await startEmulator({ hubs: ["myhub", "team/alerts"], devices: [...DEMO_DEVICES] });
const hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: CHROMIUM_ARGS,
});
try {
  // The CLI demo's sends, in its order.
  await sendWindowsNotification(hub, TOAST);
  await sendWindowsNotification(hub, TOAST, "politics");
  await sendMpnsNotification(hub, MPNS_TOAST);
  await sendAppleNotification(hub, { aps: { alert: "Hello!" } }, "sports");
  await sendFcmNotification(hub, { data: { msg: "Hello!" } }, "sports");
  await sendAdmNotification(hub, { data: { msg: "Hello!" } });
  await sendBaiduNotification(hub, { title: "Hello", description: "Hello from Azure" });
  await sendTemplateNotification(hub, { greeting_en: "Hello", greeting_fr: "Salut" }, "greetings");
  await createOrUpdateInstallation(hub, {
    installationId: "ipad-hana",
    platform: "apns",
    pushChannel: "f".repeat(64),
    tags: ["sports", "news"],
  });
  await hub.send(createAppleNotification({ aps: { alert: "Just you" } }), { deviceHandle: "f".repeat(64) });

  // A few more, so each card shows what it can draw.
  await sendAppleNotification(
    hub,
    {
      aps: {
        alert: { title: "Match day", subtitle: "Rovers 2-1 United", body: "Winner in the 89th minute!" },
        badge: 3,
        sound: "default",
      },
    },
    "sports",
  );
  await sendFcmNotification(
    hub,
    { notification: { title: "Match day", body: "Rovers 2-1 United: winner in the 89th minute!" } },
    "sports",
  );
  await sendWindowsNotification(
    hub,
    '<toast><visual><binding template="ToastGeneric"><text>Election night</text>' +
      "<text>Polls close at 8 pm; results follow live.</text></binding></visual></toast>",
    "politics",
  );
  await sendWindowsNotification(hub, '<badge value="4"/>', "politics");
  await sendTemplateNotification(hub, { greeting_en: "Good morning", greeting_fr: "Bonjour" }, "greetings");
  emulator.hub().injectFault({ status: 503, retryAfter: "1" });
  await sendAppleNotification(hub, { aps: { alert: "Refused" } }, "sports").catch(() => {});
  await hub.send(createAppleNotification({ aps: { alert: "Breaking: a test send" } }), {
    tags: "news && !politics",
    test: true,
  });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(emulator.url);
  await page.locator('#status[data-state="live"]').waitFor();
  await page.locator('[data-device="i:iphone-ann"] [data-kind="ios-banner"]').first().waitFor();
  await page.locator('#requests-body tr[data-status="503"]').waitFor();
  // Let the arrival animation of the newest notifications finish before the picture.
  await page.waitForTimeout(1800);
  mkdirSync(dirname(output), { recursive: true });
  await page.screenshot({ path: output, fullPage: true });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await hub.close();
  await emulator.close();
}
