/**
 * The live stream behind the emulator's page: `GET /_emulator/events`, Server-Sent Events with one small JSON
 * event per delivery, request-log entry and device change. Each connection opens with a `hello` snapshot, so a
 * client that reconnects catches up without a second request and without a gap between snapshot and events.
 */
import type { ServerResponse } from "node:http";
import type { HubState } from "./emulator-hub";
import type { Delivery, EmulatorEvent, EmulatorHubSnapshot } from "./types";

/** Deliveries per device the `hello` snapshot carries (the page shows as many). */
export const SNAPSHOT_DELIVERIES_PER_DEVICE = 5;
/** Request-log entries per hub the `hello` snapshot carries. */
export const SNAPSHOT_REQUESTS = 25;
/** Open streams allowed at once; more answer 503, so a runaway client cannot pile up sockets. */
export const MAX_EVENT_CLIENTS = 64;
/** A client that lets this much pile up unread is cut off; its browser reconnects and gets a fresh `hello`. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Proxies and browsers drop streams that stay silent; a comment line every so often keeps them open. */
const HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 2_000;

/** The device a delivery belongs to, as the page groups them: registration, installation or bare handle. */
export function deliveryKey(d: Delivery): string {
  if (d.registrationId) return `r:${d.registrationId}`;
  if (d.installationId) return `i:${d.installationId}`;
  return `h:${d.platform}:${d.pushChannel}`;
}

/** A hub's devices and its recent deliveries and requests, for a `hello` event. */
export function hubSnapshot(hub: HubState): EmulatorHubSnapshot {
  const all = hub.view.deliveries();
  const perDevice = new Map<string, number>();
  const recent: Delivery[] = [];
  // Newest first, so every device keeps its latest few however long ago another device was busy.
  for (let i = all.length - 1; i >= 0; i--) {
    const d = all[i]!;
    const key = deliveryKey(d);
    const seen = perDevice.get(key) ?? 0;
    if (seen >= SNAPSHOT_DELIVERIES_PER_DEVICE) continue;
    perDevice.set(key, seen + 1);
    recent.push(d);
  }
  return {
    name: hub.name,
    installations: hub.installations(),
    registrations: hub.registrations(),
    deliveries: recent.reverse(),
    requests: hub.view.requests().slice(-SNAPSHOT_REQUESTS),
  };
}

function frame(event: EmulatorEvent): string {
  // JSON.stringify never writes a raw line break, so one `data:` line always holds the whole event.
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

interface Client {
  readonly res: ServerResponse;
  /** Lower-cased hub name to filter on, or undefined for every hub. */
  readonly hub: string | undefined;
}

/** The open event streams of one emulator. */
export class EventStreams {
  readonly #clients = new Set<Client>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** How many streams are open. */
  get size(): number {
    return this.#clients.size;
  }

  /**
   * Starts a stream on `res`: headers, the reconnect delay, then `hello` with the hubs' state. `hub` limits
   * the stream to one hub. Answers 503 when closed or when too many streams are open.
   */
  open(res: ServerResponse, hubs: readonly HubState[], hub?: string): void {
    if (this.#closed || this.#clients.size >= MAX_EVENT_CLIENTS) {
      res.writeHead(503, { "Content-Type": "application/json; charset=utf-8", "Retry-After": "5" });
      res.end(JSON.stringify({ error: { status: 503, message: "Too many open event streams." } }));
      return;
    }
    const client: Client = { res, hub: hub?.toLowerCase() };
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Content-Type-Options": "nosniff",
      // Tells buffering reverse proxies to pass each event through at once.
      "X-Accel-Buffering": "no",
    });
    const shown = hubs.filter((h) => client.hub === undefined || h.name.toLowerCase() === client.hub);
    res.write(`retry: ${RETRY_MS}\n\n`);
    res.write(frame({ type: "hello", hubs: shown.map(hubSnapshot) }));
    this.#clients.add(client);
    res.on("close", () => this.#drop(client));
    this.#heartbeat ??= setInterval(() => {
      for (const c of this.#clients) this.#send(c, ": ping\n\n");
    }, HEARTBEAT_MS).unref();
  }

  /** Sends `event` to every stream that shows its hub. */
  publish(event: EmulatorEvent): void {
    if (this.#closed || this.#clients.size === 0) return;
    const hub = "hub" in event ? event.hub.toLowerCase() : undefined;
    const text = frame(event);
    for (const c of this.#clients)
      if (c.hub === undefined || hub === undefined || c.hub === hub) this.#send(c, text);
  }

  /** Ends every stream and refuses new ones; `close()` of the emulator calls this before closing the server. */
  close(): void {
    this.#closed = true;
    for (const c of [...this.#clients]) {
      this.#drop(c);
      c.res.end();
    }
  }

  #send(client: Client, text: string): void {
    if (client.res.destroyed) {
      this.#drop(client);
      return;
    }
    client.res.write(text);
    if (client.res.writableLength > MAX_BUFFERED_BYTES) {
      this.#drop(client);
      client.res.destroy();
    }
  }

  #drop(client: Client): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0 && this.#heartbeat !== undefined) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }
}
