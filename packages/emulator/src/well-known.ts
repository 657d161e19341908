/**
 * The emulator's well-known development keys: the same on every start and every machine, like Azurite's
 * development account key, so a connection string saved in a `.env` file keeps working after a restart. They
 * are public (printed in the README) and therefore accepted only on loopback: `startEmulator` refuses them when
 * `allowRemote` is set.
 */
import { RULE_NAMES } from "./emulator-auth";
import type { EmulatorRule } from "./types";

/**
 * The well-known keys of the three rules (`DefaultFullSharedAccessSignature`, `DefaultSendSharedAccessSignature`,
 * `DefaultListenSharedAccessSignature`), the same for every hub. Each is the base64 SHA-256 of
 * `"nhub emulator well-known <rule> key"`: 44 characters like the service's keys, and reproducible.
 */
export const WELL_KNOWN_KEYS: Readonly<Record<EmulatorRule, string>> = Object.freeze({
  full: "nxdu89EdPwT2J88ffXYDzbsPyBfr8ZkvCYkQi19cZlI=",
  send: "QtPcb9oRF7S/hWU+2ANca5UHbzpvSQaVOROjFAdB47Y=",
  listen: "eegK30fHJubOVgD7+kQiLjoLCgdijpTHdywwfknxUow=",
});

/** The port `nhub emulator` listens on unless told otherwise, so its connection string is the same every day. */
export const DEFAULT_EMULATOR_PORT = 10200;

/** Where {@link wellKnownConnectionString} points. */
export interface WellKnownConnectionStringOptions {
  /** The emulator's port. Default {@link DEFAULT_EMULATOR_PORT}. */
  readonly port?: number;
  /** The host clients connect to. Default `127.0.0.1`; `0.0.0.0` and `::` become loopback as in `emulator.url`. */
  readonly host?: string;
  /** The rule whose key the string carries. Default `full`. */
  readonly rule?: EmulatorRule;
  /** Whether the emulator serves TLS (`--https`): the Endpoint is then `sb://`, as the service's is. */
  readonly https?: boolean;
}

/** The host part of a URL for `host`: IPv6 in brackets, wildcards shown as the loopback address of their family. */
export function urlHostOf(host: string): string {
  const ip = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return ip.includes(":") && !ip.startsWith("[") ? `[${ip}]` : ip;
}

/**
 * The connection string an emulator started with well-known keys (`randomKeys: false`, or `nhub emulator`
 * without `--random-keys`) accepts, computed without starting one: what `nhub emulator --print-env` prints.
 * Every hub of such an emulator has the same keys, so the string holds no hub name.
 *
 * @example
 * wellKnownConnectionString({ port: 10200 });
 * // "Endpoint=http://127.0.0.1:10200/;SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=nxdu..."
 */
export function wellKnownConnectionString(options: WellKnownConnectionStringOptions = {}): string {
  const rule = options.rule ?? "full";
  const port = options.port ?? DEFAULT_EMULATOR_PORT;
  const scheme = options.https ? "sb" : "http";
  return `Endpoint=${scheme}://${urlHostOf(options.host ?? "127.0.0.1")}:${port}/;SharedAccessKeyName=${RULE_NAMES[rule]};SharedAccessKey=${WELL_KNOWN_KEYS[rule]}`;
}
