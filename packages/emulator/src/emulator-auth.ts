/**
 * Access rules and SAS token verification, as the service does it: the token names a rule (`skn`), is an
 * HMAC-SHA256 over `sr + "\n" + se` with that rule's key, has not expired, is scoped (`sr`) to a prefix of the
 * request URL, and the rule grants the right the operation needs.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { hmacSha256Base64, parseSasToken, sasStringToSign } from "@nhub/sas";
import type { EmulatorRule } from "./types";

/** What an operation needs: `send` for messages, `listen` for device registration, `manage` for the rest. */
export type Right = "send" | "listen" | "manage";

/** The rule names the emulator uses; full and listen are the service's default rules on every hub. */
export const RULE_NAMES: Readonly<Record<EmulatorRule, string>> = Object.freeze({
  full: "DefaultFullSharedAccessSignature",
  // The service creates only the full and listen rules; a send-only rule is commonly added by hand and this
  // name follows the same pattern.
  send: "DefaultSendSharedAccessSignature",
  listen: "DefaultListenSharedAccessSignature",
});

const RIGHTS: Readonly<Record<EmulatorRule, readonly Right[]>> = {
  full: ["manage", "send", "listen"],
  send: ["send"],
  listen: ["listen"],
};

/**
 * A rule with its two keys, as the service has them: a token signed with either is accepted, so clients can move
 * to one while the other is regenerated. Keys live only here and in connection strings, never in logs.
 */
export interface AccessRule {
  readonly rule: EmulatorRule;
  readonly keyName: string;
  /** The primary key; replaced by {@link regenerateKey}. */
  key: string;
  /** The secondary key; replaced by {@link regenerateKey}. */
  secondaryKey: string;
}

/** Which of a rule's two keys. */
export type KeyWhich = "primary" | "secondary";

/** Replaces one key of `rule` with a fresh random one, as the service's "regenerate key" does. */
export function regenerateKey(rule: AccessRule, which: KeyWhich): void {
  if (which === "primary") rule.key = generateKey();
  else rule.secondaryKey = generateKey();
}

/** A fresh random key, base64 like the service's 44-character keys. */
export function generateKey(): string {
  return randomBytes(32).toString("base64");
}

/** The three rules of a hub, with the given keys or random ones (secondary keys too). */
export function createRules(
  keys: { full?: string; send?: string; listen?: string } = {},
  secondaryKeys: { full?: string; send?: string; listen?: string } = {},
): AccessRule[] {
  return (["full", "send", "listen"] as const).map((rule) => ({
    rule,
    keyName: RULE_NAMES[rule],
    key: keys[rule] ?? generateKey(),
    secondaryKey: secondaryKeys[rule] ?? generateKey(),
  }));
}

/** A refused token: the status the service answers and its `<Detail>` wording. */
export interface AuthorizationRefusal {
  /** 401 for a token that does not verify or lacks a Manage or Listen claim; 403 for a token without Send. */
  readonly status: 401 | 403;
  readonly detail: string;
}

/**
 * Why a token was refused, worded like the service's `<Detail>`, with the status the service answers;
 * `undefined` when it is accepted.
 */
export function authorizationRefusal(
  authorization: string | undefined,
  requestUrl: string,
  rules: readonly AccessRule[],
  right: Right,
  nowSeconds = Math.floor(Date.now() / 1000),
): AuthorizationRefusal | undefined {
  const detail = verifyAuthorization(authorization, requestUrl, rules, right, nowSeconds);
  if (detail === undefined) return undefined;
  // Recorded traffic: a valid token whose rule lacks the Send claim gets 403 on sends (the service authorises
  // the sender, then refuses the operation); a missing Manage claim is 401 ("Manage claim is required for this
  // operation"), as are tokens that do not verify. What a missing Listen claim answers is unrecorded: 401 is kept.
  const status = right === "send" && detail.startsWith(INSUFFICIENT_CLAIM) ? 403 : 401;
  return { status, detail };
}

const INSUFFICIENT_CLAIM = "Unauthorized:";

/** Why a token was refused, worded like the service's `<Detail>`; `undefined` when it is accepted. */
export function verifyAuthorization(
  authorization: string | undefined,
  requestUrl: string,
  rules: readonly AccessRule[],
  right: Right,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | undefined {
  if (!authorization) return "MissingToken: The request has no Authorization header.";
  const fields = parseSasToken(authorization);
  if (!fields)
    return "InvalidToken: The Authorization header is not a SharedAccessSignature token with sr, sig, se and skn.";
  let keyName: string;
  let resource: string;
  let signature: string;
  try {
    keyName = decodeURIComponent(fields.skn);
    resource = decodeURIComponent(fields.sr);
    signature = decodeURIComponent(fields.sig);
  } catch {
    return "InvalidToken: The token has a malformed percent-encoding.";
  }
  const rule = rules.find((r) => r.keyName === keyName);
  if (!rule) return `InvalidSignature: The hub has no authorization rule named "${keyName}".`;
  const { sr, text } = sasStringToSign(resource, fields.se);
  // The signed text is built from the sr as sent; a sr that is not the canonical encoding cannot verify.
  if (
    sr !== fields.sr ||
    !(
      sameText(signature, hmacSha256Base64(rule.key, text)) ||
      sameText(signature, hmacSha256Base64(rule.secondaryKey, text))
    )
  ) {
    return "InvalidSignature: The token has an invalid signature.";
  }
  if (!/^\d+$/.test(fields.se) || Number(fields.se) <= nowSeconds) {
    return `ExpiredToken: The token expired at ${fields.se} (Unix seconds); the time is now ${nowSeconds}.`;
  }
  if (!isScopePrefix(resource, requestUrl)) {
    return `InvalidAudience: The token is for "${resource}", which is not a prefix of the request URL.`;
  }
  if (!RIGHTS[rule.rule].includes(right)) {
    const need = right[0]!.toUpperCase() + right.slice(1);
    return `${INSUFFICIENT_CLAIM} The rule "${keyName}" does not grant the ${need} claim this operation needs; ${need} claim is required for this operation.`;
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Whether `resource` scopes `url`: a case-insensitive prefix ending at a path boundary, so a token for
 * `/myhub` does not open `/myhub2`; `http` and `https` are the same here.
 */
function isScopePrefix(resource: string, url: string): boolean {
  // The scheme is left out: the emulator answers plain http, yet a client behind a TLS proxy (or one telling
  // it X-Forwarded-Proto: https) signs its https URL.
  const r = resource.toLowerCase().replace(/^https?:\/\//, "");
  const u = url.toLowerCase().replace(/^https?:\/\//, "");
  if (!u.startsWith(r)) return false;
  if (r.endsWith("/") || u.length === r.length) return true;
  const next = u[r.length];
  return next === "/" || next === "?";
}
