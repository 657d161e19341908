// The seed: the pattern of Microsoft's Python REST sample (notificationhubs-rest-python), ported to Node as
// closely as the languages allow. Per send it signs a new SAS token (one HMAC), serialises the payload, opens a
// new HTTPS connection (http.client.HTTPSConnection there, an agent-less https.request here), sends, reads the
// answer and closes the connection. Nothing is validated and nothing is retried, as in the sample.
import { createHmac } from "node:crypto";
import { request } from "node:https";
import { API_VERSION, APNS_HEADERS, connectionString, HUB_NAME, PAYLOAD, TAGS } from "../workload.mjs";
import { runClient } from "./driver.mjs";

class SampleNotificationHub {
  constructor(connection, hubName) {
    this.hubName = hubName;
    const parts = connection.split(";");
    if (parts.length !== 3) throw new Error("Invalid ConnectionString.");
    for (const part of parts) {
      if (part.startsWith("Endpoint")) this.endpoint = `https${part.slice(11)}`;
      if (part.startsWith("SharedAccessKeyName")) this.keyName = part.slice(20);
      else if (part.startsWith("SharedAccessKey")) this.keyValue = part.slice(16);
    }
  }

  // The sample's expiry: five minutes from now.
  static expiry() {
    return Math.round(Date.now() / 1000 + 300);
  }

  generateSasToken() {
    const uri = encodeURIComponent(this.endpoint + this.hubName).toLowerCase();
    const expiry = String(SampleNotificationHub.expiry());
    const signature = createHmac("sha256", this.keyValue)
      .update(`${uri}\n${expiry}`, "utf8")
      .digest("base64");
    return `SharedAccessSignature sig=${encodeURIComponent(signature)}&se=${expiry}&skn=${this.keyName}&sr=${uri}`;
  }

  makeHttpRequest(url, payload, headers) {
    return new Promise((resolve, reject) => {
      // agent: false is a fresh connection that is closed after the answer, as HTTPSConnection + close().
      const req = request(url, { method: "POST", headers, agent: false }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 201) {
            reject(new Error(`Error sending notification. Received HTTP code ${res.statusCode}`));
          } else resolve();
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  sendNotification(notification, tagOrTagExpression) {
    // The sample posts to .../messages?api-version=...; only the version is today's.
    const url = `${this.endpoint}${this.hubName}/messages?api-version=${API_VERSION}`;
    const headers = {
      "Content-type": "application/json",
      Authorization: this.generateSasToken(),
      "ServiceBusNotification-Format": notification.format,
    };
    const tagList =
      tagOrTagExpression instanceof Set ? [...tagOrTagExpression].join(" || ") : tagOrTagExpression;
    if (tagList !== "") headers["ServiceBusNotification-Tags"] = tagList;
    if (notification.headers) Object.assign(headers, notification.headers);
    return this.makeHttpRequest(url, JSON.stringify(notification.payload), headers);
  }

  sendAppleNotification(payload, tags = "") {
    return this.sendNotification({ format: "apple", payload, headers: { ...APNS_HEADERS } }, tags);
  }
}

runClient((cfg) => {
  const hub = new SampleNotificationHub(connectionString(cfg.endpoint, cfg.key), HUB_NAME);
  return {
    send: () => hub.sendAppleNotification(PAYLOAD, TAGS),
    close: async () => {},
  };
});
