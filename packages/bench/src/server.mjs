// The loopback Notification Hubs stand-in: an HTTPS server in its own process (so clients never share its event
// loop), one listening port per "lane" so each client's TLS handshakes, requests and SAS tokens are counted apart.
// It answers a valid send like the service: 201 with Location, TrackingId and x-ms-correlation-request-id.
//
// Started by bench-server.mjs with fork(); configuration comes in BENCH_SERVER (JSON), commands over IPC.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

const config = JSON.parse(process.env.BENCH_SERVER ?? "{}");
const { lanes, hubName, keyName, key, certFile, keyFile } = config;
const tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };

// Long enough that no idle keep-alive socket is dropped while the other clients take their turn: a reconnect
// would show up as an extra handshake and slow the client's next window.
const IDLE_MS = 900_000;

/** Per-lane counters, reported to run.mjs on request. */
function emptyStats() {
  return {
    handshakes: 0,
    requests: 0,
    accepted: 0,
    unauthorized: 0,
    malformed: 0,
    bytesIn: 0,
    batchRequests: 0,
    batchHandles: 0,
    tokens: new Map(),
    shape: undefined,
    firstProblem: undefined,
  };
}

const servers = [];
const stats = new Map();
const ports = {};

for (const lane of lanes) {
  const s = emptyStats();
  stats.set(lane, s);
  const server = createServer(tls, (req, res) => handle(lane, s, req, res));
  server.keepAliveTimeout = IDLE_MS;
  server.headersTimeout = IDLE_MS + 1000;
  server.requestTimeout = 0;
  server.on("secureConnection", () => s.handshakes++);
  servers.push(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  ports[lane] = server.address().port;
}

let notificationCounter = 0;

function handle(lane, s, req, res) {
  s.requests++;
  const chunks = [];
  let bytes = 0;
  const url = req.url ?? "";
  const isBatch = url.includes("/messages/$batch");
  req.on("data", (chunk) => {
    bytes += chunk.length;
    if (isBatch) chunks.push(chunk);
  });
  req.on("end", () => {
    s.bytesIn += bytes;
    const port = ports[lane];
    const problem = checkRequest(req, url, port, s);
    if (problem !== undefined) {
      s.firstProblem ??= problem.detail;
      if (problem.status === 401) s.unauthorized++;
      else s.malformed++;
      const body = `<Error><Code>${problem.status}</Code><Detail>${problem.detail}</Detail></Error>`;
      res.writeHead(problem.status, { "Content-Type": "application/xml; charset=utf-8" });
      res.end(body);
      return;
    }
    if (s.shape === undefined && !isBatch) {
      s.shape = {
        method: req.method,
        path: url,
        headers: Object.keys(req.headers)
          .filter((h) => h !== "host" && h !== "content-length" && h !== "connection")
          .sort(),
        tags: req.headers["servicebusnotification-tags"],
        bodyBytes: bytes,
      };
    }
    if (isBatch) {
      const handles = countBatchHandles(req.headers["content-type"], Buffer.concat(chunks).toString("utf8"));
      if (handles === undefined) {
        s.malformed++;
        s.firstProblem ??= "a $batch body without a JSON array of devices";
        res.writeHead(400);
        res.end();
        return;
      }
      s.batchRequests++;
      s.batchHandles += handles;
    }
    s.accepted++;
    const id = `${lane}-${++notificationCounter}`;
    res.writeHead(201, {
      Location: `https://127.0.0.1:${port}/${hubName}/messages/${id}?api-version=2020-06`,
      TrackingId: id,
      "x-ms-correlation-request-id": id,
      "Content-Length": "0",
    });
    res.end();
  });
}

function checkRequest(req, url, port, s) {
  if (req.method !== "POST") return { status: 405, detail: `method ${req.method}` };
  const path = url.split("?")[0];
  if (
    path !== `/${hubName}/messages/` &&
    path !== `/${hubName}/messages` &&
    path !== `/${hubName}/messages/$batch`
  ) {
    return { status: 404, detail: `path ${path}` };
  }
  if (!/[?&]api-version=/.test(url)) return { status: 400, detail: "no api-version" };
  if (!req.headers["servicebusnotification-format"]) return { status: 400, detail: "no format header" };
  const auth = req.headers.authorization;
  let valid = s.tokens.get(auth);
  if (valid === undefined) {
    valid = verifyToken(auth, `https://127.0.0.1:${port}${url}`);
    s.tokens.set(auth, valid);
  }
  if (!valid) return { status: 401, detail: "invalid SAS token" };
  return undefined;
}

/** Checks a SAS token as the service does: key name, HMAC over `sr + "\n" + se`, expiry, `sr` a URL prefix. */
function verifyToken(auth, requestUrl) {
  if (typeof auth !== "string" || !auth.startsWith("SharedAccessSignature ")) return false;
  const fields = {};
  for (const pair of auth.slice("SharedAccessSignature ".length).split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const { sr, sig, se, skn } = fields;
  if (!sr || !sig || !se || !skn || decodeURIComponent(skn) !== keyName) return false;
  if (!(Number(se) > Date.now() / 1000)) return false;
  if (!requestUrl.toLowerCase().startsWith(decodeURIComponent(sr).toLowerCase())) return false;
  const expected = createHmac("sha256", key).update(`${sr}\n${se}`, "utf8").digest();
  const given = Buffer.from(decodeURIComponent(sig), "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Number of handles in the `devices` part of a multipart `$batch` body, or undefined when there is none. */
function countBatchHandles(contentType, body) {
  const m = /boundary="?([^";]+)"?/i.exec(contentType ?? "");
  if (!m) return undefined;
  for (const part of body.split(`--${m[1]}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0 || !/name="?devices"?/i.test(part.slice(0, split))) continue;
    try {
      const devices = JSON.parse(part.slice(split + 4).trim());
      return Array.isArray(devices) ? devices.length : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function snapshot() {
  const out = {};
  for (const [lane, s] of stats) {
    let validTokens = 0;
    for (const v of s.tokens.values()) if (v) validTokens++;
    out[lane] = {
      handshakes: s.handshakes,
      requests: s.requests,
      accepted: s.accepted,
      unauthorized: s.unauthorized,
      malformed: s.malformed,
      bytesIn: s.bytesIn,
      batchRequests: s.batchRequests,
      batchHandles: s.batchHandles,
      distinctTokens: s.tokens.size,
      validTokens,
      shape: s.shape,
      firstProblem: s.firstProblem,
    };
  }
  return out;
}

process.on("message", (msg) => {
  if (msg?.cmd === "stats") process.send({ type: "stats", id: msg.id, stats: snapshot() });
  else if (msg?.cmd === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send({ type: "cpu", id: msg.id, cpuUs: user + system });
  } else if (msg?.cmd === "exit") {
    for (const server of servers) server.closeAllConnections?.();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "listening", ports, pid: process.pid });
