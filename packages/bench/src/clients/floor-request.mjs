// What both floors send, computed once before the first send: the token, the headers and the body.

import { createHmac } from "node:crypto";
import {
  API_VERSION,
  APNS_HEADERS,
  APPLE_CONTENT_TYPE,
  APPLE_FORMAT,
  HUB_NAME,
  KEY_NAME,
  PAYLOAD,
  TAGS,
} from "../workload.mjs";

/** One token for the whole run, signed for the hub URL (one HMAC, like nhub's cached token). */
export function signToken(endpoint, key) {
  const sr = encodeURIComponent(`${endpoint}/${HUB_NAME}`.toLowerCase());
  const se = Math.floor(Date.now() / 1000) + 3600;
  const sig = encodeURIComponent(createHmac("sha256", key).update(`${sr}\n${se}`).digest("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=${KEY_NAME}`;
}

/** The headers of a request with `contentType`, besides the tags; a flat array is undici's cheapest form. */
export function floorHeaders(token, contentType) {
  return [
    "authorization",
    token,
    "content-type",
    contentType,
    "servicebusnotification-format",
    APPLE_FORMAT,
    "x-ms-version",
    API_VERSION,
    ...Object.entries(APNS_HEADERS).flat(),
  ];
}

/** The tagged send's options for undici's `request` or `dispatch`, with its token signed. */
export function floorSend(cfg) {
  return {
    path: `/${HUB_NAME}/messages/?api-version=${API_VERSION}`,
    method: "POST",
    headers: [
      ...floorHeaders(signToken(cfg.endpoint, cfg.key), APPLE_CONTENT_TYPE),
      "servicebusnotification-tags",
      TAGS,
    ],
    body: JSON.stringify(PAYLOAD),
  };
}
