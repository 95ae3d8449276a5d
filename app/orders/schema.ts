/**
 * The order as the Admin API returns it (ORDER_CONTEXT_FRAGMENT), validated at the boundary:
 * a response that does not match is an UPSTREAM error, never half-ingested data.
 */
import { z } from "zod";

const ZMoneyV2 = z.object({ amount: z.string().regex(/^-?\d+(\.\d+)?$/), currencyCode: z.string() });
export const ZMoneyBag = z.object({ shopMoney: ZMoneyV2, presentmentMoney: ZMoneyV2 });
const nodes = <T extends z.ZodTypeAny>(item: T) => z.object({ nodes: z.array(item) });

export const ZOrderContext = z.object({
  id: z.string(),
  legacyResourceId: z.string().nullish(),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  processedAt: z.string().nullish(),
  cancelledAt: z.string().nullish(),
  cancelReason: z.string().nullish(),
  closedAt: z.string().nullish(),
  note: z.string().nullish(),
  tags: z.array(z.string()),
  test: z.boolean().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  currencyCode: z.string(),
  presentmentCurrencyCode: z.string().nullish(),
  displayFinancialStatus: z.string().nullish(),
  displayFulfillmentStatus: z.string(),
  customer: z
    .object({
      id: z.string(),
      displayName: z.string(),
      defaultEmailAddress: z.object({ emailAddress: z.string().nullish() }).nullish(),
      defaultPhoneNumber: z.object({ phoneNumber: z.string() }).nullish(),
    })
    .nullish(),
  shippingAddress: z
    .object({
      name: z.string().nullish(),
      address1: z.string().nullish(),
      address2: z.string().nullish(),
      city: z.string().nullish(),
      province: z.string().nullish(),
      provinceCode: z.string().nullish(),
      zip: z.string().nullish(),
      country: z.string().nullish(),
      countryCodeV2: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
  subtotalPriceSet: ZMoneyBag.nullish(),
  totalShippingPriceSet: ZMoneyBag,
  totalTaxSet: ZMoneyBag.nullish(),
  totalDiscountsSet: ZMoneyBag.nullish(),
  totalPriceSet: ZMoneyBag,
  currentTotalPriceSet: ZMoneyBag,
  totalRefundedSet: ZMoneyBag,
  totalOutstandingSet: ZMoneyBag,
  totalReceivedSet: ZMoneyBag,
  lineItems: nodes(
    z.object({
      id: z.string(),
      title: z.string(),
      sku: z.string().nullish(),
      quantity: z.number(),
      currentQuantity: z.number(),
      variantTitle: z.string().nullish(),
      originalUnitPriceSet: ZMoneyBag,
    }),
  ),
  fulfillmentOrders: nodes(
    z.object({
      id: z.string(),
      status: z.string(),
      requestStatus: z.string(),
      createdAt: z.string(),
      updatedAt: z.string(),
      assignedLocation: z.object({ name: z.string() }),
      fulfillmentHolds: z.array(z.object({ id: z.string(), reason: z.string(), reasonNotes: z.string().nullish() })),
      lineItems: nodes(z.object({ id: z.string(), totalQuantity: z.number(), remainingQuantity: z.number(), sku: z.string().nullish(), productTitle: z.string() })),
    }),
  ),
  fulfillments: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      displayStatus: z.string().nullish(),
      createdAt: z.string(),
      updatedAt: z.string(),
      inTransitAt: z.string().nullish(),
      deliveredAt: z.string().nullish(),
      trackingInfo: z.array(z.object({ company: z.string().nullish(), number: z.string().nullish(), url: z.string().nullish() })),
      // Absent from the bulk backfill (its query can nest no deeper): single-order ingest fills it.
      fulfillmentLineItems: nodes(z.object({ id: z.string(), quantity: z.number().nullable(), lineItem: z.object({ id: z.string() }) })).nullish(),
    }),
  ),
  transactions: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      status: z.string(),
      gateway: z.string().nullish(),
      errorCode: z.string().nullish(),
      createdAt: z.string(),
      processedAt: z.string().nullish(),
      amountSet: ZMoneyBag,
    }),
  ),
  refunds: z.array(z.object({ id: z.string(), createdAt: z.string().nullish(), note: z.string().nullish(), totalRefundedSet: ZMoneyBag })),
  returns: nodes(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      createdAt: z.string(),
      closedAt: z.string().nullish(),
      totalQuantity: z.number(),
      returnLineItems: nodes(z.object({ quantity: z.number(), fulfillmentLineItem: z.object({ id: z.string() }).nullish() })).nullish(),
    }),
  ),
  events: nodes(
    z.object({
      id: z.string(),
      action: z.string(),
      message: z.string(),
      createdAt: z.string(),
      appTitle: z.string().nullish(),
      attributeToApp: z.boolean(),
      attributeToUser: z.boolean(),
      criticalAlert: z.boolean(),
    }),
  ),
});

export type OrderContext = z.infer<typeof ZOrderContext>;
