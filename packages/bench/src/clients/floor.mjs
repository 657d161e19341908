// The floor: undici's Pool.request with every header and the body computed once, before the first send. Nothing
// a client library can do per send is cheaper, so this is the transport's physical limit on this machine.

import { createHmac } from "node:crypto";
import { Pool } from "undici";
import {
  API_VERSION,
  APNS_HEADERS,
  APPLE_CONTENT_TYPE,
  APPLE_FORMAT,
  BATCH_CHUNK,
  HUB_NAME,
  KEY_NAME,
  PAYLOAD,
  TAGS,
} from "../workload.mjs";
import { runClient } from "./driver.mjs";

/** One token for the whole run, signed for the hub URL (one HMAC, like nhub's cached token). */
function signToken(endpoint, key) {
  const sr = encodeURIComponent(`${endpoint}/${HUB_NAME}`.toLowerCase());
  const se = Math.floor(Date.now() / 1000) + 3600;
  const sig = encodeURIComponent(createHmac("sha256", key).update(`${sr}\n${se}`).digest("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=${KEY_NAME}`;
}

const BOUNDARY = "nhub-bench-floor-boundary";

/** The multipart `$batch` body of one chunk of handles. */
function batchBody(body, handles) {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Type: ${APPLE_CONTENT_TYPE}\r\nContent-Disposition: inline; name=notification\r\n\r\n` +
      `${body}\r\n--${BOUNDARY}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n` +
      `${JSON.stringify(handles)}\r\n--${BOUNDARY}--\r\n`,
  );
}

runClient((cfg) => {
  const pool = new Pool(cfg.endpoint);
  const token = signToken(cfg.endpoint, cfg.key);
  const body = JSON.stringify(PAYLOAD);
  const path = `/${HUB_NAME}/messages/?api-version=${API_VERSION}`;
  // A flat array is undici's cheapest header form.
  const headers = [
    "authorization",
    token,
    "content-type",
    APPLE_CONTENT_TYPE,
    "servicebusnotification-format",
    APPLE_FORMAT,
    "servicebusnotification-tags",
    TAGS,
    "x-ms-version",
    API_VERSION,
    ...Object.entries(APNS_HEADERS).flat(),
  ];
  const request = { path, method: "POST", headers, body };

  let batchPool;
  let batchToken;
  let batchHeaders;
  let batchRequests = [];
  /** One request per chunk of handles, bodies encoded. */
  const buildBatchRequests = (handles) => {
    const requests = [];
    for (let i = 0; i < handles.length; i += BATCH_CHUNK) {
      requests.push({
        handles: Math.min(BATCH_CHUNK, handles.length - i),
        options: {
          path: `/${HUB_NAME}/messages/$batch?api-version=${API_VERSION}&direct=true`,
          method: "POST",
          headers: batchHeaders,
          body: batchBody(body, handles.slice(i, i + BATCH_CHUNK)),
        },
      });
    }
    return requests;
  };
  return {
    async send() {
      const res = await pool.request(request);
      await res.body.dump();
      if (res.statusCode !== 201) throw new Error(`status ${res.statusCode}`);
    },
    // With `build`, the bodies are made in the timed part (JSON.stringify and one encode per chunk, no checks):
    // the least any client starting from an array of handles must do, and the honest bound for nhub's batch.
    prepareBatch(handles, { build }) {
      batchPool ??= new Pool(cfg.batchEndpoint);
      batchToken ??= signToken(cfg.batchEndpoint, cfg.key);
      batchHeaders ??= [
        "authorization",
        batchToken,
        "content-type",
        `multipart/mixed; boundary="${BOUNDARY}"`,
        "servicebusnotification-format",
        APPLE_FORMAT,
        "x-ms-version",
        API_VERSION,
        ...Object.entries(APNS_HEADERS).flat(),
      ];
      batchRequests = build ? [] : buildBatchRequests(handles);
    },
    async batch(handles, concurrency, { build }) {
      if (build) batchRequests = buildBatchRequests(handles);
      let next = 0;
      let sentHandles = 0;
      let failedHandles = 0;
      const loop = async () => {
        while (next < batchRequests.length) {
          const req = batchRequests[next++];
          const res = await batchPool.request(req.options);
          await res.body.dump();
          if (res.statusCode === 201) sentHandles += req.handles;
          else failedHandles += req.handles;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, loop));
      return { requests: batchRequests.length, sentHandles, failedHandles };
    },
    close: () => Promise.all([pool.close(), batchPool?.close()]),
  };
});
