/**
 * initiate_return: opens a return in Shopify for shipped units the customer sends back
 * (`returnCreate`: staff create it, so it is OPEN, already approved). Only units a successful
 * fulfillment shipped that are neither refunded nor in another return qualify
 * (app/orders/returnable-items.ts); the refund follows when the goods arrive, as its own
 * action under its own caps.
 *
 * The reason is one of Shopify's return reason definitions (`returnReasonDefinitionId`; the
 * ReturnReason enum is deprecated in 2026-10): staff pick it from the shop's stored library
 * (app/returns/, GET /app/return-reasons). Shopify is the judge of an id: one it does not know
 * comes back as its userError beside the reason field, like any other refusal.
 *
 * returnCreate has no idempotency key, so a retry first asks Shopify for an open return with
 * exactly these units (the one an earlier attempt may have opened before its answer was lost)
 * and adopts it instead of opening a second. Whoever opened it, the outcome asked for holds:
 * these units are in an open return; the summary says so without claiming it was this run.
 */
import { z } from "zod";
import { blank } from "../lib/blank";
import { returnableItems } from "../orders/returnable-items";
import { AppError } from "../lib/app-error";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { OrderContextQuery, ReturnCreateMutation } from "../shopify/admin.generated";
import { ORDER_CONTEXT_QUERY, ORDER_CONTEXT_REQUESTED_COST, RETURN_CREATE_MUTATION } from "../shopify/documents";
import type { ActionTarget } from "./types";
import { defineAction } from "./types";

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
    /** A ReturnReasonDefinition of Shopify's library (the same for every line of this return). */
    returnReasonDefinitionId: z.string({ errorMap: () => ({ message: "Choose a reason" }) }).regex(/^gid:\/\/shopify\/ReturnReasonDefinition\/\d+$/, "Choose a reason"),
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

/**
 * The form has one reason for the whole return, sent on every line: Shopify's complaint about
 * `returnLineItems.N.returnReasonDefinitionId` belongs beside that one field.
 */
function reasonErrorsOnTheReasonField(error: unknown): unknown {
  if (!(error instanceof AppError) || !error.fields) return error;
  const fields: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(error.fields)) {
    const key = /^returnLineItems\.\d+\.returnReasonDefinitionId$/.test(field) ? "returnReasonDefinitionId" : field;
    fields[key] = [...new Set([...(fields[key] ?? []), ...messages])];
  }
  return new AppError(error.code, error.message, { fields, details: error.details, cause: error });
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
  // The reason is an id here: its name is what the form showed, and Shopify's answer (the
  // audit row) names it; the preview, read from our snapshot alone, names the items.
  preview: (target, input) =>
    `Open a return on order ${target.order?.name ?? ""} for ${itemsLabel(target, input)}. The customer sends them back; refund them when they arrive.`,
  async perform({ shopify, order, input, earlierAttempt }) {
    const units = requested(input);
    if (earlierAttempt) {
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
    const variables = {
      input: {
        orderId: order.shopifyId,
        returnLineItems: [...units].map(([fulfillmentLineItemId, quantity]) => ({ fulfillmentLineItemId, quantity, returnReasonDefinitionId: input.returnReasonDefinitionId, returnReasonNote: input.note ?? "" })),
      },
    };
    const data = await shopify.request<ReturnCreateMutation>("ReturnCreate", RETURN_CREATE_MUTATION, variables, 10);
    try {
      assertNoUserErrors("returnCreate", data.returnCreate, ["returnInput"]);
    } catch (error) {
      throw reasonErrorsOnTheReasonField(error);
    }
    const created = data.returnCreate?.return ?? null;
    const line = created?.returnLineItems.nodes[0];
    const reason = line && "returnReasonDefinition" in line ? line.returnReasonDefinition : null;
    return {
      result: { shopify: { returnCreate: { return: created } } },
      summary: `Return ${created?.name ?? ""} opened on ${order.name} for ${[...units.values()].reduce((a, b) => a + b, 0)} item(s)`,
      before: { returns: order.snapshot?.returns.map((ret) => ({ id: ret.id, status: ret.status })) ?? [] },
      after: {
        returnId: created?.id ?? null,
        name: created?.name ?? null,
        items: [...units].map(([fulfillmentLineItemId, quantity]) => ({ fulfillmentLineItemId, quantity })),
        reason: reason ?? { id: input.returnReasonDefinitionId },
      },
    };
  },
});
