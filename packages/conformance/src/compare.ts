/**
 * Normalised requests and the differ that compares what the official SDK sent with what nhub sent.
 *
 * A difference is reported as one line of text (`header content-type: sdk "a" nhub "b"`), so a test states the
 * differences it expects exactly, with `expect(diff).toEqual([...])`, and an unexpected one fails with a
 * readable message.
 */
import { createXmlReader, type XmlObject } from "@nhub/xml";

/** One request as a client sent it, normalised so that the two clients' requests compare field by field. */
export interface CapturedRequest {
  /** `GET`, `POST`, ... */
  readonly method: string;
  /** The full URL as sent: scheme, host, path and query. */
  readonly url: string;
  /** The path as sent, percent-encoding kept, e.g. `/myhub/tags/lang%3Aen/registrations`. */
  readonly rawPath: string;
  /** The path with each segment percent-decoded, e.g. `/myhub/tags/lang:en/registrations`. */
  readonly path: string;
  /** The query parameters, decoded, in the order sent. */
  readonly query: readonly (readonly [string, string])[];
  /** Header names lowercased; a name sent twice is joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body decoded as UTF-8; `undefined` when there is none. */
  readonly body: string | undefined;
}

/**
 * Headers left out of the comparison, each for a reason: `authorization` is verified on its own (both tokens
 * must verify with the key; they differ by design in `sr` and `se`), the rest are transport and telemetry
 * details that say nothing about the operation (the SDK's pipeline adds `user-agent`, `x-ms-client-request-id`
 * and `x-ms-azsdk-telemetry`; lengths and connection handling belong to the HTTP client).
 */
export const IGNORED_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "user-agent",
  "x-ms-client-request-id",
  "x-ms-azsdk-telemetry",
  "content-length",
  "accept",
  "accept-encoding",
  "traceparent",
  "host",
  "connection",
]);

/** Decodes each path segment; a segment that is not valid percent-encoding is kept as it is. */
export function decodePath(rawPath: string): string {
  return rawPath
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}

/** Lowercases header names, joining repeated names the way HTTP folds them. */
export function lowercaseHeaders(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

/** Builds a {@link CapturedRequest} from a method, a full URL, header pairs and a body. */
export function captureRequest(
  method: string,
  url: string,
  headers: Iterable<readonly [string, string]>,
  body: string | Uint8Array | undefined,
): CapturedRequest {
  const q = url.indexOf("?");
  const beforeQuery = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? "" : url.slice(q + 1);
  // The path starts at the first "/" after the authority; the URL is never re-serialised, so its encoding is
  // exactly what the client wrote.
  const authorityEnd = beforeQuery.indexOf("/", beforeQuery.indexOf("//") + 2);
  const rawPath = authorityEnd === -1 ? "/" : beforeQuery.slice(authorityEnd);
  return {
    method: method.toUpperCase(),
    url,
    rawPath,
    path: decodePath(rawPath),
    query: [...new URLSearchParams(rawQuery)],
    headers: lowercaseHeaders(headers),
    body:
      body === undefined ? undefined : typeof body === "string" ? body : Buffer.from(body).toString("utf8"),
  };
}

// ---------------------------------------------------------------------------------------------------------
// XML

/** An XML element with its attributes (unordered), child elements (ordered) and text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /**
   * The element's own text: CDATA and escaped text read the same; whitespace-only text between child elements
   * is dropped, any other text is kept exactly.
   */
  readonly text: string;
}

type OrderedNode = XmlObject;

// Attributes and every text kept as written; the reader decodes character references (&#13;) as every XML
// parser does, and the parser normalises line ends (CRLF and CR to LF, XML 1.0 section 2.11), so a raw CR reads
// the way the service reads it. The declaration and processing instructions are left out; comments are nodes
// of their own, skipped below.
const xmlReader = createXmlReader({
  ordered: true,
  attributes: true,
  namespacePrefixes: true,
  trimValues: false,
});

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ":@" && k !== "#text" && k !== "#comment");
  if (name === undefined) return undefined;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries((node[":@"] as Record<string, unknown> | undefined) ?? {})) {
    attributes[k] = String(v);
  }
  const children: XmlElement[] = [];
  const texts: string[] = [];
  for (const child of (node[name] as OrderedNode[] | undefined) ?? []) {
    if ("#text" in child) texts.push(String(child["#text"]));
    else {
      const element = toElement(child);
      if (element !== undefined) children.push(element);
    }
  }
  const joined = texts.join("");
  return { name, attributes, children, text: children.length > 0 && joined.trim() === "" ? "" : joined };
}

/**
 * Parses an XML document into its root {@link XmlElement}; the declaration, processing instructions and
 * comments are not part of the tree.
 *
 * @throws {Error} when the text is not one well-formed element.
 */
export function parseXmlTree(xml: string): XmlElement {
  const nodes = xmlReader.read(xml);
  const roots = nodes.map(toElement).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`);
  return roots[0]!;
}

/** Finds the first descendant (or the element itself) with this name, depth first. */
export function findElement(root: XmlElement, name: string): XmlElement | undefined {
  if (root.name === name) return root;
  for (const child of root.children) {
    const found = findElement(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The child element names of `element`, in order. */
export function childNames(element: XmlElement): string[] {
  return element.children.map((c) => c.name);
}

const show = (value: unknown): string => (value === undefined ? "(absent)" : JSON.stringify(value));

/** Compares two XML trees: element names, attributes, text, and the ORDER of child elements. */
export function diffXml(sdk: XmlElement, nhub: XmlElement, path = ""): string[] {
  const here = `${path}/${nhub.name}`;
  if (sdk.name !== nhub.name) return [`${path}: element sdk <${sdk.name}> nhub <${nhub.name}>`];
  const out: string[] = [];
  const names = [...new Set([...Object.keys(sdk.attributes), ...Object.keys(nhub.attributes)])].sort();
  for (const name of names) {
    if (sdk.attributes[name] !== nhub.attributes[name]) {
      out.push(`${here}/@${name}: sdk ${show(sdk.attributes[name])} nhub ${show(nhub.attributes[name])}`);
    }
  }
  if (sdk.text !== nhub.text) out.push(`${here}: text sdk ${show(sdk.text)} nhub ${show(nhub.text)}`);
  const a = childNames(sdk);
  const b = childNames(nhub);
  if (a.join("\n") !== b.join("\n")) {
    const sameSet = [...a].sort().join("\n") === [...b].sort().join("\n");
    out.push(
      `${here}: ${sameSet ? "element order" : "children"} sdk [${a.join(", ")}] nhub [${b.join(", ")}]`,
    );
  }
  // Children are paired by name and occurrence, so an order difference still compares their contents.
  const seen = new Map<string, number>();
  for (const child of nhub.children) {
    const n = seen.get(child.name) ?? 0;
    seen.set(child.name, n + 1);
    const twin = sdk.children.filter((c) => c.name === child.name)[n];
    if (twin !== undefined) out.push(...diffXml(twin, child, here));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// JSON

/** Compares two JSON values; object key order does not matter, array order does. */
export function diffJson(sdk: unknown, nhub: unknown, path = "body"): string[] {
  if (Array.isArray(sdk) && Array.isArray(nhub)) {
    const out: string[] = [];
    if (sdk.length !== nhub.length) out.push(`${path}: length sdk ${sdk.length} nhub ${nhub.length}`);
    for (let i = 0; i < Math.min(sdk.length, nhub.length); i++) {
      out.push(...diffJson(sdk[i], nhub[i], `${path}[${i}]`));
    }
    return out;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(sdk) && isObject(nhub)) {
    const out: string[] = [];
    const keys = [...new Set([...Object.keys(sdk), ...Object.keys(nhub)])].sort();
    for (const key of keys) {
      if (!(key in sdk)) out.push(`${path}.${key}: sdk (absent) nhub ${show(nhub[key])}`);
      else if (!(key in nhub)) out.push(`${path}.${key}: sdk ${show(sdk[key])} nhub (absent)`);
      else out.push(...diffJson(sdk[key], nhub[key], `${path}.${key}`));
    }
    return out;
  }
  return Object.is(sdk, nhub) ? [] : [`${path}: sdk ${show(sdk)} nhub ${show(nhub)}`];
}

// ---------------------------------------------------------------------------------------------------------
// multipart

/** One part of a `multipart/*` body. */
export interface MultipartPart {
  /** Part header names lowercased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A parsed `multipart/*` body. */
export interface Multipart {
  readonly boundary: string;
  readonly parts: readonly MultipartPart[];
  /** Text before the first delimiter and after the closing one (both empty in the bodies seen so far). */
  readonly preamble: string;
  readonly epilogue: string;
}

/** The `boundary` parameter of a `multipart/*` content type, with or without quotes and spaces. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\//i.test(contentType)) return undefined;
  return /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean);
}

/**
 * Splits a multipart body (RFC 2046: CRLF before each delimiter, headers then a blank line in each part).
 *
 * @throws {Error} when the body has no closing delimiter or a part has no blank line after its headers.
 */
export function parseMultipart(body: string, boundary: string): Multipart {
  const delimiter = `--${boundary}`;
  const first = body.indexOf(delimiter);
  if (first === -1) throw new Error(`no ${delimiter} in the body`);
  const close = body.indexOf(`\r\n${delimiter}--`);
  if (close === -1) throw new Error(`no closing ${delimiter}-- in the body`);
  const preamble = body.slice(0, first);
  const epilogue = body.slice(close + delimiter.length + 4);
  const inner = body.slice(first + delimiter.length, close);
  const parts = inner.split(`\r\n${delimiter}`).map((chunk) => {
    const text = chunk.startsWith("\r\n") ? chunk.slice(2) : chunk;
    const split = text.indexOf("\r\n\r\n");
    if (split === -1) throw new Error("a part has no blank line after its headers");
    const headers = lowercaseHeaders(
      text
        .slice(0, split)
        .split("\r\n")
        .filter(Boolean)
        .map((line): [string, string] => {
          const colon = line.indexOf(":");
          return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        }),
    );
    return { headers, body: text.slice(split + 4) };
  });
  return { boundary, parts, preamble, epilogue };
}

function diffMultipart(sdk: Multipart, nhub: Multipart): string[] {
  const out: string[] = [];
  if (sdk.preamble !== nhub.preamble)
    out.push(`body preamble: sdk ${show(sdk.preamble)} nhub ${show(nhub.preamble)}`);
  if (sdk.epilogue !== nhub.epilogue)
    out.push(`body epilogue: sdk ${show(sdk.epilogue)} nhub ${show(nhub.epilogue)}`);
  if (sdk.parts.length !== nhub.parts.length) {
    out.push(`body parts: sdk ${sdk.parts.length} nhub ${nhub.parts.length}`);
  }
  for (let i = 0; i < Math.min(sdk.parts.length, nhub.parts.length); i++) {
    const a = sdk.parts[i]!;
    const b = nhub.parts[i]!;
    for (const name of [...new Set([...Object.keys(a.headers), ...Object.keys(b.headers)])].sort()) {
      if (a.headers[name] !== b.headers[name]) {
        out.push(`part ${i} header ${name}: sdk ${show(a.headers[name])} nhub ${show(b.headers[name])}`);
      }
    }
    out.push(...diffBodies(a.body, b.body).map((d) => `part ${i} ${d}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// bodies and requests

function tryJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

const looksLikeXml = (text: string): boolean =>
  text
    .replace(/^\uFEFF/, "")
    .trimStart()
    .startsWith("<");

/**
 * Compares two bodies by what they mean: JSON parsed (key order free), XML parsed (element order kept),
 * anything else byte for byte.
 */
export function diffBodies(sdk: string | undefined, nhub: string | undefined): string[] {
  const a = sdk === "" ? undefined : sdk;
  const b = nhub === "" ? undefined : nhub;
  if (a === undefined || b === undefined) {
    return a === b ? [] : [`body: sdk ${show(a)} nhub ${show(b)}`];
  }
  const ja = tryJson(a);
  const jb = tryJson(b);
  if (ja && jb) return diffJson(ja.value, jb.value);
  if (looksLikeXml(a) && looksLikeXml(b)) {
    try {
      return diffXml(parseXmlTree(a), parseXmlTree(b), "body");
    } catch {
      // Not both well-formed: fall through to a byte comparison.
    }
  }
  return a === b ? [] : [`body: sdk ${show(a)} nhub ${show(b)}`];
}

/** The boundary parameter replaced by `<boundary>`, keeping the rest of the value's syntax. */
function withoutBoundary(contentType: string): string {
  return contentType.replace(/(;\s*boundary\s*=\s*)("?)[^";\s]*\2/i, "$1$2<boundary>$2");
}

/** Options of {@link diffRequests}. */
export interface DiffOptions {
  /** More headers to leave out, lowercased, besides {@link IGNORED_HEADERS}. */
  readonly ignoreHeaders?: readonly string[];
}

/**
 * Every difference between the SDK's and nhub's request that the service could see: method, path (decoded;
 * a raw-encoding-only difference is reported as `path encoding`), query parameters as a multiset, headers
 * (minus {@link IGNORED_HEADERS}; a multipart boundary value is masked) and the body (JSON, XML or multipart
 * parsed). An empty array means the requests are equivalent.
 */
export function diffRequests(
  sdk: CapturedRequest,
  nhub: CapturedRequest,
  options: DiffOptions = {},
): string[] {
  const out: string[] = [];
  if (sdk.method !== nhub.method) out.push(`method: sdk ${sdk.method} nhub ${nhub.method}`);
  if (sdk.path !== nhub.path) out.push(`path: sdk ${sdk.path} nhub ${nhub.path}`);
  else if (sdk.rawPath !== nhub.rawPath) out.push(`path encoding: sdk ${sdk.rawPath} nhub ${nhub.rawPath}`);

  const queryNames = [...new Set([...sdk.query, ...nhub.query].map(([k]) => k))].sort();
  for (const name of queryNames) {
    const a = sdk.query.filter(([k]) => k === name).map(([, v]) => v);
    const b = nhub.query.filter(([k]) => k === name).map(([, v]) => v);
    if ([...a].sort().join("\n") !== [...b].sort().join("\n") || a.length !== b.length) {
      out.push(`query ${name}: sdk ${show(a)} nhub ${show(b)}`);
    }
  }

  const ignored = new Set([...IGNORED_HEADERS, ...(options.ignoreHeaders ?? [])]);
  const headerNames = [...new Set([...Object.keys(sdk.headers), ...Object.keys(nhub.headers)])]
    .filter((h) => !ignored.has(h))
    .sort();
  for (const name of headerNames) {
    let a = sdk.headers[name];
    let b = nhub.headers[name];
    if (name === "content-type" && a !== undefined && b !== undefined) {
      a = withoutBoundary(a);
      b = withoutBoundary(b);
    }
    if (a !== b) out.push(`header ${name}: sdk ${show(a)} nhub ${show(b)}`);
  }

  const sdkBoundary = multipartBoundary(sdk.headers["content-type"]);
  const nhubBoundary = multipartBoundary(nhub.headers["content-type"]);
  if (sdkBoundary !== undefined && nhubBoundary !== undefined) {
    out.push(
      ...diffMultipart(
        parseMultipart(sdk.body ?? "", sdkBoundary),
        parseMultipart(nhub.body ?? "", nhubBoundary),
      ),
    );
  } else {
    out.push(...diffBodies(sdk.body, nhub.body));
  }
  return out;
}
