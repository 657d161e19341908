/**
 * The one redaction of nhub: every piece of text that leaves the process (errors, logs, debug dumps, CLI output)
 * goes through {@link redactSecrets} or, for an excerpt, through {@link secretSpans}.
 */

/** What a redacted value is replaced with. */
export const REDACTED = "<redacted>";

// `=` as written raw, percent-encoded (once or twice), as an XML/HTML character reference or JSON-escaped.
const EQUALS = String.raw`(?:=|%3D|%253D|&#0*61;|&#x0*3D;|\\u003D)`;
// A value ends at a separator in any of those forms (`&`, `;` or a quote, raw or encoded), at whitespace or at
// a character no base64 or percent-encoded value holds. `<` ends it too, so `sig=<redacted>` is never redacted
// again and redaction is idempotent.
const VALUE = String.raw`(?:(?!%26|%2526|%3B|%253B|%22|%2522|\\u0026|\\u0022|\\u003B)[^\s&;"'<>,)\]}])+`;
// `sig` in a SAS token (`sig=`, `&amp;sig=`, `%26sig%3D`) and the key of a connection string. No word boundary
// is required before `sig`: `%26sig` has a letter-digit before it, and over-redacting a word that ends in
// "sig" costs nothing in an error message.
const PATTERN = new RegExp(`(?:sig|SharedAccessKey)${EQUALS}(${VALUE})`, "gi");

/** Shortest known secret matched verbatim: shorter ones would garble ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * The forms in which a known secret (a hub's key) may be echoed back: as is, percent-encoded (upper- and
 * lowercase hex), base64 of its UTF-8 bytes (standard and URL-safe). Forms shorter than 8 characters are left out.
 */
export function secretForms(secret: string): string[] {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return [];
  const encoded = encodeURIComponent(secret);
  let binary = "";
  for (const byte of new TextEncoder().encode(secret)) binary += String.fromCharCode(byte);
  const base64 = btoa(binary);
  const forms = new Set([
    secret,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    base64,
    base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  ]);
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * The `[start, end)` ranges of `text` that hold a secret, sorted and merged: every `sig` value of a SAS token
 * and every `SharedAccessKey` value (raw, percent-encoded, XML-escaped or JSON-escaped), and every occurrence of
 * a form of `secrets` (see {@link secretForms}). The names before the values (`sig=`) are not part of a range.
 */
export function secretSpans(text: string, secrets: readonly string[] = []): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(PATTERN)) {
    const value = match[1]!;
    const end = match.index + match[0].length;
    spans.push([end - value.length, end]);
  }
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + form.length)) {
        spans.push([at, at + form.length]);
      }
    }
  }
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [spans[0]!];
  for (const span of spans.slice(1)) {
    const last = merged.at(-1)!;
    if (span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

/**
 * Replaces every secret in `text` with `<redacted>`: `sig` values of SAS tokens and `SharedAccessKey` values in
 * raw, percent-encoded (`sig%3D…`), XML-escaped (`&amp;sig=…`) and JSON-escaped forms, and `secrets` (for a
 * hub, its own key) verbatim, percent-encoded or base64-encoded. Idempotent: redacted text passes unchanged.
 *
 * @param secrets values the caller knows are secret; used only to find them, never stored.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  const spans = secretSpans(text, secrets);
  if (spans.length === 0) return text;
  let out = "";
  let copied = 0;
  for (const [start, end] of spans) {
    out += text.slice(copied, start) + REDACTED;
    copied = end;
  }
  return out + text.slice(copied);
}
