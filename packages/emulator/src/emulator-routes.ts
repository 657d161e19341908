/**
 * The hub REST surface: which paths exist, the right each needs, and the installation operations
 * (`PUT`/`GET`/`DELETE`/`PATCH /{hub}/installations/{id}`). The other operations live in the files named
 * after them (`emulator-send.ts`, `emulator-batch.ts`, `emulator-scheduled.ts`, ...).
 */
import { ValidationError } from "@nhub/core";
import type { Right } from "./emulator-auth";
import { handleBatchSend } from "./emulator-batch";
import { HttpError, type HubHttpRequest, jsonReply, parseJsonBody, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { patchInstallation } from "./emulator-installations";
import { handleGetJob, handleListJobs, handleSubmitJob } from "./emulator-jobs";
import { handleFeedbackContainer, handleOutcomeDetails } from "./emulator-outcomes";
import {
  handleCreateRegistration,
  handleCreateRegistrationId,
  handleDeleteRegistration,
  handleGetRegistration,
  handleListByTag,
  handleListRegistrations,
  handlePutRegistration,
} from "./emulator-registrations";
import { handleCancelScheduled, handleSchedule } from "./emulator-scheduled";
import { handleSend } from "./emulator-send";

/** A REST operation of a hub. */
export interface HubRoute {
  /** The claim the SAS rule must grant. */
  readonly right: Right;
  handle(hub: HubState, req: HubHttpRequest): Reply;
}

type Handler = (hub: HubState, req: HubHttpRequest, id: string) => Reply;

/**
 * The hub's operations: method, path below the hub (collection names in any case, a trailing slash allowed
 * on collections; `([^/]+)` captures an id, percent-decoded before the handler sees it) and the right.
 * Registering devices needs only Listen, as the service lets apps register with the listen key; listing
 * registrations, jobs and the feedback container need Manage, as on the service.
 */
const ROUTES: ReadonlyArray<readonly [string, RegExp, Right, Handler]> = [
  ["POST", /^\/messages\/?$/i, "send", (hub, req) => handleSend(hub, req)],
  ["POST", /^\/messages\/(?:\$|%24)batch\/?$/i, "send", (hub, req) => handleBatchSend(hub, req)],
  ["GET", /^\/messages\/([^/]+)$/i, "send", (hub, _req, id) => handleOutcomeDetails(hub, id)],
  ["POST", /^\/schedulednotifications\/?$/i, "send", (hub, req) => handleSchedule(hub, req)],
  [
    "DELETE",
    /^\/schedulednotifications\/([^/]+)$/i,
    "send",
    (hub, _req, id) => handleCancelScheduled(hub, id),
  ],
  ["GET", /^\/feedbackcontainer\/?$/i, "manage", (hub, req) => handleFeedbackContainer(hub, req)],
  ["POST", /^\/registrationids\/?$/i, "listen", (hub, req) => handleCreateRegistrationId(hub, req)],
  ["POST", /^\/registrations\/?$/i, "listen", (hub, req) => handleCreateRegistration(hub, req)],
  ["GET", /^\/registrations\/?$/i, "manage", (hub, req) => handleListRegistrations(hub, req)],
  ["PUT", /^\/registrations\/([^/]+)$/i, "listen", handlePutRegistration],
  ["GET", /^\/registrations\/([^/]+)$/i, "listen", handleGetRegistration],
  ["DELETE", /^\/registrations\/([^/]+)$/i, "listen", handleDeleteRegistration],
  ["GET", /^\/tags\/([^/]+)\/registrations\/?$/i, "manage", handleListByTag],
  ["POST", /^\/jobs\/?$/i, "manage", (hub, req) => handleSubmitJob(hub, req)],
  ["GET", /^\/jobs\/?$/i, "manage", (hub, req) => handleListJobs(hub, req)],
  ["GET", /^\/jobs\/([^/]+)$/i, "manage", handleGetJob],
  ["PUT", /^\/installations\/([^/]+)$/i, "listen", putInstallation],
  ["GET", /^\/installations\/([^/]+)$/i, "listen", (hub, _req, id) => getInstallation(hub, id)],
  ["DELETE", /^\/installations\/([^/]+)$/i, "listen", (hub, _req, id) => deleteInstallation(hub, id)],
  ["PATCH", /^\/installations\/([^/]+)$/i, "listen", patch],
];

/** The operation for `method` on `subPath` (the path below the hub), or `undefined` for a 404. */
export function findHubRoute(method: string, subPath: string): HubRoute | undefined {
  for (const [m, pattern, right, handler] of ROUTES) {
    if (m !== method) continue;
    const match = pattern.exec(subPath);
    if (!match) continue;
    let id = "";
    if (match[1] !== undefined) {
      try {
        id = decodeURIComponent(match[1]);
      } catch {
        return undefined;
      }
    }
    return { right, handle: (hub, req) => handler(hub, req, id) };
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
  asBadRequest(() => hub.upsertInstallation({ ...body, installationId: id }, true));
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
  // A stored placeholder handle (seeded in process) is not re-checked unless the patch replaces it.
  const replacesChannel =
    Array.isArray(operations) &&
    operations.some(
      (o) => typeof o?.path === "string" && /^\/pushChannel$/i.test(o.path) && o.op !== "remove",
    );
  const next = asBadRequest(() => patchInstallation(current, operations, replacesChannel));
  hub.upsertInstallation(next);
  return { status: 200, note: `installation ${id}` };
}
