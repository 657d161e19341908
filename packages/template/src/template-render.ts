/**
 * Renders a registration's template body (JSON for APNs, FCM, ADM, Baidu; XML for WNS and MPNS) with the sent
 * properties, the way the hub does before it hands the payload to the push service. Only expression slots are
 * touched; every other byte of the template comes out as it went in.
 */
import { MAX_JSON_DEPTH, quoteExcerpt } from "@nhub/core";
import { escapeXml as escapeXmlText, isXmlCharCode } from "@nhub/xml";
import {
  createPropertyLookup,
  evaluateWith,
  isTemplateExpression,
  parseTemplateExpression,
  type TemplateExpression,
  type TemplateProperties,
  TemplateSyntaxError,
  type TemplateValue,
} from "./template-expression";

/** The two kinds of template body. */
export type TemplateFormat = "json" | "xml";

/** A template parsed once, ready to render for many sends. */
export interface CompiledTemplate {
  /** Whether the template is JSON or XML. */
  readonly format: TemplateFormat;
  /** The expressions found in the template, in document order. */
  readonly expressions: readonly TemplateExpression[];
  /**
   * Renders the template with `properties`.
   *
   * @throws {ValidationError} when `properties` is not a plain object of strings.
   */
  render(properties: TemplateProperties): string;
}

type SlotContext = "json" | "xml";
type Segment = string | { readonly expr: TemplateExpression; readonly context: SlotContext };

/**
 * The format of a template body: `xml` when its first non-whitespace character (a byte-order mark counts as
 * whitespace) is `<`, else `json`.
 */
export function detectTemplateFormat(template: string): TemplateFormat {
  const match = /^[\s\ufeff]*</.exec(template);
  return match ? "xml" : "json";
}

/**
 * Parses a template once (see {@link renderTemplate} for the rules) so it can be rendered many times.
 *
 * @throws {TemplateSyntaxError} for a template that is not well-formed JSON / XML or holds a malformed expression.
 */
export function compileTemplate(template: string, format?: TemplateFormat): CompiledTemplate {
  if (typeof template !== "string") throw new TemplateSyntaxError("a template must be a string");
  const kind = format ?? detectTemplateFormat(template);
  if (kind !== "json" && kind !== "xml")
    throw new TemplateSyntaxError(`unknown template format ${quoteExcerpt(String(kind))}`);
  const segments = kind === "json" ? scanJson(template) : scanXml(template);
  const expressions: TemplateExpression[] = [];
  for (const s of segments) if (typeof s !== "string") expressions.push(s.expr);
  return Object.freeze({
    format: kind,
    expressions: Object.freeze(expressions),
    render(properties: TemplateProperties): string {
      const lookup = createPropertyLookup(properties);
      let out = "";
      for (const s of segments) {
        out += typeof s === "string" ? s : encodeValue(evaluateWith(s.expr, lookup), s.context);
      }
      return out;
    },
  });
}

/**
 * Renders a registration's template body with the sent properties.
 *
 * - JSON: every string value (not key) that is an expression is replaced; a `#()` number becomes a bare JSON
 *   number, anything else a JSON string, escaped. Literal strings, keys, whitespace and number formatting stay
 *   byte-identical.
 * - XML: every attribute value and every leaf text (an element holding nothing but text) that is an expression
 *   is replaced with its XML-escaped value. Comments, CDATA, processing instructions and mixed content stay
 *   verbatim.
 *
 * A slot is an expression only when its first character (after decoding JSON escapes or XML references) is one
 * of `$ # . % {`; `"Hello $(x)"` is literal text.
 *
 * @param format `json` or `xml`; by default `xml` when the first non-whitespace character is `<`.
 * @throws {TemplateSyntaxError} for a template that is not well-formed or holds a malformed expression.
 * @throws {ValidationError} when `properties` is not a plain object of strings.
 */
export function renderTemplate(
  template: string,
  properties: TemplateProperties,
  format?: TemplateFormat,
): string {
  return compileTemplate(template, format).render(properties);
}

function encodeValue(value: TemplateValue, context: SlotContext): string {
  if (context === "json") return value.kind === "number" ? value.value : JSON.stringify(value.value);
  return escapeXml(value.value);
}

/** Turns the parse error of one slot into a template error that also says which slot (worked out only then). */
function parseSlot(source: string, where: () => string): TemplateExpression {
  try {
    return parseTemplateExpression(source);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) {
      // Drop ValidationError's "template: " prefix so it is not repeated in the wrapping error's message.
      const detail = error.message.startsWith("template: ") ? error.message.slice(10) : error.message;
      throw new TemplateSyntaxError(`${where()}: ${detail}`);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON: a strict RFC 8259 scanner that records where each string value sits.

function scanJson(text: string): Segment[] {
  const segments: Segment[] = [];
  let copied = 0;
  let pos = 0;

  const fail = (expected: string): never => {
    const found = pos < text.length ? JSON.stringify(text[pos]) : "the end";
    throw new TemplateSyntaxError(
      `the JSON template is not valid: expected ${expected} but found ${found} at offset ${pos}`,
    );
  };
  const space = () => {
    while (pos < text.length) {
      const c = text[pos];
      if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") break;
      pos++;
    }
  };
  const str = (): string => {
    // Called with text[pos] === '"'.
    pos++;
    let value = "";
    let run = pos;
    for (;;) {
      if (pos >= text.length) fail('a closing "');
      const code = text.charCodeAt(pos);
      if (code === 0x22) {
        value += text.slice(run, pos);
        pos++;
        return value;
      }
      if (code < 0x20) fail("no raw control characters inside a string");
      if (code === 0x5c) {
        value += text.slice(run, pos);
        const e = text[pos + 1];
        const simple = e === undefined ? undefined : JSON_ESCAPES[e];
        if (simple !== undefined) {
          value += simple;
          pos += 2;
        } else if (e === "u" && /^[0-9A-Fa-f]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          value += String.fromCharCode(Number.parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else {
          pos++;
          fail("a valid escape sequence");
        }
        run = pos;
      } else {
        pos++;
      }
    }
  };
  // `depth` counts the arrays and objects around the value; the limit is core's, the same as for payloads.
  const value = (path: string, depth: number): void => {
    space();
    const c = text[pos];
    if ((c === "{" || c === "[") && depth >= MAX_JSON_DEPTH) {
      throw new TemplateSyntaxError(
        `the JSON template nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (MAX_JSON_DEPTH)`,
      );
    }
    if (c === "{") {
      pos++;
      space();
      if (text[pos] === "}") {
        pos++;
        return;
      }
      for (;;) {
        space();
        if (text[pos] !== '"') fail("a property name in double quotes");
        const key = str();
        space();
        if (text[pos] !== ":") fail('":"');
        pos++;
        value(path === "" ? key : `${path}.${key}`, depth + 1);
        space();
        if (text[pos] === ",") {
          pos++;
        } else if (text[pos] === "}") {
          pos++;
          return;
        } else {
          fail('"," or "}"');
        }
      }
    }
    if (c === "[") {
      pos++;
      space();
      if (text[pos] === "]") {
        pos++;
        return;
      }
      for (let i = 0; ; i++) {
        value(`${path}[${i}]`, depth + 1);
        space();
        if (text[pos] === ",") {
          pos++;
        } else if (text[pos] === "]") {
          pos++;
          return;
        } else {
          fail('"," or "]"');
        }
      }
    }
    if (c === '"') {
      const start = pos;
      const decoded = str();
      if (isTemplateExpression(decoded)) {
        const expr = parseSlot(
          decoded,
          () => `in the JSON template at ${path === "" ? "the top level" : path}`,
        );
        if (start > copied) segments.push(text.slice(copied, start));
        segments.push({ expr, context: "json" });
        copied = pos;
      }
      return;
    }
    JSON_LITERAL.lastIndex = pos;
    const literal = JSON_LITERAL.exec(text);
    if (literal === null) fail("a JSON value");
    pos += literal![0].length;
  };

  value("", 0);
  space();
  if (pos < text.length) fail("the end of the template");
  if (copied < text.length) segments.push(text.slice(copied));
  return segments;
}

const JSON_LITERAL = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y;

const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

// ---------------------------------------------------------------------------------------------------------------
// XML: a small well-formedness scanner. It understands just enough (prolog, comments, PIs, CDATA, DOCTYPE,
// tags, attributes, references) to find attribute values and leaf texts; it does not validate names against
// the full XML Name production or expand DTD-defined entities.

const NAME_START = /[A-Za-z_:\u00c0-\uffff]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00b7\u00c0-\uffff]/;
const XML_SPACE = /[ \t\r\n]/;

function scanXml(text: string): Segment[] {
  const segments: Segment[] = [];
  let copied = 0;
  let pos = 0;
  const stack: string[] = [];
  let rootSeen = false;
  // Offset just after the most recent start tag, while nothing else has followed it: text from there up to
  // a matching end tag is a leaf text.
  let afterStartTag = -1;

  const where = (at: number) => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    return `line ${line}, column ${column}`;
  };
  const error = (problem: string, at = pos) =>
    new TemplateSyntaxError(`the XML template is not well-formed: ${problem} at ${where(at)}`);
  const fail = (expected: string): never => {
    const found = pos < text.length ? JSON.stringify(text[pos]) : "the end";
    throw error(`expected ${expected} but found ${found}`);
  };
  const replace = (start: number, end: number, expr: TemplateExpression) => {
    if (start > copied) segments.push(text.slice(copied, start));
    segments.push({ expr, context: "xml" });
    copied = end;
  };
  const skipTo = (terminator: string, what: string) => {
    const end = text.indexOf(terminator, pos);
    if (end < 0) throw error(`${what} is not closed with ${terminator}`);
    pos = end + terminator.length;
  };
  const space = () => {
    while (pos < text.length && XML_SPACE.test(text[pos]!)) pos++;
  };
  const name = (): string => {
    const start = pos;
    if (pos >= text.length || !NAME_START.test(text[pos]!)) fail("a name");
    pos++;
    while (pos < text.length && NAME_CHAR.test(text[pos]!)) pos++;
    return text.slice(start, pos);
  };
  /** A slot's text with references resolved, or undefined when it uses an entity this scanner cannot expand. */
  const decode = (raw: string, at: number): string | undefined => {
    if (!raw.includes("&")) return raw;
    let unknown = false;
    const out = raw.replace(/&([^;&]*);?/g, (whole, ref: string, offset: number) => {
      if (!whole.endsWith(";")) throw error('"&" must start a reference like &amp;', at + offset);
      const char = decodeReference(ref);
      if (char === null)
        throw error(`${quoteExcerpt(`&${ref};`)} is not a valid character reference`, at + offset);
      if (char === undefined) unknown = true;
      return char ?? whole;
    });
    return unknown ? undefined : out;
  };

  if (text[0] === "\ufeff") pos = 1;
  while (pos < text.length) {
    const c = text[pos];
    if (c !== "<") {
      const start = pos;
      const end = text.indexOf("<", pos);
      pos = end < 0 ? text.length : end;
      const raw = text.slice(start, pos);
      if (stack.length === 0) {
        if (!/^[ \t\r\n]*$/.test(raw)) throw error("text is only allowed inside the root element", start);
        continue;
      }
      const leaf = afterStartTag === start && text.startsWith("</", pos);
      const decoded = decode(raw, start);
      if (leaf && decoded !== undefined && isTemplateExpression(decoded)) {
        replace(
          start,
          pos,
          parseSlot(decoded, () => `in the XML template at ${where(start)}, in <${stack.at(-1)}>`),
        );
      }
      afterStartTag = -1;
      continue;
    }
    afterStartTag = -1;
    const tagStart = pos;
    if (text.startsWith("<!--", pos)) {
      pos += 4;
      skipTo("-->", "a comment");
    } else if (text.startsWith("<![CDATA[", pos)) {
      if (stack.length === 0) throw error("CDATA is only allowed inside the root element");
      pos += 9;
      skipTo("]]>", "a CDATA section");
    } else if (text.startsWith("<?", pos)) {
      pos += 2;
      skipTo("?>", "a processing instruction");
    } else if (text.startsWith("<!DOCTYPE", pos)) {
      if (rootSeen) throw error("a DOCTYPE must come before the root element");
      pos += 9;
      doctype();
    } else if (text.startsWith("</", pos)) {
      pos += 2;
      const closing = name();
      space();
      if (text[pos] !== ">") fail('">"');
      pos++;
      const open = stack.pop();
      if (open !== closing) {
        throw error(
          open === undefined ? `</${closing}> closes nothing` : `</${closing}> does not close <${open}>`,
          tagStart,
        );
      }
    } else {
      pos++;
      if (stack.length === 0 && rootSeen) throw error("a document has one root element", tagStart);
      const element = name();
      rootSeen = true;
      const seen = new Set<string>();
      for (;;) {
        const beforeSpace = pos;
        space();
        if (text.startsWith("/>", pos)) {
          pos += 2;
          break;
        }
        if (text[pos] === ">") {
          pos++;
          stack.push(element);
          afterStartTag = pos;
          break;
        }
        if (pos === beforeSpace) fail('whitespace, ">" or "/>"');
        const attrAt = pos;
        const attr = name();
        if (seen.has(attr)) throw error(`attribute ${attr} appears twice in <${element}>`, attrAt);
        seen.add(attr);
        space();
        if (text[pos] !== "=") fail('"="');
        pos++;
        space();
        const quote = text[pos];
        if (quote !== '"' && quote !== "'") fail("a quoted attribute value");
        const valueStart = pos + 1;
        const valueEnd = text.indexOf(quote!, valueStart);
        if (valueEnd < 0) throw error(`the value of ${attr} is not closed`, attrAt);
        const raw = text.slice(valueStart, valueEnd);
        const lt = raw.indexOf("<");
        if (lt >= 0) throw error('"<" is not allowed in an attribute value', valueStart + lt);
        pos = valueEnd + 1;
        const decoded = decode(raw, valueStart);
        if (decoded !== undefined && isTemplateExpression(decoded)) {
          replace(
            valueStart,
            valueEnd,
            parseSlot(
              decoded,
              () => `in the XML template at ${where(valueStart)}, in <${element} ${attr}="...">`,
            ),
          );
        }
      }
    }
  }
  if (stack.length > 0) throw error(`<${stack.at(-1)}> is not closed`);
  if (!rootSeen) throw new TemplateSyntaxError("the XML template has no root element");
  if (copied < text.length) segments.push(text.slice(copied));
  return segments;

  function doctype(): void {
    // Skips to the closing ">", stepping over quoted strings and the internal subset in [...].
    let depth = 0;
    while (pos < text.length) {
      const c = text[pos];
      if (c === '"' || c === "'") {
        const end = text.indexOf(c, pos + 1);
        if (end < 0) break;
        pos = end + 1;
        continue;
      }
      pos++;
      if (c === "[") depth++;
      else if (c === "]") depth--;
      else if (c === ">" && depth <= 0) return;
    }
    throw error("the DOCTYPE is not closed");
  }
}

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
]);

/** The character a reference stands for; `undefined` for an entity defined elsewhere, `null` if malformed. */
function decodeReference(ref: string): string | null | undefined {
  if (ref.startsWith("#")) {
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!m) return null;
    const code = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
    if (!(code <= 0x10ffff) || !isXmlCharCode(code)) return null;
    return String.fromCodePoint(code);
  }
  if (!/^[A-Za-z_:][A-Za-z0-9_:.-]*$/.test(ref)) return null;
  return PREDEFINED.get(ref);
}

/**
 * Escapes text for an XML attribute value or text node: `& < > " '` become references, tab / LF / CR become
 * character references (so attribute normalisation and line-end handling give them back unchanged), and
 * characters XML cannot represent at all become U+FFFD. It is `@nhub/xml`'s `escapeXml` with
 * `invalidChars: "replace"`: a rendered value has to go out whatever the sender put in it.
 */
export function escapeXml(value: string): string {
  return escapeXmlText(value, { field: "value", invalidChars: "replace" });
}
