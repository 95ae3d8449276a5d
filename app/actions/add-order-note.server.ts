/**
 * add_order_note: sets the order's note in Shopify (`orderUpdate`), which staff see in
 * Shopify admin. Shopify's note is one field: this replaces it, and the audit row keeps the
 * note it replaced.
 */
import { z } from "zod";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { OrderNoteUpdateMutation } from "../shopify/admin.generated";
import { ORDER_NOTE_UPDATE_MUTATION } from "../shopify/documents";
import { defineAction } from "./types";

export const ZAddOrderNoteInput = z.object({ note: z.string().trim().min(1, "Write the note first").max(5000, "At most 5000 characters") }).strict();
export type AddOrderNoteInput = z.infer<typeof ZAddOrderNoteInput>;

export const addOrderNoteAction = defineAction<AddOrderNoteInput>({
  type: "add_order_note",
  label: "Add order note",
  description: "Replaces the order's note in Shopify (staff-only, shown in Shopify admin).",
  permission: "actions.add_order_note",
  targets: ["ticket", "order"],
  input: ZAddOrderNoteInput,
  // Free text that may name the customer: audit rows keep lengths; the note's history is in the
  // order's snapshot versions, which customers/redact can scrub (the audit log is append-only).
  auditInput: (input) => ({ noteLength: input.note.length }),
  preview: (target, input) => `Set the note of order ${target.order?.name ?? ""} in Shopify to ${input.note.length} characters${target.order?.snapshot?.order.note ? ", replacing its current note" : ""}.`,
  async perform({ shopify, order, input }) {
    const data = await shopify.request<OrderNoteUpdateMutation>("OrderNoteUpdate", ORDER_NOTE_UPDATE_MUTATION, { input: { id: order.shopifyId, note: input.note } }, 10);
    assertNoUserErrors("orderUpdate", data.orderUpdate);
    return {
      result: { shopify: { orderUpdate: { order: data.orderUpdate?.order ?? null } } },
      summary: `Order note of ${order.name} updated in Shopify`,
      before: { noteLength: order.snapshot?.order.note?.length ?? 0 },
      after: { noteLength: (data.orderUpdate?.order?.note ?? input.note).length },
    };
  },
});
