/**
 * Hub tiers: what a Free or Basic hub refuses that a Standard hub does (telemetry, scheduled sends, jobs, and on
 * Free the direct batch send), and the tier option's check.
 */
import { ValidationError } from "@nhub/core";
import { HttpError } from "./emulator-http";
import type { EmulatorTier } from "./types";

/** Every tier, cheapest first. */
export const EMULATOR_TIERS: readonly EmulatorTier[] = Object.freeze(["free", "basic", "standard"]);

/**
 * Checks a tier option; `undefined` gives `fallback`.
 *
 * @throws {ValidationError} naming `field` for anything but `free`, `basic` or `standard`.
 */
export function checkTier(value: unknown, field: string, fallback: EmulatorTier): EmulatorTier {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(EMULATOR_TIERS as readonly string[]).includes(value)) {
    throw new ValidationError(field, "one-of", `${field} must be one of ${EMULATOR_TIERS.join(", ")}`);
  }
  return value as EmulatorTier;
}

const TIER_NAMES: Readonly<Record<EmulatorTier, string>> = {
  free: "Free",
  basic: "Basic",
  standard: "Standard",
};

// The operations a tier lacks, by method and path below the hub (the same paths the routes match).
const STANDARD_ONLY: ReadonlyArray<readonly [string, RegExp, string]> = [
  ["GET", /^\/messages\/(?!(?:\$|%24)batch\/?$)[^/]+$/i, "Notification outcome details (telemetry)"],
  ["POST", /^\/schedulednotifications\/?$/i, "Scheduled notifications"],
  ["DELETE", /^\/schedulednotifications\/[^/]+$/i, "Scheduled notifications"],
  ["POST", /^\/jobs\/?$/i, "Import and export jobs"],
  ["GET", /^\/jobs(?:\/[^/]+)?\/?$/i, "Import and export jobs"],
];
const BATCH = /^\/messages\/(?:\$|%24)batch\/?$/i;

/**
 * The refusal a hub of `tier` gives the operation, or `undefined` when the tier has it: telemetry, scheduled
 * sends and jobs need Standard, a direct batch send needs Basic or Standard; each refusal is 403 like the service's.
 */
export function tierRefusal(tier: EmulatorTier, method: string, subPath: string): HttpError | undefined {
  if (tier === "standard") return undefined;
  for (const [m, pattern, what] of STANDARD_ONLY) {
    if (m === method && pattern.test(subPath)) {
      return new HttpError(
        403,
        `${what} are available on the Standard tier only; this hub is ${TIER_NAMES[tier]}.`,
      );
    }
  }
  if (tier === "free" && method === "POST" && BATCH.test(subPath)) {
    return new HttpError(403, "Direct batch sends need the Basic or Standard tier; this hub is Free.");
  }
  return undefined;
}
