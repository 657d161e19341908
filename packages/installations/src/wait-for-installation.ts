/**
 * Read-after-write for installations: the service applies installation writes in the background, so a read
 * right after a PUT, PATCH or DELETE may still show the old state (or 404 for a new one).
 */
import { type NotificationHub, sleep, TimeoutError, ValidationError } from "@nhub/core";
import { checkPositiveMs } from "./field-checks";
import { isNotFound } from "./fleet-pool";
import { checkSystemId, getInstallation, type Installation } from "./installation";
import { type OperationOptions, requestOptions } from "./operation-options";

/** What {@link waitForInstallation} waits for. */
export type InstallationCondition = "exists" | "gone" | ((installation: Installation) => boolean);

/** Options of {@link waitForInstallation}. */
export interface WaitForInstallationOptions extends OperationOptions {
  /** What a read must show: the installation exists (default), is gone, or satisfies a predicate. */
  readonly until?: InstallationCondition;
  /** How long to keep polling in all before a `TimeoutError`. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** The first pause between reads; each later one doubles, up to `maxIntervalMs`. Default 200 ms. */
  readonly intervalMs?: number;
  /** The longest pause between reads. Default 5 000 ms. */
  readonly maxIntervalMs?: number;
}

/**
 * Polls `GET /installations/{id}` with exponential backoff until a read reflects a write: resolves with the
 * installation once it exists or satisfies `until`, or with `undefined` once it is gone (`until: "gone"`).
 * `timeoutMs` bounds the whole wait (each read keeps the hub's own per-request timeout and retries).
 *
 * @example
 * await createOrUpdateInstallation(hub, { ...device, tags: ["news"] });
 * await waitForInstallation(hub, device.installationId, { until: (i) => i.tags?.includes("news") ?? false });
 *
 * @throws {TimeoutError} when no read showed the state within `timeoutMs`; `AbortError` when `signal` fires;
 * `ValidationError` before anything is sent for a bad id or option.
 */
export async function waitForInstallation(
  hub: NotificationHub,
  installationId: string,
  options: WaitForInstallationOptions = {},
): Promise<Installation | undefined> {
  const id = checkSystemId(installationId, "installationId");
  const until = options.until ?? "exists";
  if (until !== "exists" && until !== "gone" && typeof until !== "function") {
    throw new ValidationError("until", "enum", 'until must be "exists", "gone" or a function');
  }
  checkPositiveMs(options.timeoutMs, "timeoutMs");
  checkPositiveMs(options.intervalMs, "intervalMs");
  checkPositiveMs(options.maxIntervalMs, "maxIntervalMs");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxInterval = options.maxIntervalMs ?? 5_000;
  let interval = Math.min(options.intervalMs ?? 200, maxInterval);
  const deadline = Date.now() + timeoutMs;
  // Each read keeps the hub's per-request timeout: this timeoutMs bounds the whole wait.
  const readOptions = requestOptions({ signal: options.signal, retry: options.retry });
  let reads = 0;
  for (;;) {
    let current: Installation | undefined;
    try {
      current = await getInstallation(hub, id, readOptions);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      current = undefined;
    }
    reads++;
    if (until === "gone") {
      if (current === undefined) return undefined;
    } else if (current !== undefined && (until === "exists" || until(current))) {
      return current;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const wanted =
        typeof until === "function"
          ? "to match the condition"
          : `to be ${until === "gone" ? "gone" : "readable"}`;
      throw new TimeoutError(
        `installation ${id} was not seen ${wanted} after ${reads} reads in ${timeoutMs} ms`,
      );
    }
    await sleep(Math.min(interval, left), options.signal);
    interval = Math.min(interval * 2, maxInterval);
  }
}
