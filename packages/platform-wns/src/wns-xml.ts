/**
 * XML builders for WNS: toast, tile and badge documents, every text and attribute escaped. The escaping and the
 * well-formedness check come from `@nhub/xml`.
 */
import { quoteExcerpt, ValidationError } from "@nhub/core";
import { escapeXml } from "@nhub/xml";

/** An image: its URI, or its URI and alternative text. */
export type WnsImage = string | { readonly src: string; readonly alt?: string };

/** Legacy toast templates (Windows 8) and the adaptive `ToastGeneric` (Windows 10 and later). */
export type ToastTemplate =
  | "ToastGeneric"
  | "ToastText01"
  | "ToastText02"
  | "ToastText03"
  | "ToastText04"
  | "ToastImageAndText01"
  | "ToastImageAndText02"
  | "ToastImageAndText03"
  | "ToastImageAndText04";

// How many text lines each template shows; a template with an image slot takes `image`.
const TOAST_TEMPLATES: Readonly<Record<ToastTemplate, { readonly texts: number; readonly image: boolean }>> =
  {
    ToastGeneric: { texts: 3, image: true },
    ToastText01: { texts: 1, image: false },
    ToastText02: { texts: 2, image: false },
    ToastText03: { texts: 2, image: false },
    ToastText04: { texts: 3, image: false },
    ToastImageAndText01: { texts: 1, image: true },
    ToastImageAndText02: { texts: 2, image: true },
    ToastImageAndText03: { texts: 2, image: true },
    ToastImageAndText04: { texts: 3, image: true },
  };

/** The sound of a toast: a sound URI such as `ms-winsoundevent:Notification.Default`, or its settings. */
export type ToastAudio =
  | string
  | { readonly src?: string; readonly loop?: boolean; readonly silent?: boolean };

/** Input of {@link toastXml}. */
export interface ToastXmlOptions {
  /** Default `ToastGeneric`. */
  readonly template?: ToastTemplate;
  /** The text lines, at least one; at most as many as the template shows (3 for `ToastGeneric`). */
  readonly texts: readonly string[];
  /** Arguments handed to the app when the user taps the toast (the `launch` attribute). */
  readonly launch?: string;
  /** An image, for `ToastGeneric` and the `ToastImageAndText*` templates. */
  readonly image?: WnsImage;
  /** The sound to play. */
  readonly audio?: ToastAudio;
}

function attribute(name: string, value: string, field: string): string {
  return ` ${name}="${escapeXml(value, field)}"`;
}

function imageXml(image: WnsImage, field: string, id: string | undefined): string {
  const { src, alt } = typeof image === "string" ? { src: image, alt: undefined } : image;
  const srcField = typeof image === "string" ? field : `${field}.src`;
  if (typeof src !== "string" || src === "") {
    throw new ValidationError(srcField, "required", "an image needs a src URI");
  }
  const idAttribute = id === undefined ? "" : ` id="${id}"`;
  const altAttribute = alt === undefined ? "" : attribute("alt", alt, `${field}.alt`);
  return `<image${idAttribute}${attribute("src", src, srcField)}${altAttribute}/>`;
}

function textsXml(texts: readonly string[], field: string, withIds: boolean): string {
  return texts
    .map((text, i) => `<text${withIds ? ` id="${i + 1}"` : ""}>${escapeXml(text, `${field}.${i}`)}</text>`)
    .join("");
}

function assertTexts(texts: unknown, max: number, what: string): asserts texts is readonly string[] {
  if (!Array.isArray(texts) || texts.length === 0) {
    throw new ValidationError("texts", "required", "give at least one text line");
  }
  if (texts.length > max) {
    throw new ValidationError(
      "texts",
      "max-items",
      `${what} shows at most ${max} text lines; ${texts.length} were given`,
    );
  }
}

/**
 * Builds toast XML with every text and attribute escaped. Legacy templates number their texts
 * (`<text id="1">`) as Windows 8 requires; `ToastGeneric` does not.
 *
 * @example
 * toastXml({ template: "ToastText01", texts: ["Hello world!"] });
 * // <toast><visual><binding template="ToastText01"><text id="1">Hello world!</text></binding></visual></toast>
 *
 * @throws {ValidationError} for no texts or too many, an image on a text-only template, or a character XML
 * cannot carry (rule `xml-char`).
 */
export function toastXml(options: ToastXmlOptions): string {
  const template = options.template ?? "ToastGeneric";
  const shape = Object.hasOwn(TOAST_TEMPLATES, template) ? TOAST_TEMPLATES[template] : undefined;
  if (shape === undefined) {
    throw new ValidationError(
      "template",
      "enum",
      `${quoteExcerpt(String(template))} is not a toast template; use one of ${Object.keys(TOAST_TEMPLATES).join(", ")}`,
    );
  }
  assertTexts(options.texts, shape.texts, template);
  const legacy = template !== "ToastGeneric";
  let binding = "";
  if (options.image !== undefined) {
    if (!shape.image) {
      throw new ValidationError(
        "image",
        "template",
        `${template} has no image; use ToastGeneric or ToastImageAndText01-04`,
      );
    }
    if (legacy) binding += imageXml(options.image, "image", "1");
  }
  binding += textsXml(options.texts, "texts", legacy);
  if (options.image !== undefined && !legacy) binding += imageXml(options.image, "image", undefined);
  const launch = options.launch === undefined ? "" : attribute("launch", options.launch, "launch");
  const audio = options.audio === undefined ? "" : audioXml(options.audio);
  return `<toast${launch}><visual><binding template="${template}">${binding}</binding></visual>${audio}</toast>`;
}

function audioXml(audio: ToastAudio): string {
  const settings = typeof audio === "string" ? { src: audio } : audio;
  let xml = "<audio";
  if (settings.src !== undefined) {
    xml += attribute("src", settings.src, typeof audio === "string" ? "audio" : "audio.src");
  }
  if (settings.loop !== undefined) xml += ` loop="${settings.loop === true}"`;
  if (settings.silent !== undefined) xml += ` silent="${settings.silent === true}"`;
  return `${xml}/>`;
}

/** The adaptive tile sizes (Windows 10 and later). */
export type TileTemplate = "TileSmall" | "TileMedium" | "TileWide" | "TileLarge";

const TILE_TEMPLATES: readonly string[] = ["TileSmall", "TileMedium", "TileWide", "TileLarge"];

/** What a tile shows at one size. */
export interface TileBinding {
  readonly template: TileTemplate;
  /** Text lines, top to bottom. */
  readonly texts?: readonly string[];
  /** An image shown inline with the text. */
  readonly image?: WnsImage;
}

/** Input of {@link tileXml}. */
export interface TileXmlOptions {
  /** One binding per tile size to update, at least one. */
  readonly bindings: readonly TileBinding[];
}

/**
 * Builds adaptive tile XML (one `<binding>` per size) with every text and attribute escaped.
 *
 * @example
 * tileXml({ bindings: [{ template: "TileMedium", texts: ["3 new messages"] }] });
 * // <tile><visual><binding template="TileMedium"><text>3 new messages</text></binding></visual></tile>
 *
 * @throws {ValidationError} for no bindings, an unknown template or a character XML cannot carry.
 */
export function tileXml(options: TileXmlOptions): string {
  const { bindings } = options;
  if (!Array.isArray(bindings) || bindings.length === 0) {
    throw new ValidationError("bindings", "required", "give at least one binding (one per tile size)");
  }
  const xml = bindings.map((b: TileBinding, i) => {
    const field = `bindings.${i}`;
    if (b === null || typeof b !== "object") {
      throw new ValidationError(
        field,
        "type",
        'a binding is an object such as { template: "TileMedium", texts: [...] }',
      );
    }
    if (!TILE_TEMPLATES.includes(b.template)) {
      throw new ValidationError(
        `${field}.template`,
        "enum",
        `${quoteExcerpt(String(b.template))} is not a tile template; use one of ${TILE_TEMPLATES.join(", ")}`,
      );
    }
    if (b.texts !== undefined && !Array.isArray(b.texts)) {
      throw new ValidationError(`${field}.texts`, "type", "texts is an array of strings");
    }
    const texts = b.texts === undefined ? "" : textsXml(b.texts, `${field}.texts`, false);
    const image = b.image === undefined ? "" : imageXml(b.image, `${field}.image`, undefined);
    return `<binding template="${b.template}">${texts}${image}</binding>`;
  });
  return `<tile><visual>${xml.join("")}</visual></tile>`;
}

/** The badge glyphs Windows shows instead of a number. */
export const BADGE_GLYPHS = [
  "none",
  "activity",
  "alarm",
  "alert",
  "attention",
  "available",
  "away",
  "busy",
  "error",
  "newMessage",
  "paused",
  "playing",
  "unavailable",
] as const;

/** A badge glyph name. */
export type BadgeGlyph = (typeof BADGE_GLYPHS)[number];

/**
 * Builds badge XML: a count (0 clears the badge; Windows shows "99+" above 99) or a glyph.
 *
 * @example
 * badgeXml(3); // <badge value="3"/>
 * badgeXml("newMessage"); // <badge value="newMessage"/>
 *
 * @throws {ValidationError} for a negative or fractional count or an unknown glyph.
 */
export function badgeXml(value: number | BadgeGlyph): string {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ValidationError("value", "count", `a badge count is a whole number from 0 up, not ${value}`);
    }
  } else if (!(BADGE_GLYPHS as readonly string[]).includes(value)) {
    throw new ValidationError(
      "value",
      "enum",
      `${quoteExcerpt(String(value))} is not a badge glyph; use a number or one of ${BADGE_GLYPHS.join(", ")}`,
    );
  }
  return `<badge value="${value}"/>`;
}
