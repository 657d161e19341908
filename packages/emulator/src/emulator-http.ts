/** The small HTTP vocabulary the route handlers share: the request they get, the reply they return, errors. */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { parseJsonSafely, ReservedKeyError } from "./emulator-safe";

/** A request to a hub's REST surface, with its body read. */
export interface HubHttpRequest {
  readonly method: string;
  /** The path below the hub, e.g. `/messages/` or `/installations/abc`. */
  readonly subPath: string;
  readonly query: URLSearchParams;
  /** Header names lowercased, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** Header names as the client wrote them, alternating name and value. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** Size of the whole body; `body` is cut off past the read limit. */
  readonly bodySize: number;
  /**
   * The URL as routed (`http://HOST/path?query`, the path as the URL parser resolved it), which SAS scopes are
   * checked against, so a token opens exactly the resources the router hands it.
   */
  readonly url: string;
  /** The origin the client used, e.g. `http://127.0.0.1:4567`, for `Location` headers. */
  readonly origin: string;
  /** This request's tracking id, also sent as the `TrackingId` header. */
  readonly trackingId: string;
}

/** What a handler answers. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** A short note for the log line, e.g. `2 deliveries`. */
  readonly note?: string;
}

/** A refusal with the service's status and `<Detail>` text; the server turns it into the XML error body. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

/** One request header's value (the first, when repeated). */
export function header(req: { readonly headers: IncomingHttpHeaders }, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads a request body, keeping at most `keep` bytes but counting (and draining) everything, so an oversized
 * body can be refused with a clean answer instead of a reset connection.
 */
export function readBody(req: IncomingMessage, keep: number): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (kept < keep) {
        const part = kept + chunk.length > keep ? chunk.subarray(0, keep - kept) : chunk;
        chunks.push(part);
        kept += part.length;
      }
    });
    req.on("end", () => resolve({ body: Buffer.concat(chunks), size }));
    req.on("error", reject);
  });
}

/** A JSON reply (admin endpoints and installation reads). */
export function jsonReply(status: number, value: unknown, note?: string): Reply {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8" },
    body: JSON.stringify(value, null, 2),
    ...(note ? { note } : {}),
  };
}

/** Parses a JSON body (refusing `__proto__` keys, see {@link parseJsonSafely}), or throws a 400 naming what was being read. */
export function parseJsonBody(body: Buffer, what: string): unknown {
  try {
    return parseJsonSafely(body.toString("utf8"));
  } catch (error) {
    if (error instanceof ReservedKeyError)
      throw new HttpError(400, `The ${what} is refused: ${error.message}.`);
    throw new HttpError(400, `The ${what} is not well-formed JSON: ${(error as Error).message}.`);
  }
}
