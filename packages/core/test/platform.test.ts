import { assertSend } from "@nhub/testkit";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createNotification,
  definePlatform,
  type Notification,
  type NotificationHub,
  PLATFORM_SPECIFICATION_VERSION,
  type PlatformDefinition,
  type PlatformDefinitionV1,
  type SendOptions,
  type SendResult,
  SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS,
  ValidationError,
} from "../src/index";
import { expectValidation, useRecordingHub } from "./recording-hub";

interface EchoPayload {
  readonly text: string;
}

function createEchoNotification(
  payload: EchoPayload,
  options: { readonly loud?: boolean } = {},
): Notification {
  if (typeof payload?.text !== "string")
    throw new ValidationError("payload.text", "type", "text is a string");
  return createNotification({
    format: "echo",
    contentType: "application/json;charset=utf-8",
    body: JSON.stringify(payload),
    ...(options.loud ? { headers: { "X-Echo-Loud": "1" } } : {}),
  });
}

async function sendEchoNotification(
  hub: Pick<NotificationHub, "send">,
  payload: EchoPayload,
  tags?: SendOptions["tags"],
): Promise<SendResult> {
  return hub.send(createEchoNotification(payload), { tags });
}

const echo: PlatformDefinitionV1<EchoPayload, { readonly loud?: boolean }> = {
  specificationVersion: 1,
  name: "echo",
  format: "echo",
  contentTypes: ["application/json;charset=utf-8"],
  maxBytes: 4096,
  create: createEchoNotification,
  send: sendEchoNotification,
};

/** A descriptor with one member replaced, typed loosely: the point is to pass what the types forbid. */
function withMember(member: string, value: unknown): PlatformDefinitionV1<EchoPayload> {
  return { ...echo, [member]: value } as unknown as PlatformDefinitionV1<EchoPayload>;
}

describe("definePlatform", () => {
  it("returns a frozen copy and leaves the caller's descriptor alone", () => {
    const contentTypes = ["application/json;charset=utf-8"];
    const input = { ...echo, contentTypes };
    const platform = definePlatform(input);
    expect(platform).not.toBe(input);
    expect(platform).toEqual({ ...echo, contentTypes });
    expect(Object.isFrozen(platform)).toBe(true);
    expect(Object.isFrozen(platform.contentTypes)).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
    contentTypes.push("text/plain");
    expect(platform.contentTypes).toEqual(["application/json;charset=utf-8"]);
  });

  it("infers the payload and options types from create", () => {
    const platform = definePlatform({ ...echo });
    expectTypeOf(platform).toEqualTypeOf<PlatformDefinition<EchoPayload, { readonly loud?: boolean }>>();
    expectTypeOf(platform.create).parameter(0).toEqualTypeOf<EchoPayload>();
  });

  it("gives a descriptor whose create and send go through a real hub", async () => {
    const { server, hub } = await useRecordingHub()();
    const platform = definePlatform(echo);
    await platform.send(hub, { text: "hi" }, new Set(["a", "b"]));
    await hub.send(platform.create({ text: "yo" }, { loud: true }));
    assertSend(server.requests[0], {
      format: "echo",
      body: '{"text":"hi"}',
      tags: "a || b",
      platformHeaders: {},
    });
    assertSend(server.requests[1], {
      format: "echo",
      body: '{"text":"yo"}',
      platformHeaders: { "x-echo-loud": "1" },
    });
  });

  it("accepts every supported version and says which those are", () => {
    expect(PLATFORM_SPECIFICATION_VERSION).toBe(1);
    expect(SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS).toEqual([1]);
    expect(Object.isFrozen(SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS)).toBe(true);
    for (const version of SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS) {
      expect(definePlatform(withMember("specificationVersion", version)).specificationVersion).toBe(1);
    }
  });

  it("refuses a newer version with a clear error naming the fix", () => {
    let caught: unknown;
    try {
      definePlatform(withMember("specificationVersion", 2));
    } catch (error) {
      caught = error;
    }
    expect(ValidationError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ field: "platform.specificationVersion", rule: "unsupported-version" });
    expect((caught as Error).message).toContain(
      'platform "echo" was written for platform specification version 2',
    );
    expect((caught as Error).message).toContain("upgrade @nhub/core");
  });

  it.each([0, -1, 1.5, "1", undefined, Number.NaN])("refuses specificationVersion %s", async (version) => {
    await expectValidation(
      () => definePlatform(withMember("specificationVersion", version)),
      "platform.specificationVersion",
      "required",
    );
  });

  it.each([
    ["name", "APNs", "platform.name", "name"],
    ["name", "fcm--v1", "platform.name", "name"],
    ["name", "", "platform.name", "name"],
    ["name", undefined, "platform.name", "name"],
    ["format", "fcm-v1", "platform.format", "format-name"],
    ["format", "Apple", "platform.format", "format-name"],
    ["format", 1, "platform.format", "format-name"],
    ["contentTypes", [], "platform.contentTypes", "required"],
    ["contentTypes", "application/json", "platform.contentTypes", "required"],
    ["contentTypes", ["application/json", ""], "platform.contentTypes.1", "type"],
    ["contentTypes", ["application/json\r\nAuthorization: x"], "platform.contentTypes.0", "type"],
    ["maxBytes", 0, "platform.maxBytes", "range"],
    ["maxBytes", 65_537, "platform.maxBytes", "range"],
    ["maxBytes", 4096.5, "platform.maxBytes", "range"],
    ["maxBytes", "4096", "platform.maxBytes", "range"],
    ["create", undefined, "platform.create", "type"],
    ["send", "sendEcho", "platform.send", "type"],
  ])("refuses %s = %j", async (member, value, field, rule) => {
    await expectValidation(() => definePlatform(withMember(member, value)), field, rule);
  });

  it("refuses something that is not a descriptor", async () => {
    await expectValidation(
      () => definePlatform(null as unknown as PlatformDefinitionV1<EchoPayload>),
      "platform",
      "type",
    );
  });

  it("accepts the service's 64 KB as the largest limit", () => {
    expect(definePlatform(withMember("maxBytes", 65_536)).maxBytes).toBe(65_536);
  });
});
