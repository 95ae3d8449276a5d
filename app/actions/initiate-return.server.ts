/**
 * initiate_return: opens a return in Shopify for shipped units the customer sends back
 * (`returnCreate`: staff create it, so it is OPEN, already approved). Only units a successful
 * fulfillment shipped that are neither refunded nor in another return qualify
 * (app/orders/returnable-items.ts); the refund follows when the goods arrive, as its own
 * action under its own caps.
 *
 * returnCreate has no idempotency key, so a retry first asks Shopify for an open return with
 * exactly these units (the one an earlier attempt may have opened before its answer was lost)
 * and adopts it instead of opening a second. Whoever opened it, the outcome asked for holds:
 * these units are in an open return; the summary says so without claiming it was this run.
 */
import { z } from "zod";
import { blank } from "../lib/blank";
import { returnableItems } from "../orders/returnable-items";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { OrderContextQuery, ReturnCreateMutation } from "../shopify/admin.generated";
import { ORDER_CONTEXT_QUERY, ORDER_CONTEXT_REQUESTED_COST, RETURN_CREATE_MUTATION } from "../shopify/documents";
import type { ActionTarget } from "./types";
import { defineAction } from "./types";

/** Shopify's ReturnReason values a person can pick (UNKNOWN is what Shopify records without one). */
export const RETURN_REASONS = ["DEFECTIVE", "NOT_AS_DESCRIBED", "WRONG_ITEM", "SIZE_TOO_SMALL", "SIZE_TOO_LARGE", "COLOR", "STYLE", "UNWANTED", "OTHER"] as const;

export const ZInitiateReturnInput = z
  .object({
    lineItems: z
      .array(
        z
          .object({
            fulfillmentLineItemId: z.string().regex(/^gid:\/\/shopify\/FulfillmentLineItem\/\d+$/, "Choose an item this order shipped"),
            quantity: z.coerce.number({ invalid_type_error: "Enter a number of items" }).int("Enter a whole number").min(1, "At least 1").max(1000, "At most 1000"),
          })
          .strict(),
      )
      .min(1, "Choose at least one item to return")
      .max(50, "At most 50 items in one return"),
    reason: z.enum(RETURN_REASONS, { errorMap: () => ({ message: "Choose a reason" }) }),
    note: z.preprocess(blank, z.string().trim().max(255, "At most 255 characters").optional()),
  })
  .strict();
export type InitiateReturnInput = z.infer<typeof ZInitiateReturnInput>;

/** Units per fulfillment line item (the same item twice adds up). */
function unitsByItem(lines: Iterable<{ id: string; quantity: number }>): Map<string, number> {
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.id, (units.get(line.id) ?? 0) + line.quantity);
  return units;
}

const requested = (input: InitiateReturnInput) => unitsByItem(input.lineItems.map((line) => ({ id: line.fulfillmentLineItemId, quantity: line.quantity })));

function itemsLabel(target: ActionTarget, input: InitiateReturnInput): string {
  const items = returnableItems(target.order?.snapshot ?? null).items;
  return [...requested(input)].map(([id, quantity]) => `${quantity} × ${items.find((item) => item.fulfillmentLineItemId === id)?.title ?? "item"}`).join(", ");
}

const sameUnits = (a: Map<string, number>, b: Map<string, number>) => a.size === b.size && [...a].every(([id, quantity]) => b.get(id) === quantity);

export const initiateReturnAction = defineAction<InitiateReturnInput>({
  type: "initiate_return",
  label: "Initiate return",
  description: "Opens a return in Shopify for shipped items the customer sends back; refund them when they arrive.",
  permission: "actions.initiate_return",
  targets: ["ticket", "order"],
  input: ZInitiateReturnInput,
  // The note is free text (it may name the customer): audit rows keep its length.
  auditInput: ({ note, ...input }) => ({ ...input, noteLength: note?.length ?? 0 }),
  preconditions(target, input) {
    const snapshot = target.order?.snapshot ?? null;
    if (!snapshot) return "This order has not been imported yet: refresh it from Shopify first";
    if (!snapshot.fulfillments.some((fulfillment) => fulfillment.status === "SUCCESS")) return "Nothing on this order has shipped yet: there is nothing to return";
    const { items, complete } = returnableItems(snapshot);
    if (!complete) return "The shipped items of this order are not imported yet: look the order up (refresh it from Shopify) first";
    const perLine = new Map<string, number>();
    for (const [id, quantity] of requested(input)) {
      const item = items.find((candidate) => candidate.fulfillmentLineItemId === id);
      if (!item) return "That item is not returnable on this order: it did not ship, was refunded, or is in another return";
      if (quantity > item.quantity) return `At most ${item.quantity} × ${item.title} can be returned (shipped, not refunded and not in another return)`;
      const total = (perLine.get(item.lineItemId) ?? 0) + quantity;
      if (total > item.lineLimit) return `At most ${item.lineLimit} × ${item.title} can be returned in all (the rest was refunded or is in another return)`;
      perLine.set(item.lineItemId, total);
    }
    return null;
  },
  preview: (target, input) =>
    `Open a return on order ${target.order?.name ?? ""} for ${itemsLabel(target, input)} (reason: ${input.reason.toLowerCase().replaceAll("_", " ")}). The customer sends them back; refund them when they arrive.`,
  async perform({ shopify, order, input, runId, rootRunId }) {
    const units = requested(input);
    if (runId !== rootRunId) {
      // The order's context holds its returns with their units: a retry is rare enough to need no query of its own.
      const existing = await shopify.request<OrderContextQuery>("OrderContext", ORDER_CONTEXT_QUERY, { id: order.shopifyId }, ORDER_CONTEXT_REQUESTED_COST);
      const adopted = existing.order?.returns.nodes.find((ret) => {
        if (ret.status !== "OPEN") return false;
        const theirs = ret.returnLineItems.nodes.flatMap((line) => ("fulfillmentLineItem" in line && line.fulfillmentLineItem ? [{ id: line.fulfillmentLineItem.id, quantity: line.quantity }] : []));
        return sameUnits(units, unitsByItem(theirs));
      });
      if (adopted) {
        return {
          result: { shopify: { returnCreate: { return: { id: adopted.id, name: adopted.name, status: adopted.status, totalQuantity: adopted.totalQuantity } } }, alreadyCreated: true },
          summary: `Return ${adopted.name} on ${order.name} is already open with exactly these items: nothing new was opened`,
          after: { returnId: adopted.id, name: adopted.name, alreadyCreated: true },
        };
      }
    }
    // returnReason is deprecated in favour of returnReasonDefinitionId, but still accepted in
    // 2026-10 and the only way to name a reason without first listing the store's definitions.
    const variables = {
      input: {
        orderId: order.shopifyId,
        returnLineItems: [...units].map(([fulfillmentLineItemId, quantity]) => ({ fulfillmentLineItemId, quantity, returnReason: input.reason, returnReasonNote: input.note ?? "" })),
      },
    };
    const data = await shopify.request<ReturnCreateMutation>("ReturnCreate", RETURN_CREATE_MUTATION, variables, 10);
    assertNoUserErrors("returnCreate", data.returnCreate, ["returnInput"]);
    const created = data.returnCreate?.return ?? null;
    return {
      result: { shopify: { returnCreate: { return: created } } },
      summary: `Return ${created?.name ?? ""} opened on ${order.name} for ${[...units.values()].reduce((a, b) => a + b, 0)} item(s)`,
      before: { returns: order.snapshot?.returns.map((ret) => ({ id: ret.id, status: ret.status })) ?? [] },
      after: { returnId: created?.id ?? null, name: created?.name ?? null, items: [...units].map(([fulfillmentLineItemId, quantity]) => ({ fulfillmentLineItemId, quantity })), reason: input.reason },
    };
  },
});
