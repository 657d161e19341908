/**
 * A small push back end on plain `node:http`: apps register their device as an installation, and an incoming
 * event ("a goal was scored") becomes one notification per platform for the fans of that team.
 *
 *   POST   /devices      { installationId, platform, pushChannel, tags?, userId? }  -> 201
 *   DELETE /devices/:id                                                           -> 204
 *   POST   /events       { type: "goal", team, text }                              -> 202
 *
 * Bad input answers 400 with the field and rule at fault; a refusal from the hub answers 502 with its
 * tracking id (the number to quote to Azure support).
 */
import { createServer } from "node:http";
import { NhubError, ServiceError, tag, ValidationError } from "@nhub/core";
import { createOrUpdateInstallation, deleteInstallation } from "@nhub/installations";
import { createAppleNotification } from "@nhub/platform-apns";
import { createFcmV1Notification } from "@nhub/platform-fcm";
import { createTemplateNotification } from "@nhub/template";

/** Largest request body the back end reads, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Longest event text, in characters: short enough that every payload stays far below its platform's limit. */
export const MAX_TEXT_LENGTH = 200;

// Windows devices get the event through a template: the back end has no native WNS payload of its own, and the
// hub renders this toast for each of them from the template send's properties.
const WNS_GOAL_TEMPLATE = Object.freeze({
  body:
    '<toast><visual><binding template="ToastText02">' +
    '<text id="1">$(title)</text><text id="2">$(text)</text>' +
    "</binding></visual></toast>",
  headers: { "X-WNS-Type": "wns/toast" },
});

const PLATFORMS = ["apns", "fcmv1", "wns"];

/**
 * Creates the back end's HTTP server (not yet listening: call `listen`).
 *
 * @param {object} options
 * @param {import("@nhub/core").NotificationHub} options.hub the hub to register devices with and send through
 * @param {(line: string) => void} [options.log] where to write one line per request, and unexpected errors
 * @returns {import("node:http").Server}
 */
export function createBackend({ hub, log = () => {} }) {
  return createServer(async (req, res) => {
    const started = performance.now();
    res.on("finish", () => {
      log(`${req.method} ${req.url} ${res.statusCode} ${(performance.now() - started).toFixed(0)} ms`);
    });
    try {
      await route(hub, req, res);
    } catch (error) {
      const [status, body] = errorResponse(error);
      if (status === 500) log(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
      reply(res, status, body);
    }
  });
}

async function route(hub, req, res) {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (pathname === "/devices") {
    if (req.method !== "POST") return notAllowed(res, "POST");
    return registerDevice(hub, await readJson(req), res);
  }
  if (pathname.startsWith("/devices/")) {
    if (req.method !== "DELETE") return notAllowed(res, "DELETE");
    await deleteInstallation(hub, decodeSegment(pathname.slice("/devices/".length)));
    return reply(res, 204);
  }
  if (pathname === "/events") {
    if (req.method !== "POST") return notAllowed(res, "POST");
    return sendEvent(hub, await readJson(req), res);
  }
  reply(res, 404, { error: "not-found", message: `no route for ${pathname}` });
}

async function registerDevice(hub, body, res) {
  const platform = body.platform;
  if (!PLATFORMS.includes(platform)) {
    throw new ValidationError("platform", "one-of", `platform must be one of ${PLATFORMS.join(", ")}`);
  }
  // Only the fields a device may set are passed on. A real back end would derive the tags from the signed-in
  // user rather than trust the app, or anyone could subscribe to anything.
  const installation = {
    installationId: body.installationId,
    platform,
    pushChannel: body.pushChannel,
    ...(body.tags === undefined ? {} : { tags: body.tags }),
    ...(body.userId === undefined ? {} : { userId: body.userId }),
    ...(platform === "wns" ? { templates: { goal: WNS_GOAL_TEMPLATE } } : {}),
  };
  // nhub checks every field before anything is sent; its ValidationError names the field, e.g. "pushChannel".
  await createOrUpdateInstallation(hub, installation);
  res.setHeader("Location", `/devices/${encodeURIComponent(installation.installationId)}`);
  reply(res, 201, { installationId: installation.installationId });
}

async function sendEvent(hub, body, res) {
  if (body.type !== "goal") throw new ValidationError("type", "one-of", 'type must be "goal"');
  if (typeof body.team !== "string" || body.team === "") {
    throw new ValidationError("team", "required", "team is a non-empty string");
  }
  if (typeof body.text !== "string" || body.text.trim() === "") {
    throw new ValidationError("text", "required", "text is a non-empty string");
  }
  if (body.text.length > MAX_TEXT_LENGTH) {
    throw new ValidationError("text", "max-length", `text has at most ${MAX_TEXT_LENGTH} characters`);
  }
  const { team, text } = body;
  const audience = teamTag(team);
  const title = `Goal for ${team}!`;

  // Every notification is built (and so checked) before the first one is sent.
  const notifications = {
    apple: createAppleNotification({ aps: { alert: { title, body: text }, sound: "default" }, team }),
    fcmv1: createFcmV1Notification({
      notification: { title, body: text },
      data: { type: "goal", team },
      android: { priority: "HIGH" },
    }),
    template: createTemplateNotification({ title, text, team }),
  };
  const names = Object.keys(notifications);
  const outcomes = await Promise.allSettled(
    names.map((name) => hub.send(notifications[name], { tags: audience })),
  );

  const sent = {};
  const failed = {};
  outcomes.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") {
      sent[names[i]] = { notificationId: outcome.value.notificationId, trackingId: outcome.value.trackingId };
    } else {
      failed[names[i]] = outcome.reason;
    }
  });
  const failures = Object.entries(failed);
  if (failures.length === 0) return reply(res, 202, { audience: `team:${team}`, sent });
  // Anything but an nhub error is a bug here: let it become a 500.
  const bug = failures.find(([, error]) => !NhubError.isInstance(error));
  if (bug) throw bug[1];
  // Some sends may have gone out: say which, so a caller repeats only the failed ones.
  const [, first] = failures[0];
  reply(res, 502, {
    ...errorResponse(first)[1],
    sent,
    failed: Object.fromEntries(failures.map(([name, error]) => [name, errorResponse(error)[1]])),
  });
}

/**
 * The tag of a team's fans, `team:<team>`, built with core's tag builder so a team name the service would refuse
 * is reported as the `team` field, before anything is sent.
 *
 * @param {string} team
 * @returns {import("@nhub/core").TagExpression}
 */
export function teamTag(team) {
  try {
    return tag(`team:${team}`);
  } catch (error) {
    if (ValidationError.isInstance(error)) {
      throw new ValidationError("team", error.rule, "may hold only letters, digits and _ @ # . : -", {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Maps an error to the HTTP status and JSON body the back end answers with.
 *
 * @param {unknown} error
 * @returns {[number, Record<string, unknown>]}
 */
export function errorResponse(error) {
  if (ValidationError.isInstance(error)) {
    return [400, { error: "invalid-input", field: error.field, rule: error.rule, message: error.message }];
  }
  if (ServiceError.isInstance(error)) {
    return [
      502,
      { error: "hub-error", status: error.statusCode, detail: error.detail, trackingId: error.trackingId },
    ];
  }
  if (NhubError.isInstance(error)) {
    // A timeout or a dropped connection: the hub may or may not have acted.
    return [502, { error: "hub-unreachable", code: error.code }];
  }
  return [500, { error: "internal" }];
}

async function readJson(req) {
  let size = 0;
  const chunks = [];
  // Read to the end even past the limit, so the answer is not sent while the client is still writing.
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) {
    throw new ValidationError(
      "body",
      "max-bytes",
      `the body is ${size} bytes; the limit is ${MAX_BODY_BYTES}`,
    );
  }
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ValidationError("body", "json", "the body must be a JSON object");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ValidationError("body", "type", "the body must be a JSON object");
  }
  return body;
}

function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError(
      "installationId",
      "encoding",
      "the id in the path is not valid percent-encoding",
    );
  }
}

function notAllowed(res, allow) {
  res.setHeader("Allow", allow);
  reply(res, 405, { error: "method-not-allowed", allow });
}

function reply(res, status, body) {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
