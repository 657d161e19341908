/**
 * The engine behind `streamDirectBatch` and `sendEach`: reads a source (sync or async) unit by unit, keeps at most
 * `concurrency` units in flight, and hands back their results as they settle. The source is read only when a slot
 * is free and the consumer has taken every result so far, so memory stays flat however long the source is.
 */
import { AbortError, NhubError, ValidationError } from "./errors";

/** A source of values: an array, a `Set`, a generator, an async generator, a stream... */
export type BulkSource<T> = Iterable<T> | AsyncIterable<T>;

/** The results of a streaming bulk send, as they settle, with a {@link summary} once the source is spent. */
export interface BulkStream<R, S> extends AsyncIterable<R> {
  /**
   * The totals, once the stream has ended. Awaiting it without iterating sends everything and keeps only the
   * totals. Rejects when the stream does: the source threw, or yielded a value that is not a string.
   */
  readonly summary: Promise<S>;
}

/** What the engine reads next: results known without sending, and at most one request to start. */
export interface BulkUnit<R> {
  /** Results settled without a request (bad input). */
  readonly ready: readonly R[];
  /** Starts the unit's request; resolves with its result, never rejects. */
  readonly start?: (signal: AbortSignal) => Promise<R>;
  /** The result of the unit when it is not started (the stream stopped or was aborted while it was read). */
  readonly unsent?: (error: NhubError) => R;
}

/** How the engine runs. */
export interface BulkRun<R> {
  /**
   * Reads the next unit, `undefined` when the source is spent; rejects when the source does. `halted` resolves
   * when the stream stops or aborts: the reader then returns at once with what it has read (see {@link nextValue}).
   */
  readonly read: (halted: Promise<void>) => Promise<BulkUnit<R> | undefined>;
  /** Closes the source early (its `return`), when the stream ends before the source is spent. */
  readonly close: () => void;
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
  readonly stopOnError: boolean;
  readonly failed: (result: R) => boolean;
  /** Called once per result, just before it is handed to the consumer (so counts match what was seen). */
  readonly settled: (result: R) => void;
}

/** How the engine ended, for the summary. */
export interface BulkEnd {
  /** Whether the whole source was read. */
  complete: boolean;
  aborted: boolean;
  stopped: boolean;
}

/** {@link nextValue}'s answer when the stream halted before the source gave a value. */
export const HALTED: unique symbol = Symbol("halted");

/** Whether a stream has halted, and the one read waiting on it. */
interface HaltGate {
  halted: boolean;
  waiter: ((value: typeof HALTED) => void) | undefined;
}

const gates = new WeakMap<Promise<void>, HaltGate>();

/**
 * The gate of a stream's `halted` promise, made on first use. Reads wait on it through one slot rather than a
 * `Promise.race` with `halted` each: every race leaves a reaction on the long-lived `halted` promise, which kept
 * each value read alive until the stream ended (memory grew with the source's length).
 */
function gateOf(halted: Promise<void>): HaltGate {
  let gate = gates.get(halted);
  if (gate === undefined) {
    const made: HaltGate = { halted: false, waiter: undefined };
    halted.then(() => {
      made.halted = true;
      const waiter = made.waiter;
      made.waiter = undefined;
      waiter?.(HALTED);
    });
    gates.set(halted, made);
    gate = made;
  }
  return gate;
}

/** The source's next value, or {@link HALTED} when `halted` comes first (a source may take forever). */
export function nextValue<T>(
  iterator: AsyncIterator<T> | Iterator<T>,
  halted: Promise<void>,
): IteratorResult<T> | Promise<IteratorResult<T> | typeof HALTED> {
  const next = iterator.next();
  if (!("then" in next)) return next;
  const gate = gateOf(halted);
  if (gate.halted) {
    next.then(undefined, () => {});
    return Promise.resolve(HALTED);
  }
  return new Promise<IteratorResult<T> | typeof HALTED>((resolve, reject) => {
    gate.waiter = resolve;
    next.then(
      (value) => {
        if (gate.waiter === resolve) gate.waiter = undefined;
        resolve(value);
      },
      (error: unknown) => {
        if (gate.waiter === resolve) gate.waiter = undefined;
        reject(error);
      },
    );
  });
}

const unsentErrors = new WeakSet<NhubError>();

/** The error of a unit the engine never started; see {@link isUnsentError}. */
function unsentError(message: string): AbortError {
  const error = new AbortError(message);
  unsentErrors.add(error);
  return error;
}

/** Whether `error` marks a unit the engine never started (no request was made for it). */
export function isUnsentError(error: NhubError): boolean {
  return unsentErrors.has(error);
}

/** An iterator over a sync or async source, read one value at a time. */
export function openSource<T>(source: BulkSource<T>, field: string): AsyncIterator<T> | Iterator<T> {
  if (source !== null && typeof source === "object") {
    if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
    if (Symbol.iterator in source) return source[Symbol.iterator]();
  }
  throw new ValidationError(field, "type", `${field} must be an Iterable or an AsyncIterable`);
}

/** Closes an iterator without waiting: an async generator busy in `await` finishes that first, maybe never. */
export function closeSource(iterator: AsyncIterator<unknown> | Iterator<unknown>): void {
  try {
    const closing = iterator.return?.();
    if (closing !== undefined && "then" in closing) closing.then(undefined, () => {});
  } catch {
    // A source that fails while closing has nothing more to tell the stream.
  }
}

/** Any rejection as an {@link NhubError}, so every failed result carries one. */
export function toNhubError(error: unknown): NhubError {
  return NhubError.isInstance(error) ? error : new NhubError(String(error), "NHUB_ERROR", { cause: error });
}

/**
 * Runs the engine. Yields each result as it settles; in-flight requests are aborted when `signal` aborts or the
 * consumer stops iterating; with `stopOnError`, a failure stops the reading and lets the requests in flight finish.
 */
export async function* runBulk<R>(run: BulkRun<R>, end: BulkEnd): AsyncGenerator<R, void, undefined> {
  const { signal, concurrency } = run;
  const inFlight = new AbortController();
  const abortInFlight = () => inFlight.abort(signal?.reason);
  signal?.addEventListener("abort", abortInFlight, { once: true });
  let halt!: () => void;
  const halted = new Promise<void>((resolve) => {
    halt = resolve;
  });
  signal?.addEventListener("abort", halt, { once: true });
  if (signal?.aborted) halt();
  const done: R[] = [];
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  let reading: Promise<{ unit: BulkUnit<R> | undefined } | { error: unknown }> | undefined;
  let sourceDone = false;
  let sourceError: { error: unknown } | undefined;
  const settle = (result: R) => {
    if (run.stopOnError && run.failed(result)) {
      end.stopped = true;
      halt();
    }
    done.push(result);
  };
  try {
    for (;;) {
      while (done.length > 0) {
        const result = done.shift()!;
        // Here rather than where it settles, so a throwing callback ends the stream through its consumer.
        run.settled(result);
        yield result;
      }
      if (signal?.aborted) end.aborted = true;
      if (
        reading !== undefined ||
        (!sourceDone && !end.aborted && !end.stopped && running.size < concurrency)
      ) {
        reading ??= run.read(halted).then(
          (unit) => ({ unit }),
          (error: unknown) => ({ error }),
        );
        // A result that settles while the source is slow is handed over at once, not after the next read.
        const woken = new Promise<undefined>((resolve) => {
          wake = () => resolve(undefined);
        });
        const got = await Promise.race([reading, woken]);
        wake = undefined;
        if (got === undefined) continue;
        reading = undefined;
        if ("error" in got) {
          sourceDone = true;
          sourceError = got;
          continue;
        }
        const unit = got.unit;
        if (unit === undefined) {
          sourceDone = true;
          continue;
        }
        for (const r of unit.ready) settle(r);
        const { start, unsent } = unit;
        if (start === undefined || unsent === undefined) continue;
        if (signal?.aborted) {
          settle(unsent(new AbortError("not sent: the stream was aborted")));
        } else if (end.stopped) {
          settle(unsent(unsentError("not sent: the stream stopped after a failure (stopOnError)")));
        } else {
          const p: Promise<void> = start(inFlight.signal).then((r) => {
            running.delete(p);
            settle(r);
            wake?.();
          });
          running.add(p);
        }
        continue;
      }
      if (running.size === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    if (signal?.aborted) end.aborted = true;
    end.complete = sourceDone && sourceError === undefined;
    if (sourceError !== undefined) throw sourceError.error;
  } finally {
    signal?.removeEventListener("abort", abortInFlight);
    signal?.removeEventListener("abort", halt);
    halt();
    if (running.size > 0) {
      // The consumer left the loop early: nothing it will not read is left running.
      inFlight.abort(new AbortError("the stream was closed"));
      await Promise.allSettled(running);
    }
    if (!sourceDone) run.close();
  }
}

/** The stream object: iterate it once, or await its summary. */
export function bulkStream<R, S>(
  generator: AsyncGenerator<R, void, undefined>,
  summary: () => S,
): BulkStream<R, S> {
  let iterated = false;
  let result: Promise<S> | undefined;
  let resolveSummary!: (s: S) => void;
  let rejectSummary!: (e: unknown) => void;
  const finished = new Promise<S>((resolve, reject) => {
    resolveSummary = resolve;
    rejectSummary = reject;
  });
  // Nobody may ever await the summary; its rejection must not surface as an unhandled one.
  finished.then(undefined, () => {});
  const wrapped = (async function* () {
    try {
      yield* generator;
      resolveSummary(summary());
    } catch (error) {
      rejectSummary(error);
      throw error;
    } finally {
      // An early `break` lands here without either of the above.
      resolveSummary(summary());
    }
  })();
  return {
    [Symbol.asyncIterator]() {
      iterated = true;
      return wrapped;
    },
    get summary() {
      if (result === undefined) {
        if (!iterated) {
          iterated = true;
          void (async () => {
            try {
              for await (const _ of wrapped);
            } catch {
              // Already passed to the summary.
            }
          })();
        }
        result = finished;
      }
      return result;
    },
  };
}
