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
  return readCapped(request, MAX_JSON_BODY_BYTES, tooLarge);
}

/** What a page's <Form method="post"> sends; anything else is not a form. */
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/**
 * A form post's text fields, validated like a JSON body (validateInput): content type checked,
 * size capped while streaming, and a malformed body, a file part or a repeated field refused
 * with a 400 naming it. The pages' forms have no file inputs and no repeated names, so either
 * is a hostile or broken client; ignoring them could drop a field silently.
 */
export async function readForm<T>(request: Request, schema: ZodType<T, ZodTypeDef, unknown>, maxBytes: number): Promise<T> {
  const type = request.headers.get("content-type") ?? "";
  if (!FORM_TYPES.test(type)) {
    throw new AppError("VALIDATION", "Send the form as a form", { fields: { _: ["Content-Type must be application/x-www-form-urlencoded or multipart/form-data"] } });
  }
  const bytes = await readCapped(request, maxBytes, () => new AppError("VALIDATION", "The form is too large", { fields: { _: ["Too large"] } }));
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError("VALIDATION", "The form could not be read", { fields: { _: ["Malformed form"] } });
  }
  const raw: Record<string, string> = {};
  const fields: Record<string, string[]> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string") (fields[name] ??= []).push("Send text, not a file");
    else if (name in raw) (fields[name] ??= []).push("Send this field once");
    else raw[name] = value;
  }
  const result = validateInput(schema, raw);
  if (!result.ok || Object.keys(fields).length) {
    throw new AppError("VALIDATION", "Some fields are invalid", { fields: { ...(result.ok ? {} : result.fields), ...fields } });
  }
  return result.data;
}

/** The body's bytes, cut off once over `maxBytes` (a sender may lie about or omit Content-Length). */
export async function readCapped(request: Request, maxBytes: number, tooLargeError: () => AppError): Promise<Buffer> {
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLargeError();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop reading: a sender that omits or understates Content-Length gets no further.
      await reader.cancel().catch(() => undefined);
      throw tooLargeError();
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
