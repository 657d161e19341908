/**
 * The hub's feedback container read as {@link DeviceOutcomeRecord}s: Azure Storage REST over core's transports
 * (`List Blobs`, then `Get Blob` per file), no storage SDK.
 */
import type { DeviceOutcomeRecord } from "./device-outcome";
import { ValidationError } from "./errors";
import { getFeedbackContainerUrl } from "./feedback";
import type { HubClient } from "./hub-request";
import { openStorageSession, parseStorageUrl, type StorageReadOptions, storageGet } from "./storage-read";

/** Options of {@link readFeedback}. */
export interface ReadFeedbackOptions extends StorageReadOptions {
  /** Only records from this time on (`FeedbackTime` at or after it); files last written before it are not read. */
  readonly since?: Date;
  /**
   * The container URL to read, when you have it already (`getFeedbackContainerUrl`); default: asked of the hub.
   */
  readonly containerUrl?: string;
}

/** The most blobs a listing may name: the names are held to sort them newest first. */
export const MAX_FEEDBACK_BLOBS = 100_000;

// Query keys of a List Blobs call; a container URL that already has them (the emulator's does) gets ours instead.
const LISTING_KEYS = ["restype", "comp", "marker", "maxresults", "prefix"];

/**
 * Streams the hub's push service feedback (`GET feedbackcontainer`, then the container's files), newest first:
 * files by their last-modified time, newest first, and each file's records from its end (the service appends).
 * Each record has source `feedback`. With `since`, files last written before it are skipped and older records
 * left out. Files are fetched one at a time as the iteration reaches them, each a plain GET of the container's
 * SAS URL (no hub token) bounded by `maxResponseBytes` (default 8 MiB, so at most that much of a file is held),
 * and parsed one record at a time; only the listing (names and dates) is held whole, to sort it.
 *
 * @throws {ValidationError} for a bad `since` or option, or a container URL that is not https (http only to
 * loopback).
 * @throws {ServiceError} when the hub or storage refuses (the feedback container is a Standard tier feature).
 * @throws {NhubError} code `NHUB_UNEXPECTED_RESPONSE` for a listing or file that is not what the service writes.
 * @example
 * for await (const record of readFeedback(hub, { since: new Date(Date.now() - 86_400_000) })) {
 *   if (isDeadHandle(record)) await removeDevice(record.pnsHandle);
 * }
 */
export async function* readFeedback(
  hub: Pick<HubClient, "request">,
  options: ReadFeedbackOptions = {},
): AsyncGenerator<DeviceOutcomeRecord> {
  const { since } = options;
  if (since !== undefined && (!(since instanceof Date) || Number.isNaN(since.getTime()))) {
    throw new ValidationError("since", "date", "since must be a valid Date");
  }
  const session = openStorageSession(options);
  try {
    const containerUrl =
      options.containerUrl ??
      (await getFeedbackContainerUrl(hub, { signal: session.signal, timeoutMs: session.timeoutMs }));
    const container = parseStorageUrl(containerUrl, "containerUrl");
    const sas = new URLSearchParams(container.search);
    for (const key of LISTING_KEYS) sas.delete(key);
    const base = container.pathname.replace(/\/+$/, "");
    const { readContainerListing, pnsFeedbackRecords } = await import("./pns-feedback-xml");

    const blobs: Array<{ name: string; modified: number }> = [];
    let marker: string | undefined;
    do {
      const query = new URLSearchParams(sas);
      query.set("restype", "container");
      query.set("comp", "list");
      if (marker !== undefined) query.set("marker", marker);
      const page = await readContainerListing(
        await storageGet(session, new URL(`${container.origin}${base}?${query}`)),
      );
      for (const blob of page.blobs) {
        const modified = blob.lastModified?.getTime() ?? Number.POSITIVE_INFINITY;
        if (since === undefined || modified >= since.getTime()) blobs.push({ name: blob.name, modified });
      }
      if (blobs.length > MAX_FEEDBACK_BLOBS) {
        throw new ValidationError(
          "containerUrl",
          "blob-count",
          `the feedback container lists more than ${MAX_FEEDBACK_BLOBS} files since the given time; pass a later since`,
        );
      }
      // A marker equal to the last one would page forever.
      marker = page.nextMarker !== undefined && page.nextMarker !== marker ? page.nextMarker : undefined;
    } while (marker !== undefined);

    // Newest first; blobs without a date (none from the service) first, names breaking ties.
    blobs.sort((a, b) => b.modified - a.modified || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const blob of blobs) {
      const path = blob.name.split("/").map(encodeURIComponent).join("/");
      const body = await storageGet(session, new URL(`${container.origin}${base}/${path}?${sas}`));
      for await (const record of pnsFeedbackRecords(body, "feedback", true)) {
        if (since === undefined || record.time === undefined || record.time.getTime() >= since.getTime()) {
          yield record;
        }
      }
    }
  } finally {
    await session.close();
  }
}
