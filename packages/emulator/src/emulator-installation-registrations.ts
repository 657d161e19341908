/**
 * Installations as the service also shows them: registrations. Each installation is one native registration
 * plus one template registration per template, tagged `$InstallationId:{id}` (and `$UserId:{id}`), a template's
 * also with its own tags and its name. They are listed, read and deleted through the registrations API like any
 * other, and follow the installation as it changes.
 */
import { handleOf } from "./emulator-installations";
import { REGISTRATION_KINDS } from "./emulator-registration-xml";
import type { Installation, InstallationPlatform, Registration } from "./types";

/** The registration kind (without `Template`) that holds an installation of each platform. */
const PLATFORM_KINDS: Readonly<Record<InstallationPlatform, string>> = {
  apns: "Apple",
  fcmv1: "FcmV1",
  gcm: "Gcm",
  wns: "Windows",
  mpns: "Mpns",
  adm: "Adm",
  baidu: "Baidu",
  browser: "Browser",
  xiaomi: "Xiaomi",
};

/** The registration ids an installation is shown under; kept while the installation lives so listings are stable. */
export interface InstallationRegistrationIds {
  readonly native: string;
  /** By template name. */
  readonly templates: ReadonlyMap<string, string>;
  /** The version of the derived registrations: 1 when created, one more on each change of the installation. */
  readonly etag: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The service's handle elements for an installation's push channel. */
function channelFields(installation: Installation): Record<string, string> {
  const channel = installation.pushChannel;
  const fields = REGISTRATION_KINDS[PLATFORM_KINDS[installation.platform]]!.fields;
  if (typeof channel !== "string")
    return { Endpoint: channel.endpoint, P256DH: channel.p256dh, Auth: channel.auth };
  switch (installation.platform) {
    case "apns":
      // Stored upper-cased, as the service does with every APNs token it keeps.
      return { DeviceToken: channel.toUpperCase() };
    case "baidu": {
      // A registration's Baidu handle is `{BaiduUserId}-{BaiduChannelId}`; split it back at the first "-".
      const at = channel.indexOf("-");
      return at < 0
        ? { BaiduUserId: channel, BaiduChannelId: "" }
        : { BaiduUserId: channel.slice(0, at), BaiduChannelId: channel.slice(at + 1) };
    }
    default:
      return { [fields[0]!]: channel };
  }
}

/**
 * The registrations an installation is shown as: the native one first, then one per template (in the
 * installation's template order).
 */
export function installationRegistrations(
  installation: Installation,
  ids: InstallationRegistrationIds,
  expirationTime: string,
): Registration[] {
  const base = PLATFORM_KINDS[installation.platform];
  const systemTags = [`$InstallationId:{${installation.installationId}}`];
  if (installation.userId !== undefined) systemTags.push(`$UserId:{${installation.userId}}`);
  const fields = Object.freeze(channelFields(installation));
  const common = {
    platform: installation.platform,
    pushChannel: fields["DeviceToken"] ?? handleOfChannel(installation),
    channelFields: fields,
    ...(installation.pushVariables ? { pushVariables: installation.pushVariables } : {}),
    installationId: installation.installationId,
    etag: String(ids.etag),
    expirationTime,
    createdAt: ids.createdAt,
    updatedAt: ids.updatedAt,
  };
  const out: Registration[] = [
    Object.freeze({
      ...common,
      registrationId: ids.native,
      kind: base,
      tags: Object.freeze([...new Set([...(installation.tags ?? []), ...systemTags])]),
    }),
  ];
  for (const [name, template] of Object.entries(installation.templates ?? {})) {
    const id = ids.templates.get(name);
    if (id === undefined) continue;
    out.push(
      Object.freeze({
        ...common,
        registrationId: id,
        kind: `${base}Template`,
        tags: Object.freeze([
          ...new Set([...(installation.tags ?? []), ...(template.tags ?? []), name, ...systemTags]),
        ]),
        template: Object.freeze({
          body: template.body,
          ...(template.headers ? { headers: template.headers } : {}),
          name,
          ...(template.expiry !== undefined ? { expiry: template.expiry } : {}),
        }),
      }),
    );
  }
  return out;
}

function handleOfChannel(installation: Installation): string | Installation["pushChannel"] {
  return typeof installation.pushChannel === "string" ? handleOf(installation) : installation.pushChannel;
}
