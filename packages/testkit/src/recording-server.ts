import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { API_VERSION } from "@nhub/core";
import { hmacSha256Base64, parseSasToken, sasStringToSign } from "@nhub/sas";

/** One request as the recording server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query, e.g. `/myhub/messages/`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names lowercased, as Node reports them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body decoded as UTF-8. */
  readonly text: string;
  /**
   * Whether `Authorization` held a SAS token that verifies: right key name, HMAC over `sr + "\n" + se` with the
   * key, not expired, and `sr` a prefix of the request URL.
   */
  readonly tokenValid: boolean;
}

/** A canned answer. */
export interface CannedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Options of {@link startRecordingServer}. */
export interface RecordingServerOptions {
  /** Default `DefaultFullSharedAccessSignature`. */
  readonly keyName?: string;
  /** Default `testkey=`. */
  readonly key?: string;
  /** Answer each request; default 201 with `Location`, `TrackingId` and `x-ms-correlation-request-id`. */
  readonly respond?: (req: RecordedRequest, index: number) => CannedResponse | Promise<CannedResponse>;
}

/** A running recording server; see {@link startRecordingServer}. */
export interface RecordingServer {
  /** A connection string for this server (`http://127.0.0.1:PORT/`). */
  readonly connectionString: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly keyName: string;
  /** Every request so far, in arrival order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Verifies a SAS token the way the service does. Exported for servers and tests that check tokens. */
export function verifySasToken(
  authorization: string | undefined,
  url: string,
  keys: ReadonlyMap<string, string>,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!authorization) return false;
  const fields = parseSasToken(authorization);
  if (!fields) return false;
  const key = keys.get(decodeURIComponent(fields.skn));
  if (key === undefined) return false;
  const resource = decodeURIComponent(fields.sr);
  const { text } = sasStringToSign(resource, fields.se);
  if (decodeURIComponent(fields.sig) !== hmacSha256Base64(key, text)) return false;
  if (!(Number(fields.se) > nowSeconds)) return false;
  return url.toLowerCase().startsWith(resource.toLowerCase());
}

let counter = 0;

/** The default answer: 201 like the service's, with a fresh notification id. */
export function created(origin: string, path: string): CannedResponse {
  const id = `${Date.now().toString(36)}-${(++counter).toString(36)}`;
  const base = path.replace(/\/messages\/?$/, "");
  return {
    status: 201,
    headers: {
      Location: `${origin}${base}/messages/${id}?api-version=${API_VERSION}`,
      TrackingId: `tracking-${id}`,
      "x-ms-correlation-request-id": `correlation-${id}`,
    },
  };
}

/**
 * Starts an HTTP server on 127.0.0.1 that records every request, verifies its SAS token and answers like the
 * service (or as `respond` says). For tests of code that sends through nhub.
 */
export async function startRecordingServer(options: RecordingServerOptions = {}): Promise<RecordingServer> {
  const keyName = options.keyName ?? "DefaultFullSharedAccessSignature";
  const key = options.key ?? "testkey=";
  const keys = new Map([[keyName, key]]);
  const requests: RecordedRequest[] = [];
  let origin = "";
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", origin);
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        text: body.toString("utf8"),
        tokenValid: verifySasToken(req.headers.authorization, url.href, keys),
      };
      const index = requests.push(recorded) - 1;
      const answer = options.respond ? await options.respond(recorded, index) : created(origin, url.pathname);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    connectionString: `Endpoint=${origin}/;SharedAccessKeyName=${keyName};SharedAccessKey=${key}`,
    origin,
    keyName,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
