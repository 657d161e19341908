/**
 * One registration of every kind both clients support, native and template, written once: the two clients
 * use the same field names, so the same object serves both (the SDK gets a fresh copy per call, because it
 * clears `registrationId` and `etag` on the object it is given).
 */
import type * as sdk from "@azure/notification-hubs";
import type { RegistrationDescription } from "@nhub/installations";

/** One registration, with the differences of the SDK's request from nhub's that the tests expect. */
export interface RegistrationCase {
  readonly kind: RegistrationDescription["kind"];
  readonly registration: sdk.RegistrationDescription;
  /**
   * The body differences (beyond the Atom `<updated>` element, common to every entry the SDK writes), each
   * explained in differences.test.ts.
   */
  readonly bodyDiff: readonly string[];
}

/** The description element's path in a diff line. */
const at = (kind: string) => `body/entry/content/${kind}RegistrationDescription`;

const tags = ["sports", "lang:en"];
const pushVariables = { team: "A&B", city: "<Paris>" };
const apnsToken = "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA";
const wnsChannel = "https://db5p.notify.windows.com/w/?token=AwYAAAB%2bWvq%2fexample";
const mpnsChannel = "http://s.notify.live.net/u/1/db5/H2QAAAA-example/d2luZG93c3Bob25lZGVmYXVsdA";
const browser = {
  endpoint: "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O",
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
};
const jsonBody = '{"title":"$(title)","message":"$(message)"}';

/** Every registration kind both clients write, with the body differences expected for each. */
export const REGISTRATION_CASES: readonly RegistrationCase[] = [
  {
    kind: "Apple",
    registration: { kind: "Apple", deviceToken: apnsToken, tags, pushVariables },
    bodyDiff: [],
  },
  {
    kind: "AppleTemplate",
    registration: {
      kind: "AppleTemplate",
      deviceToken: apnsToken,
      tags,
      bodyTemplate: '{"aps":{"alert":"$(message)","badge":"#(badge)"}}',
      templateName: "alert",
      priority: "10",
      apnsHeaders: { "apns-collapse-id": "$(game)", "apns-push-type": "alert" },
    },
    // The SDK has no serializer for `priority`, and puts TemplateName before ApnsHeaders where .NET puts it
    // before Priority; see differences.test.ts.
    bodyDiff: [
      `${at("AppleTemplate")}: children sdk [Tags, DeviceToken, BodyTemplate, TemplateName, ApnsHeaders] nhub [Tags, DeviceToken, BodyTemplate, TemplateName, Priority, ApnsHeaders]`,
    ],
  },
  { kind: "Gcm", registration: { kind: "Gcm", gcmRegistrationId: "gcm-token-1", tags }, bodyDiff: [] },
  {
    kind: "GcmTemplate",
    registration: {
      kind: "GcmTemplate",
      gcmRegistrationId: "gcm-token-1",
      tags,
      bodyTemplate: '{"notification":{"title":"$(title)"}}',
      templateName: "news",
    },
    bodyDiff: [],
  },
  {
    kind: "FcmV1",
    registration: { kind: "FcmV1", fcmV1RegistrationId: "fcm-token-1", tags, pushVariables },
    bodyDiff: [],
  },
  {
    kind: "FcmV1Template",
    registration: {
      kind: "FcmV1Template",
      fcmV1RegistrationId: "fcm-token-1",
      tags,
      bodyTemplate: '{"message":{"notification":{"title":"$(title)","body":"$(message)"}}}',
      templateName: "news",
    },
    bodyDiff: [],
  },
  { kind: "Windows", registration: { kind: "Windows", channelUri: wnsChannel, tags }, bodyDiff: [] },
  {
    kind: "WindowsTemplate",
    registration: {
      kind: "WindowsTemplate",
      channelUri: wnsChannel,
      tags,
      bodyTemplate:
        '<toast><visual><binding template="ToastGeneric"><text id="1">$(message)</text></binding></visual></toast>',
      wnsHeaders: { "X-WNS-Type": "wns/toast" },
      templateName: "toast",
    },
    // .NET order is BodyTemplate, WnsHeaders, TemplateName; the SDK writes TemplateName before WnsHeaders.
    bodyDiff: [
      `${at("WindowsTemplate")}: element order sdk [Tags, ChannelUri, BodyTemplate, TemplateName, WnsHeaders] nhub [Tags, ChannelUri, BodyTemplate, WnsHeaders, TemplateName]`,
    ],
  },
  { kind: "Mpns", registration: { kind: "Mpns", channelUri: mpnsChannel, tags }, bodyDiff: [] },
  {
    kind: "MpnsTemplate",
    registration: {
      kind: "MpnsTemplate",
      channelUri: mpnsChannel,
      tags,
      bodyTemplate:
        '<wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>$(message)</wp:Text1></wp:Toast></wp:Notification>',
      mpnsHeaders: { "X-NotificationClass": "2", "X-WindowsPhone-Target": "toast" },
      templateName: "toast",
    },
    // .NET order is BodyTemplate, MpnsHeaders, TemplateName; the SDK writes TemplateName before MpnsHeaders.
    bodyDiff: [
      `${at("MpnsTemplate")}: element order sdk [Tags, ChannelUri, BodyTemplate, TemplateName, MpnsHeaders] nhub [Tags, ChannelUri, BodyTemplate, MpnsHeaders, TemplateName]`,
    ],
  },
  {
    kind: "Adm",
    registration: { kind: "Adm", admRegistrationId: "amzn1.adm-registration.v3.Y29t", tags },
    bodyDiff: [],
  },
  {
    kind: "AdmTemplate",
    registration: {
      kind: "AdmTemplate",
      admRegistrationId: "amzn1.adm-registration.v3.Y29t",
      tags,
      bodyTemplate: '{"data":{"message":"$(message)"}}',
      templateName: "news",
    },
    bodyDiff: [],
  },
  {
    kind: "Baidu",
    registration: {
      kind: "Baidu",
      baiduUserId: "4266437413278745621",
      baiduChannelId: "3583915183623447231",
      tags,
    },
    // .NET order is BaiduUserId, BaiduChannelId; the SDK writes BaiduChannelId first.
    bodyDiff: [
      `${at("Baidu")}: element order sdk [Tags, BaiduChannelId, BaiduUserId] nhub [Tags, BaiduUserId, BaiduChannelId]`,
    ],
  },
  {
    kind: "BaiduTemplate",
    registration: {
      kind: "BaiduTemplate",
      baiduUserId: "4266437413278745621",
      baiduChannelId: "3583915183623447231",
      tags,
      bodyTemplate: jsonBody,
      templateName: "news",
    },
    bodyDiff: [
      `${at("BaiduTemplate")}: element order sdk [Tags, BaiduChannelId, BaiduUserId, BodyTemplate, TemplateName] nhub [Tags, BaiduUserId, BaiduChannelId, BodyTemplate, TemplateName]`,
    ],
  },
  { kind: "Browser", registration: { kind: "Browser", ...browser, tags }, bodyDiff: [] },
  {
    kind: "BrowserTemplate",
    registration: { kind: "BrowserTemplate", ...browser, tags, bodyTemplate: jsonBody, templateName: "news" },
    bodyDiff: [],
  },
  {
    kind: "Xiaomi",
    registration: { kind: "Xiaomi", xiaomiRegistrationId: "xiaomi-reg-id-ABCDEF", tags },
    bodyDiff: [],
  },
  {
    kind: "XiaomiTemplate",
    registration: {
      kind: "XiaomiTemplate",
      xiaomiRegistrationId: "xiaomi-reg-id-ABCDEF",
      tags,
      bodyTemplate: jsonBody,
      templateName: "news",
    },
    bodyDiff: [],
  },
];

/** The same registration typed for nhub (field names are the same on both sides). */
export function forNhub(registration: sdk.RegistrationDescription): RegistrationDescription {
  return registration as unknown as RegistrationDescription;
}
