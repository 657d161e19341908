/**
 * How a hub gets its tokens from its credential: the runtime's signer, one per key (a pair switches on a 401
 * InvalidSignature), or the caller's callback, whose code loads on the first request.
 */
import type { TokenProvider } from "@nhub/sas";
import { isInvalidSignature, type ResolvedCredential, type TokenCallback } from "./credential-forms";
import type { RefusableTokenProvider } from "./credentials";
import type { HubRuntime, NotificationHubBaseOptions } from "./hub-options";
import type { SigningKeys } from "./pipeline";

const KEY_NAMES = ["primary", "secondary"] as const;

/**
 * How a hub gets its tokens: the caller's callback, cached; or the runtime's signer, one per key. Signed for this
 * hub only (as the Python sample does), so a leaked token opens no other hub.
 */
export function hubTokens(
  parts: ResolvedCredential,
  hubUrl: string,
  options: NotificationHubBaseOptions,
  runtime: HubRuntime,
  onSwitch: (from: number, to: number) => void,
): TokenProvider | RefusableTokenProvider | SigningKeys {
  if (parts.signing === undefined) {
    return lazyCallbackTokens(parts.callback!, hubUrl);
  }
  const { keyName, keys } = parts.signing;
  const providers = keys.map((key) =>
    runtime.tokens({ resourceUri: hubUrl, keyName, key, ttlSeconds: options.tokenTtlSeconds }),
  );
  return providers.length === 1 ? providers[0]! : { providers, isInvalidSignature, onSwitch };
}

/**
 * The callback's token provider, its code loaded on the first request: the connection-string forms (what most
 * hubs use) never load it. Asking before it has loaded waits for it, as asking before the first token does.
 */
function lazyCallbackTokens(callback: TokenCallback, audience: string): RefusableTokenProvider {
  let provider: RefusableTokenProvider | undefined;
  let loading: Promise<RefusableTokenProvider> | undefined;
  return {
    refuse(token) {
      provider?.refuse(token);
    },
    getToken() {
      if (provider !== undefined) return provider.getToken();
      loading ??= import("./credentials").then((m) => {
        provider = m.createCallbackTokenProvider({ callback, audience });
        return provider;
      });
      return loading.then((p) => p.getToken());
    },
  };
}

/** The one warning a key switch logs: which key the service refused and which it took; never a key. */
export function keySwitchMessage(hubName: string, from: number, to: number): string {
  return `nhub: ${hubName}: the service refused the ${KEY_NAMES[from]} key's signature (401 InvalidSignature) and took the ${KEY_NAMES[to]} key's; using the ${KEY_NAMES[to]} key from now on`;
}
