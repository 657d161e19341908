/**
 * `POST /{hub}/messages/$batch?direct=true`: a direct send to up to 1000 handles. The body is
 * `multipart/mixed` with a notification part (its own `Content-Type`) and a devices part (a JSON array of
 * handles), each named by `Content-Disposition: inline; name=...`.
 */
import { randomUUID } from "node:crypto";
import { HttpError, type HubHttpRequest, header, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { recordSendOutcome } from "./emulator-outcomes";
import { dictionary } from "./emulator-safe";
import {
  checkNotification,
  checkRequestSize,
  deliveryNote,
  isDirect,
  messageLocation,
  platformHeaders,
  routeToHandles,
} from "./emulator-send";

/** The most device handles one batch may carry, as the service documents. */
export const MAX_BATCH_HANDLES = 1000;

/** One part of a multipart body: its headers (names lowercased) and its content. */
export interface MultipartPart {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * The parameters of a header value such as `multipart/mixed; boundary = "b"`: names lowercased, values
 * unquoted, whitespace around `=` allowed (the official SDK writes it).
 */
function headerParams(value: string): Record<string, string> {
  const params = dictionary<string>();
  for (const m of value.matchAll(/;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    let v = m[2]!.trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    params[m[1]!.toLowerCase()] = v;
  }
  return params;
}

/**
 * Splits a multipart body (RFC 2046): the preamble before the first delimiter and the epilogue after the
 * closing one are ignored; lines may end in CRLF or, leniently, LF.
 *
 * @throws {HttpError} 400 when the boundary never appears.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`, "latin1");
  const parts: MultipartPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new HttpError(400, `The multipart body never uses its boundary "${boundary}".`);
  while (at >= 0) {
    let cursor = at + delimiter.length;
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) break; // "--": the closing delimiter
    // The rest of the delimiter line (transport padding) up to its line break.
    const lineEnd = body.indexOf(0x0a, cursor);
    if (lineEnd < 0) break;
    cursor = lineEnd + 1;
    let next = body.indexOf(delimiter, cursor);
    while (next >= 0 && next > 0 && body[next - 1] !== 0x0a) next = body.indexOf(delimiter, next + 1);
    const end = next < 0 ? body.length : body[next - 2] === 0x0d ? next - 2 : next - 1;
    parts.push(splitPart(body.subarray(cursor, Math.max(cursor, end))));
    at = next;
  }
  return parts;
}

function splitPart(part: Buffer): MultipartPart {
  let headerEnd = part.indexOf("\r\n\r\n");
  let bodyStart = headerEnd + 4;
  const lf = part.indexOf("\n\n");
  if (lf >= 0 && (headerEnd < 0 || lf < headerEnd)) {
    headerEnd = lf;
    bodyStart = lf + 2;
  }
  // A part that starts with its blank line has no headers.
  if (part[0] === 0x0a || (part[0] === 0x0d && part[1] === 0x0a)) {
    return { headers: {}, body: part.subarray(part[0] === 0x0a ? 1 : 2) };
  }
  if (headerEnd < 0) return { headers: {}, body: part };
  const headers = dictionary<string>();
  for (const line of part.subarray(0, headerEnd).toString("utf8").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: part.subarray(bodyStart) };
}

function partName(part: MultipartPart): string | undefined {
  const disposition = part.headers["content-disposition"];
  return disposition === undefined ? undefined : headerParams(disposition)["name"];
}

function parseHandles(part: MultipartPart): string[] {
  let value: unknown;
  try {
    value = JSON.parse(part.body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `The devices part is not well-formed JSON: ${(error as Error).message}.`);
  }
  if (!Array.isArray(value) || value.length === 0)
    throw new HttpError(400, "The devices part must be a non-empty JSON array of device handles.");
  if (value.length > MAX_BATCH_HANDLES) {
    throw new HttpError(
      400,
      `The devices part holds ${value.length} handles; a batch takes at most ${MAX_BATCH_HANDLES}.`,
    );
  }
  for (const [i, handle] of value.entries()) {
    if (typeof handle !== "string" || handle.trim() === "")
      throw new HttpError(400, `Device handle ${i} must be a non-empty string.`);
  }
  return value as string[];
}

/**
 * Handles `POST /{hub}/messages/$batch`: checks the notification part like a send, then delivers it to each
 * handle (to the installation or registration holding it, or to the bare handle).
 *
 * @throws {HttpError} 400 for a malformed multipart body, a missing part, a bad notification or more than 1000
 * handles; 403 for a payload over its platform's limit; 413 for a body over 64 KB.
 */
export function handleBatchSend(hub: HubState, req: HubHttpRequest): Reply {
  checkRequestSize(req);
  if (!isDirect(req.query))
    throw new HttpError(400, "A $batch send is a direct send; add direct=true to the query.");
  if (req.query.get("test") === "true")
    throw new HttpError(400, "test=true applies to tag and broadcast sends, not to direct sends.");
  const contentType = header(req, "content-type") ?? "";
  if (!/^multipart\//i.test(contentType.trim())) {
    throw new HttpError(
      400,
      `A $batch send needs Content-Type multipart/mixed with a boundary, not "${contentType}".`,
    );
  }
  const boundary = headerParams(contentType)["boundary"];
  if (!boundary) throw new HttpError(400, "The multipart Content-Type has no boundary parameter.");
  const parts = parseMultipart(req.body, boundary);
  const named = new Map(parts.map((p) => [partName(p)?.toLowerCase(), p] as const));
  // Parts without names are taken in the documented order: notification, then devices.
  const unnamed = parts.every((p) => partName(p) === undefined);
  const notificationPart = unnamed ? parts[0] : named.get("notification");
  const devicesPart = unnamed ? parts[1] : named.get("devices");
  if (!notificationPart || !devicesPart) {
    throw new HttpError(
      400,
      "Could not find a part of the multipart content supplied: it needs a part named notification and a part named devices.",
    );
  }
  const n = checkNotification({
    format: header(req, "servicebusnotification-format"),
    contentType: notificationPart.headers["content-type"],
    headers: platformHeaders(req.rawHeaders),
    body: notificationPart.body,
    direct: true,
    platforms: hub.platforms,
  });
  const handles = parseHandles(devicesPart);
  const notificationId = randomUUID();
  const send = { notificationId, at: new Date().toISOString() };
  const routed = routeToHandles(hub, n, handles, send);
  hub.recordDeliveries(routed.deliveries);
  const location = messageLocation(req, hub, notificationId);
  recordSendOutcome(hub, {
    notificationId,
    location,
    notification: n,
    tags: undefined,
    routed,
    enqueuedAt: send.at,
  });
  // The service names a direct batch's notification under `messages/$batch/` and echoes a bare `direct` flag;
  // its outcome details are still read at `messages/{id}` (the recorded `location`).
  const batchLocation = `${req.origin}/${hub.name}/messages/$batch/${notificationId}?api-version=${req.query.get("api-version")}&direct`;
  // Basic hubs take direct batches but, like every non-Standard hub, answer without a notification id.
  const headers: Record<string, string> = hub.tier === "standard" ? { Location: batchLocation } : {};
  return { status: 201, headers, note: deliveryNote(routed) };
}
