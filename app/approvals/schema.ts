import { z } from "zod";

export const ZApprovalId = z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed approval id");

export const ZApproveInput = z.object({ note: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().trim().max(500, "At most 500 characters").optional()) }).strict();

export const ZDenyInput = z.object({ note: z.string({ required_error: "Say why you deny it" }).trim().min(1, "Say why you deny it").max(500, "At most 500 characters") }).strict();
