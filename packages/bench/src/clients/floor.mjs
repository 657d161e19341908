// The floor the targets name: undici's Pool.request with every header and the body computed once, before the first
// send, the least per send a client on undici's request API can do. (dispatch.mjs is the same send on undici's
// lower-level dispatch API, which nhub's transport uses too.)

import { Pool } from "undici";
import { API_VERSION, APPLE_CONTENT_TYPE, BATCH_CHUNK, HUB_NAME } from "../workload.mjs";
import { runClient } from "./driver.mjs";
import { floorHeaders, floorSend, signToken } from "./floor-request.mjs";

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
  const request = floorSend(cfg);
  const body = request.body;

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
      batchHeaders ??= floorHeaders(batchToken, `multipart/mixed; boundary="${BOUNDARY}"`);
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
