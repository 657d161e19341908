import type {
  ConformanceHubConstructor,
  ConformanceSender,
  ConformanceTags,
  PlatformNotification,
  PlatformUnderTest,
} from "../src/index";

/**
 * Loads a sibling package from its source at run time. Not a static import: `@nhub/core` uses this package in
 * its own tests, so this package cannot depend on core (nor on anything that depends on core) without a cycle,
 * and `tsc` has no link to resolve them. Each caller states the types it relies on.
 */
export async function importSibling<T>(name: string): Promise<T> {
  return (await import(new URL(`../../${name}/src/index.ts`, import.meta.url).href)) as T;
}

/** What these tests use of `@nhub/core`. */
export interface Core {
  readonly NotificationHub: ConformanceHubConstructor;
  createNotification(init: PlatformNotification): PlatformNotification;
  definePlatform<P, O>(definition: {
    specificationVersion: 1;
    name: string;
    format: string;
    contentTypes: readonly string[];
    maxBytes: number;
    create(payload: P, options?: O): PlatformNotification;
    send(hub: ConformanceSender, payload: P, tags?: ConformanceTags): Promise<unknown>;
  }): PlatformUnderTest<P, O>;
  readonly ValidationError: new (field: string, rule: string, message: string) => Error;
}

export const loadCore = (): Promise<Core> => importSibling<Core>("core");
