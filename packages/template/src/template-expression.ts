/**
 * The template expression language the hub evaluates when it turns a registration's template and the sent
 * properties into a platform payload: `$(p)`, `$(p,n)`, `.(p,n)`, `%(p)`, `#(p)`, quoted literals and
 * `{a + b}` concatenation. Parsing and evaluation are separate so a template can be parsed once and rendered
 * for many sends.
 */
import { quoteExcerpt, ValidationError } from "@nhub/core";

/** One operand of an expression: a property reference or, inside `{...}`, a quoted literal. */
export type TemplateTerm =
  /** `$(name)` the value; `$(name,n)` its first `n` UTF-16 code units. */
  | { readonly type: "value"; readonly name: string; readonly maxLength?: number }
  /** `.(name,n)` the value, cut to `n - 3` code units plus `...` when longer than `n`. */
  | { readonly type: "ellipsis"; readonly name: string; readonly maxLength: number }
  /** `%(name)` the value, percent-encoded as an RFC 3986 URI component. */
  | { readonly type: "uri"; readonly name: string }
  /** `'text'` or `"text"` (a doubled quote stands for one quote); only inside `{...}`. */
  | { readonly type: "literal"; readonly value: string };

/** A parsed expression: what {@link parseTemplateExpression} returns and {@link evaluateTemplateExpression} takes. */
export type TemplateExpression =
  | Exclude<TemplateTerm, { readonly type: "literal" }>
  /** `#(name)` the value as a JSON number when it is one, else as a string. */
  | { readonly type: "number"; readonly name: string }
  /** `{a + b + ...}`: the terms joined; always a string. */
  | { readonly type: "concat"; readonly parts: readonly TemplateTerm[] };

/** What an expression evaluates to. A `number` is still text: the digits exactly as the property held them. */
export type TemplateValue =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: string };

/** The sent properties: a flat object of string values. */
export type TemplateProperties = Readonly<Record<string, string>>;

const syntaxMarker = Symbol.for("nhub.error.template-syntax");

/**
 * A malformed template or template expression. It is a `ValidationError` with field `template` and rule
 * `template-syntax`; the message says where the problem is.
 */
export class TemplateSyntaxError extends ValidationError {
  readonly [syntaxMarker] = true;
  override name = "TemplateSyntaxError";

  constructor(message: string) {
    super("template", "template-syntax", message);
  }

  /** True for a template syntax error from any copy of this package. */
  static override isInstance(error: unknown): error is TemplateSyntaxError {
    return (
      typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[syntaxMarker] === true
    );
  }
}

/** The characters that make a slot an expression when they come first. */
const EXPRESSION_STARTS = "$#.%{";

/**
 * Whether a template slot (a JSON string value, an XML attribute value or leaf text) is an expression: its first
 * character is one of `$ # . % {`. Anything else is literal text and is sent verbatim, even `"Hello $(x)"`.
 */
export function isTemplateExpression(slot: string): boolean {
  return typeof slot === "string" && slot.length > 0 && EXPRESSION_STARTS.includes(slot[0]!);
}

const NAME_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/**
 * Parses one template expression.
 *
 * Grammar (whitespace is allowed around `+`, `,`, names and numbers, nowhere else):
 * `expr := "#(" name ")" | term-ref | "{" term ("+" term)* "}"`,
 * `term := term-ref | 'text' | "text"`,
 * `term-ref := "$(" name ["," n] ")" | ".(" name "," n ")" | "%(" name ")"`,
 * names match `[A-Za-z0-9_]+`, `n` is a decimal integer (at least 3 for `.(name,n)`, so the result fits in `n`).
 *
 * @throws {TemplateSyntaxError} naming the position (1-based) of the problem, e.g. for `{#(badge)+'x'}` (no `#`
 * inside `{}`) or `.(title)` (missing length).
 */
export function parseTemplateExpression(source: string): TemplateExpression {
  if (typeof source !== "string") throw new TemplateSyntaxError("a template expression must be a string");
  return new ExpressionParser(source).parse();
}

class ExpressionParser {
  #pos = 0;
  readonly #src: string;

  constructor(source: string) {
    this.#src = source;
  }

  parse(): TemplateExpression {
    const src = this.#src;
    const first = src[0];
    if (first === undefined || !EXPRESSION_STARTS.includes(first)) {
      this.#fail("an expression to start with $ # . % or {");
    }
    let expr: TemplateExpression;
    if (first === "{") {
      expr = this.#concat();
    } else if (first === "#") {
      this.#pos = 1;
      this.#expect("(");
      const name = this.#name();
      if (this.#peekSpace() === ",") this.#fail('")": #(name) takes no length');
      this.#expect(")");
      expr = { type: "number", name };
    } else {
      expr = this.#reference();
    }
    if (this.#pos < src.length) this.#fail("the end of the expression");
    return expr;
  }

  #concat(): TemplateExpression {
    this.#pos = 1;
    const parts: TemplateTerm[] = [];
    for (;;) {
      this.#skipSpace();
      parts.push(this.#term());
      this.#skipSpace();
      const c = this.#src[this.#pos];
      if (c === "+") {
        this.#pos++;
      } else if (c === "}") {
        this.#pos++;
        return { type: "concat", parts };
      } else {
        this.#fail('"+" or "}"');
      }
    }
  }

  #term(): TemplateTerm {
    const c = this.#src[this.#pos];
    if (c === "'" || c === '"') return this.#literal(c);
    if (c === "#") {
      throw this.#error("#(...) cannot be used inside {...}: a concatenation is always a string");
    }
    if (c === "$" || c === "." || c === "%") return this.#reference();
    if (c === "{") throw this.#error("{...} cannot be nested");
    return this.#fail("a property reference $( .( %( or a quoted literal");
  }

  #literal(quote: "'" | '"'): TemplateTerm {
    const src = this.#src;
    const start = this.#pos;
    let value = "";
    let i = start + 1;
    for (;;) {
      const end = src.indexOf(quote, i);
      if (end < 0) {
        this.#pos = start;
        throw this.#error(`the literal starting here is missing its closing ${quote}`);
      }
      value += src.slice(i, end);
      if (src[end + 1] === quote) {
        value += quote;
        i = end + 2;
      } else {
        this.#pos = end + 1;
        return { type: "literal", value };
      }
    }
  }

  /** `$(name)`, `$(name,n)`, `.(name,n)` or `%(name)`, starting at the marker. */
  #reference(): Exclude<TemplateTerm, { readonly type: "literal" }> {
    const marker = this.#src[this.#pos]!;
    const at = this.#pos;
    this.#pos++;
    this.#expect("(");
    const name = this.#name();
    let maxLength: number | undefined;
    if (this.#peekSpace() === ",") {
      if (marker === "%") this.#fail('")": %(name) takes no length');
      this.#skipSpace();
      this.#pos++;
      maxLength = this.#integer();
    }
    this.#expect(")");
    if (marker === "%") return { type: "uri", name };
    if (marker === ".") {
      if (maxLength === undefined) {
        this.#pos = at;
        throw this.#error(`.(${name}) needs a length: write .(${name},n)`);
      }
      if (maxLength < 3) {
        this.#pos = at;
        throw this.#error(`.(${name},${maxLength}) needs a length of at least 3 to fit "..."`);
      }
      return { type: "ellipsis", name, maxLength };
    }
    return maxLength === undefined ? { type: "value", name } : { type: "value", name, maxLength };
  }

  #name(): string {
    this.#skipSpace();
    const start = this.#pos;
    while (this.#pos < this.#src.length && NAME_CHAR.test(this.#src[this.#pos]!)) this.#pos++;
    if (this.#pos === start) this.#fail("a property name (letters, digits and _)");
    const name = this.#src.slice(start, this.#pos);
    this.#skipSpace();
    return name;
  }

  #integer(): number {
    this.#skipSpace();
    const start = this.#pos;
    while (this.#pos < this.#src.length && DIGIT.test(this.#src[this.#pos]!)) this.#pos++;
    if (this.#pos === start) this.#fail("a length (a whole number)");
    const n = Number(this.#src.slice(start, this.#pos));
    if (!Number.isSafeInteger(n)) {
      this.#pos = start;
      throw this.#error("the length is too large");
    }
    this.#skipSpace();
    return n;
  }

  #expect(c: string): void {
    if (this.#src[this.#pos] !== c) this.#fail(`"${c}"`);
    this.#pos++;
  }

  #skipSpace(): void {
    while (this.#pos < this.#src.length && " \t\r\n".includes(this.#src[this.#pos]!)) this.#pos++;
  }

  /** The next character after any whitespace, without consuming anything. */
  #peekSpace(): string | undefined {
    let i = this.#pos;
    while (i < this.#src.length && " \t\r\n".includes(this.#src[i]!)) i++;
    return this.#src[i];
  }

  #fail(expected: string): never {
    const found = this.#pos < this.#src.length ? JSON.stringify(this.#src[this.#pos]) : "the end";
    throw this.#error(`expected ${expected} but found ${found}`);
  }

  #error(problem: string): TemplateSyntaxError {
    return new TemplateSyntaxError(
      `${problem} at position ${this.#pos + 1} of ${quoteExcerpt(this.#src, this.#pos)}`,
    );
  }
}

/**
 * Looks properties up the way the hub does: names are case-insensitive. When two names differ only in case
 * (which {@link createTemplateNotification} refuses to send) the exact spelling wins, else the first in key order.
 */
export interface PropertyLookup {
  get(name: string): string;
}

/**
 * Checks `properties` (a plain object of string values) and returns a case-insensitive lookup over a snapshot
 * of it; later changes to the caller's object do not show.
 *
 * @throws {ValidationError} field `properties` rule `type`, or `properties.<name>` rule `string-value`.
 */
export function createPropertyLookup(properties: TemplateProperties): PropertyLookup {
  const exact = new Map<string, string>();
  const folded = new Map<string, string>();
  for (const [name, value] of readProperties(properties)) {
    exact.set(name, value);
    const key = name.toLowerCase();
    if (!folded.has(key)) folded.set(key, value);
  }
  return { get: (name) => exact.get(name) ?? folded.get(name.toLowerCase()) ?? "" };
}

/**
 * Reads each own enumerable property once, checking it is a string.
 *
 * @internal shared with the notification builder so both refuse the same input the same way.
 */
export function readProperties(properties: TemplateProperties): Array<[string, string]> {
  if (properties === null || typeof properties !== "object" || Array.isArray(properties)) {
    throw new ValidationError(
      "properties",
      "type",
      "template properties must be a plain object of string values",
    );
  }
  const proto = Object.getPrototypeOf(properties);
  if (proto !== Object.prototype && proto !== null) {
    throw new ValidationError(
      "properties",
      "type",
      "template properties must be a plain object of string values",
    );
  }
  const entries: Array<[string, string]> = [];
  for (const name of Object.keys(properties)) {
    const value: unknown = properties[name];
    if (typeof value !== "string") {
      const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
      throw new ValidationError(
        `properties.${name}`,
        "string-value",
        `template property values must be strings, got ${got}`,
      );
    }
    entries.push([name, value]);
  }
  return entries;
}

const NUMBER_PATTERN = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Evaluates an expression against the sent properties (names case-insensitive, a missing property is `""`).
 * `#(p)` is a number only when the value matches `(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; everything
 * else is a string.
 *
 * @param expr a parsed expression, or its source text (parsed here; parse once with
 * {@link parseTemplateExpression} when evaluating the same expression often).
 * @throws {TemplateSyntaxError} when `expr` is source text that does not parse.
 * @throws {ValidationError} when `properties` is not a plain object of strings.
 */
export function evaluateTemplateExpression(
  expr: TemplateExpression | string,
  properties: TemplateProperties,
): TemplateValue {
  const parsed = typeof expr === "string" ? parseTemplateExpression(expr) : expr;
  return evaluateWith(parsed, createPropertyLookup(properties));
}

/**
 * Evaluates with a prepared lookup, so rendering a template checks the properties once, not once per slot.
 *
 * @internal
 */
export function evaluateWith(expr: TemplateExpression, lookup: PropertyLookup): TemplateValue {
  switch (expr.type) {
    case "number": {
      const value = lookup.get(expr.name);
      return NUMBER_PATTERN.test(value) ? { kind: "number", value } : { kind: "string", value };
    }
    case "concat": {
      let value = "";
      for (const part of expr.parts) value += termValue(part, lookup);
      return { kind: "string", value };
    }
    default:
      return { kind: "string", value: termValue(expr, lookup) };
  }
}

function termValue(term: TemplateTerm, lookup: PropertyLookup): string {
  switch (term.type) {
    case "literal":
      return term.value;
    case "value": {
      const value = lookup.get(term.name);
      return term.maxLength === undefined ? value : cut(value, term.maxLength);
    }
    case "ellipsis": {
      const value = lookup.get(term.name);
      return value.length > term.maxLength ? `${cut(value, term.maxLength - 3)}...` : value;
    }
    case "uri":
      return encodeUriComponentStrict(lookup.get(term.name));
  }
}

/**
 * The first `n` UTF-16 code units of `s`, one fewer when the cut would split a surrogate pair: the result never
 * exceeds `n` and never holds half a character.
 */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  let end = n;
  if (end > 0 && isHigh(s.charCodeAt(end - 1)) && isLow(s.charCodeAt(end))) end--;
  return s.slice(0, end);
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Percent-encodes a URI component the RFC 3986 way: everything but the unreserved `A-Z a-z 0-9 - . _ ~` is
 * encoded as UTF-8 bytes. Unlike `encodeURIComponent` this also encodes `! ' ( ) *` (reserved sub-delimiters in
 * RFC 3986), and a lone surrogate becomes U+FFFD (`%EF%BF%BD`) instead of throwing.
 */
export function encodeUriComponentStrict(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, "\ufffd")).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
