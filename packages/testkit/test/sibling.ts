/**
 * Loads a sibling package from its source at run time. Not a static import: those packages depend on this one
 * (they use it in their tests), so a link to them would make a cycle, and `tsc` has no link to resolve them.
 * Each caller states the types it relies on. `@nhub/core` is a real dependency and is imported as usual.
 */
export async function importSibling<T>(name: string): Promise<T> {
  return (await import(new URL(`../../${name}/src/index.ts`, import.meta.url).href)) as T;
}
