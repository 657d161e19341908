/** Shared test helpers: signed raw requests against a running emulator. */
import { createNotification, type Notification } from "@nhub/core";
import { parseConnectionString, signSasToken } from "@nhub/sas";
import type { Emulator, EmulatorRule } from "../src/index";

/** A token for `resource` (default the hub URL) signed with the emulator's key for `rule`. */
export function tokenFor(
  emulator: Emulator,
  options: { hub?: string; rule?: EmulatorRule; resource?: string; expiresAt?: number; key?: string } = {},
): string {
  const hub = options.hub ?? emulator.hubNames[0]!;
  const parts = parseConnectionString(emulator.connectionString({ hub, rule: options.rule ?? "full" }));
  return signSasToken({
    resourceUri: options.resource ?? `${emulator.url}${hub}`,
    keyName: parts.sharedAccessKeyName,
    key: options.key ?? parts.sharedAccessKey,
    expiresAt: options.expiresAt ?? Math.floor(Date.now() / 1000) + 600,
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * A raw request to the emulator; `path` is below the namespace root (`myhub/messages/?api-version=2020-06`).
 * `authorization: null` sends none; by default a full-rights token for the first hub.
 */
export async function raw(
  emulator: Emulator,
  path: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array<ArrayBuffer>;
    authorization?: string | null;
  } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...init.headers };
  const authorization = init.authorization === undefined ? tokenFor(emulator) : init.authorization;
  if (authorization !== null) headers["Authorization"] = authorization;
  const res = await fetch(emulator.url + path, { method: init.method ?? "POST", headers, body: init.body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A raw send to `/myhub/messages/` with format, content type, tags and body. */
export function rawSend(
  emulator: Emulator,
  send: {
    hub?: string;
    format?: string;
    contentType?: string;
    body: string;
    tags?: string;
    headers?: Record<string, string>;
    query?: string;
  },
  authorization?: string | null,
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...send.headers };
  if (send.format !== undefined) headers["ServiceBusNotification-Format"] = send.format;
  if (send.contentType !== undefined) headers["Content-Type"] = send.contentType;
  if (send.tags !== undefined) headers["ServiceBusNotification-Tags"] = send.tags;
  return raw(
    emulator,
    `${send.hub ?? emulator.hubNames[0]}/messages/?${send.query ?? "api-version=2020-06"}`,
    {
      headers,
      // fetch labels a string body text/plain; bytes go without a Content-Type, so its absence can be tested.
      body: send.contentType === undefined ? new TextEncoder().encode(send.body) : send.body,
      authorization,
    },
  );
}

export const JSON_TYPE = "application/json;charset=utf-8";

/** A plain APNs notification, built directly so these tests do not lean on a platform package's own checks. */
export function apple(alert = "Hello", headers?: Record<string, string>): Notification {
  return createNotification({
    format: "apple",
    contentType: JSON_TYPE,
    body: JSON.stringify({ aps: { alert } }),
    headers,
  });
}

/** A template notification with the given properties. */
export function template(properties: Record<string, string>): Notification {
  return createNotification({ format: "template", contentType: JSON_TYPE, body: JSON.stringify(properties) });
}

/** The `<Code>` and `<Detail>` of an XML error body. */
export function errorParts(xml: string): { code?: string; detail?: string } {
  return {
    code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1],
    detail: /<Detail>([^<]*)<\/Detail>/
      .exec(xml)?.[1]
      ?.replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
  };
}

export const ATOM_ENTRY = "application/atom+xml;type=entry;charset=utf-8";

/** An Atom entry around a description, as the official SDKs write it. */
export function atomEntry(description: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><entry xmlns="http://www.w3.org/2005/Atom">' +
    `<content type="application/xml">${description}</content></entry>`
  );
}

/** A `{kind}RegistrationDescription` with the service's namespaces around `inner`. */
export function description(kind: string, inner: string): string {
  return (
    `<${kind}RegistrationDescription xmlns:i="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">${inner}</${kind}RegistrationDescription>`
  );
}

/** The text of every `<name>` element in `xml`, in order. */
export function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, "g"))].map((m) => m[1]!);
}
