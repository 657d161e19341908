/**
 * Paging through registration feeds: each page is one GET with `$top`; the service hands the next page's token
 * in the `x-ms-continuationtoken` response header and takes it back as the `continuationtoken` query parameter.
 */
import { type NotificationHub, ValidationError } from "@nhub/core";
import { unexpectedResponse } from "./atom-xml";
import { type OperationOptions, requestOptions } from "./operation-options";
import type { RegistrationDescription } from "./registration-types";
import { parseRegistrationFeed } from "./registration-xml";

/** The response header holding the next page's token. */
export const CONTINUATION_TOKEN_HEADER = "x-ms-continuationtoken";
/** The query parameter that asks for the page a token names. */
export const CONTINUATION_TOKEN_QUERY = "continuationtoken";

/** Options of the list operations. */
export interface ListRegistrationsOptions extends OperationOptions {
  /** Page size, sent as `$top`; the service picks its own when absent (and may cap it). */
  readonly top?: number;
}

/** Options of {@link listRegistrations}: a raw OData `$filter` besides the page size. */
export interface ListAllRegistrationsOptions extends ListRegistrationsOptions {
  /** An OData filter such as `DeviceToken eq 'ABCD'`, sent as `$filter`. */
  readonly filter?: string;
}

/** One page of registrations. */
export interface RegistrationPage {
  readonly registrations: readonly RegistrationDescription[];
  /** The token of the next page; absent on the last page. */
  readonly continuationToken?: string;
}

/** Where to start paging. */
export interface PageSettings {
  /** Resume from a page's {@link RegistrationPage.continuationToken}. */
  readonly continuationToken?: string;
}

/**
 * Registrations, fetched lazily page by page as you iterate: `for await (const r of pages)` for each one, or
 * `pages.byPage()` for whole pages with their continuation tokens. Nothing is requested until iteration starts;
 * each iteration starts over from the first page (or from `settings.continuationToken`).
 */
export interface RegistrationPages extends AsyncIterable<RegistrationDescription> {
  /** Iterates whole pages. */
  byPage(settings?: PageSettings): AsyncIterableIterator<RegistrationPage>;
}

/** Checks a page size: a positive integer. */
export function checkTop(top: unknown): number | undefined {
  if (top === undefined) return undefined;
  if (typeof top !== "number" || !Number.isInteger(top) || top < 1) {
    throw new ValidationError("top", "positive-integer", "top must be a positive integer (the page size)");
  }
  return top;
}

/**
 * Pages through the registration feed at `path` below the hub.
 *
 * @param query extra query parameters of every page, e.g. `$filter`.
 */
export function pagedRegistrations(
  hub: NotificationHub,
  path: string,
  query: Readonly<Record<string, string | undefined>>,
  options: ListRegistrationsOptions = {},
): RegistrationPages {
  const top = checkTop(options.top);
  const perRequest = requestOptions(options);
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<RegistrationPage> {
    let token = settings.continuationToken;
    const seen = new Set<string>();
    for (;;) {
      const res = await hub.request({
        operation: "listRegistrations",
        method: "GET",
        path,
        query: {
          ...(top === undefined ? {} : { $top: String(top) }),
          ...query,
          ...(token === undefined ? {} : { [CONTINUATION_TOKEN_QUERY]: token }),
        },
        ...perRequest,
      });
      const registrations = await parseRegistrationFeed(res.body);
      const next = res.headers[CONTINUATION_TOKEN_HEADER] || undefined;
      yield next === undefined ? { registrations } : { registrations, continuationToken: next };
      if (next === undefined) return;
      // A token the service already gave would loop forever.
      if (seen.has(next)) throw unexpectedResponse(`the continuation token ${next} came back twice`);
      seen.add(next);
      token = next;
    }
  }
  return {
    byPage: pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.registrations;
    },
  };
}
