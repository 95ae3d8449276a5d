/**
 * send_tracking: sets a fulfillment's tracking in Shopify and has Shopify email it to the
 * customer (`fulfillmentTrackingInfoUpdate` with notifyCustomer). The fulfillment must be one
 * of this order's, from the snapshot, and not cancelled.
 */
import { z } from "zod";
import { blank } from "../lib/blank";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { FulfillmentTrackingUpdateMutation } from "../shopify/admin.generated";
import { FULFILLMENT_TRACKING_UPDATE_MUTATION } from "../shopify/documents";
import type { ActionTarget } from "./types";
import { defineAction } from "./types";


export const ZSendTrackingInput = z
  .object({
    fulfillmentId: z.string().regex(/^gid:\/\/shopify\/Fulfillment\/\d+$/, "Choose a fulfillment of this order"),
    company: z.preprocess(blank, z.string().trim().max(100, "At most 100 characters").optional()),
    number: z.preprocess(blank, z.string().trim().max(100, "At most 100 characters").optional()),
    url: z.preprocess(blank, z.string().trim().url("Enter a full URL, like https://carrier.example/track/123").refine((value) => /^https?:\/\//.test(value), "Use an http or https URL").optional()),
  })
  .strict()
  .refine((input) => input.number || input.url, { path: ["number"], message: "Enter a tracking number or a tracking URL" });
export type SendTrackingInput = z.infer<typeof ZSendTrackingInput>;

const fulfillmentOf = (target: ActionTarget, id: string) => target.order?.snapshot?.fulfillments.find((fulfillment) => fulfillment.id === id) ?? null;

export const sendTrackingAction = defineAction<SendTrackingInput>({
  type: "send_tracking",
  label: "Send tracking",
  description: "Updates a fulfillment's tracking and emails it to the customer.",
  permission: "actions.send_tracking",
  targets: ["ticket", "order"],
  input: ZSendTrackingInput,
  preconditions(target, input) {
    const fulfillment = fulfillmentOf(target, input.fulfillmentId);
    if (!fulfillment) return "That fulfillment is not one of this order's";
    if (fulfillment.status === "CANCELLED") return `${fulfillment.name} was cancelled: there is nothing to track`;
    return null;
  },
  preview: (target, input) =>
    `Set the tracking of ${fulfillmentOf(target, input.fulfillmentId)?.name ?? "the fulfillment"} to ${[input.company, input.number].filter(Boolean).join(" ") || input.url} and email it to the customer of order ${target.order?.name ?? ""}.`,
  async perform({ shopify, order, input }) {
    const data = await shopify.request<FulfillmentTrackingUpdateMutation>(
      "FulfillmentTrackingUpdate",
      FULFILLMENT_TRACKING_UPDATE_MUTATION,
      { fulfillmentId: input.fulfillmentId, tracking: { company: input.company ?? null, number: input.number ?? null, url: input.url ?? null }, notifyCustomer: true },
      10,
    );
    assertNoUserErrors("fulfillmentTrackingInfoUpdate", data.fulfillmentTrackingInfoUpdate);
    const fulfillment = data.fulfillmentTrackingInfoUpdate?.fulfillment ?? null;
    return {
      result: { shopify: { fulfillmentTrackingInfoUpdate: { fulfillment } } },
      summary: `Tracking of ${fulfillment?.name ?? "the fulfillment"} sent to the customer of ${order.name}`,
      before: { fulfillmentId: input.fulfillmentId, tracking: order.snapshot?.fulfillments.find((f) => f.id === input.fulfillmentId)?.tracking ?? [] },
      after: { fulfillmentId: input.fulfillmentId, tracking: fulfillment?.trackingInfo ?? [] },
    };
  },
});
