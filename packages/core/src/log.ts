/** The hub's logging: level filtering and redaction in front of a user's console- or pino-shaped logger. */
import { redactSecrets } from "@nhub/sas";
import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";

/**
 * Where nhub writes what it does. `console` fits, and so does a pino logger; every method is optional and
 * receives one finished message string. Nothing logged ever contains a key or a signature.
 */
export interface Logger {
  debug?(message: string, ...rest: unknown[]): void;
  info?(message: string, ...rest: unknown[]): void;
  warn?(message: string, ...rest: unknown[]): void;
  error?(message: string, ...rest: unknown[]): void;
}

/** The least severe level a hub logs; `silent` logs nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** The logger methods a hub may call: each present only when its level is enabled, so a check costs nothing. */
export type HubLog = { -readonly [L in (typeof LEVELS)[number]]?: (message: string) => void };

/**
 * Binds the enabled levels of `logger` (methods are called on the logger, as pino needs) behind redaction:
 * `redactSecrets` of `@nhub/sas`, with `keys` as known secrets.
 *
 * @throws {ValidationError} with field `logLevel` for an unknown level.
 */
export function createLog(
  logger: Logger | undefined,
  level: LogLevel,
  keys: string | readonly string[],
): HubLog {
  const threshold = level === "silent" ? LEVELS.length : LEVELS.indexOf(level);
  if (threshold < 0) {
    throw new ValidationError(
      "logLevel",
      "one-of",
      `${quoteExcerpt(String(level))} is not one of debug, info, warn, error, silent`,
    );
  }
  const log: HubLog = {};
  if (logger === undefined) return log;
  const secrets = typeof keys === "string" ? [keys] : keys;
  for (let i = threshold; i < LEVELS.length; i++) {
    const name = LEVELS[i]!;
    if (typeof logger[name] === "function")
      log[name] = (message) => logger[name]!(redactSecrets(message, secrets));
  }
  return log;
}
