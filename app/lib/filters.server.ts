import { data } from "@remix-run/node";
import type { ZodType, ZodTypeDef } from "zod";
import { AppError, errorBody, type ErrorBody } from "./app-error";
import { CORRELATION_HEADER } from "./correlation.server";
import { validateInput } from "./http.server";

export type FilterResult<T> = { ok: true; filters: T } | { ok: false; error: ErrorBody["error"] };

/** Parses list filters from the query string; bad values become a VALIDATION error body. */
export function parseFilters<T>(url: URL, schema: ZodType<T, ZodTypeDef, unknown>, keys: string[], correlationId: string): FilterResult<T> {
  const raw = Object.fromEntries(keys.flatMap((key) => (url.searchParams.has(key) ? [[key, url.searchParams.get(key)]] : [])));
  const parsed = validateInput(schema, raw);
  if (parsed.ok) return { ok: true, filters: parsed.data };
  return { ok: false, error: errorBody(new AppError("VALIDATION", "Some filters are invalid", { fields: parsed.fields }), correlationId).error };
}

/**
 * A list page with invalid filters still renders (the field errors beside the fields), with
 * status 400 and the standard error body, so API clients and the page agree.
 */
export function invalidFiltersPage<T extends object>(empty: T, error: ErrorBody["error"]) {
  return data({ ...empty, error }, { status: 400, headers: { [CORRELATION_HEADER]: error.correlationId } });
}
