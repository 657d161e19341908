/**
 * Type test, run by `pnpm typecheck` (`tsc` over this package's `test/`), never by vitest: every platform's
 * `send…Notification` is `(hub, payload, tags?: SendOptions["tags"], options?)`, with the same options as its
 * `create…Notification`, so every form `hub.send` accepts for tags (a string, a Set, an `and`/`or`/`not` tree)
 * fits every platform.
 */
import { and, type NotificationHub, not, or, type SendOptions, type SendResult } from "@nhub/core";
import { type createAdmNotification, sendAdmNotification } from "@nhub/platform-adm";
import { type createAppleNotification, sendAppleNotification } from "@nhub/platform-apns";
import { type createBaiduNotification, sendBaiduNotification } from "@nhub/platform-baidu";
import { type createBrowserNotification, sendBrowserNotification } from "@nhub/platform-browser";
import {
  type createFcmLegacyNotification,
  type createFcmV1Notification,
  sendFcmLegacyNotification,
  sendFcmNotification,
  sendFcmV1Notification,
} from "@nhub/platform-fcm";
import { type createMpnsNotification, sendMpnsNotification } from "@nhub/platform-mpns";
import { type createWindowsNotification, sendWindowsNotification } from "@nhub/platform-wns";
import { type createXiaomiNotification, sendXiaomiNotification } from "@nhub/platform-xiaomi";
import { type createTemplateNotification, sendTemplateNotification } from "@nhub/template";

/** `true` only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only for `true`. */
type Expect<T extends true> = T;

type Hub = Pick<NotificationHub, "send">;
type AnySend = (hub: Hub, payload: never, tags?: never, options?: never) => Promise<SendResult>;

/**
 * A send function with the uniform signature, given its create function: the hub, create's payload, every form of
 * tags, and create's options in the fourth place.
 */
type UniformSend<C extends (payload: never, options?: never) => unknown> = (
  hub: Hub,
  payload: Parameters<C>[0],
  tags?: SendOptions["tags"],
  options?: Parameters<C>[1],
) => Promise<SendResult>;

/** Checks one pair: send's parameters are exactly the uniform ones built from create's. */
type Pair<S extends AnySend, C extends (payload: never, options?: never) => unknown> = Equal<
  Parameters<S>,
  Parameters<UniformSend<C>>
>;

export type Signatures = [
  Expect<Pair<typeof sendAdmNotification, typeof createAdmNotification>>,
  Expect<Pair<typeof sendAppleNotification, typeof createAppleNotification>>,
  Expect<Pair<typeof sendBaiduNotification, typeof createBaiduNotification>>,
  Expect<Pair<typeof sendBrowserNotification, typeof createBrowserNotification>>,
  Expect<Pair<typeof sendFcmNotification, typeof createFcmV1Notification>>,
  Expect<Pair<typeof sendFcmV1Notification, typeof createFcmV1Notification>>,
  Expect<Pair<typeof sendFcmLegacyNotification, typeof createFcmLegacyNotification>>,
  Expect<Pair<typeof sendMpnsNotification, typeof createMpnsNotification>>,
  Expect<Pair<typeof sendWindowsNotification, typeof createWindowsNotification>>,
  Expect<Pair<typeof sendXiaomiNotification, typeof createXiaomiNotification>>,
  Expect<Pair<typeof sendTemplateNotification, typeof createTemplateNotification>>,
];

// The call the review found refused for APNs and accepted for ADM, written out for every platform.
export async function callsWithATagTree(hub: Hub): Promise<void> {
  const tags = and("a", "b");
  await sendAppleNotification(hub, { aps: { alert: "Hi" } }, tags);
  await sendAppleNotification(hub, { aps: { alert: "Hi" } }, tags, { priority: 10 });
  await sendFcmNotification(hub, { data: { msg: "Hi" } }, tags);
  await sendFcmV1Notification(hub, { data: { msg: "Hi" } }, or("a", not("b")), { headers: { "X-A": "1" } });
  await sendFcmLegacyNotification(hub, { data: { msg: "Hi" } }, tags);
  await sendWindowsNotification(hub, "<toast/>", tags, { ttl: 60 });
  await sendMpnsNotification(hub, "<x/>", tags, { delay: "450s" });
  await sendAdmNotification(hub, { data: { msg: "Hi" } }, tags);
  await sendBaiduNotification(hub, { title: "Hi" }, tags, { messageType: "notification" });
  await sendBrowserNotification(hub, { title: "Hi" }, new Set(["a", "b"]));
  await sendXiaomiNotification(hub, { title: "Hi" }, "a && b");
  await sendTemplateNotification(hub, { greeting: "Hi" }, tags, { headers: { "X-A": "1" } });
  // @ts-expect-error options belong in the fourth place, after tags.
  await sendAppleNotification(hub, { aps: { alert: "Hi" } }, { priority: 10 });
}
