/**
 * The admin JSON endpoints under `/_emulator/`: hubs and connection strings, deliveries, devices, faults,
 * the request log, registrations, scheduled sends, jobs and the (empty) feedback container. They have no auth: the emulator is a loopback development tool.
 */
import { ValidationError } from "@nhub/core";
import { HttpError, jsonReply, parseJsonBody, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { normalizeInstallation } from "./emulator-installations";
import { emptyContainerListing } from "./emulator-outcomes";
import type { EmulatorRule } from "./types";

/** Admin bodies are device lists and faults; 1 MB is plenty. */
export const ADMIN_BODY_LIMIT = 1024 * 1024;

/** What the admin endpoints need from the emulator. */
export interface AdminContext {
  readonly hubs: readonly HubState[];
  readonly url: string;
  connectionString(hub: string, rule: EmulatorRule): string;
}

const HUB_PATH =
  /^\/_emulator\/hubs\/(.+)\/(deliveries|devices|faults|requests|registrations|scheduled|jobs|feedback)(?:\/([^/]+))?$/;

function notFound(what: string): HttpError {
  return new HttpError(404, what);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `"${segment}" is not valid percent-encoding.`);
  }
}

function findHub(ctx: AdminContext, encoded: string): HubState {
  const name = decodeSegment(encoded);
  const hub = ctx.hubs.find((h) => h.name.toLowerCase() === name.toLowerCase());
  if (!hub)
    throw notFound(`No hub named "${name}"; the emulator has ${ctx.hubs.map((h) => h.name).join(", ")}.`);
  return hub;
}

function validated<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (ValidationError.isInstance(error)) throw new HttpError(400, error.message);
    throw error;
  }
}

/**
 * Answers one admin request.
 *
 * @throws {HttpError} 404 for unknown paths or hubs, 400 for invalid devices or faults.
 */
export function handleAdmin(ctx: AdminContext, method: string, path: string, body: Buffer): Reply {
  if (path === "/_emulator/hubs" && method === "GET") {
    return jsonReply(
      200,
      ctx.hubs.map((h) => ({
        name: h.name,
        url: ctx.url + h.name,
        connectionStrings: {
          full: ctx.connectionString(h.name, "full"),
          send: ctx.connectionString(h.name, "send"),
          listen: ctx.connectionString(h.name, "listen"),
        },
      })),
    );
  }
  const m = HUB_PATH.exec(path);
  if (!m) throw notFound(`No admin endpoint ${method} ${path}.`);
  const hub = findHub(ctx, m[1]!);
  const resource = m[2]!;
  const id = m[3];
  const key = `${method} ${resource}${id === undefined ? "" : "/:id"}`;
  switch (key) {
    case "GET deliveries":
      return jsonReply(200, hub.view.deliveries());
    case "DELETE deliveries":
      hub.view.clearDeliveries();
      return { status: 204 };
    case "GET devices":
      return jsonReply(200, hub.installations());
    case "POST devices": {
      const input = parseJsonBody(body, "device list");
      const list = Array.isArray(input) ? input : [input];
      // All or nothing: check every device before storing any.
      const checked = validated(() => list.map((i) => normalizeInstallation(i)));
      const stored = checked.map((i) => hub.upsertInstallation(i));
      return jsonReply(200, Array.isArray(input) ? stored : stored[0], `${stored.length} device(s)`);
    }
    case "DELETE devices/:id":
      hub.deleteInstallation(validated(() => decodeSegment(id!)));
      return { status: 204 };
    case "POST faults": {
      const fault = parseJsonBody(body, "fault");
      validated(() => hub.injectFault(fault));
      return { status: 204 };
    }
    case "DELETE faults":
      hub.view.clearFaults();
      return { status: 204 };
    case "GET requests":
      return jsonReply(200, hub.view.requests());
    case "GET registrations":
      return jsonReply(200, hub.registrations());
    case "DELETE registrations/:id":
      hub.deleteRegistration(decodeSegment(id!));
      return { status: 204 };
    case "GET scheduled":
      return jsonReply(200, hub.scheduled());
    case "DELETE scheduled/:id": {
      const notificationId = decodeSegment(id!);
      if (!hub.cancelScheduled(notificationId))
        throw notFound(`No pending scheduled notification "${notificationId}".`);
      return { status: 204 };
    }
    case "GET jobs":
      return jsonReply(200, hub.jobs());
    case "GET feedback":
      return {
        status: 200,
        headers: { "Content-Type": "application/xml; charset=utf-8" },
        body: emptyContainerListing(hub.name),
      };
    default:
      throw notFound(`No admin endpoint ${method} ${path}.`);
  }
}
