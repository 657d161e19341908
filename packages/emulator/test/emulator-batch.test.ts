import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { ATOM_ENTRY, atomEntry, description, errorParts, JSON_TYPE, raw } from "./helpers";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    devices: [{ installationId: "ann", platform: "apns", pushChannel: "tok-ann", displayName: "Ann" }],
  });
});

beforeEach(() => {
  emulator.hub().clearDeliveries();
});

afterAll(async () => {
  await emulator.close();
});

const aps = JSON.stringify({ aps: { alert: "Batch!" } });

function multipart(
  boundary: string,
  parts: { notification?: { type: string; body: string }; devices?: unknown; names?: boolean },
): string {
  const named = parts.names ?? true;
  let text = "";
  if (parts.notification) {
    text +=
      `--${boundary}\r\nContent-type: ${parts.notification.type}\r\n` +
      (named ? "Content-Disposition: inline; name=notification\r\n" : "") +
      `\r\n${parts.notification.body}\r\n`;
  }
  if (parts.devices !== undefined) {
    text +=
      `--${boundary}\r\nContent-type: application/json\r\n` +
      (named ? "Content-Disposition: inline; name=devices\r\n" : "") +
      `\r\n${typeof parts.devices === "string" ? parts.devices : JSON.stringify(parts.devices)}\r\n`;
  }
  return `${text}--${boundary}--`;
}

function batch(
  body: string,
  contentType: string,
  options: { format?: string; query?: string; headers?: Record<string, string> } = {},
) {
  return raw(emulator, `myhub/messages/$batch?${options.query ?? "api-version=2020-06&direct=true"}`, {
    method: "POST",
    headers: {
      "Content-Type": contentType,
      "ServiceBusNotification-Format": options.format ?? "apple",
      ...options.headers,
    },
    body,
  });
}

describe("batch direct sends", () => {
  it("delivers one notification to each of 3 handles: an installation, a registration and a bare handle", async () => {
    const reg = await raw(emulator, "myhub/registrations?api-version=2020-06", {
      method: "POST",
      headers: { "Content-Type": ATOM_ENTRY },
      body: atomEntry(description("Apple", "<DeviceToken>0BAD</DeviceToken>")),
    });
    const registrationId = /<RegistrationId>([^<]+)</.exec(reg.text)![1]!;
    // The official SDK's framing: spaces around "=" and a quoted boundary.
    const boundary = "nh-boundary-7f6e1c2a";
    const res = await batch(
      multipart(boundary, {
        notification: { type: JSON_TYPE, body: aps },
        devices: ["tok-ann", "0BAD", "tok-unknown"],
      }),
      `multipart/mixed; boundary = "${boundary}"`,
      { headers: { "apns-priority": "10" } },
    );
    expect(res.status, res.text).toBe(201);
    // The service's shape for a direct batch: the id after `$batch`, the query ending in a bare `direct`.
    expect(res.headers.get("location")).toMatch(
      new RegExp(`^${emulator.url}myhub/messages/\\$batch/[0-9a-f-]{36}\\?api-version=2020-06&direct$`),
    );
    expect(res.headers.get("trackingid")).toBeTruthy();
    const id = /messages\/\$batch\/([^?]+)/.exec(res.headers.get("location")!)![1];
    const deliveries = emulator.hub().deliveries();
    expect(deliveries).toHaveLength(3);
    expect(deliveries.map((d) => [d.installationId, d.registrationId, d.pushChannel])).toEqual([
      ["ann", undefined, "tok-ann"],
      ["", registrationId, "0BAD"],
      ["", undefined, "tok-unknown"],
    ]);
    for (const d of deliveries) {
      expect(d).toMatchObject({
        notificationId: id,
        platform: "apns",
        format: "apple",
        body: aps,
        headers: { "apns-priority": "10", "content-type": JSON_TYPE },
      });
    }
    expect(deliveries[0]?.displayName).toBe("Ann");
  });

  it("takes an unquoted boundary, a preamble, LF line ends, %24batch and a bare direct parameter", async () => {
    const body = `preamble\r\n${multipart("b1", { notification: { type: JSON_TYPE, body: aps }, devices: ["a", "b"] })}\r\nepilogue`;
    expect((await batch(body, "multipart/mixed; boundary=b1")).status).toBe(201);
    const lf = multipart("b2", { notification: { type: JSON_TYPE, body: aps }, devices: ["c"] }).replace(
      /\r\n/g,
      "\n",
    );
    expect((await batch(lf, "multipart/mixed; boundary=b2")).status).toBe(201);
    const res = await raw(emulator, "myhub/messages/%24batch?direct&api-version=2020-06", {
      method: "POST",
      headers: { "Content-Type": "multipart/mixed; boundary=b3", "ServiceBusNotification-Format": "apple" },
      body: multipart("b3", { notification: { type: JSON_TYPE, body: aps }, devices: ["d"], names: false }),
    });
    expect(res.status, res.text).toBe(201);
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.pushChannel),
    ).toEqual(["a", "b", "c", "d"]);
  });

  it("checks the notification part like a send", async () => {
    const toast =
      "<toast><visual><binding template='ToastGeneric'><text>Hi</text></binding></visual></toast>";
    const ok = await batch(
      multipart("w", { notification: { type: "application/xml", body: toast }, devices: ["https://wns/1"] }),
      "multipart/mixed; boundary=w",
      { format: "windows", headers: { "X-WNS-Type": "wns/toast" } },
    );
    expect(ok.status, ok.text).toBe(201);
    expect(emulator.hub().deliveries()[0]).toMatchObject({ platform: "wns", body: toast });

    const cases: Array<[string, Parameters<typeof batch>, number, string]> = [
      [
        "bad JSON body",
        [
          multipart("x", { notification: { type: JSON_TYPE, body: "{nope" }, devices: ["a"] }),
          "multipart/mixed; boundary=x",
        ],
        400,
        "not well-formed JSON",
      ],
      [
        "wrong part content type",
        [
          multipart("x", { notification: { type: "text/plain", body: aps }, devices: ["a"] }),
          "multipart/mixed; boundary=x",
        ],
        400,
        "Content-Type",
      ],
      [
        "missing X-WNS-Type",
        [
          multipart("x", { notification: { type: "application/xml", body: toast }, devices: ["a"] }),
          "multipart/mixed; boundary=x",
          { format: "windows" },
        ],
        400,
        "X-WNS-Type",
      ],
      [
        "template",
        [
          multipart("x", { notification: { type: JSON_TYPE, body: "{}" }, devices: ["a"] }),
          "multipart/mixed; boundary=x",
          { format: "template" },
        ],
        400,
        "template",
      ],
      [
        "payload over the APNs limit",
        [
          multipart("x", {
            notification: { type: JSON_TYPE, body: JSON.stringify({ aps: { alert: "x".repeat(5000) } }) },
            devices: ["a"],
          }),
          "multipart/mixed; boundary=x",
        ],
        403,
        "4096",
      ],
      [
        "no devices part",
        [multipart("x", { notification: { type: JSON_TYPE, body: aps } }), "multipart/mixed; boundary=x"],
        400,
        "Could not find a part",
      ],
      [
        "devices not an array",
        [
          multipart("x", { notification: { type: JSON_TYPE, body: aps }, devices: '{"a":1}' }),
          "multipart/mixed; boundary=x",
        ],
        400,
        "JSON array",
      ],
      [
        "an empty handle",
        [
          multipart("x", { notification: { type: JSON_TYPE, body: aps }, devices: ["a", ""] }),
          "multipart/mixed; boundary=x",
        ],
        400,
        "Device handle 1",
      ],
      [
        "1001 handles",
        [
          multipart("x", {
            notification: { type: JSON_TYPE, body: aps },
            devices: Array.from({ length: 1001 }, (_, i) => `t${i}`),
          }),
          "multipart/mixed; boundary=x",
        ],
        400,
        "at most 1000",
      ],
      ["not multipart", [aps, JSON_TYPE], 400, "multipart/mixed"],
      ["no boundary", [aps, "multipart/mixed"], 400, "boundary"],
      ["boundary never used", [aps, "multipart/mixed; boundary=zzz"], 400, "never uses"],
      [
        "not direct",
        [
          multipart("x", { notification: { type: JSON_TYPE, body: aps }, devices: ["a"] }),
          "multipart/mixed; boundary=x",
          { query: "api-version=2020-06" },
        ],
        400,
        "direct=true",
      ],
    ];
    for (const [name, args, status, detail] of cases) {
      const res = await batch(...args);
      expect(res.status, name).toBe(status);
      expect(errorParts(res.text).detail, name).toContain(detail);
    }
    expect(emulator.hub().deliveries()).toHaveLength(1);
  });

  it("delivers to 1000 handles", async () => {
    const handles = Array.from({ length: 1000 }, (_, i) => `h${i}`);
    const res = await batch(
      multipart("k", { notification: { type: JSON_TYPE, body: aps }, devices: handles }),
      "multipart/mixed; boundary=k",
    );
    expect(res.status).toBe(201);
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.pushChannel),
    ).toEqual(handles);
  });
});
