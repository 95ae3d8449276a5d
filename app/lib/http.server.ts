/**
 * The HTTP side of the error contract: every AppError becomes
 * `{ error: { code, message, fields?, details?, correlationId } }` with the code's status and
 * the X-Request-Id header; anything unexpected is logged with its stack and answered as
 * INTERNAL without internals. Shopify's own responses (auth bounces, 401s) pass through.
 */
import type { ZodType, ZodTypeDef } from "zod";
import { AppError, errorBody, fieldErrors } from "./app-error";
import { CORRELATION_HEADER } from "./correlation.server";
import { logger } from "./logger.server";
import { unstorableTextIssues } from "./storable-text";

export function toErrorResponse(error: unknown, correlationId: string, context: Record<string, unknown> = {}): Response {
  if (error instanceof Response) return error;
  const appError =
    error instanceof AppError ? error : new AppError("INTERNAL", "Something went wrong on our side. Quote the correlation id to support.");
  if (!(error instanceof AppError)) {
    logger.error({ ...context, correlationId, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, "unhandled error");
  } else if (appError.status >= 500) {
    logger.warn({ ...context, correlationId, code: appError.code, message: appError.message }, "request failed");
  }
  const headers: Record<string, string> = { [CORRELATION_HEADER]: correlationId };
  if (appError.code === "RATE_LIMITED" && typeof appError.details?.retryAfterSeconds === "number") {
    headers["Retry-After"] = String(appError.details.retryAfterSeconds);
  }
  // A Response (not Remix's data()): resource routes answer it as is, and page routes hand its
  // JSON body to their ErrorBoundary.
  return Response.json(errorBody(appError, correlationId), { status: appError.status, headers });
}

/** Runs a loader/action body; thrown errors become the standard error response (thrown, for Remix). */
export async function guard<T>(correlationId: string, fn: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toErrorResponse(error, correlationId, context);
  }
}

export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * A JSON request's body as bytes: content type checked, size capped at 64 KB while streaming
 * (a sender that lies about or omits Content-Length is cut off). Kept raw for callers that must
 * verify a signature over the exact bytes before parsing (the signed intake API).
 */
export async function readJsonBytes(request: Request): Promise<Uint8Array> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("VALIDATION", "Send the body as application/json", { fields: { _: ["Content-Type must be application/json"] } });
  }
  if (Number(request.headers.get("content-length") ?? "0") > MAX_JSON_BODY_BYTES) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_JSON_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** UTF-8 JSON, or a 400 that says what is wrong with it. */
export function parseJsonBytes(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new AppError("VALIDATION", "The body is not valid UTF-8", { fields: { _: ["Malformed JSON"] } });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "The body is not valid JSON", { fields: { _: ["Malformed JSON"] } });
  }
}

/** Reads a JSON request body: content type, size and shape checked; 4xx AppErrors otherwise. */
export async function readJson<T>(request: Request, schema: ZodType<T, ZodTypeDef, unknown>): Promise<T> {
  return parseInput(schema, parseJsonBytes(await readJsonBytes(request)));
}

export type ValidationResult<T> = { ok: true; data: T } | { ok: false; fields: Record<string, string[]> };

/**
 * The one check every untrusted input passes (JSON bodies, forms, route parameters, query
 * strings): text PostgreSQL cannot store is refused first (storable-text.ts), then the schema.
 * Both are reported together, each field once: a field with unstorable text gets only that
 * message, which is the one to act on.
 */
export function validateInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, raw: unknown): ValidationResult<T> {
  const textIssues = unstorableTextIssues(raw);
  const parsed = schema.safeParse(raw);
  if (parsed.success && textIssues.length === 0) return { ok: true, data: parsed.data };
  const fields = fieldErrors(textIssues);
  if (!parsed.success) {
    for (const [key, messages] of Object.entries(fieldErrors(parsed.error.issues))) if (!fields[key]) fields[key] = messages;
  }
  return { ok: false, fields };
}

export function parseInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, raw: unknown, message = "Some fields are invalid"): T {
  const result = validateInput(schema, raw);
  if (!result.ok) throw new AppError("VALIDATION", message, { fields: result.fields });
  return result.data;
}

function tooLarge() {
  return new AppError("VALIDATION", `The body is larger than ${MAX_JSON_BODY_BYTES / 1024} KB`, { fields: { _: ["Body too large"] } });
}
