/**
 * What a send can reach: installations (natively, and through each of their templates) and REST registrations
 * (native or template), flattened into one shape so routing treats both the same way.
 */
import { deviceTags, handleOf } from "./emulator-installations";
import { dictionaryOf } from "./emulator-safe";
import type {
  Installation,
  InstallationPlatform,
  InstallationTemplate,
  Registration,
  RegistrationTemplate,
} from "./types";

/** One registration in the service's sense: a device handle with tags and, for templates, a body template. */
export interface RouteTarget {
  /** The `RegistrationId` a test send reports: the installation id, `installationId/templateName` or the registration id. */
  readonly outcomeId: string;
  /** The installation behind it; empty for REST registrations and unknown direct-send handles. */
  readonly installationId: string;
  /** The REST registration behind it, if any. */
  readonly registrationId?: string;
  readonly displayName?: string;
  readonly platform: InstallationPlatform;
  readonly pushChannel: string;
  readonly tags: ReadonlySet<string>;
  /** Present for template targets. */
  readonly template?: { readonly name?: string; readonly template: InstallationTemplate };
  /** The installation's or registration's push variables, rendered under the sent properties. */
  readonly pushVariables?: Readonly<Record<string, string>>;
  /** A template's expiry as stored (a date, `"0"` or an expression); a past date stops its deliveries. */
  readonly expiry?: string;
}

/**
 * Whether a template expiry has passed: only a literal date can; `"0"` (APNs: deliver once) and expressions,
 * whose value depends on the send, never count as expired.
 */
export function isExpired(expiry: string | undefined, now = Date.now()): boolean {
  if (expiry === undefined || expiry === "0" || /^[$#.%{]/.test(expiry)) return false;
  const at = Date.parse(expiry);
  return !Number.isNaN(at) && at <= now;
}

/** An installation template as it is rendered: on `apns` its expiry goes out as the APNs expiry header. */
function installationTemplateForSend(
  platform: InstallationPlatform,
  template: InstallationTemplate,
): InstallationTemplate {
  if (platform !== "apns" || template.expiry === undefined || template.expiry === "0") return template;
  const headers = dictionaryOf(template.headers ?? {});
  headers["ServiceBusNotification-Apns-Expiry"] = template.expiry;
  return { ...template, headers };
}

/**
 * A registration's template as an installation template: Apple's `Priority` and `Expiry` become the headers
 * the service turns them into, so both render like any other template header.
 */
export function registrationTemplate(t: RegistrationTemplate | undefined): InstallationTemplate | undefined {
  if (!t) return undefined;
  const headers = dictionaryOf(t.headers ?? {});
  if (t.priority !== undefined) headers["apns-priority"] = t.priority;
  if (t.expiry !== undefined) headers["ServiceBusNotification-Apns-Expiry"] = t.expiry;
  return Object.keys(headers).length > 0 ? { body: t.body, headers } : { body: t.body };
}

function registrationHandle(registration: Registration): string {
  const channel = registration.pushChannel;
  return typeof channel === "string" ? channel : channel.endpoint;
}

// Installations are frozen and replaced on every change, so targets can be cached by identity: a template send
// to thousands of devices would otherwise rebuild every device's tag set on every send.
const installationTargets = new WeakMap<Installation, RouteTarget>();
const installationTemplateTargets = new WeakMap<Installation, RouteTarget[]>();

function fromInstallation(installation: Installation): RouteTarget {
  let target = installationTargets.get(installation);
  if (target === undefined) {
    target = buildInstallationTarget(installation);
    installationTargets.set(installation, target);
  }
  return target;
}

function buildInstallationTarget(installation: Installation): RouteTarget {
  return {
    outcomeId: installation.installationId,
    installationId: installation.installationId,
    ...(installation.displayName !== undefined ? { displayName: installation.displayName } : {}),
    platform: installation.platform,
    pushChannel: handleOf(installation),
    tags: deviceTags(installation),
  };
}

function fromRegistration(registration: Registration): RouteTarget {
  const template = registrationTemplate(registration.template);
  return {
    outcomeId: registration.registrationId,
    installationId: "",
    registrationId: registration.registrationId,
    platform: registration.platform,
    pushChannel: registrationHandle(registration),
    tags: new Set(registration.tags),
    ...(template
      ? {
          template: {
            ...(registration.template?.name !== undefined ? { name: registration.template.name } : {}),
            template,
          },
        }
      : {}),
    ...(registration.pushVariables ? { pushVariables: registration.pushVariables } : {}),
    ...(registration.template?.expiry !== undefined ? { expiry: registration.template.expiry } : {}),
  };
}

/** The targets of native sends: every installation, then every native (non-template) registration. */
export function nativeTargets(
  installations: readonly Installation[],
  registrations: readonly Registration[],
): RouteTarget[] {
  return [
    ...installations.map(fromInstallation),
    ...registrations.filter((r) => r.template === undefined).map(fromRegistration),
  ];
}

/**
 * The targets of template sends: each template of each installation (its tags being the device's tags plus
 * the template's own and its name; its push variables the installation's), then every template registration.
 */
export function templateTargets(
  installations: readonly Installation[],
  registrations: readonly Registration[],
): RouteTarget[] {
  const out: RouteTarget[] = [];
  for (const installation of installations) {
    let targets = installationTemplateTargets.get(installation);
    if (targets === undefined) {
      targets = Object.entries(installation.templates ?? {}).map(([name, template]) => ({
        ...fromInstallation(installation),
        outcomeId: `${installation.installationId}/${name}`,
        // The service tags a template's registration with the template's name too, so a send can pick it.
        tags: deviceTags(installation, [...(template.tags ?? []), name]),
        template: { name, template: installationTemplateForSend(installation.platform, template) },
        ...(installation.pushVariables ? { pushVariables: installation.pushVariables } : {}),
        ...(template.expiry !== undefined ? { expiry: template.expiry } : {}),
      }));
      installationTemplateTargets.set(installation, targets);
    }
    out.push(...targets);
  }
  for (const registration of registrations) {
    if (registration.template !== undefined) out.push(fromRegistration(registration));
  }
  return out;
}

/**
 * The device behind a direct-send handle: the installation holding it, else a registration holding it, else a
 * stand-in with empty ids (the service sends to any handle it is given).
 */
export function handleTarget(
  installations: readonly Installation[],
  registrations: readonly Registration[],
  platform: InstallationPlatform,
  handle: string,
): RouteTarget {
  // APNs tokens are hex, and registrations keep them upper-cased: compare them without case.
  const same =
    platform === "apns"
      ? (a: string) => a.toLowerCase() === handle.toLowerCase()
      : (a: string) => a === handle;
  const installation = installations.find((i) => i.platform === platform && same(handleOf(i)));
  if (installation) return fromInstallation(installation);
  const registration = registrations.find((r) => r.platform === platform && same(registrationHandle(r)));
  if (registration) {
    const { template: _template, pushVariables: _vars, ...native } = fromRegistration(registration);
    return native;
  }
  return { outcomeId: "", installationId: "", platform, pushChannel: handle, tags: new Set() };
}
