import { z } from "zod";
import { ACTOR_TYPES } from "../audit/schema";
import { ZFromDate, ZToDate } from "../lib/date-filters";

export const RUN_STATUSES = ["pending", "running", "succeeded", "failed", "pending_confirmation", "pending_approval", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const blankToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

export const ZRunFilters = z
  .object({
    type: z.preprocess(blankToUndefined, z.string().max(64).regex(/^[a-z0-9_]+$/, "Lowercase letters, digits and _ only").optional()),
    status: z.preprocess(blankToUndefined, z.enum(RUN_STATUSES).optional()),
    actorType: z.preprocess(blankToUndefined, z.enum(ACTOR_TYPES).optional()),
    actorId: z.preprocess(blankToUndefined, z.string().max(64).regex(/^[A-Za-z0-9_-]+$/, "Letters, digits, _ and - only").optional()),
    from: ZFromDate,
    to: ZToDate,
    cursor: z.preprocess(blankToUndefined, z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Malformed cursor").optional()),
    limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100).default(50)),
  })
  .refine((value) => !value.from || !value.to || value.from <= value.to, { message: "From must be before To", path: ["to"] });

export type RunFilters = z.infer<typeof ZRunFilters>;
