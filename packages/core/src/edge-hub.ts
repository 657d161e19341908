/**
 * `NotificationHub` for runtimes without Node built-ins (Cloudflare Workers, Vercel Edge, Deno, Bun): `fetch`
 * for transport and WebCrypto for the SAS token. Nothing here, or in what it imports, loads undici, Node's
 * crypto, `Buffer` or `node:diagnostics_channel`.
 */
import { createAsyncSasTokenProvider } from "@nhub/sas";
import { type HubCredential, type HubTokenCredential, hubArguments } from "./credential-forms";
import { createFetchTransport } from "./fetch-transport";
import { NotificationHubBase } from "./hub-base";
import type { NotificationHubBaseOptions } from "./hub-options";
import { checkFunction } from "./option-checks";

/** Options of an edge {@link NotificationHub}. */
export interface NotificationHubOptions extends NotificationHubBaseOptions {
  /** The `fetch` the default transport calls. Default `globalThis.fetch`. Ignored when `transport` is given. */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * A client for one notification hub that sends with `fetch` and signs with WebCrypto. The same API as the Node
 * `NotificationHub` (it extends the same {@link NotificationHubBase}), without a pool of its own: the runtime's
 * fetch keeps connections. `stats.pool` is `undefined`. The token is signed once per lifetime; only the first
 * send (and one an hour after) awaits the signing.
 *
 * @example
 * import { NotificationHub } from "@nhub/core/edge";
 * const hub = new NotificationHub(env.NOTIFICATION_HUB_CONNECTION_STRING, "myhub");
 * await hub.send(createAppleNotification({ aps: { alert: "Hello!" } }), { tags: "sports" });
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
   * `[primary, secondary]`: the two connection strings of one rule, for key rotation without downtime
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
    checkFunction(options.fetch, "fetch");
    super(credential, hubName, options, {
      transport: () => createFetchTransport({ fetch: options.fetch }),
      tokens: createAsyncSasTokenProvider,
    });
  }
}
