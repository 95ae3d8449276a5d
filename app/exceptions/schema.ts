import { z } from "zod";
import { REASON_CODES } from "../actions/reason-code";
import { blank } from "../lib/blank";

export const EXCEPTION_STATUSES = ["open", "retrying", "resolved", "dismissed"] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];


/** Filters of the Exceptions page (query string). Open exceptions by default: the work queue. */
export const ZExceptionFilters = z.object({
  status: z.preprocess(blank, z.enum([...EXCEPTION_STATUSES, "all"], { errorMap: () => ({ message: "Choose a status from the list" }) }).default("open")),
  reasonCode: z.preprocess(blank, z.enum(REASON_CODES, { errorMap: () => ({ message: "Choose a reason from the list" }) }).optional()),
  actionType: z.preprocess(blank, z.string().max(64).regex(/^[a-z0-9_]+$/, "Lowercase letters, digits and _ only").optional()),
  cursor: z.preprocess(blank, z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Malformed cursor").optional()),
  limit: z.preprocess(blank, z.coerce.number().int().min(1).max(100).default(50)),
});

export type ExceptionFilters = z.infer<typeof ZExceptionFilters>;

export const ZExceptionId = z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed exception id");

// Strict like every JSON body: a misspelt field is refused, not silently dropped.
export const ZDismissInput = z
  .object({
    reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500, "At most 500 characters"),
  })
  .strict();
