/**
 * Listing installations. The service has no list endpoint for installations; it does show every installation
 * in the registrations feed, as registrations tagged `$InstallationId:{id}`. Paging that feed and reading each
 * installation once is the one way that works.
 */
import type { NotificationHub } from "@nhub/core";
import { checkConcurrency, forEachBounded, installationIdOfTags, isNotFound } from "./fleet-pool";
import { getInstallation, type Installation } from "./installation";
import { type OperationOptions, requestOptions } from "./operation-options";
import { checkTop } from "./registration-pages";
import { listRegistrations } from "./registrations";

/** Options of {@link listInstallations}. */
export interface ListInstallationsOptions extends OperationOptions {
  /** Registrations per feed page (`$top`, at most 100, the service's page size). Default 100. */
  readonly top?: number;
  /** How many installation reads of one page run at once. Default 4. */
  readonly concurrency?: number;
}

/**
 * Every installation of the hub, as an async iterable: pages through `GET /registrations` (one request per page
 * of up to 100 registrations), keeps the ids of the `$InstallationId:{id}` tags it has not seen, and reads each
 * installation once (`GET /installations/{id}`), yielding them in feed order. An installation deleted between
 * the two reads (404) is left out. Nothing is requested until you iterate.
 *
 * Cost: one feed page per 100 registrations (of every kind, not only installations' ones) plus one GET per
 * installation; memory: one id per installation seen, to de-duplicate (an installation with templates shows as
 * several registrations, possibly on different pages).
 *
 * @example
 * for await (const installation of listInstallations(hub)) console.log(installation.installationId);
 */
export function listInstallations(
  hub: NotificationHub,
  options: ListInstallationsOptions = {},
): AsyncIterable<Installation> {
  const top = checkTop(options.top ?? 100);
  const concurrency = checkConcurrency(options.concurrency, 4);
  const perRequest = requestOptions(options);
  return {
    async *[Symbol.asyncIterator]() {
      const seen = new Set<string>();
      const pages = listRegistrations(hub, { ...perRequest, ...(top === undefined ? {} : { top }) }).byPage();
      for await (const page of pages) {
        const ids: string[] = [];
        for (const registration of page.registrations) {
          const id = installationIdOfTags(registration.tags);
          if (id === undefined || seen.has(id)) continue;
          seen.add(id);
          ids.push(id);
        }
        const found = new Array<Installation | undefined>(ids.length);
        await forEachBounded(ids.entries(), concurrency, options.signal, async ([i, id]) => {
          try {
            found[i] = await getInstallation(hub, id, perRequest);
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        });
        for (const installation of found) if (installation !== undefined) yield installation;
      }
    },
  };
}
