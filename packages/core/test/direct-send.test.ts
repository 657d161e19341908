import { describe, expect, it } from "vitest";
import { createNotification } from "../src/index";
import { apple, expectValidation, useRecordingHub } from "./recording-hub";

const setup = useRecordingHub();

describe("hub.send with deviceHandle (direct send)", () => {
  it("adds direct=true and the DeviceHandle header, and no tags", async () => {
    const { server, hub } = await setup();
    const result = await hub.send(apple, { deviceHandle: "a1b2c3d4e5f6" });
    const req = server.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/myhub/messages/");
    expect([...req.query]).toEqual([
      ["api-version", "2020-06"],
      ["direct", "true"],
    ]);
    expect(req.headers["servicebusnotification-devicehandle"]).toBe("a1b2c3d4e5f6");
    expect(req.headers["servicebusnotification-format"]).toBe("apple");
    expect(req.headers["content-type"]).toBe("application/json;charset=utf-8");
    expect(req.headers["x-ms-version"]).toBe("2020-06");
    expect(req.headers["apns-push-type"]).toBe("alert");
    expect(req.headers["servicebusnotification-tags"]).toBeUndefined();
    expect(req.headers["p256dh"]).toBeUndefined();
    expect(req.text).toBe('{"aps":{"alert":"Hello!"}}');
    expect(req.tokenValid).toBe(true);
    expect(result.status).toBe(201);
    expect(result.notificationId).toMatch(/^[a-z0-9-]+$/);
  });

  it("sends a browser subscription as DeviceHandle = endpoint plus P256DH and Auth", async () => {
    const { server, hub } = await setup();
    const browser = createNotification({
      format: "browser",
      contentType: "application/json;charset=utf-8",
      body: '{"title":"Hi"}',
    });
    const endpoint = "https://fcm.googleapis.com/fcm/send/abc:def";
    await hub.send(browser, { deviceHandle: { endpoint, p256dh: "BPk3-key_", auth: "YXV0aA" } });
    const req = server.requests[0]!;
    expect(req.query.get("direct")).toBe("true");
    expect(req.headers["servicebusnotification-devicehandle"]).toBe(endpoint);
    expect(req.headers["p256dh"]).toBe("BPk3-key_");
    expect(req.headers["auth"]).toBe("YXV0aA");
    expect(req.headers["servicebusnotification-format"]).toBe("browser");
  });

  it("never turns a direct send into a test send in debug mode", async () => {
    const { server, hub } = await setup({}, { debug: true, logger: {} });
    await hub.send(apple, { deviceHandle: "h1" });
    expect([...server.requests[0]!.query.keys()]).toEqual(["api-version", "direct"]);
  });

  it("refuses tags or test with a device handle, before sending", async () => {
    const { server, hub } = await setup();
    await expectValidation(() => hub.send(apple, { deviceHandle: "h1", tags: "sports" }), "tags", "conflict");
    await expectValidation(() => hub.send(apple, { deviceHandle: "h1", tags: ["a"] }), "tags", "conflict");
    await expectValidation(() => hub.send(apple, { deviceHandle: "h1", test: true }), "test", "conflict");
    expect(server.requests).toHaveLength(0);
    await hub.send(apple, { deviceHandle: "h1", test: false });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ["", "deviceHandle", "required"],
    ["abc\r\nX-Injected: 1", "deviceHandle", "header-value"],
    ["abc\n", "deviceHandle", "header-value"],
    [{ endpoint: "https://push.example/1", p256dh: "k", auth: "" }, "deviceHandle.auth", "required"],
    [
      { endpoint: "https://push.example/\r\n", p256dh: "k", auth: "a" },
      "deviceHandle.endpoint",
      "header-value",
    ],
    [{ endpoint: "https://push.example/1", auth: "a" }, "deviceHandle.p256dh", "required"],
    [null, "deviceHandle", "type"],
  ])("refuses the handle %j", async (handle, field, rule) => {
    const { server, hub } = await setup();
    await expectValidation(() => hub.send(apple, { deviceHandle: handle as never }), field, rule);
    expect(server.requests).toHaveLength(0);
  });
});
