import { z } from "zod";
import { blank } from "../lib/blank";

export const ZApprovalId = z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed approval id");

export const ZApproveInput = z.object({ note: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().trim().max(500, "At most 500 characters").optional()) }).strict();

export const ZDenyInput = z.object({ note: z.string({ required_error: "Say why you deny it" }).trim().min(1, "Say why you deny it").max(500, "At most 500 characters") }).strict();

export const APPROVAL_STATUSES = ["pending", "approved", "denied", "expired", "cancelled"] as const;

/** Filters of the Approvals inbox (query string). Pending requests by default: the work queue. */
export const ZApprovalFilters = z.object({
  status: z.preprocess(blank, z.enum([...APPROVAL_STATUSES, "all"], { errorMap: () => ({ message: "Choose a status from the list" }) }).default("pending")),
  actionType: z.preprocess(blank, z.string().max(64).regex(/^[a-z0-9_]+$/, "Lowercase letters, digits and _ only").optional()),
  cursor: z.preprocess(blank, z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Malformed cursor").optional()),
  limit: z.preprocess(blank, z.coerce.number().int().min(1).max(100).default(50)),
});

export type ApprovalFilters = z.infer<typeof ZApprovalFilters>;
