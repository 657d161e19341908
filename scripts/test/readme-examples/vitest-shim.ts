// What a README's vitest-style example imports instead of "vitest": `it` and the hooks are recorded so the
// harness runs them inside its own test (vitest forbids declaring a test inside a running one); `expect` is
// vitest's own, so `expect.extend` and the matchers behave as in a real test file.
import { expect } from "vitest";

type Fn = () => unknown;
export const recorded = {
  tests: [] as { name: string; fn: Fn }[],
  beforeEach: [] as Fn[],
  afterEach: [] as Fn[],
};

export function reset(): void {
  recorded.tests.length = 0;
  recorded.beforeEach.length = 0;
  recorded.afterEach.length = 0;
}

export function it(name: string, fn: Fn): void {
  recorded.tests.push({ name, fn });
}
export const test = it;
export function describe(_name: string, fn: () => void): void {
  fn();
}
export function beforeEach(fn: Fn): void {
  recorded.beforeEach.push(fn);
}
export function afterEach(fn: Fn): void {
  recorded.afterEach.push(fn);
}
export { expect };
