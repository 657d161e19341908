/**
 * XML builders for MPNS: the Windows Phone toast and tile documents, every text escaped. The escaping and the
 * well-formedness check every payload passes come from `@nhub/xml`, shared with `@nhub/platform-wns`.
 */
import { ValidationError } from "@nhub/core";
import { escapeXml } from "@nhub/xml";

const ENVELOPE_START = '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification">';
const ENVELOPE_END = "</wp:Notification>";

function element(name: string, value: string | undefined, field: string): string {
  return value === undefined ? "" : `<wp:${name}>${escapeXml(value, field)}</wp:${name}>`;
}

/**
 * Input of {@link mpnsToastXml}.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export interface MpnsToastXmlOptions {
  /** The title, shown in bold. */
  readonly text1: string;
  /** The message, after the title. */
  readonly text2?: string;
  /** The page (and query) the app opens on a tap, e.g. `/Page2.xaml?id=1`. */
  readonly param?: string;
}

/**
 * Builds a Windows Phone toast: the `<wp:Notification xmlns:wp="WPNotification">` envelope holding `<wp:Toast>`,
 * every text escaped.
 *
 * @example
 * mpnsToastXml({ text1: "Hello", text2: "world" });
 * // <?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>Hello</wp:Text1><wp:Text2>world</wp:Text2></wp:Toast></wp:Notification>
 *
 * @throws {ValidationError} for a missing `text1` or a character XML cannot carry (rule `xml-char`).
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export function mpnsToastXml(options: MpnsToastXmlOptions): string {
  if (options === null || typeof options !== "object") {
    throw new ValidationError("options", "type", "expected { text1, text2?, param? }");
  }
  if (options.text1 === undefined) throw new ValidationError("text1", "required", "a toast needs text1");
  const body =
    element("Text1", options.text1, "text1") +
    element("Text2", options.text2, "text2") +
    element("Param", options.param, "param");
  return `${ENVELOPE_START}<wp:Toast>${body}</wp:Toast>${ENVELOPE_END}`;
}

/**
 * Input of {@link mpnsTileXml}: the Windows Phone 7.5 tile properties. Each one left out keeps its current value
 * on the phone.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export interface MpnsTileXmlOptions {
  /** The `Id` attribute: the navigation URI of the secondary tile to update; leave out for the app tile. */
  readonly id?: string;
  /** The front image URI. */
  readonly backgroundImage?: string;
  /** The front count, 0 (hidden) to 99. */
  readonly count?: number;
  /** The front title. */
  readonly title?: string;
  /** The back image URI. */
  readonly backBackgroundImage?: string;
  /** The back title. */
  readonly backTitle?: string;
  /** The back text. */
  readonly backContent?: string;
}

/** Largest count a Windows Phone tile shows. */
const MAX_TILE_COUNT = 99;

/**
 * Builds a Windows Phone tile update: the `<wp:Notification xmlns:wp="WPNotification">` envelope holding
 * `<wp:Tile>`, its properties in the order the schema gives, every text escaped.
 *
 * @example
 * mpnsTileXml({ title: "Scores", count: 3 });
 * // ...<wp:Tile><wp:Count>3</wp:Count><wp:Title>Scores</wp:Title></wp:Tile>...
 *
 * @throws {ValidationError} for no property at all, a count outside 0-99, or a character XML cannot carry.
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export function mpnsTileXml(options: MpnsTileXmlOptions): string {
  if (options === null || typeof options !== "object") {
    throw new ValidationError("options", "type", "expected an object of tile properties");
  }
  const { id, backgroundImage, count, title, backBackgroundImage, backTitle, backContent } = options;
  if (count !== undefined && !(Number.isInteger(count) && count >= 0 && count <= MAX_TILE_COUNT)) {
    throw new ValidationError(
      "count",
      "range",
      `a tile count is a whole number from 0 to ${MAX_TILE_COUNT}, not ${count}`,
    );
  }
  const body =
    element("BackgroundImage", backgroundImage, "backgroundImage") +
    element("Count", count === undefined ? undefined : String(count), "count") +
    element("Title", title, "title") +
    element("BackBackgroundImage", backBackgroundImage, "backBackgroundImage") +
    element("BackTitle", backTitle, "backTitle") +
    element("BackContent", backContent, "backContent");
  if (body === "") {
    throw new ValidationError("options", "required", "a tile update needs at least one property to change");
  }
  const idAttribute = id === undefined ? "" : ` Id="${escapeXml(id, "id")}"`;
  return `${ENVELOPE_START}<wp:Tile${idAttribute}>${body}</wp:Tile>${ENVELOPE_END}`;
}
