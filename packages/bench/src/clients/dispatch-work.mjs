// The dispatch floor doing what every send of a payload needs, as context for nhub / dispatch: per send it
// serialises the payload, builds the request's headers as an object, and reads the answer's Location and
// TrackingId into a result, as a caller of any client gets one. It checks nothing and retries nothing, and its
// token is signed once, like the floors'. nhub / this client is nhub's cost beyond the work of the send itself.

import { Pool } from "undici";
import { PAYLOAD } from "../workload.mjs";
import { runClient } from "./driver.mjs";
import { floorSend } from "./floor-request.mjs";

/** Settles with the send's result once the response has ended; the body is dropped as it arrives. */
class ResultHandler {
  constructor(resolve, reject) {
    this.resolve = resolve;
    this.reject = reject;
    this.status = 0;
    this.headers = undefined;
  }
  onRequestStart() {}
  onResponseStart(_controller, statusCode, headers) {
    this.status = statusCode;
    this.headers = headers;
  }
  onResponseData() {}
  onResponseEnd() {
    const { location, trackingid } = this.headers;
    const path = location === undefined ? "" : location.split("?")[0];
    this.resolve({
      status: this.status,
      notificationId: path.slice(path.lastIndexOf("/") + 1) || undefined,
      location,
      trackingId: trackingid,
    });
  }
  onResponseError(_controller, error) {
    this.reject(error);
  }
}

runClient((cfg) => {
  const pool = new Pool(cfg.endpoint);
  const { path, headers: flat } = floorSend(cfg);
  // The floor's headers as pairs: the token and the constant ones, which a client keeps from send to send.
  const constant = [];
  for (let i = 0; i < flat.length; i += 2) constant.push([flat[i], flat[i + 1]]);
  return {
    async send() {
      const headers = {};
      for (const [name, value] of constant) headers[name] = value;
      const result = await new Promise((resolve, reject) =>
        pool.dispatch(
          { path, method: "POST", headers, body: JSON.stringify(PAYLOAD) },
          new ResultHandler(resolve, reject),
        ),
      );
      if (result.status !== 201 || result.notificationId === undefined) {
        throw new Error(`unexpected result ${JSON.stringify(result)}`);
      }
    },
    close: () => pool.close(),
  };
});
