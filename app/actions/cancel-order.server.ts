/**
 * cancel_order: cancels the order in Shopify (`orderCancel`): irreversible, so it is off and
 * confirmed by default. Shopify cancels in the background and answers with a job; the action
 * follows it to completion (bounded) before the runner re-ingests the order. By default what
 * was paid goes back to the original payment method, and that is the money the policy's caps
 * and approval threshold weigh; cancelled without a refund (to refund part of it afterwards,
 * say) it moves no money.
 */
import { z } from "zod";
import { AppError } from "../lib/app-error";
import { blank } from "../lib/blank";
import { percentOf } from "../lib/money";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { JobStatusQuery, OrderCancelMutation } from "../shopify/admin.generated";
import { JOB_QUERY, ORDER_CANCEL_MUTATION } from "../shopify/documents";
import { refundableAmount } from "./process-refund.server";
import { defineAction } from "./types";

export const CANCEL_REASONS = ["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "STAFF", "OTHER"] as const;

export const ZCancelOrderInput = z
  .object({
    reason: z.enum(CANCEL_REASONS, { errorMap: () => ({ message: "Choose a reason" }) }),
    restock: z.boolean().default(true),
    /** Refund what was paid to the original payment method; false keeps the payment. */
    refund: z.boolean().default(true),
    notifyCustomer: z.boolean().default(true),
    staffNote: z.preprocess(blank, z.string().trim().max(255, "At most 255 characters").optional()),
  })
  .strict();
export type CancelOrderInput = z.infer<typeof ZCancelOrderInput>;

/** How long to follow Shopify's cancellation job before calling it a failure (retry is safe). */
const JOB_POLLS = [250, 500, 1000, 2000, 4000, 8000];

export const cancelOrderAction = defineAction<CancelOrderInput>({
  type: "cancel_order",
  label: "Cancel order",
  description: "Cancels the order in Shopify, refunds what was paid to the original payment method and restocks.",
  permission: "actions.cancel_order",
  targets: ["ticket", "order"],
  input: ZCancelOrderInput,
  // The staff note is free text (it may name the customer): audit rows keep its length.
  auditInput: ({ staffNote, ...input }) => ({ ...input, staffNoteLength: staffNote?.length ?? 0 }),
  preconditions(target) {
    const snapshot = target.order?.snapshot;
    if (!snapshot) return "This order has not been imported yet: refresh it from Shopify first";
    if (snapshot.order.cancelledAt) return "This order is already cancelled";
    if (snapshot.fulfillments.some((fulfillment) => fulfillment.status === "SUCCESS")) return "Items of this order were fulfilled: cancel is not possible; start a return instead";
    return null;
  },
  policyFacts: (target, input) => {
    const amount = input.refund ? (refundableAmount(target.order?.snapshot ?? null) ?? "0.00") : "0.00";
    return { amount, percentage: target.order ? percentOf(amount, target.order.currentTotalAmount) : undefined };
  },
  preview: (target, input) =>
    `Cancel order ${target.order?.name ?? ""} in Shopify (reason: ${input.reason.toLowerCase()}), ${
      input.refund ? `refund ${refundableAmount(target.order?.snapshot ?? null) ?? "0.00"} ${target.order?.currencyCode ?? ""} to the original payment method` : "keep what was paid (no refund)"
    }${input.restock ? ", restock the items" : ""}${input.notifyCustomer ? " and email the customer" : ""}. This cannot be undone.`,
  /** Resumed after a crash: the re-ingested order already cancelled means the cancel went through. */
  async reconcile({ order, input }) {
    if (!order.snapshot?.order.cancelledAt) return null;
    return {
      result: { reconciled: true, cancelledAt: order.snapshot.order.cancelledAt },
      summary: `Order ${order.name} is cancelled in Shopify (confirmed after the app restarted)`,
      after: { cancelled: true, reason: input.reason, restock: input.restock, refunded: input.refund },
    };
  },
  async perform({ shopify, order, input }) {
    const data = await shopify.request<OrderCancelMutation>(
      "OrderCancel",
      ORDER_CANCEL_MUTATION,
      {
        orderId: order.shopifyId,
        reason: input.reason,
        restock: input.restock,
        notifyCustomer: input.notifyCustomer,
        staffNote: input.staffNote ?? null,
        // @oneOf: original payment methods, or store credit; none at all keeps the payment.
        refundMethod: input.refund ? { originalPaymentMethodsRefund: true } : null,
      },
      10,
    );
    assertNoUserErrors("orderCancel", data.orderCancel ? { userErrors: data.orderCancel.orderCancelUserErrors } : null);
    let job = data.orderCancel?.job ?? null;
    for (const wait of JOB_POLLS) {
      if (!job || job.done) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
      job = (await shopify.request<JobStatusQuery>("JobStatus", JOB_QUERY, { id: job.id }, 1)).job ?? job;
    }
    if (job && !job.done) throw new AppError("UPSTREAM", "Shopify has not finished cancelling the order yet; retry in a minute to check");
    return {
      result: { shopify: { orderCancel: { job } } },
      summary: `Order ${order.name} cancelled in Shopify (${input.reason.toLowerCase()})`,
      before: { cancelledAt: null, refundable: refundableAmount(order.snapshot) },
      after: { cancelled: true, reason: input.reason, restock: input.restock, refunded: input.refund },
    };
  },
});
