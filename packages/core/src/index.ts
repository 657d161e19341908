/**
 * `@nhub/core` for Node: everything in the public API, with the undici `NotificationHub` and transport.
 *
 * @packageDocumentation
 */

export { NotificationHub, type NotificationHubOptions } from "./hub";
export * from "./public-api";
export { toTransportError } from "./undici-errors";
export { createUndiciTransport, type UndiciTransportOptions } from "./undici-transport";
