/**
 * `NotificationHub` for Node: undici's keep-alive `Pool`, Node's crypto for the SAS token and
 * `node:diagnostics_channel` for request events. The client itself is {@link NotificationHubBase}.
 */
import { channel, tracingChannel } from "node:diagnostics_channel";
import { createSasTokenProvider } from "@nhub/sas";
import type { Dispatcher } from "undici";
import { type HubCredential, type HubTokenCredential, hubArguments } from "./credential-forms";
import { DIAGNOSTICS_CHANNELS, OPERATION_TRACING_CHANNEL, type OperationTraceContext } from "./diagnostics";
import { NotificationHubBase } from "./hub-base";
import type { NotificationHubBaseOptions } from "./hub-options";
import { checkUndiciTransportOptions, createUndiciTransport } from "./undici-transport";

/** Options of a Node {@link NotificationHub}. */
export interface NotificationHubOptions extends NotificationHubBaseOptions {
  /**
   * An undici dispatcher to send through: a `ProxyAgent` for an HTTP proxy, a `MockAgent` in tests, a shared
   * `Agent`. nhub does not close a dispatcher it did not create. Ignored when `transport` is given.
   */
  readonly dispatcher?: Dispatcher;
  /**
   * Most sockets the hub's pool opens, a whole number from 1. Default unlimited. Ignored with `dispatcher` or
   * `transport` (but still checked).
   */
  readonly connections?: number;
}

/**
 * A client for one notification hub. Create one per hub and keep it: it holds a keep-alive connection pool and
 * a SAS token it re-signs only shortly before expiry. Request events are published on the
 * `node:diagnostics_channel` channels named in {@link DIAGNOSTICS_CHANNELS}, and each operation is traced on the
 * tracing channel {@link OPERATION_TRACING_CHANNEL}.
 *
 * @example
 * const hub = new NotificationHub(process.env.NOTIFICATION_HUB_CONNECTION_STRING!, "myhub");
 * await hub.send(createAppleNotification({ aps: { alert: "Hello!" } }), { tags: "sports" });
 * await hub.close();
 */
export class NotificationHub extends NotificationHubBase {
  /**
   * @param credential the namespace endpoint, the hub's name and a callback that mints SAS tokens (cached until
   * shortly before they expire); see {@link HubTokenCredential}
   * @throws {ValidationError} for a malformed endpoint or hub name, a `token` that is not a function, or an option
   * out of its range or of the wrong type; nothing is sent.
   */
  constructor(credential: HubTokenCredential, options?: NotificationHubOptions);
  // The connection-string form last: `ConstructorParameters<typeof NotificationHub>` reads the last overload.
  /**
   * @param connectionString `Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...`, or
   * `[primary, secondary]`: the two connection strings of one rule, for key rotation without downtime (on a 401
   * `InvalidSignature` the hub switches to the other key once and keeps it)
   * @param hubName the notification hub's name
   * @throws {ValidationError} for a malformed connection string or hub name, or an option out of its range or of
   * the wrong type; nothing is sent.
   */
  constructor(
    connectionString: string | readonly [string, string],
    hubName: string,
    options?: NotificationHubOptions,
  );
  constructor(
    credential: HubCredential,
    hubNameOrOptions?: string | NotificationHubOptions,
    maybeOptions?: NotificationHubOptions,
  ) {
    const [hubName, options = {}] = hubArguments(credential, hubNameOrOptions, maybeOptions);
    // Before the base opens anything; an option that is ignored is still refused when it is wrong.
    checkUndiciTransportOptions({ connections: options.connections, dispatcher: options.dispatcher });
    super(credential, hubName, options, {
      transport: (origin) =>
        createUndiciTransport({
          origin,
          dispatcher: options.dispatcher,
          connections: options.connections,
        }),
      tokens: createSasTokenProvider,
      // channel() hands back the one channel object of a name, so every hub publishes on the same three.
      channels: {
        start: channel(DIAGNOSTICS_CHANNELS.start),
        finish: channel(DIAGNOSTICS_CHANNELS.finish),
        error: channel(DIAGNOSTICS_CHANNELS.error),
        operation: tracingChannel<unknown, OperationTraceContext>(OPERATION_TRACING_CHANNEL),
      },
    });
  }
}
