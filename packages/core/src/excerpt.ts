/**
 * How outside text goes into an error message: a caller's input as a short, redacted, quoted excerpt, and the
 * server's text redacted and capped. The redaction itself is `@nhub/sas`'s, the one redaction of nhub.
 */
import { REDACTED, redactSecrets, secretSpans } from "@nhub/sas";

/** Most characters of a caller's input an error message quotes. */
export const MAX_EXCERPT_LENGTH = 60;

/** Most characters of server text (an error body's detail or code, a kept header) an error carries. */
export const MAX_SERVER_TEXT_LENGTH = 500;

/** True for the first half of a surrogate pair, which a cut must not leave alone. */
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * Quotes a caller's input for an error message: the whole value when it has at most 60 characters, otherwise
 * 60 characters around `at` (a 0-based offset, e.g. where a parser stopped; default the start) with `…` where
 * text was cut and the excerpt's place, e.g. `"…a && (b…" (characters 941-1000 of 1048576)`. The quote is a
 * JSON string (control characters, quotes and backslashes escaped, so the message stays on one line), and
 * SAS signatures and `SharedAccessKey` values in it are replaced with `<redacted>`. Every `ValidationError`
 * that quotes input goes through this, so a 1 MB input never makes a 1 MB message.
 *
 * @param value the input to quote; other types are converted with `String`.
 * @param at the offset the message is about; the excerpt is centred on it.
 */
export function quoteExcerpt(value: string, at?: number): string {
  const text = typeof value === "string" ? value : String(value);
  const n = text.length;
  let start = 0;
  let end = n;
  if (n > MAX_EXCERPT_LENGTH) {
    const centre = at === undefined || !Number.isFinite(at) ? 0 : Math.trunc(at);
    start = Math.min(Math.max(centre - MAX_EXCERPT_LENGTH / 2, 0), n - MAX_EXCERPT_LENGTH);
    end = start + MAX_EXCERPT_LENGTH;
    if (start > 0 && isHighSurrogate(text.charCodeAt(start - 1))) start++;
    if (end < n && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  }
  // Secrets are found in the whole value, so one that the cut splits is still recognised and removed.
  let piece = "";
  let copied = start;
  for (const [from, to] of secretSpans(text)) {
    if (to <= start || from >= end) continue;
    piece += text.slice(copied, Math.max(from, start)) + REDACTED;
    copied = Math.min(to, end);
  }
  piece += text.slice(copied, end);
  // JSON leaves DEL, C1 controls (NEL among them) and the line separators U+2028/2029 raw: escaped too.
  const quoted = JSON.stringify(piece).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (start === 0 && end === n) return quoted;
  const head = start > 0 ? "…" : "";
  const tail = end < n ? "…" : "";
  return `"${head}${quoted.slice(1, -1)}${tail}" (characters ${start + 1}-${end} of ${n})`;
}

/**
 * Server text as an error may carry it: secrets redacted (see `redactSecrets` of `@nhub/sas`; `secrets` are
 * values the caller knows are secret, such as the hub's key) and at most 500 characters, the last being `…`
 * when text was cut. Idempotent.
 */
export function boundServerText(text: string, secrets: readonly string[] = []): string {
  // Redacted before it is cut, so a secret the cut would split is still recognised whole.
  const out = redactSecrets(text, secrets);
  if (out.length <= MAX_SERVER_TEXT_LENGTH) return out;
  let end = MAX_SERVER_TEXT_LENGTH - 1;
  if (isHighSurrogate(out.charCodeAt(end - 1))) end--;
  return `${out.slice(0, end)}…`;
}
