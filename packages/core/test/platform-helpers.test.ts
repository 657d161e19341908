/**
 * The helpers for platform authors (`platform-headers.ts`, `json-platform.ts`) and the parts of `definePlatform`
 * they lean on: the behaviour every platform now shares, and that an app which uses none of them bundles none.
 */
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  and,
  defineHeaderRules,
  defineJsonPlatform,
  definePlatform,
  optionHeaders,
  quoteExcerpt,
  resolvePlatformHeaders,
  ValidationError,
} from "../src/index";

function caught(fn: () => unknown): { field: string; rule: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

const SPEC = defineHeaderRules({
  "X-Acme-Priority": (v) => (/^[1-4]$/.test(v) ? undefined : ["enum", `${quoteExcerpt(v)} is not 1 to 4`]),
  "X-Acme-Tag": null,
});

describe("resolvePlatformHeaders", () => {
  it("spells known headers canonically, passes others through and skips undefined ones", () => {
    const r = resolvePlatformHeaders(SPEC, {
      headers: { "x-acme-priority": "2", "X-Other": "o", "X-Acme-Tag": undefined },
    });
    const { settings, passthrough } = r.check();
    expect([...settings]).toEqual([["X-Acme-Priority", { value: "2", field: "headers.x-acme-priority" }]]);
    expect(passthrough).toEqual({ "X-Other": "o" });
  });

  it("lets an option repeat a header's value, and refuses one that contradicts it", () => {
    const same = resolvePlatformHeaders(SPEC, { headers: { "X-ACME-PRIORITY": "2" } });
    same.set("X-Acme-Priority", "2", "options.priority");
    expect(same.check().settings.get("X-Acme-Priority")?.field).toBe("headers.X-ACME-PRIORITY");
    const other = resolvePlatformHeaders(SPEC, { headers: { "X-Acme-Priority": "2" } });
    expect(caught(() => other.set("X-Acme-Priority", "3", "options.priority"))).toMatchObject({
      field: "options.priority",
      rule: "conflict",
    });
  });

  it("runs each header's rule at the field the value came from", () => {
    const r = resolvePlatformHeaders(SPEC, {});
    r.set("X-Acme-Priority", "9", "options.priority");
    const error = caught(() => r.check());
    expect(error).toMatchObject({ field: "options.priority", rule: "enum" });
    expect(error.message).toContain('"9" is not 1 to 4');
  });

  it.each([
    ["options that are not an object", "x", "options", "type"],
    ["options that are null", null, "options", "type"],
    ["headers that are an array", { headers: [] }, "headers", "type"],
    ["a known header that is not a string", { headers: { "X-Acme-Tag": 5 } }, "headers.X-Acme-Tag", "type"],
    [
      "one header in two spellings",
      { headers: { "X-Acme-Tag": "a", "x-acme-tag": "a" } },
      "headers.x-acme-tag",
      "duplicate",
    ],
  ])("refuses %s", (_name, options, field, rule) => {
    expect(caught(() => resolvePlatformHeaders(SPEC, options))).toMatchObject({ field, rule });
  });

  it("refuses an option value that is not a string", () => {
    const r = resolvePlatformHeaders(SPEC, {});
    expect(caught(() => r.set("X-Acme-Tag", 5, "options.tag"))).toMatchObject({
      field: "options.tag",
      rule: "type",
    });
  });
});

describe("optionHeaders", () => {
  it("reads headers of options, and refuses options that are not an object", () => {
    expect(optionHeaders(undefined)).toBeUndefined();
    expect(optionHeaders({ headers: { "X-A": "1" } })).toEqual({ "X-A": "1" });
    expect(caught(() => optionHeaders(7))).toMatchObject({ field: "options", rule: "type" });
  });
});

describe("defineJsonPlatform", () => {
  const demo = defineJsonPlatform<{ readonly title: string }>({
    name: "demo",
    aliases: ["demo-push"],
    format: "demo",
    contentType: "application/json;charset=utf-8",
    maxBytes: 64,
    what: "the demo message",
    check: (p) => {
      if (typeof (p as { title?: unknown }).title !== "string")
        throw new ValidationError("payload.title", "required", "needs a title");
    },
  });

  it("builds create, send (tags of every form, then options) and a descriptor definePlatform accepts", async () => {
    const n = demo.create({ title: "Hi" }, { headers: { "X-A": "1" } });
    expect(n).toMatchObject({ format: "demo", body: '{"title":"Hi"}', headers: { "X-A": "1" } });
    const sent: unknown[] = [];
    const hub = {
      send: async (...args: unknown[]) => {
        sent.push(args);
        return { status: 201 };
      },
    } as never;
    await demo.send(hub, { title: "Hi" }, and("a", "b"), { headers: { "X-B": "2" } });
    expect(sent).toHaveLength(1);
    const [notification, options] = sent[0] as [{ headers: unknown }, { tags: unknown }];
    expect(notification.headers).toEqual({ "X-B": "2" });
    expect(options.tags).toEqual(and("a", "b"));
    const platform = definePlatform(demo.definition);
    expect(platform).toMatchObject({
      name: "demo",
      aliases: ["demo-push"],
      contentTypes: ["application/json;charset=utf-8"],
    });
    expect(platform.create).toBe(demo.create);
    expect(platform.send).toBe(demo.send);
  });

  it("rejects (never throws) from send, and refuses options that are not an object", async () => {
    const hub = { send: async () => ({ status: 201 }) } as never;
    const pending = demo.send(hub, { title: 5 } as never);
    await expect(pending).rejects.toMatchObject({ field: "payload.title", rule: "required" });
    expect(caught(() => demo.create({ title: "Hi" }, "x" as never))).toMatchObject({
      field: "options",
      rule: "type",
    });
    expect(caught(() => demo.create({ title: "x".repeat(64) }))).toMatchObject({ rule: "max-bytes" });
  });
});

describe("definePlatform aliases", () => {
  const base = {
    specificationVersion: 1 as const,
    name: "demo",
    format: "demo",
    contentTypes: ["application/json"],
    maxBytes: 10,
    create: () => ({ format: "demo", contentType: "application/json", body: "{}" }),
    send: async () => ({ status: 201 }) as never,
  };

  it("keeps a frozen copy, and leaves the member out when there is none", () => {
    const aliases = ["demo-a"];
    const p = definePlatform({ ...base, aliases });
    aliases.push("later");
    expect(p.aliases).toEqual(["demo-a"]);
    expect(Object.isFrozen(p.aliases)).toBe(true);
    expect("aliases" in definePlatform(base)).toBe(false);
  });

  it("accepts a version 1 descriptor whose send takes three arguments", () => {
    const send = async (_hub: unknown, _payload: unknown, _tags?: unknown) => ({ status: 201 }) as never;
    expect(definePlatform({ ...base, send }).send).toBe(send);
  });

  it.each([
    ["not an array", "demo-a", "platform.aliases", "type"],
    ["a name with capitals", ["Demo"], "platform.aliases.0", "name"],
    ["a non-string", ["ok", 5], "platform.aliases.1", "name"],
  ])("refuses aliases that are %s", (_name, aliases, field, rule) => {
    expect(caught(() => definePlatform({ ...base, aliases } as never))).toMatchObject({ field, rule });
  });
});

/** esbuild, as tsup (the repository's bundler) resolves it, so the test adds no dependency. */
async function bundle(code: string): Promise<string> {
  const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const fromRoot = createRequire(resolve(coreDir, "../../package.json"));
  const esbuildMain = createRequire(fromRoot.resolve("tsup/package.json")).resolve("esbuild");
  const esbuild = (await import(pathToFileURL(esbuildMain).href)) as {
    build(o: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
  };
  const out = await esbuild.build({
    stdin: { contents: code, resolveDir: coreDir, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
    minifyWhitespace: true,
    external: ["fast-xml-parser"],
    alias: { "@nhub/sas": resolve(coreDir, "../sas/src/index.ts") },
  });
  return out.outputFiles[0]!.text;
}

describe("bundling", () => {
  const HELPERS = ["defineJsonPlatform", "resolvePlatformHeaders", "defineHeaderRules", "optionHeaders"];

  it("an app that sends without the platform helpers bundles none of them", async () => {
    const text = await bundle(`
      import { NotificationHub, createNotification } from "./src/edge";
      export const hub = new NotificationHub("Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=b", "h");
      export const n = createNotification({ format: "apple", contentType: "application/json", body: "{}" });
    `);
    expect(text).toContain("NotificationHub");
    for (const name of HELPERS) expect(text, name).not.toContain(name);
  }, 60_000);

  it("an app that uses them bundles them (so the check above can fail)", async () => {
    const text = await bundle(`
      import { defineJsonPlatform, defineHeaderRules, resolvePlatformHeaders } from "./src/edge";
      export { defineJsonPlatform, defineHeaderRules, resolvePlatformHeaders };
    `);
    for (const name of HELPERS.slice(0, 3)) expect(text, name).toContain(name);
  }, 60_000);
});
