import { findXmlSyntaxError } from "@nhub/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { ATOM_ENTRY, atomEntry, description, errorParts, raw } from "./helpers";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator.close();
});

function createRegistration(body: string) {
  return raw(emulator, "myhub/registrations?api-version=2020-06", {
    method: "POST",
    headers: { "Content-Type": ATOM_ENTRY, "x-ms-version": "2020-06" },
    body,
  });
}

describe("the XML the emulator reads and writes", () => {
  it("decodes character references in a registration, as the service's XML reader does", async () => {
    // nhub and the official SDKs escape a template's line ends as &#10; / &#13;.
    const res = await createRegistration(
      atomEntry(
        description(
          "FcmV1Template",
          "<Tags>a</Tags><FcmV1RegistrationId>tok</FcmV1RegistrationId>" +
            '<BodyTemplate>{"message":&#13;&#10;&#9;{"data":{"t":"$(t)"}}}</BodyTemplate>',
        ),
      ),
    );
    expect(res.status, res.text).toBe(200);
    const [registration] = emulator.hub().registrations();
    expect(registration?.template?.body).toBe('{"message":\r\n\t{"data":{"t":"$(t)"}}}');
    expect(res.text).toContain('<BodyTemplate><![CDATA[{"message":\r\n\t{"data"');
  });

  it("takes a processing instruction before the root for what it is, not for the description", async () => {
    const res = await createRegistration(
      `<?xml version="1.0"?><?note x?>${description("Apple", "<DeviceToken>ABCD</DeviceToken>")}`,
    );
    expect(res.status, res.text).toBe(200);
    expect(emulator.hub().registrations().at(-1)?.kind).toBe("Apple");
  });

  it("writes element text as the service does: quotes literal, markup and CR escaped", async () => {
    const res = await raw(emulator, "myhub/messages/?api-version=2020-06", {
      method: "POST",
      headers: { "ServiceBusNotification-Format": 'fcm"<x>' },
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(errorParts(res.text).detail).toContain('fcm"<x>');
    expect(res.text).toContain('fcm"&lt;x&gt;');
  });

  it("writes characters XML cannot carry as U+FFFD, so an answer echoing them stays XML", async () => {
    const res = await raw(emulator, "myhub/jobs?api-version=2020-06", {
      method: "POST",
      headers: { "Content-Type": ATOM_ENTRY, "x-ms-version": "2020-06" },
      body: atomEntry(
        '<NotificationHubJob xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">' +
          "<Type>Bogus\u0001</Type><OutputContainerUri>https://x/y?sig=1</OutputContainerUri></NotificationHubJob>",
      ),
    });
    expect(res.status).toBe(201);
    expect(res.text).not.toContain("\u0001");
    expect(res.text).toContain("<Type>Bogus\ufffd</Type>");
    expect(findXmlSyntaxError(res.text)).toBeUndefined();
  });
});
