/** Option checks and bounded-concurrency helpers shared by the fleet operations (cleanup, migration, listing). */
import { AbortError, ServiceError, ValidationError } from "@nhub/core";

/** The default number of requests a fleet operation keeps in flight. */
export const DEFAULT_FLEET_CONCURRENCY = 8;
/** The most requests a fleet operation keeps in flight: more only earns 429s from the service. */
export const MAX_FLEET_CONCURRENCY = 64;

/** Checks `concurrency` (an integer from 1 to {@link MAX_FLEET_CONCURRENCY}) and applies the default. */
export function checkConcurrency(value: unknown, fallback = DEFAULT_FLEET_CONCURRENCY): number {
  if (value === undefined) return fallback;
  if (
    !(typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_FLEET_CONCURRENCY)
  ) {
    throw new ValidationError(
      "concurrency",
      "range",
      `concurrency must be an integer from 1 to ${MAX_FLEET_CONCURRENCY}`,
    );
  }
  return value;
}

/** Checks `dryRun` (a boolean) and applies the default: a fleet operation changes nothing unless told to. */
export function checkDryRun(value: unknown): boolean {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ValidationError("dryRun", "type", "dryRun must be a boolean");
  }
  return value ?? true;
}

/** Rejects with an `AbortError` when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError("the fleet operation was aborted");
}

/**
 * Runs `work` on every item with at most `concurrency` running at once, pulling the next item only when a slot
 * frees (memory stays bounded whatever the input's size). The first error `work` throws stops the others from
 * starting anything new and is rethrown; so does an abort.
 */
export async function forEachBounded<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let failed: { error: unknown } | undefined;
  let done = false;
  // Pulls are serialised: a sync iterator cannot be re-entered and an async generator queues them anyway.
  let pulling: Promise<unknown> = Promise.resolve();
  const next = (): Promise<IteratorResult<T>> => {
    const pulled = pulling.then(() => iterator.next());
    pulling = pulled.catch(() => undefined);
    return pulled;
  };
  const worker = async () => {
    while (!done && failed === undefined) {
      if (signal?.aborted) {
        failed ??= { error: new AbortError("the fleet operation was aborted") };
        return;
      }
      let step: IteratorResult<T>;
      try {
        step = await next();
      } catch (error) {
        failed ??= { error };
        return;
      }
      if (step.done) {
        done = true;
        return;
      }
      try {
        await work(step.value);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failed !== undefined) {
    await iterator.return?.();
    throw failed.error;
  }
}

/** The installation id of an `$InstallationId:{id}` system tag, or `undefined` for any other tag. */
export function installationIdOfTag(tag: string): string | undefined {
  const m = /^\$InstallationId:\{(.+)\}$/.exec(tag);
  return m ? m[1] : undefined;
}

/** The installation a registration stands for (its `$InstallationId:{id}` tag), if any. */
export function installationIdOfTags(tags: readonly string[] | undefined): string | undefined {
  for (const tag of tags ?? []) {
    const id = installationIdOfTag(tag);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** Whether an error is the service's 404. */
export function isNotFound(error: unknown): boolean {
  return ServiceError.isInstance(error) && error.statusCode === 404;
}

/** A short description of a failure for a report: the error's name and message (already redacted by core). */
export function failureText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
