import { type StartRecordingHub, useRecordingHub as useTestkitRecordingHub } from "@nhub/testkit";
import { afterEach, expect } from "vitest";
import { createNotification, ValidationError } from "../src/index";

/** The APNs notification the tests send. */
export const apple = createNotification({
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: '{"aps":{"alert":"Hello!"}}',
  headers: { "apns-push-type": "alert" },
});

/**
 * testkit's `useRecordingHub`, cleaning up after each test. Core's tests run without vitest's globals, so the
 * hook is handed over here once rather than in every file.
 */
export const useRecordingHub = (): StartRecordingHub => useTestkitRecordingHub(afterEach);

/** Resolves after `ms`. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Expects `fn` to throw or reject with a ValidationError naming this field and rule. */
export async function expectValidation(fn: () => unknown, field: string, rule: string): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(ValidationError.isInstance(caught), String(caught)).toBe(true);
  expect(caught).toMatchObject({ field, rule });
}
