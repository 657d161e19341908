/**
 * What the live page's script finds in its global scope beyond TypeScript's DOM library. Seen only by this
 * folder's tsconfig.json, never by the emulator's Node code.
 */

/** The newest deliveries the page keeps per device: emulator-page.ts defines it before the script. */
declare const PER_DEVICE: number;
/** The newest requests the page keeps per hub: emulator-page.ts defines it before the script. */
declare const MAX_REQUESTS: number;

// The part of Trusted Types the page uses; TypeScript's DOM library does not describe the API.
interface TrustedHTML {
  readonly __trustedHtml: never;
}
interface TrustedTypePolicy {
  createHTML(input: string): TrustedHTML;
}
interface TrustedTypePolicyFactory {
  createPolicy(name: string, rules: { createHTML(input: string): string }): TrustedTypePolicy;
}
interface Window {
  readonly trustedTypes?: TrustedTypePolicyFactory;
}
interface DOMParser {
  parseFromString(string: string | TrustedHTML, type: DOMParserSupportedType): Document;
}
