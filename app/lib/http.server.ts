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

/** Reads a JSON request body: content type, size and shape checked; 4xx AppErrors otherwise. */
export async function readJson<T>(request: Request, schema: ZodType<T, ZodTypeDef, unknown>): Promise<T> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("VALIDATION", "Send the body as application/json", { fields: { _: ["Content-Type must be application/json"] } });
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BODY_BYTES) throw tooLarge();
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BODY_BYTES) throw tooLarge();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "The body is not valid JSON", { fields: { _: ["Malformed JSON"] } });
  }
  return parseInput(schema, raw);
}

export function parseInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, raw: unknown, message = "Some fields are invalid"): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("VALIDATION", message, { fields: fieldErrors(parsed.error.issues) });
  return parsed.data;
}

function tooLarge() {
  return new AppError("VALIDATION", `The body is larger than ${MAX_JSON_BODY_BYTES / 1024} KB`, { fields: { _: ["Body too large"] } });
}
