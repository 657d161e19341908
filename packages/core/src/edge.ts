/**
 * `@nhub/core/edge`: the whole of `@nhub/core` for runtimes without Node built-ins (Cloudflare Workers, Vercel
 * Edge, Deno, Bun), with a `NotificationHub` that sends with `fetch` and signs with WebCrypto. Runtimes that
 * announce themselves (the `workerd`, `edge-light`, `deno` and `bun` export conditions) get this entry for a
 * plain `@nhub/core` import too. Left out: the undici transport and its error mapping.
 *
 * @packageDocumentation
 */

export { NotificationHub, type NotificationHubOptions } from "./edge-hub";
export * from "./public-api";
