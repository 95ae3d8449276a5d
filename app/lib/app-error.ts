/**
 * The one error type. Domain code throws AppError with a code; routes turn it into the
 * standard body `{ error: { code, message, fields?, correlationId } }` with the status below.
 */
export const APP_ERROR_STATUS = {
  /** Input failed validation; `fields` names each bad field. */
  VALIDATION: 400,
  /** No valid session token or signature. */
  UNAUTHENTICATED: 401,
  /** Authenticated, but the role lacks the permission. */
  FORBIDDEN: 403,
  /** Nothing with that id in this shop (other shops' ids included). */
  NOT_FOUND: 404,
  /** The request conflicts with the current state. */
  CONFLICT: 409,
  /** An Idempotency-Key was reused with a different request. */
  IDEMPOTENCY_MISMATCH: 409,
  /** Too many requests from this actor or shop. */
  RATE_LIMITED: 429,
  /** The store's action policy forbids it. */
  POLICY_DENIED: 403,
  /** Over an amount, percentage or time-window limit. */
  LIMIT_EXCEEDED: 422,
  /** Shopify refused the mutation (userErrors). */
  SHOPIFY_USER_ERROR: 422,
  /** Shopify's rate limit; retry later. */
  THROTTLED: 503,
  /** Shopify or another upstream failed. */
  UPSTREAM: 502,
  /** Anything unexpected; details only in the logs. */
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export interface AppErrorOptions {
  fields?: Record<string, string[]>;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fields?: Record<string, string[]>;
  readonly details?: Record<string, unknown>;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options.fields;
    this.details = options.details;
  }

  get status(): number {
    return APP_ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: {
    code: AppErrorCode;
    message: string;
    fields?: Record<string, string[]>;
    /** Safe, structured facts about the error (e.g. the missing permission); never internals. */
    details?: Record<string, unknown>;
    correlationId: string;
  };
}

export function errorBody(error: AppError, correlationId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.fields ? { fields: error.fields } : {}),
      ...(error.details ? { details: error.details } : {}),
      correlationId,
    },
  };
}

/** Field errors from a zod error, keyed by dotted path ("" for the whole input). */
export function fieldErrors(issues: Array<{ path: Array<string | number>; message: string }>): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.join(".") || "_";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
