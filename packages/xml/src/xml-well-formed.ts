/**
 * The strict well-formedness check every XML payload passes before it is sent, which also reports the outline
 * (root element and its first child) that platform packages infer their headers from.
 */
import { quoteExcerpt, ValidationError } from "@nhub/core";
import { XMLValidator } from "fast-xml-parser";
import { describeXmlChar, findInvalidXmlChar, isXmlCharCode } from "./xml-chars";

/** What {@link assertWellFormedXml} learnt about a document. */
export interface XmlOutline {
  /** The root element's name as written, prefix included (`toast`, `Toast`, `wp:Notification`). */
  readonly root: string;
  /** The name of the root's first child element, if it has one. */
  readonly firstChild?: string;
}

const COMMENT = /<!--[\s\S]*?-->/y;
const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/y;
const PROCESSING_INSTRUCTION = /<\?([^\s?]+)(?:\s[\s\S]*?)?\?>/y;
const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:\s+encoding\s*=\s*(?:"([A-Za-z][\w.-]*)"|'([A-Za-z][\w.-]*)'))?(?:\s+standalone\s*=\s*(?:"(?:yes|no)"|'(?:yes|no)'))?\s*\?>/;
// An approximation of XML's Name production: ASCII exactly, everything above U+00BF allowed.
const PI_TARGET = /^[A-Za-z_:\u00C0-\u{EFFFF}][\w.:\u00B7-\u{EFFFF}-]*$/u;
const END_TAG = /<\/[^\s>]+\s*>/y;
const START_TAG = /<([^\s/>]+)((?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const TEXT = /[^<]+/y;
const ATTRIBUTE = /\s+([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const REFERENCE = /&(?:([A-Za-z_:][\w.:-]*)|#([0-9]+)|#x([0-9A-Fa-f]+));|&/g;
const PREDEFINED_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);

/**
 * The first syntax error fast-xml-parser's validator finds in `xml` (unclosed or mismatched tags, repeated or
 * valueless attributes, ...), described with its line and column; `undefined` when it finds none.
 *
 * This is the lenient check, for a reader that must say why a document does not parse but should take what a
 * tolerant parser takes (a hub emulator reading requests). It does not refuse what
 * {@link assertWellFormedXml} refuses on top: forbidden characters, bare `&`, undefined entities, a DOCTYPE, text
 * outside the root. Checks of text about to be sent use {@link assertWellFormedXml}.
 *
 * @example
 * findXmlSyntaxError("<a><b></a>"); // "Expected closing tag 'b' (opened in line 1, col 4) instead of closing tag 'a'. (line 1, column 7)"
 * findXmlSyntaxError("<a/>"); // undefined
 */
export function findXmlSyntaxError(xml: string): string | undefined {
  const verdict = XMLValidator.validate(xml);
  if (verdict === true) return undefined;
  const { msg, line, col } = verdict.err;
  return `${msg} (line ${line}${col === undefined ? "" : `, column ${col}`})`;
}

function notWellFormed(field: string, xml: string, index: number, message: string): never {
  const before = xml.slice(0, index);
  const line = before.split("\n").length;
  const column = index - before.lastIndexOf("\n");
  throw new ValidationError(
    field,
    "xml-well-formed",
    `the payload is not well-formed XML: ${message} (line ${line}, column ${column})`,
  );
}

function checkReferences(field: string, xml: string, text: string, offset: number): void {
  for (const m of text.matchAll(REFERENCE)) {
    const at = offset + m.index;
    const [whole, name, decimal, hex] = m;
    if (whole === "&") notWellFormed(field, xml, at, 'a bare "&" must be written &amp;');
    if (name !== undefined && !PREDEFINED_ENTITIES.has(name)) {
      notWellFormed(
        field,
        xml,
        at,
        `&${name}; is not defined; XML knows only &amp; &lt; &gt; &quot; &apos; and character references`,
      );
    }
    if (name === undefined) {
      const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
      if (!isXmlCharCode(code)) {
        notWellFormed(field, xml, at, `${quoteExcerpt(whole)} refers to a character XML 1.0 does not allow`);
      }
    }
  }
}

/**
 * Checks that `xml` is a well-formed XML 1.0 document and returns its root element's name (and the root's first
 * child element's name). A leading byte-order mark, the XML declaration, comments, processing instructions and
 * whitespace around the root are skipped when finding the root; comments, processing instructions, text and
 * CDATA inside it are skipped when finding the first child.
 *
 * fast-xml-parser's validator checks tags, names and attributes; on top of it this refuses what that validator
 * lets through but a strict parser (the one on the device) would not: characters XML forbids, a bare `&`,
 * undefined entities such as `&nbsp;`, references to forbidden characters (`&#0;`), `<` inside attribute values,
 * `]]>` in text, `--` in comments, a malformed or misplaced XML declaration, a processing instruction named
 * `xml`, and text or a second element outside the root.
 *
 * Two more refusals have rules of their own: a DOCTYPE (`xml-doctype`; notification XML has no use for one, and
 * entity declarations are how XML bombs are made) and a declared encoding other than UTF-8 (`xml-encoding`; the
 * text is always sent as UTF-8, so any other declaration would make the device misread it).
 *
 * @example
 * assertWellFormedXml('<?xml version="1.0"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast/></wp:Notification>');
 * // { root: "wp:Notification", firstChild: "wp:Toast" }
 *
 * @param xml the whole document.
 * @param field the name used in the error, e.g. `payload`.
 * @throws {ValidationError} with rule `xml-well-formed`, `xml-doctype` or `xml-encoding`, naming `field` and,
 * where it helps, the line and column.
 */
export function assertWellFormedXml(xml: string, field = "payload"): XmlOutline {
  const bad = findInvalidXmlChar(xml);
  if (bad !== undefined) {
    notWellFormed(field, xml, bad.index, `${describeXmlChar(bad.char)} is not allowed in XML 1.0`);
  }
  const syntaxError = findXmlSyntaxError(xml);
  if (syntaxError !== undefined) {
    throw new ValidationError(field, "xml-well-formed", `the payload is not well-formed XML: ${syntaxError}`);
  }

  let root: string | undefined;
  let firstChild: string | undefined;
  let depth = 0;
  const start = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  const take = (pattern: RegExp): RegExpExecArray => {
    pattern.lastIndex = i;
    const m = pattern.exec(xml);
    if (m === null) notWellFormed(field, xml, i, "unexpected markup");
    i = pattern.lastIndex;
    return m;
  };
  while (i < xml.length) {
    const at = i;
    if (xml.startsWith("<!--", i)) {
      const [comment] = take(COMMENT);
      const content = comment.slice(4, -3);
      if (content.includes("--") || content.endsWith("-")) {
        notWellFormed(field, xml, at, 'a comment cannot contain "--" or end with "-"');
      }
    } else if (xml.startsWith("<![CDATA[", i)) {
      if (depth === 0) notWellFormed(field, xml, at, "CDATA outside the root element");
      take(CDATA);
    } else if (xml.startsWith("<?", i)) {
      const [instruction, target] = take(PROCESSING_INSTRUCTION);
      if (target === "xml") {
        const declaration = XML_DECLARATION.exec(instruction);
        if (declaration === null || at !== start) {
          notWellFormed(field, xml, at, "the XML declaration is malformed or not at the very start");
        }
        const encoding = declaration[1] ?? declaration[2];
        if (encoding !== undefined && encoding.toLowerCase() !== "utf-8") {
          throw new ValidationError(
            field,
            "xml-encoding",
            `the XML declares encoding=${quoteExcerpt(encoding)} but is sent as UTF-8; declare utf-8 or leave the encoding out`,
          );
        }
      } else if (!PI_TARGET.test(target!) || target!.toLowerCase() === "xml") {
        notWellFormed(field, xml, at, `${quoteExcerpt(target!)} cannot name a processing instruction`);
      }
    } else if (xml.startsWith("<!DOCTYPE", i)) {
      throw new ValidationError(
        field,
        "xml-doctype",
        "notification XML cannot have a DOCTYPE (nothing needs one, and entity declarations can blow up a parser)",
      );
    } else if (xml.startsWith("</", i)) {
      take(END_TAG);
      depth--;
    } else if (xml.startsWith("<!", i)) {
      notWellFormed(
        field,
        xml,
        at,
        "unknown markup declaration (only comments and CDATA sections can start with <!)",
      );
    } else if (xml[i] === "<") {
      const [, name, attributes, selfClosing] = take(START_TAG);
      if (depth === 0) {
        if (root !== undefined) notWellFormed(field, xml, at, `a second root element <${name}>`);
        root = name;
      } else if (depth === 1 && firstChild === undefined) {
        firstChild = name;
      }
      const attributesAt = at + 1 + name!.length;
      for (const a of attributes!.matchAll(ATTRIBUTE)) {
        const value = a[2] ?? a[3]!;
        const valueAt = attributesAt + a.index + a[0].length - value.length - 1;
        const lt = value.indexOf("<");
        if (lt >= 0)
          notWellFormed(field, xml, valueAt + lt, `"<" in the value of ${a[1]} must be written &lt;`);
        checkReferences(field, xml, value, valueAt);
      }
      if (selfClosing === "") depth++;
    } else {
      const [text] = take(TEXT);
      if (depth === 0) {
        if (/\S/.test(text))
          notWellFormed(field, xml, at + text.search(/\S/), "text outside the root element");
      } else {
        const cdataEnd = text.indexOf("]]>");
        if (cdataEnd >= 0) notWellFormed(field, xml, at + cdataEnd, '"]]>" in text must be written ]]&gt;');
        checkReferences(field, xml, text, at);
      }
    }
  }
  if (root === undefined) notWellFormed(field, xml, 0, "there is no root element");
  return firstChild === undefined ? { root } : { root, firstChild };
}
