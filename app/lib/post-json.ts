/**
 * The pages' way to call a JSON endpoint of the app: App Bridge adds the session token to
 * fetch; the caller passes one Idempotency-Key per user intent, so a retried request (double
 * click, flaky network) runs once. Errors come back as the standard body's message with its
 * correlation id, ready for a toast or a banner.
 */
import type { ErrorBody } from "./app-error";

export type PostResult<T> = { ok: true; body: T } | { ok: false; error: ErrorBody["error"] | null; message: string };

async function answer<T>(send: () => Promise<Response>): Promise<PostResult<T>> {
  try {
    const response = await send();
    const parsed = (await response.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
    if (response.ok && parsed && !parsed.error) return { ok: true, body: parsed };
    const error = parsed?.error ?? null;
    return { ok: false, error, message: error ? `${error.message} (correlation id ${error.correlationId})` : `Request failed (${response.status})` };
  } catch {
    return { ok: false, error: null, message: "The app could not be reached" };
  }
}

export function postJson<T>(url: string, body: unknown, idempotencyKey?: string): Promise<PostResult<T>> {
  return answer<T>(() =>
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}) },
      body: JSON.stringify(body ?? {}),
    }),
  );
}

/** The same for reading (GET), with the same answer. */
export function getJson<T>(url: string): Promise<PostResult<T>> {
  return answer<T>(() => fetch(url, { headers: { Accept: "application/json" } }));
}
