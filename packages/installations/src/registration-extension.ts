/**
 * Elements of a registration description that nhub does not model. A read keeps each one as the exact text the
 * service sent, with the known element it followed, and a write puts it back in the same place, so an update
 * never drops what a get returned.
 */
import { describeValue, ValidationError } from "@nhub/core";
import { assertWellFormedXml } from "@nhub/xml";

/** One element of a registration description that nhub does not model, kept as the service sent it. */
export interface RegistrationExtensionElement {
  /** The element's XML exactly as it appeared in the description, e.g. `<NewField>1</NewField>`. */
  readonly xml: string;
  /**
   * The known element it followed in the description (e.g. `Tags`); absent when it came first. A write places
   * it right after that element's position in the description's order, whether or not that element is written.
   */
  readonly after?: string;
}

/** A direct child element of a description: its local name and its exact text. */
export interface RawChild {
  readonly name: string;
  readonly xml: string;
}

const localName = (name: string) => name.slice(name.indexOf(":") + 1);
const isDescription = (name: string) => localName(name).endsWith("RegistrationDescription");

/**
 * The direct child elements of every registration description in a document, one list per description in
 * document order, each child as its exact text. Expects a document the XML parser already accepted.
 */
export function descriptionChildren(xml: string): RawChild[][] {
  const out: RawChild[][] = [];
  const stack: string[] = [];
  let current: { depth: number; children: RawChild[] } | undefined;
  let childStart = -1;
  let childName = "";
  let i = 0;
  const skipTo = (from: number, end: string) => {
    const at = xml.indexOf(end, from);
    return at < 0 ? xml.length : at + end.length;
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) break;
    if (xml.startsWith("<!--", lt)) i = skipTo(lt + 4, "-->");
    else if (xml.startsWith("<![CDATA[", lt)) i = skipTo(lt + 9, "]]>");
    else if (xml.startsWith("<?", lt)) i = skipTo(lt + 2, "?>");
    else if (xml.startsWith("<!", lt)) i = skipTo(lt + 2, ">");
    else if (xml[lt + 1] === "/") {
      const gt = skipTo(lt, ">");
      stack.pop();
      if (current !== undefined && stack.length === current.depth + 1 && childStart >= 0) {
        current.children.push({ name: childName, xml: xml.slice(childStart, gt) });
        childStart = -1;
      } else if (current !== undefined && stack.length === current.depth) {
        out.push(current.children);
        current = undefined;
      }
      i = gt;
    } else {
      // A start tag ends at the first ">" outside a quoted attribute value.
      let j = lt + 1;
      let quote = "";
      for (; j < xml.length; j++) {
        const c = xml[j];
        if (quote !== "") {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === ">") break;
      }
      const name = /^[^\s/>]+/.exec(xml.slice(lt + 1, j))?.[0] ?? "";
      const selfClosing = xml[j - 1] === "/";
      if (current !== undefined && stack.length === current.depth + 1) {
        if (selfClosing) current.children.push({ name: localName(name), xml: xml.slice(lt, j + 1) });
        else {
          childStart = lt;
          childName = localName(name);
        }
      }
      if (selfClosing) {
        if (current === undefined && isDescription(name)) out.push([]);
      } else {
        if (current === undefined && isDescription(name)) current = { depth: stack.length, children: [] };
        stack.push(name);
      }
      i = j + 1;
    }
  }
  return out;
}

/** The children of a description whose names are not in `order`, each with the known element it followed. */
export function extensionElementsOf(
  children: readonly RawChild[],
  order: readonly string[],
): RegistrationExtensionElement[] {
  const known = new Set(order);
  const out: RegistrationExtensionElement[] = [];
  let after: string | undefined;
  for (const child of children) {
    if (known.has(child.name)) after = child.name;
    else out.push(after === undefined ? { xml: child.xml } : { xml: child.xml, after });
  }
  return out;
}

/**
 * Checks extension elements before they are written and returns copies: each is one well-formed element whose
 * name is none of the kind's known elements (those are written from their own fields).
 */
export function checkExtensionElements(
  value: unknown,
  order: readonly string[],
): RegistrationExtensionElement[] {
  if (!Array.isArray(value)) {
    throw new ValidationError(
      "extensionElements",
      "type",
      `extensionElements must be an array, not ${describeValue(value)}`,
    );
  }
  const known = new Set(order);
  return value.map((element: unknown, i) => {
    const field = `extensionElements.${i}`;
    const item = (element ?? {}) as Record<string, unknown>;
    const xml = item["xml"];
    if (typeof xml !== "string" || !/^<[A-Za-z_]/.test(xml) || !xml.endsWith(">")) {
      throw new ValidationError(`${field}.xml`, "element", `${field}.xml must be one XML element`);
    }
    const outline = assertWellFormedXml(xml, `${field}.xml`);
    const name = localName(outline.root);
    if (known.has(name)) {
      throw new ValidationError(
        `${field}.xml`,
        "known-element",
        `<${name}> is an element nhub writes from its own field`,
      );
    }
    const after = item["after"];
    if (after !== undefined && typeof after !== "string") {
      throw new ValidationError(`${field}.after`, "type", `${field}.after must be an element name`);
    }
    return after === undefined ? { xml } : { xml, after };
  });
}

/**
 * Writes known elements and extension elements together: `written` maps each element of `order` to its XML
 * (empty when not written); an extension element goes right after the slot of the element it followed, those
 * that came first go first, and any whose `after` is not in `order` go last.
 */
export function interleave(
  order: readonly string[],
  written: ReadonlyMap<string, string>,
  extensions: readonly RegistrationExtensionElement[],
): string {
  const slots = new Set(order);
  const at = (after: string | undefined) =>
    extensions
      .filter((e) => e.after === after)
      .map((e) => e.xml)
      .join("");
  let xml = at(undefined);
  for (const name of order) xml += (written.get(name) ?? "") + at(name);
  return (
    xml +
    extensions
      .filter((e) => e.after !== undefined && !slots.has(e.after))
      .map((e) => e.xml)
      .join("")
  );
}
