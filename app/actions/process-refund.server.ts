/**
 * process_refund: returns money to the customer's payment (`refundCreate`). The amount is
 * checked against what is refundable on the snapshot before anything is written, and against
 * the store's amount and percentage caps and approval threshold by the policy (policyFacts).
 * The Shopify idempotency key is the lineage's root run id: a retry after a lost answer gets the
 * first refund back instead of a second one.
 */
import { z } from "zod";
import { blank } from "../lib/blank";
import { amountPrecisionError, fromMicros, isDecimal, percentOf, toMicros } from "../lib/money";
import type { SnapshotContent } from "../orders/build-snapshot";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { RefundCreateMutation } from "../shopify/admin.generated";
import { REFUND_CREATE_MUTATION } from "../shopify/documents";
import { defineAction } from "./types";

export const ZProcessRefundInput = z
  .object({
    amount: z
      .string({ required_error: "Enter an amount" })
      .trim()
      .refine(isDecimal, "Enter an amount like 12.50")
      .refine((value) => !isDecimal(value) || toMicros(value) > 0n, "The amount must be more than zero"),
    note: z.preprocess(blank, z.string().trim().max(255, "At most 255 characters").optional()),
    notify: z.boolean().default(true),
  })
  .strict();
export type ProcessRefundInput = z.infer<typeof ZProcessRefundInput>;

/** Received minus refunded, in the shop currency, from the snapshot; null without one. */
export function refundableAmount(snapshot: SnapshotContent | null): string | null {
  const received = snapshot?.totals.received?.shop.amount;
  if (!received) return null;
  const refunded = snapshot?.totals.refunded?.shop.amount ?? "0";
  const left = toMicros(received) - toMicros(refunded);
  return fromMicros(left > 0n ? left : 0n);
}

/** The payment a refund goes back to: the latest successful sale or capture. */
function parentPayment(snapshot: SnapshotContent | null) {
  return [...(snapshot?.transactions ?? [])].reverse().find((t) => (t.kind === "SALE" || t.kind === "CAPTURE") && t.status === "SUCCESS") ?? null;
}

export const processRefundAction = defineAction<ProcessRefundInput>({
  type: "process_refund",
  label: "Process refund",
  description: "Refunds an amount to the customer's original payment method in Shopify.",
  permission: "actions.refund",
  targets: ["ticket", "order"],
  input: ZProcessRefundInput,
  // The note is free text (it may name the customer): audit rows keep its length.
  auditInput: ({ note, ...input }) => ({ ...input, noteLength: note?.length ?? 0 }),
  preconditions(target, input) {
    const order = target.order;
    if (!order?.snapshot) return "This order has not been imported yet: refresh it from Shopify first";
    const precision = amountPrecisionError(input.amount, order.currencyCode);
    if (precision) return { field: "amount", message: precision };
    if (order.snapshot.order.cancelledAt && refundableAmount(order.snapshot) === "0.00") return "This order is cancelled and has nothing left to refund";
    const refundable = refundableAmount(order.snapshot);
    if (refundable === null || toMicros(refundable) === 0n) return "Nothing has been paid on this order that is not refunded already";
    if (toMicros(input.amount) > toMicros(refundable)) return `At most ${refundable} ${order.currencyCode} can be refunded on this order`;
    if (!parentPayment(order.snapshot)) return "This order has no successful payment to refund to";
    return null;
  },
  policyFacts: (target, input) => ({ amount: input.amount, percentage: target.order ? percentOf(input.amount, target.order.currentTotalAmount) : undefined }),
  preview: (target, input) =>
    `Refund ${input.amount} ${target.order?.currencyCode ?? ""} on order ${target.order?.name ?? ""} to the original payment method${input.notify ? " and email the customer" : ""}.`,
  async perform({ shopify, order, input, rootRunId }) {
    const parent = parentPayment(order.snapshot);
    const variables = {
      idempotencyKey: `oac-refund-${rootRunId}`,
      input: {
        orderId: order.shopifyId,
        note: input.note ?? null,
        notify: input.notify,
        transactions: [{ orderId: order.shopifyId, amount: input.amount, gateway: parent?.gateway ?? "manual", kind: "REFUND", parentId: parent?.id ?? null }],
      },
    };
    const data = await shopify.request<RefundCreateMutation>("RefundCreate", REFUND_CREATE_MUTATION, variables, 10);
    assertNoUserErrors("refundCreate", data.refundCreate);
    const refund = data.refundCreate?.refund ?? null;
    return {
      result: { shopify: { refundCreate: { refund, order: data.refundCreate?.order ?? null } } },
      summary: `Refunded ${input.amount} ${order.currencyCode} on ${order.name}`,
      before: { refunded: order.snapshot?.totals.refunded?.shop.amount ?? "0.00", refundable: refundableAmount(order.snapshot) },
      after: { refundId: refund?.id ?? null, amount: input.amount, refunded: data.refundCreate?.order?.totalRefundedSet.shopMoney.amount ?? null },
    };
  },
});
