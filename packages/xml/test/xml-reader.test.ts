import { describe, expect, it } from "vitest";
import { createXmlReader, findXmlSyntaxError } from "../src/index";

describe("createXmlReader", () => {
  it("reads values as text, local names, no attributes, no declaration, trimmed", () => {
    const doc = createXmlReader().read(
      '<?xml version="1.0"?><?pi x?><a:Root xmlns:a="urn:a" id="7"><a:Count> 007 </a:Count><On>true</On></a:Root>',
    );
    expect(doc).toEqual({ Root: { Count: "007", On: "true" } });
  });

  it("decodes the predefined entities and character references", () => {
    const doc = createXmlReader({ trimValues: false }).read(
      "<r><t> a&#10;b&#x9;c &amp;&lt;&gt;&quot;&apos;&#x1F600; </t></r>",
    );
    expect(doc).toEqual({ r: { t: " a\nb\tc &<>\"'😀 " } });
  });

  it("reads the named elements as arrays whether one or many", () => {
    const reader = createXmlReader({ arrays: ["entry"] });
    expect(reader.read("<feed><entry><id>1</id></entry><title>t</title></feed>")).toEqual({
      feed: { entry: [{ id: "1" }], title: "t" },
    });
    expect(reader.read("<feed><entry><id>1</id></entry><entry><id>2</id></entry></feed>")).toEqual({
      feed: { entry: [{ id: "1" }, { id: "2" }] },
    });
  });

  it("keeps attributes under :@ and prefixes when asked", () => {
    const doc = createXmlReader({ attributes: true, namespacePrefixes: true }).read(
      '<w:r xmlns:w="urn:w" n="1"><w:t k="v">x</w:t></w:r>',
    );
    expect(doc).toEqual({
      "w:r": { ":@": { "xmlns:w": "urn:w", n: "1" }, "w:t": { "#text": "x", ":@": { k: "v" } } },
    });
  });

  it("reads in document order, comments included, when ordered", () => {
    const nodes = createXmlReader({ ordered: true, attributes: true, trimValues: false }).read(
      '<r a="1">x<!--c--><b/>y</r>',
    );
    expect(nodes).toEqual([
      {
        r: [{ "#text": "x" }, { "#comment": [{ "#text": "c" }] }, { b: [] }, { "#text": "y" }],
        ":@": { a: "1" },
      },
    ]);
  });

  it("refuses a DOCTYPE before any entity is declared, whatever its case", () => {
    const reader = createXmlReader();
    const bomb = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>';
    expect(() => reader.read(bomb)).toThrow(/DOCTYPE is not allowed/);
    expect(() => reader.read("<!doctype r><r/>")).toThrow(/DOCTYPE/);
  });

  it("refuses element names that would reach Object.prototype, and absurd nesting", () => {
    const reader = createXmlReader();
    expect(() => reader.read("<r><__proto__><x>1</x></__proto__></r>")).toThrow();
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
    expect(() => reader.read(`${"<a>".repeat(150)}${"</a>".repeat(150)}`)).toThrow(/nested/);
    expect(() => reader.read(`${"<a>".repeat(90)}${"</a>".repeat(90)}`)).not.toThrow();
  });
});

describe("findXmlSyntaxError", () => {
  it("describes the first syntax error with its line and column", () => {
    expect(findXmlSyntaxError("<a/>")).toBeUndefined();
    expect(findXmlSyntaxError("<a>\n<b></a>")).toMatch(/closing tag 'b'.*\(line 2, column \d+\)$/);
    expect(findXmlSyntaxError('<a x="1" x="2"/>')).toMatch(/repeated/i);
  });

  it("is lenient where assertWellFormedXml is strict", () => {
    expect(findXmlSyntaxError("<a>&nbsp;</a>")).toBeUndefined();
  });
});
