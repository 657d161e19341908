import { describe, expect, it } from "vitest";
import {
  createAsyncSasTokenProvider,
  createSasTokenProvider,
  parseConnectionString,
  signSasToken,
} from "../src/index";

const init = { resourceUri: "https://ns.servicebus.windows.net/h", keyName: "n", key: "k" };

describe("token lifetimes are checked when the provider is created", () => {
  it.each([
    [{ ttlSeconds: 301.5 }, /ttlSeconds/],
    [{ ttlSeconds: Number.POSITIVE_INFINITY }, /ttlSeconds/],
    [{ ttlSeconds: 2 ** 60 }, /ttlSeconds/],
    [{ ttlSeconds: 200 }, /renewBeforeSeconds/],
    [{ ttlSeconds: 3600, renewBeforeSeconds: 0.5 }, /renewBeforeSeconds/],
    [{ ttlSeconds: 3600, renewBeforeSeconds: 3600 }, /renewBeforeSeconds/],
  ])("%o", (options, message) => {
    // Before this check a fractional lifetime passed here and failed the first signing instead.
    expect(() => createSasTokenProvider({ ...init, ...options })).toThrowError(message);
    expect(() => createAsyncSasTokenProvider({ ...init, ...options })).toThrowError(message);
  });

  it("a whole lifetime just above the renewal margin signs whole-second expiries", () => {
    const provider = createSasTokenProvider({ ...init, ttlSeconds: 301, now: () => 1_700_000_000_500 });
    expect(provider.getToken()).toMatch(/&se=1700000301&/);
  });

  it("an expiry too large to write as digits is refused", () => {
    expect(() => signSasToken({ ...init, expiresAt: 1e21 })).toThrow(RangeError);
  });
});

describe("the Endpoint's host must be a host name", () => {
  const connection = (endpoint: string) => `Endpoint=${endpoint};SharedAccessKeyName=n;SharedAccessKey=k`;

  it.each([
    "sb://a%2fb/",
    "sb://a%2Fb.servicebus.windows.net/",
    "sb://%C3%BF.example/",
    "sb://a..b/",
    "sb://.a/",
  ])("refuses %s", (endpoint) => {
    expect(() => parseConnectionString(connection(endpoint))).toThrowError(
      expect.objectContaining({ field: "Endpoint", rule: "host" }),
    );
  });

  it.each([
    ["sb://my-ns.servicebus.windows.net/", "https://my-ns.servicebus.windows.net/"],
    ["sb://MyNs.ServiceBus.Windows.Net/", "https://MyNs.ServiceBus.Windows.Net/"],
    ["https://ns.servicebus.windows.net:443/", "https://ns.servicebus.windows.net/"],
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080/"],
    ["http://[::1]:8080/", "http://[::1]:8080/"],
    ["sb://ns.servicebus.chinacloudapi.cn./", "https://ns.servicebus.chinacloudapi.cn./"],
  ])("takes %s", (endpoint, namespaceUrl) => {
    expect(parseConnectionString(connection(endpoint)).namespaceUrl).toBe(namespaceUrl);
  });
});
