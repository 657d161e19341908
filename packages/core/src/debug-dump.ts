/** The request and response dumps of debug mode; loaded only when a hub runs with `debug: true`. */
import type { TransportRequest, TransportResponse } from "./transport";

function dumpBody(body: string | Uint8Array | undefined): string {
  if (body === undefined || body.length === 0) return "";
  return typeof body === "string" ? `\n\n${body}` : `\n\n<${body.byteLength} bytes>`;
}

/**
 * A request as text for the debug log. Unredacted: the caller redacts the whole dump (headers and body, where
 * a job's storage URL carries a signature) with the hub's redaction, which it passes in, so this module
 * imports nothing the send path also loads and bundlers keep the send path whole.
 */
export function dumpRequest(req: TransportRequest): string {
  const lines = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`);
  return `--- nhub request ---\n${req.method} ${req.origin}${req.path}\n${lines.join("\n")}${dumpBody(req.body)}`;
}

/** A response as text for the debug log, with the time it took; unredacted like {@link dumpRequest}. */
export function dumpResponse(res: TransportResponse, ms: number): string {
  const lines = Object.entries(res.headers).map(([k, v]) => `${k}: ${v}`);
  return `--- nhub response ${res.status} (${ms} ms) ---\n${lines.join("\n")}${dumpBody(res.body)}`;
}
