import { ValidationError } from "@nhub/core";
import * as nhubXml from "@nhub/xml";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
// The XML text arbitraries and reader live with the escaping tests in @nhub/xml; one copy serves all.
import { parser, xmlText } from "../../xml/test/xml-text";
import {
  assertWellFormedXml,
  badgeXml,
  createWindowsNotification,
  escapeXml,
  stripInvalidXmlChars,
  type ToastTemplate,
  tileXml,
  toastXml,
} from "../src/index";

describe("toastXml", () => {
  it("builds ToastGeneric by default, without text ids", () => {
    expect(toastXml({ texts: ["Title", "Body"] })).toBe(
      '<toast><visual><binding template="ToastGeneric"><text>Title</text><text>Body</text></binding></visual></toast>',
    );
  });

  it("adds launch, image and audio, all escaped", () => {
    expect(
      toastXml({
        texts: ["5 < 6 & \"so\" 'on'"],
        launch: 'page?a=1&b="2"',
        image: { src: "https://x.example/a.png?s=1&t=2", alt: "a <pic>" },
        audio: { src: "ms-winsoundevent:Notification.Looping.Alarm", loop: true, silent: false },
      }),
    ).toBe(
      '<toast launch="page?a=1&amp;b=&quot;2&quot;"><visual><binding template="ToastGeneric">' +
        "<text>5 &lt; 6 &amp; &quot;so&quot; &apos;on&apos;</text>" +
        '<image src="https://x.example/a.png?s=1&amp;t=2" alt="a &lt;pic&gt;"/></binding></visual>' +
        '<audio src="ms-winsoundevent:Notification.Looping.Alarm" loop="true" silent="false"/></toast>',
    );
  });

  it("numbers texts and images for legacy templates", () => {
    expect(
      toastXml({
        template: "ToastImageAndText02",
        texts: ["a", "b"],
        image: "img.png",
        audio: "ms-winsoundevent:Notification.IM",
      }),
    ).toBe(
      '<toast><visual><binding template="ToastImageAndText02"><image id="1" src="img.png"/>' +
        '<text id="1">a</text><text id="2">b</text></binding></visual>' +
        '<audio src="ms-winsoundevent:Notification.IM"/></toast>',
    );
  });

  it("builds XML that createWindowsNotification reads as a toast", () => {
    const n = createWindowsNotification(toastXml({ texts: ["x"], launch: "y" }));
    expect(n.headers?.["X-WNS-Type"]).toBe("wns/toast");
  });

  it.each<[string, () => string, string, string]>([
    ["no texts", () => toastXml({ texts: [] }), "texts", "required"],
    [
      "texts that are not an array",
      () => toastXml({ texts: "hi" as unknown as string[] }),
      "texts",
      "required",
    ],
    [
      "too many texts for ToastText01",
      () => toastXml({ template: "ToastText01", texts: ["a", "b"] }),
      "texts",
      "max-items",
    ],
    ["four texts for ToastGeneric", () => toastXml({ texts: ["a", "b", "c", "d"] }), "texts", "max-items"],
    [
      "an image on a text-only template",
      () => toastXml({ template: "ToastText02", texts: ["a"], image: "i.png" }),
      "image",
      "template",
    ],
    [
      "an unknown template",
      () => toastXml({ template: "ToastFancy" as ToastTemplate, texts: ["a"] }),
      "template",
      "enum",
    ],
    ["a control character in a text", () => toastXml({ texts: ["ok", "bad\u0001"] }), "texts.1", "xml-char"],
    [
      "a control character in launch",
      () => toastXml({ texts: ["ok"], launch: "\u001b" }),
      "launch",
      "xml-char",
    ],
    ["an image without src", () => toastXml({ texts: ["ok"], image: { src: "" } }), "image.src", "required"],
    ["a non-string text", () => toastXml({ texts: [3 as unknown as string] }), "texts.0", "type"],
  ])("refuses %s", (_name, build, field, rule) => {
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(expect.objectContaining({ field, rule }));
  });

  it("round-trips any allowed text, launch and image through a real parser", () => {
    fc.assert(
      fc.property(
        xmlText,
        xmlText,
        xmlText.filter((s) => s !== ""),
        xmlText,
        (title, body, src, launch) => {
          const xml = toastXml({ texts: [title, body], launch, image: { src, alt: title } });
          expect(XMLValidator.validate(xml)).toBe(true);
          expect(assertWellFormedXml(xml).root).toBe("toast");
          const { toast } = parser.parse(xml);
          expect(toast["@launch"]).toBe(launch);
          const binding = toast.visual.binding;
          expect(binding["@template"]).toBe("ToastGeneric");
          expect(binding.text).toEqual([title, body]);
          expect(binding.image["@src"]).toBe(src);
          expect(binding.image["@alt"]).toBe(title);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("round-trips legacy numbered texts too", () => {
    const templates: ToastTemplate[] = ["ToastText04", "ToastImageAndText04"];
    fc.assert(
      fc.property(
        fc.constantFrom(...templates),
        fc.array(xmlText, { minLength: 1, maxLength: 3 }),
        (template, texts) => {
          const xml = toastXml({ template, texts });
          const { toast } = parser.parse(xml);
          const nodes = [toast.visual.binding.text].flat();
          expect(nodes.map((t: { "#text"?: string }) => t["#text"] ?? "")).toEqual(texts);
          expect(nodes.map((t: { "@id": string }) => t["@id"])).toEqual(texts.map((_, i) => String(i + 1)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("tileXml", () => {
  it("builds one binding per size", () => {
    expect(
      tileXml({
        bindings: [
          { template: "TileMedium", texts: ["Mon", "22°"] },
          { template: "TileWide", texts: ["Monday"], image: { src: "sun.png", alt: "Sunny" } },
        ],
      }),
    ).toBe(
      '<tile><visual><binding template="TileMedium"><text>Mon</text><text>22°</text></binding>' +
        '<binding template="TileWide"><text>Monday</text><image src="sun.png" alt="Sunny"/></binding></visual></tile>',
    );
  });

  it("builds XML that createWindowsNotification reads as a tile", () => {
    const n = createWindowsNotification(tileXml({ bindings: [{ template: "TileSmall" }] }));
    expect(n.headers?.["X-WNS-Type"]).toBe("wns/tile");
  });

  it.each<[string, () => string, string, string]>([
    ["no bindings", () => tileXml({ bindings: [] }), "bindings", "required"],
    [
      "an unknown template",
      () => tileXml({ bindings: [{ template: "TileHuge" as "TileWide" }] }),
      "bindings.0.template",
      "enum",
    ],
    [
      "a null binding",
      () => tileXml({ bindings: [null as unknown as { template: "TileWide" }] }),
      "bindings.0",
      "type",
    ],
    [
      "texts that are not an array",
      () => tileXml({ bindings: [{ template: "TileWide", texts: "x" as unknown as string[] }] }),
      "bindings.0.texts",
      "type",
    ],
    [
      "a forbidden character",
      () => tileXml({ bindings: [{ template: "TileWide", texts: ["a", "\u0002"] }] }),
      "bindings.0.texts.1",
      "xml-char",
    ],
  ])("refuses %s", (_name, build, field, rule) => {
    expect(build).toThrow(expect.objectContaining({ field, rule }));
  });

  it("round-trips any allowed text through a real parser", () => {
    fc.assert(
      fc.property(fc.array(xmlText, { minLength: 2, maxLength: 4 }), (texts) => {
        const { tile } = parser.parse(tileXml({ bindings: [{ template: "TileLarge", texts }] }));
        expect(tile.visual.binding.text).toEqual(texts);
      }),
      { numRuns: 500 },
    );
  });
});

describe("badgeXml", () => {
  it("builds counts and glyphs", () => {
    expect(badgeXml(0)).toBe('<badge value="0"/>');
    expect(badgeXml(120)).toBe('<badge value="120"/>');
    expect(badgeXml("newMessage")).toBe('<badge value="newMessage"/>');
    expect(createWindowsNotification(badgeXml(3)).headers?.["X-WNS-Type"]).toBe("wns/badge");
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses the count %s", (n) => {
    expect(() => badgeXml(n)).toThrow(expect.objectContaining({ field: "value", rule: "count" }));
  });

  it("refuses an unknown glyph", () => {
    expect(() => badgeXml("sparkles" as "alert")).toThrow(
      expect.objectContaining({ field: "value", rule: "enum" }),
    );
  });
});

describe("the escaping helpers", () => {
  it("are @nhub/xml's, re-exported so imports from this package keep working", () => {
    expect(escapeXml).toBe(nhubXml.escapeXml);
    expect(stripInvalidXmlChars).toBe(nhubXml.stripInvalidXmlChars);
    expect(assertWellFormedXml).toBe(nhubXml.assertWellFormedXml);
  });
});
