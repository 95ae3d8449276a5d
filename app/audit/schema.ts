import { z } from "zod";
import { ZFromDate, ZToDate } from "../lib/date-filters";

export const ACTOR_TYPES = ["staff", "workflow", "agent", "system", "webhook"] as const;

const optionalText = (max: number, pattern: RegExp, message: string) =>
  z.preprocess((value) => (value === "" || value === null ? undefined : value), z.string().max(max).regex(pattern, message).optional());

/** Filters of the audit log (query string). Unknown parameters are ignored, bad ones named. */
export const ZAuditFilters = z
  .object({
    actorType: z.preprocess((value) => (value === "" ? undefined : value), z.enum(ACTOR_TYPES).optional()),
    actorId: optionalText(64, /^[A-Za-z0-9_-]+$/, "Letters, digits, _ and - only"),
    action: optionalText(100, /^[a-z0-9_.]+$/, "Lowercase letters, digits, _ and . only"),
    entityType: optionalText(64, /^[A-Za-z0-9_]+$/, "Letters, digits and _ only"),
    from: ZFromDate,
    to: ZToDate,
    cursor: optionalText(200, /^[A-Za-z0-9_-]+$/, "Malformed cursor"),
    limit: z.preprocess((value) => (value === "" || value === null ? undefined : value), z.coerce.number().int().min(1).max(100).default(50)),
  })
  .refine((value) => !value.from || !value.to || value.from <= value.to, { message: "From must be before To", path: ["to"] });

export type AuditFilters = z.infer<typeof ZAuditFilters>;
