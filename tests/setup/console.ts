/**
 * Any console.error during a test is a failure: it is how React, Remix and libraries report
 * problems that would otherwise pass silently.
 */
import { afterEach, beforeEach, expect, vi, type MockInstance } from "vitest";

let spy: MockInstance<typeof console.error>;

beforeEach(() => {
  spy = vi.spyOn(console, "error");
});

afterEach(() => {
  const calls = spy.mock.calls.map((args) => args.map((arg) => (arg instanceof Error ? arg.stack : String(arg))).join(" "));
  spy.mockRestore();
  expect(calls, "console.error was called during the test").toEqual([]);
});
