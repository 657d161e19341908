/**
 * The one `send<Platform>Notification` every platform has: `(hub, payload, tags?, options?)` doing
 * `hub.send(create(payload, options), { tags })`. Built from the platform's `create`, so no platform writes it.
 */
import type { NotificationHub } from "./hub";
import type { SendOptions } from "./hub-options";
import type { Notification } from "./notification";
import type { SendResult } from "./send-result";

/**
 * A platform's send function: `tags` is every form `hub.send` takes (a tag expression, a set of tags, an
 * `and`/`or`/`not` tree) and `options` are the options of the platform's `create`.
 */
export type PlatformSend<P, O> = (
  hub: Pick<NotificationHub, "send">,
  payload: P,
  tags?: SendOptions["tags"],
  options?: O,
) => Promise<SendResult>;

/**
 * Builds `send<Platform>Notification` from `create<Platform>Notification`. The function is `async`, so bad input
 * rejects rather than throws, and nothing is sent for it.
 *
 * @example
 * export const sendAcmeNotification = definePlatformSend(createAcmeNotification);
 * await sendAcmeNotification(hub, { title: "Hi" }, and("sports", "fr"), { headers: { "X-Trace": "1" } });
 */
export function definePlatformSend<P, O>(
  create: (payload: P, options?: O) => Notification,
): PlatformSend<P, O> {
  return async (hub, payload, tags, options) => hub.send(create(payload, options), { tags });
}
