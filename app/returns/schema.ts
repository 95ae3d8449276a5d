/**
 * Return reasons as we store them: Shopify's return reason definitions (returnReasonDefinitions),
 * one library per shop (ReturnReasonLibrary.definitions).
 */
import { z } from "zod";

export const ZReturnReasonDefinition = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/ReturnReasonDefinition\/\d+$/),
  handle: z.string(),
  name: z.string(),
  /** Retired from Shopify's taxonomy: still valid on returns, no longer offered. */
  deleted: z.boolean(),
});
export type ReturnReasonDefinition = z.infer<typeof ZReturnReasonDefinition>;

export const ZStoredReturnReasons = z.array(ZReturnReasonDefinition);

/** What the return form offers: a reason staff can pick. */
export type ReturnReasonOption = Pick<ReturnReasonDefinition, "id" | "handle" | "name">;

export interface ReturnReasonList {
  reasons: ReturnReasonOption[];
  /** When the list was fetched from Shopify (ISO). */
  fetchedAt: string;
  /** Shopify could not be asked for a newer list: this is the stored one, older than a day. */
  stale: boolean;
}
