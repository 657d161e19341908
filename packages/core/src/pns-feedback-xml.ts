/**
 * The push services' per-device reports as the hub writes them: files of `PnsFeedback` XML records (the
 * feedback container's blobs and a notification's `PnsErrorDetailsUri` blob), and the Azure Storage container
 * listing (`EnumerationResults`). fast-xml-parser is loaded on first use, so a plain send never loads this file.
 */
import { type DeviceOutcomeRecord, toPnsOutcome } from "./device-outcome";
import { NhubError } from "./errors";
import { boundServerText } from "./excerpt";
import { type XmlNode, xmlParser } from "./xml-parser";

/** The error every reader here throws for a body that is not what the service writes. */
export function unexpectedStorageBody(what: string, cause?: unknown): NhubError {
  return new NhubError(`storage answered with something other than ${what}`, "NHUB_UNEXPECTED_RESPONSE", {
    cause,
  });
}

// A DTD could declare entities; element names like these would reach Object.prototype through the parser.
const REFUSED = /<!DOCTYPE|<!ENTITY|<\s*\/?\s*(?:[\w.-]+:)?(?:__proto__|constructor|prototype)[\s/>]/i;

async function parse(xml: string, what: string): Promise<XmlNode> {
  if (REFUSED.test(xml)) throw unexpectedStorageBody(what);
  try {
    return (await xmlParser()).parse(xml);
  } catch (cause) {
    throw unexpectedStorageBody(what, cause);
  }
}

function own(node: unknown, name: string): unknown {
  return node !== null && typeof node === "object" && Object.hasOwn(node, name)
    ? (node as XmlNode)[name]
    : undefined;
}

function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === "object") {
    const t = own(node, "#text");
    return t === undefined ? "" : String(t);
  }
  return String(node);
}

/** A service time: UTC when it names no zone; digits past the millisecond are dropped by `Date`. */
function date(value: string | undefined): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const d = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// A record's start and end tags, any namespace prefix. Records never nest, so the first end tag after a start
// closes it; both are found with sticky-free forward searches, so a hostile file is read in one linear pass.
const RECORD_START = /<(?:[\w.-]+:)?PnsFeedback[\s>]/g;
const RECORD_END = /<\/(?:[\w.-]+:)?PnsFeedback\s*>/g;
// What may stand between records: whitespace, a byte-order mark and XML declarations.
const FILLER = /^(?:\s|\uFEFF|<\?xml[^?<>]*\?>)*$/;

/**
 * Where each record of a feedback file lies, as `[start, end)` offsets. Only offsets are kept, so records are
 * parsed one at a time, in either order.
 *
 * @throws {NhubError} code `NHUB_UNEXPECTED_RESPONSE` when anything but records, whitespace and XML
 * declarations is in the file, or a record is not closed.
 */
export function pnsFeedbackSpans(body: string): Array<readonly [number, number]> {
  const what = "a file of PnsFeedback records";
  const spans: Array<readonly [number, number]> = [];
  let last = 0;
  for (;;) {
    RECORD_START.lastIndex = last;
    const start = RECORD_START.exec(body);
    if (!start) break;
    if (!FILLER.test(body.slice(last, start.index))) throw unexpectedStorageBody(what);
    RECORD_END.lastIndex = start.index;
    const end = RECORD_END.exec(body);
    if (!end) throw unexpectedStorageBody(what);
    last = end.index + end[0].length;
    spans.push([start.index, last]);
  }
  if (!FILLER.test(body.slice(last))) throw unexpectedStorageBody(what);
  return spans;
}

/**
 * Reads one `PnsFeedback` record (`FeedbackTime`, `NotificationSystemError`, `Platform`, `PnsHandle`,
 * `RegistrationId`, `InstallationId`, `NotificationId`); empty elements are left out of the record.
 *
 * @throws {NhubError} code `NHUB_UNEXPECTED_RESPONSE` for a record that is not well-formed XML or has no
 * `NotificationSystemError`.
 */
export async function readPnsFeedbackRecord(
  xml: string,
  source: DeviceOutcomeRecord["source"],
): Promise<DeviceOutcomeRecord> {
  const what = "a PnsFeedback record";
  const root = own(await parse(xml, what), "PnsFeedback");
  const error = text(own(root, "NotificationSystemError"));
  if (error === undefined) throw unexpectedStorageBody(what);
  const field = (name: string): string | undefined => {
    const value = text(own(root, name));
    return value === undefined || value === "" ? undefined : value;
  };
  const out: Record<string, unknown> = {};
  const platform = field("Platform");
  if (platform !== undefined) out.platform = platform;
  const handle = field("PnsHandle");
  if (handle !== undefined) out.pnsHandle = handle;
  const registrationId = field("RegistrationId");
  if (registrationId !== undefined) out.registrationId = registrationId;
  const installationId = field("InstallationId");
  if (installationId !== undefined) out.installationId = installationId;
  const notificationId = field("NotificationId");
  if (notificationId !== undefined) out.notificationId = notificationId;
  out.outcome = toPnsOutcome(error);
  out.rawOutcome = boundServerText(error);
  const time = date(field("FeedbackTime"));
  if (time !== undefined) out.time = time;
  out.source = source;
  return Object.freeze(out) as unknown as DeviceOutcomeRecord;
}

/**
 * The records of one feedback file, parsed one at a time: in file order, or `newestFirst` (the service appends,
 * so the last record is the newest).
 */
export async function* pnsFeedbackRecords(
  body: string,
  source: DeviceOutcomeRecord["source"],
  newestFirst = false,
): AsyncGenerator<DeviceOutcomeRecord> {
  const spans = pnsFeedbackSpans(body);
  if (newestFirst) spans.reverse();
  for (const [start, end] of spans) yield await readPnsFeedbackRecord(body.slice(start, end), source);
}

/** One blob of a container listing. */
export interface StorageBlob {
  readonly name: string;
  readonly lastModified?: Date;
  readonly contentLength?: number;
}

/** One page of a container listing: its blobs and the marker of the next page, if any. */
export interface ContainerListingPage {
  readonly blobs: readonly StorageBlob[];
  readonly nextMarker?: string;
}

/**
 * Reads an Azure Storage `List Blobs` answer (`EnumerationResults` with `Blobs/Blob/Name`,
 * `Properties/Last-Modified`, `NextMarker`).
 *
 * @throws {NhubError} code `NHUB_UNEXPECTED_RESPONSE` for anything else.
 */
export async function readContainerListing(xml: string): Promise<ContainerListingPage> {
  const what = "an EnumerationResults container listing";
  const root = own(await parse(xml, what), "EnumerationResults");
  if (root === undefined || (root !== "" && (root === null || typeof root !== "object"))) {
    throw unexpectedStorageBody(what);
  }
  const list = own(own(root, "Blobs"), "Blob");
  const items = list === undefined || list === "" ? [] : Array.isArray(list) ? list : [list];
  const blobs = items.map((item): StorageBlob => {
    const name = text(own(item, "Name"));
    if (name === undefined || name === "") throw unexpectedStorageBody(what);
    const properties = own(item, "Properties");
    const modified = text(own(properties, "Last-Modified"));
    const length = Number(text(own(properties, "Content-Length")));
    const lastModified = modified === undefined ? undefined : new Date(modified);
    return Object.freeze({
      name,
      ...(lastModified !== undefined && !Number.isNaN(lastModified.getTime()) ? { lastModified } : {}),
      ...(Number.isSafeInteger(length) && length >= 0 ? { contentLength: length } : {}),
    });
  });
  const next = text(own(root, "NextMarker"));
  return { blobs, ...(next ? { nextMarker: next } : {}) };
}
