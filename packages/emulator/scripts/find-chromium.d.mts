/** Flags for a headless run on a machine with no network but loopback. */
export declare const CHROMIUM_ARGS: readonly string[];
/** What to do when no browser can be found or started. */
export declare const INSTALL_HINT: string;
/** Where a Chromium was found: its path and which step of the search found it. */
export interface FoundChromium {
  readonly path: string;
  readonly source: "NHUB_CHROMIUM" | "system" | "@sparticuz/chromium";
}
/** The Chromium to launch; throws an Error that says what to install when there is none. Never downloads. */
export declare function findChromium(env?: NodeJS.ProcessEnv): Promise<FoundChromium>;
