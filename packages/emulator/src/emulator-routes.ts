/**
 * The hub REST surface: which paths exist, the right each needs, and the installation operations
 * (`PUT`/`GET`/`DELETE`/`PATCH /{hub}/installations/{id}`). Sends live in `emulator-send.ts`.
 */
import { ValidationError } from "@nhub/core";
import type { Right } from "./emulator-auth";
import { HttpError, type HubHttpRequest, jsonReply, parseJsonBody, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { patchInstallation } from "./emulator-installations";
import { handleSend } from "./emulator-send";

/** A REST operation of a hub. */
export interface HubRoute {
  /** The claim the SAS rule must grant. */
  readonly right: Right;
  handle(hub: HubState, req: HubHttpRequest): Reply;
}

const send: HubRoute = { right: "send", handle: handleSend };

function installationRoute(id: string, method: string): HubRoute | undefined {
  // Registering a device needs only Listen, as the service allows apps to register with the listen key.
  switch (method) {
    case "PUT":
      return { right: "listen", handle: (hub, req) => putInstallation(hub, req, id) };
    case "GET":
      return { right: "listen", handle: (hub) => getInstallation(hub, id) };
    case "DELETE":
      return { right: "listen", handle: (hub) => deleteInstallation(hub, id) };
    case "PATCH":
      return { right: "listen", handle: (hub, req) => patch(hub, req, id) };
    default:
      return undefined;
  }
}

/** The operation for `method` on `subPath` (the path below the hub), or `undefined` for a 404. */
export function findHubRoute(method: string, subPath: string): HubRoute | undefined {
  if ((subPath === "/messages" || subPath === "/messages/") && method === "POST") return send;
  const m = /^\/installations\/([^/]+)$/.exec(subPath);
  if (m) {
    let id: string;
    try {
      id = decodeURIComponent(m[1]!);
    } catch {
      return undefined;
    }
    return installationRoute(id, method);
  }
  return undefined;
}

function asBadRequest<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (ValidationError.isInstance(error))
      throw new HttpError(400, `The installation is not valid: ${error.message}.`);
    throw error;
  }
}

function putInstallation(hub: HubState, req: HubHttpRequest, id: string): Reply {
  const body = parseJsonBody(req.body, "installation");
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, "The installation must be a JSON object.");
  const given = (body as Record<string, unknown>)["installationId"];
  if (given !== undefined && given !== id) {
    throw new HttpError(
      400,
      `The body's installationId "${String(given)}" does not match "${id}" in the URL.`,
    );
  }
  asBadRequest(() => hub.upsertInstallation({ ...body, installationId: id }));
  return { status: 200, note: `installation ${id}` };
}

function getInstallation(hub: HubState, id: string): Reply {
  const installation = hub.installation(id);
  if (!installation) throw new HttpError(404, `Installation "${id}" was not found.`);
  return jsonReply(200, installation);
}

function deleteInstallation(hub: HubState, id: string): Reply {
  hub.deleteInstallation(id);
  return { status: 204 };
}

function patch(hub: HubState, req: HubHttpRequest, id: string): Reply {
  const current = hub.installation(id);
  if (!current) throw new HttpError(404, `Installation "${id}" was not found.`);
  const operations = parseJsonBody(req.body, "JSON patch");
  const next = asBadRequest(() => patchInstallation(current, operations));
  hub.upsertInstallation(next);
  return { status: 200, note: `installation ${id}` };
}
