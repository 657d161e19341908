// A second floor, for context: undici's lower-level `Pool.dispatch` with the same precomputed headers and body
// as the floor, and a handler that only counts the response. `Pool.request` (the floor the targets name) also
// builds a body stream, an async resource and a promise per request; nhub's transport skips them the same way,
// so nhub / this client is nhub's own cost on top of the cheapest request undici can make.

import { Pool } from "undici";
import { runClient } from "./driver.mjs";
import { floorSend } from "./floor-request.mjs";

/** Settles with the status once the response has ended; the body is dropped as it arrives. */
class StatusHandler {
  constructor(resolve, reject) {
    this.resolve = resolve;
    this.reject = reject;
    this.status = 0;
  }
  onRequestStart() {}
  onResponseStart(_controller, statusCode) {
    this.status = statusCode;
  }
  onResponseData() {}
  onResponseEnd() {
    this.resolve(this.status);
  }
  onResponseError(_controller, error) {
    this.reject(error);
  }
}

runClient((cfg) => {
  const pool = new Pool(cfg.endpoint);
  const request = floorSend(cfg);
  return {
    async send() {
      const status = await new Promise((resolve, reject) =>
        pool.dispatch(request, new StatusHandler(resolve, reject)),
      );
      if (status !== 201) throw new Error(`status ${status}`);
    },
    close: () => pool.close(),
  };
});
