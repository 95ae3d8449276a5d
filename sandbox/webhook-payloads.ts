/**
 * Webhook bodies in Shopify's REST shape (snake_case, numeric ids next to
 * `admin_graphql_api_id`, money as decimal strings with `*_set` twins, timestamps in the
 * shop's UTC offset), built from the store's GraphQL-shaped records. Each builder emits the
 * keys of Shopify's sample payload for its topic (the webhook reference, 2026-07; the key
 * lists are pinned in webhook-payloads.test.ts): fields the store does not model are there
 * with the value Shopify sends when the feature is unused (null, [], {}).
 */
import { createHash } from "node:crypto";
import { legacyIdOf } from "./store/gid";
import { bagMinor, formatMinor } from "./store/money";
import type { SandboxStore } from "./store/store";
import type {
  CustomerRecord,
  FulfillmentDisplayStatus,
  FulfillmentHoldRecord,
  FulfillmentOrderRecord,
  FulfillmentLineItemRecord,
  FulfillmentRecord,
  LineItemRecord,
  MailingAddressRecord,
  MoneyBag,
  OrderRecord,
  OrderTransactionRecord,
  RefundRecord,
  ReturnRecord,
  ShopRecord,
  TaxLineRecord,
} from "./store/types";

type Json = Record<string, unknown>;

/** "2026-10-31T09:15:00Z" in a shop at +01:00 -> "2026-10-31T10:15:00+01:00". */
export function restTimestamp(iso: string | null | undefined, shop: Pick<ShopRecord, "timezoneOffsetMinutes">): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  const offset = shop.timezoneOffsetMinutes;
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function numericId(gid: string | null | undefined): number | null {
  return gid ? legacyIdOf(gid) : null;
}

function amount(bag: MoneyBag | null | undefined): string {
  return bag ? bag.shopMoney.amount : "0.00";
}

function priceSet(bag: MoneyBag | null | undefined, currency: string): Json {
  const money = bag ?? { shopMoney: { amount: formatMinor(0, currency), currencyCode: currency }, presentmentMoney: { amount: formatMinor(0, currency), currencyCode: currency } };
  return {
    shop_money: { amount: money.shopMoney.amount, currency_code: money.shopMoney.currencyCode },
    presentment_money: { amount: money.presentmentMoney.amount, currency_code: money.presentmentMoney.currencyCode },
  };
}

function money(bag: MoneyBag | null | undefined, currency: string, key: string): Json {
  return { [key]: amount(bag), [`${key}_set`]: priceSet(bag, currency) };
}

function taxLines(lines: readonly TaxLineRecord[], currency: string): Json[] {
  return lines.map((line) => ({
    channel_liable: line.channelLiable,
    price: amount(line.priceSet),
    price_set: priceSet(line.priceSet, currency),
    rate: line.rate,
    title: line.title,
  }));
}

function address(record: MailingAddressRecord | null): Json | null {
  if (!record) return null;
  return {
    first_name: record.firstName,
    address1: record.address1,
    phone: record.phone,
    city: record.city,
    zip: record.zip,
    province: record.province,
    country: record.country,
    last_name: record.lastName,
    address2: record.address2,
    company: record.company,
    latitude: record.latitude,
    longitude: record.longitude,
    name: record.name,
    country_code: record.countryCodeV2,
    province_code: record.provinceCode,
  };
}

/**
 * A line item as fulfillments and refunds nest it; the order's own `line_items` add
 * `attributed_staffs`, `current_quantity` and `sales_line_item_group_id` (orderLineItem).
 */
function lineItem(line: LineItemRecord, currency: string, quantity = line.quantity): Json {
  const grams = line.weight.unit === "GRAMS" ? line.weight.value : Math.round(line.weight.value * 1000);
  return {
    id: numericId(line.id),
    variant_id: null,
    title: line.title,
    quantity,
    sku: line.sku,
    variant_title: line.variantTitle,
    vendor: line.vendor,
    fulfillment_service: "manual",
    product_id: null,
    requires_shipping: line.requiresShipping,
    taxable: line.taxable,
    gift_card: line.isGiftCard,
    name: line.name,
    variant_inventory_management: "shopify",
    properties: line.customAttributes.map((attribute) => ({ name: attribute.key, value: attribute.value })),
    product_exists: true,
    fulfillable_quantity: line.fulfillableQuantity,
    grams,
    ...money(line.originalUnitPriceSet, currency, "price"),
    ...money(line.totalDiscountSet, currency, "total_discount"),
    fulfillment_status: line.fulfillmentStatus === "unfulfilled" ? null : line.fulfillmentStatus,
    discount_allocations: line.discountAllocations.map((allocation) => ({
      amount: amount(allocation.allocatedAmountSet),
      discount_application_index: allocation.discountApplication.index,
      amount_set: priceSet(allocation.allocatedAmountSet, currency),
    })),
    duties: [],
    admin_graphql_api_id: line.id,
    tax_lines: taxLines(line.taxLines, currency),
  };
}

function orderLineItem(line: LineItemRecord, currency: string): Json {
  const { id, admin_graphql_api_id, ...rest } = lineItem(line, currency);
  return { id, admin_graphql_api_id, attributed_staffs: [], current_quantity: line.currentQuantity, sales_line_item_group_id: null, ...rest };
}

const SHIPMENT_STATUS: Partial<Record<FulfillmentDisplayStatus, string>> = {
  ATTEMPTED_DELIVERY: "attempted_delivery",
  CARRIER_PICKED_UP: "in_transit",
  CONFIRMED: "confirmed",
  DELAYED: "delayed",
  DELIVERED: "delivered",
  FAILURE: "failure",
  IN_TRANSIT: "in_transit",
  LABEL_PRINTED: "label_printed",
  LABEL_PURCHASED: "label_purchased",
  OUT_FOR_DELIVERY: "out_for_delivery",
  READY_FOR_PICKUP: "ready_for_pickup",
};

export function fulfillmentPayload(store: SandboxStore, domain: string, order: OrderRecord, fulfillment: FulfillmentRecord): Json {
  const shop = store.requireShop(domain).shop;
  const currency = order.currencyCode;
  const tracking = fulfillment.trackingInfo;
  const lines = fulfillment.fulfillmentLineItems
    .map((item: FulfillmentLineItemRecord) => {
      const line = order.lineItems.find((candidate) => candidate.id === item.lineItem.__ref);
      return line ? lineItem(line, currency, item.quantity) : null;
    })
    .filter((line): line is Json => line !== null);
  return {
    id: numericId(fulfillment.id),
    admin_graphql_api_id: fulfillment.id,
    created_at: restTimestamp(fulfillment.createdAt, shop),
    location_id: numericId(fulfillment.location?.__ref),
    name: fulfillment.name,
    order_id: numericId(order.id),
    origin_address: null,
    email: order.email,
    destination: address(order.shippingAddress),
    receipt: {},
    service: "manual",
    shipment_status: (fulfillment.displayStatus && SHIPMENT_STATUS[fulfillment.displayStatus]) ?? null,
    status: fulfillment.status.toLowerCase(),
    tracking_company: tracking[0]?.company ?? null,
    tracking_number: tracking[0]?.number ?? null,
    tracking_numbers: tracking.map((t) => t.number).filter((n): n is string => n !== null),
    tracking_url: tracking[0]?.url ?? null,
    tracking_urls: tracking.map((t) => t.url).filter((u): u is string => u !== null),
    updated_at: restTimestamp(fulfillment.updatedAt, shop),
    line_items: lines,
  };
}

/** A transaction as order_transactions/create carries it; refunds nest it without `payment_details`. */
export function transactionPayload(transaction: OrderTransactionRecord, order: OrderRecord, shop: ShopRecord, options: { nested?: boolean } = {}): Json {
  const card = transaction.accountNumber;
  return {
    id: numericId(transaction.id),
    admin_graphql_api_id: transaction.id,
    amount: amount(transaction.amountSet),
    amount_rounding: null,
    authorization: transaction.authorizationCode,
    created_at: restTimestamp(transaction.createdAt, shop),
    currency: transaction.amountSet.shopMoney.currencyCode,
    device_id: null,
    error_code: transaction.errorCode?.toLowerCase() ?? null,
    gateway: transaction.gateway,
    kind: transaction.kind.toLowerCase(),
    location_id: null,
    manual_payment_gateway: transaction.manualPaymentGateway,
    message: null,
    order_id: numericId(order.id),
    parent_id: numericId(transaction.parentTransaction?.__ref),
    ...(options.nested
      ? {}
      : {
          payment_details: {
            credit_card_bin: null,
            avs_result_code: null,
            cvv_result_code: null,
            credit_card_number: card ? `•••• •••• •••• ${card.slice(-4)}` : null,
            credit_card_company: card ? transaction.formattedGateway : null,
            buyer_action_info: null,
            credit_card_name: null,
            credit_card_wallet: null,
            credit_card_expiration_month: null,
            credit_card_expiration_year: null,
            payment_method_name: transaction.gateway,
          },
        }),
    payment_id: transaction.paymentId,
    processed_at: restTimestamp(transaction.processedAt, shop),
    receipt: {},
    source_name: "web",
    status: transaction.status.toLowerCase(),
    test: transaction.test,
    // Shopify spells this bag's currency `currency`, not `currency_code`.
    total_unsettled_set: {
      presentment_money: { amount: transaction.totalUnsettledSet?.presentmentMoney.amount ?? "0.0", currency: transaction.totalUnsettledSet?.presentmentMoney.currencyCode ?? "XXX" },
      shop_money: { amount: transaction.totalUnsettledSet?.shopMoney.amount ?? "0.0", currency: transaction.totalUnsettledSet?.shopMoney.currencyCode ?? "XXX" },
    },
    user_id: null,
  };
}

/** A return as returns/request and returns/approve carry it. */
export function returnPayload(ret: ReturnRecord, order: OrderRecord): Json {
  return {
    id: numericId(ret.id),
    admin_graphql_api_id: ret.id,
    status: ret.status.toLowerCase(),
    order: { id: numericId(order.id), admin_graphql_api_id: order.id },
    total_return_line_items: ret.returnLineItems.length,
    name: ret.name,
    return_line_items: ret.returnLineItems.map((item) => {
      const fulfillmentLine = order.fulfillments.flatMap((fulfillment) => fulfillment.fulfillmentLineItems).find((candidate) => candidate.id === item.fulfillmentLineItem.__ref);
      return {
        id: numericId(item.id),
        admin_graphql_api_id: item.id,
        fulfillment_line_item: {
          id: numericId(item.fulfillmentLineItem.__ref),
          admin_graphql_api_id: item.fulfillmentLineItem.__ref,
          line_item: fulfillmentLine ? { id: numericId(fulfillmentLine.lineItem.__ref), admin_graphql_api_id: fulfillmentLine.lineItem.__ref } : null,
        },
        quantity: item.quantity,
        return_reason: item.returnReason.toLowerCase(),
        return_reason_note: item.returnReasonNote,
        customer_note: item.customerNote,
      };
    }),
    return_shipping_fees: [],
    exchange_line_items: [],
    total_exchange_line_items: 0,
  };
}

/** returns/decline: the return, its order, and why. */
export function returnDeclinePayload(ret: ReturnRecord, order: OrderRecord, decline: { reason: string; note: string | null }): Json {
  return {
    id: numericId(ret.id),
    admin_graphql_api_id: ret.id,
    status: ret.status.toLowerCase(),
    order: { id: numericId(order.id), admin_graphql_api_id: order.id },
    decline: { reason: decline.reason.toLowerCase(), note: decline.note },
  };
}

/** returns/close, returns/reopen, returns/cancel: only the return and its order's id. */
export function returnStatusPayload(ret: ReturnRecord, order: OrderRecord): Json {
  return { id: numericId(ret.id), admin_graphql_api_id: ret.id, order_id: numericId(order.id), status: ret.status.toLowerCase() };
}

export function refundPayload(store: SandboxStore, domain: string, order: OrderRecord, refund: RefundRecord): Json {
  const shop = store.requireShop(domain).shop;
  const currency = order.currencyCode;
  const transactions = refund.transactions
    .map((link) => order.transactions.find((t) => t.id === link.__ref))
    .filter((t): t is OrderTransactionRecord => t !== undefined);
  return {
    id: numericId(refund.id),
    admin_graphql_api_id: refund.id,
    created_at: restTimestamp(refund.createdAt, shop),
    note: refund.note,
    order_id: numericId(order.id),
    processed_at: restTimestamp(refund.processedAt, shop),
    restock: refund.refundLineItems.some((item) => item.restocked),
    total_duties_set: priceSet(null, currency),
    return: refund.return ? { id: numericId(refund.return.__ref), admin_graphql_api_id: refund.return.__ref } : null,
    user_id: null,
    order_adjustments: (refund.orderAdjustments ?? []).map((adjustment) => ({
      id: numericId(adjustment.id),
      amount: amount(adjustment.amountSet),
      amount_set: priceSet(adjustment.amountSet, currency),
      kind: "refund_discrepancy",
      order_id: numericId(order.id),
      reason: adjustment.reason === "REFUND_DISCREPANCY" ? "Refund discrepancy" : "Pending refund discrepancy",
      refund_id: numericId(refund.id),
      tax_amount: amount(adjustment.taxAmountSet),
      tax_amount_set: priceSet(adjustment.taxAmountSet, currency),
    })),
    transactions: transactions.map((t) => transactionPayload(t, order, shop, { nested: true })),
    refund_line_items: refund.refundLineItems.map((item) => {
      const line = order.lineItems.find((candidate) => candidate.id === item.lineItem.__ref);
      return {
        id: numericId(item.id),
        line_item_id: numericId(item.lineItem.__ref),
        location_id: numericId(item.location?.__ref),
        quantity: item.quantity,
        restock_type: item.restockType.toLowerCase(),
        // Shopify sends these two as JSON numbers (their `_set` twins carry the exact strings).
        subtotal: Number(amount(item.subtotalSet)),
        total_tax: Number(amount(item.totalTaxSet)),
        subtotal_set: priceSet(item.subtotalSet, currency),
        total_tax_set: priceSet(item.totalTaxSet, currency),
        line_item: line ? lineItem(line, currency) : null,
      };
    }),
    refund_shipping_lines: refund.refundShippingLines.map((line) => ({
      id: numericId(line.id),
      shipping_line_id: numericId(line.shippingLine.__ref),
      ...money(line.subtotalAmountSet, currency, "subtotal_amount"),
    })),
    duties: [],
  };
}

const FULFILLMENT_STATUS: Readonly<Record<string, string>> = { FULFILLED: "fulfilled", PARTIALLY_FULFILLED: "partial", RESTOCKED: "restocked" };

/** A customer as orders nest it; customers/create and customers/update add `addresses`. */
function nestedCustomer(customer: CustomerRecord, shop: ShopRecord): Json {
  return {
    id: numericId(customer.id),
    created_at: restTimestamp(customer.createdAt, shop),
    updated_at: restTimestamp(customer.updatedAt, shop),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: customer.multipassIdentifier,
    tax_exempt: customer.taxExempt,
    email: customer.email,
    phone: customer.phone,
    currency: shop.currencyCode,
    tax_exemptions: [],
    admin_graphql_api_id: customer.id,
    default_address: customer.defaultAddress ? customerAddress(customer.defaultAddress, customer, true) : null,
  };
}

function customerAddress(record: MailingAddressRecord, customer: CustomerRecord, isDefault: boolean): Json {
  return {
    id: numericId(record.id),
    customer_id: numericId(customer.id),
    first_name: record.firstName,
    last_name: record.lastName,
    company: record.company,
    address1: record.address1,
    address2: record.address2,
    city: record.city,
    province: record.province,
    country: record.country,
    zip: record.zip,
    phone: record.phone,
    name: record.name,
    province_code: record.provinceCode,
    country_code: record.countryCodeV2,
    country_name: record.country,
    default: isDefault,
  };
}

/** customers/create and customers/update. */
export function customerPayload(customer: CustomerRecord, shop: ShopRecord): Json {
  const { default_address, ...rest } = nestedCustomer(customer, shop);
  return {
    ...rest,
    addresses: customer.addresses.map((record) => customerAddress(record, customer, record.id === customer.defaultAddress?.id)),
    default_address,
  };
}

const zeroBag = (currency: string): MoneyBag => ({
  __typename: "MoneyBag",
  shopMoney: { __typename: "MoneyV2", amount: formatMinor(0, currency), currencyCode: currency },
  presentmentMoney: { __typename: "MoneyV2", amount: formatMinor(0, currency), currencyCode: currency },
});

/** An order as the orders/* webhooks carry it (the 93 keys of Shopify's sample, in its order). */
export function orderPayload(store: SandboxStore, domain: string, order: OrderRecord): Json {
  const shop = store.requireShop(domain).shop;
  const currency = order.currencyCode;
  const customer = order.customer ? store.deref<CustomerRecord>(domain, order.customer) : undefined;
  const lineItemsTotal = order.lineItems.reduce((acc, line) => acc + bagMinor(line.originalTotalSet), 0);
  const lineItemsBag = { ...zeroBag(currency), shopMoney: { __typename: "MoneyV2", amount: formatMinor(lineItemsTotal, currency), currencyCode: currency }, presentmentMoney: { __typename: "MoneyV2", amount: formatMinor(lineItemsTotal, currency), currencyCode: currency } } as MoneyBag;
  const codeApplication = order.discountApplications.find((application) => application.__typename === "DiscountCodeApplication");
  const token = /\/orders\/([^/]+)\//.exec(order.statusPageUrl)?.[1] ?? createHash("sha256").update(order.id).digest("hex").slice(0, 32);
  return {
    id: numericId(order.id),
    admin_graphql_api_id: order.id,
    app_id: null,
    browser_ip: order.clientIp,
    buyer_accepts_marketing: order.customerAcceptsMarketing,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    cancelled_at: restTimestamp(order.cancelledAt, shop),
    cart_token: null,
    checkout_token: null,
    client_details: null,
    closed_at: restTimestamp(order.closedAt, shop),
    confirmation_number: order.confirmationNumber,
    confirmed: order.confirmed,
    contact_email: order.email,
    created_at: restTimestamp(order.createdAt, shop),
    currency,
    current_shipping_price_set: priceSet(order.currentShippingPriceSet, currency),
    ...money(order.currentSubtotalPriceSet, currency, "current_subtotal_price"),
    current_total_additional_fees_set: null,
    ...money(order.currentTotalDiscountsSet, currency, "current_total_discounts"),
    current_total_duties_set: null,
    ...money(order.currentTotalPriceSet, currency, "current_total_price"),
    ...money(order.currentTotalTaxSet, currency, "current_total_tax"),
    customer_locale: order.customerLocale,
    device_id: null,
    discount_codes: order.discountCodes.map((code) => ({
      code,
      amount: amount(order.cartDiscountAmountSet),
      type: codeApplication ? "percentage" : "fixed_amount",
    })),
    duties_included: order.dutiesIncluded,
    email: order.email,
    estimated_taxes: order.estimatedTaxes,
    financial_status: order.displayFinancialStatus.toLowerCase(),
    fulfillment_status: FULFILLMENT_STATUS[order.displayFulfillmentStatus] ?? null,
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    // Shopify's sample is the base64 of the shop's numeric id.
    merchant_business_entity_id: Buffer.from(shop.id.replace(/\D/g, "")).toString("base64").replace(/=+$/, ""),
    merchant_of_record_app_id: null,
    name: order.name,
    note: order.note,
    note_attributes: order.customAttributes.map((attribute) => ({ name: attribute.key, value: attribute.value })),
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: order.statusPageUrl,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: order.paymentGatewayNames,
    phone: order.phone,
    po_number: order.poNumber,
    presentment_currency: order.presentmentCurrencyCode,
    processed_at: restTimestamp(order.processedAt, shop),
    reference: null,
    referring_site: null,
    source_identifier: order.sourceIdentifier,
    source_name: order.sourceName,
    source_url: null,
    ...money(order.subtotalPriceSet, currency, "subtotal_price"),
    tags: order.tags.join(", "),
    tax_exempt: order.taxExempt,
    tax_lines: taxLines(order.taxLines, currency),
    taxes_included: order.taxesIncluded,
    test: order.test,
    token,
    total_cash_rounding_payment_adjustment_set: priceSet(order.totalCashRoundingAdjustment.paymentSet, currency),
    total_cash_rounding_refund_adjustment_set: priceSet(order.totalCashRoundingAdjustment.refundSet, currency),
    ...money(order.totalDiscountsSet, currency, "total_discounts"),
    ...money(lineItemsBag, currency, "total_line_items_price"),
    total_outstanding: amount(order.totalOutstandingSet),
    ...money(order.totalPriceSet, currency, "total_price"),
    total_shipping_price_set: priceSet(order.totalShippingPriceSet, currency),
    ...money(order.totalTaxSet, currency, "total_tax"),
    total_tip_received: amount(order.totalTipReceivedSet),
    total_weight: Number(order.totalWeight),
    updated_at: restTimestamp(order.updatedAt, shop),
    user_id: null,
    billing_address: address(order.billingAddress),
    customer: customer ? nestedCustomer(customer, shop) : null,
    discount_applications: order.discountApplications.map((application) => ({
      target_type: application.targetType.toLowerCase(),
      type: application.__typename === "DiscountCodeApplication" ? "discount_code" : "automatic",
      ...("percentage" in application.value
        ? { value: String(application.value.percentage), value_type: "percentage" }
        : { value: application.value.amount, value_type: "fixed_amount" }),
      allocation_method: application.allocationMethod.toLowerCase(),
      target_selection: application.targetSelection.toLowerCase(),
      ...(application.__typename === "DiscountCodeApplication" ? { code: application.code } : { title: application.title }),
    })),
    fulfillments: order.fulfillments.map((fulfillment) => fulfillmentPayload(store, domain, order, fulfillment)),
    line_items: order.lineItems.map((line) => orderLineItem(line, currency)),
    payment_terms: null,
    refunds: order.refunds.map((refund) => refundPayload(store, domain, order, refund)),
    shipping_address: address(order.shippingAddress),
    shipping_lines: order.shippingLines.map((line) => ({
      id: numericId(line.id),
      carrier_identifier: line.carrierIdentifier,
      code: line.code,
      current_discounted_price_set: priceSet(line.currentDiscountedPriceSet, currency),
      discounted_price: amount(line.discountedPriceSet),
      discounted_price_set: priceSet(line.discountedPriceSet, currency),
      is_removed: line.isRemoved,
      phone: line.phone,
      ...money(line.originalPriceSet, currency, "price"),
      requested_fulfillment_service_id: null,
      source: line.source,
      title: line.title,
      tax_lines: taxLines(line.taxLines, currency),
      discount_allocations: [],
    })),
    // Shopify's reference shows only an empty list here; the sandbox names the order's returns.
    returns: order.returns.map((ret) => ({ id: numericId(ret.id), admin_graphql_api_id: ret.id, name: ret.name, status: ret.status.toLowerCase() })),
    line_item_groups: [],
  };
}

/** The bulk_operations/finish body. */
export function bulkOperationFinishPayload(
  operation: { id: string; status: string; type: string; errorCode: string | null; createdAt: string; completedAt: string | null },
  shop: Pick<ShopRecord, "timezoneOffsetMinutes">,
): Json {
  return {
    admin_graphql_api_id: operation.id,
    completed_at: restTimestamp(operation.completedAt, shop),
    created_at: restTimestamp(operation.createdAt, shop),
    error_code: operation.errorCode?.toLowerCase() ?? null,
    status: operation.status.toLowerCase(),
    type: operation.type.toLowerCase(),
  };
}

/** orders/edited: what one committed order edit changed (quantities as `delta`s). */
export function orderEditPayload(
  edit: { id: number; createdAt: string; committedAt: string; notifyCustomer: boolean; staffNote: string; additions: Array<{ lineItemId: string; delta: number }>; removals: Array<{ lineItemId: string; delta: number }> },
  order: OrderRecord,
  shop: Pick<ShopRecord, "timezoneOffsetMinutes">,
): Json {
  const deltas = (changes: Array<{ lineItemId: string; delta: number }>) => changes.map((change) => ({ id: numericId(change.lineItemId), delta: change.delta }));
  return {
    order_edit: {
      id: edit.id,
      app_id: null,
      created_at: restTimestamp(edit.createdAt, shop),
      committed_at: restTimestamp(edit.committedAt, shop),
      notify_customer: edit.notifyCustomer,
      order_id: numericId(order.id),
      staff_note: edit.staffNote,
      user_id: null,
      line_items: { additions: deltas(edit.additions), removals: deltas(edit.removals) },
      discounts: { line_item: { additions: [], removals: [] } },
      shipping_lines: { additions: [], removals: [] },
    },
  };
}

/** `{ id, status }`: how fulfillment-order topics name a fulfillment order (GID, lowercase status). */
export function fulfillmentOrderRef(fo: FulfillmentOrderRecord): Json {
  return { id: fo.id, status: fo.status.toLowerCase() };
}

function holdPayload(hold: FulfillmentHoldRecord): Json {
  return {
    id: hold.id,
    reason: hold.reason.toLowerCase(),
    reason_notes: hold.reasonNotes,
    held_by_requesting_app: hold.heldByRequestingApp,
    handle: hold.handle,
    held_by_app: null,
  };
}

/** fulfillment_orders/placed_on_hold (the whole fulfillment order held: nothing remains outside the hold). */
export function fulfillmentOrderHoldPayload(fo: FulfillmentOrderRecord, hold: FulfillmentHoldRecord): Json {
  return {
    fulfillment_order: { ...fulfillmentOrderRef(fo), fulfillment_holds: fo.fulfillmentHolds.map(holdPayload) },
    remaining_fulfillment_order: null,
    held_fulfillment_order_line_items: fo.lineItems.filter((item) => item.remainingQuantity > 0).map((item) => ({ id: item.id, quantity: item.remainingQuantity })),
    created_fulfillment_hold: holdPayload(hold),
  };
}

/** fulfillment_orders/cancelled: the cancelled one and the open replacement holding what was left. */
export function fulfillmentOrderCancelledPayload(fo: FulfillmentOrderRecord, replacement: FulfillmentOrderRecord | null): Json {
  return { fulfillment_order: fulfillmentOrderRef(fo), replacement_fulfillment_order: replacement ? fulfillmentOrderRef(replacement) : null };
}

/** fulfillment_orders/moved: location ids are GIDs here, unlike other REST payloads. */
export function fulfillmentOrderMovedPayload(
  original: FulfillmentOrderRecord,
  moved: FulfillmentOrderRecord,
  move: { sourceLocationId: string; destinationLocationId: string; lineItems: Array<{ id: string; quantity: number }> },
): Json {
  const withLocation = (fo: FulfillmentOrderRecord) => ({ ...fulfillmentOrderRef(fo), assigned_location_id: fo.assignedLocation.location?.__ref ?? null });
  return {
    original_fulfillment_order: withLocation(original),
    moved_fulfillment_order: withLocation(moved),
    destination_location_id: move.destinationLocationId,
    fulfillment_order_line_items_requested: move.lineItems,
    source_location: { id: move.sourceLocationId },
  };
}

/** app/uninstalled: the shop, as the REST Shop resource. */
export function shopPayload(shop: ShopRecord, primaryLocationId: string | null): Json {
  const address = shop.shopAddress;
  const format = (withCurrency: boolean) => `${shop.currencyCode === "EUR" ? "€" : ""}{{amount}}${withCurrency ? ` ${shop.currencyCode}` : ""}`;
  return {
    id: numericId(shop.id),
    name: shop.name,
    email: shop.email,
    domain: shop.primaryDomain.host,
    province: address.province,
    country: address.countryCodeV2,
    address1: address.address1,
    zip: address.zip,
    city: address.city,
    source: null,
    phone: address.phone,
    latitude: address.latitude,
    longitude: address.longitude,
    primary_locale: "en",
    address2: address.address2,
    created_at: restTimestamp(shop.createdAt, shop),
    updated_at: restTimestamp(shop.updatedAt, shop),
    country_code: address.countryCodeV2,
    country_name: address.country,
    currency: shop.currencyCode,
    customer_email: shop.contactEmail,
    timezone: `(GMT${shop.timezoneOffset.slice(0, 3)}:${shop.timezoneOffset.slice(3)}) ${shop.ianaTimezone}`,
    iana_timezone: shop.ianaTimezone,
    shop_owner: shop.shopOwnerName,
    money_format: format(false),
    money_with_currency_format: format(true),
    weight_unit: { GRAMS: "g", KILOGRAMS: "kg", OUNCES: "oz", POUNDS: "lb" }[shop.weightUnit],
    province_code: address.provinceCode,
    taxes_included: shop.taxesIncluded,
    auto_configure_tax_inclusivity: null,
    tax_shipping: shop.taxShipping,
    county_taxes: null,
    plan_display_name: shop.plan.publicDisplayName,
    plan_name: shop.plan.partnerDevelopment ? "partner_test" : shop.plan.shopifyPlus ? "enterprise" : "basic",
    has_discounts: true,
    has_gift_cards: false,
    myshopify_domain: shop.myshopifyDomain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: format(false),
    money_with_currency_in_emails_format: format(true),
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: numericId(primaryLocationId),
    checkout_api_supported: shop.checkoutApiSupported,
    multi_location_enabled: true,
    setup_required: shop.setupRequired,
    pre_launch_enabled: false,
    enabled_presentment_currencies: shop.enabledPresentmentCurrencies,
    marketing_sms_consent_enabled_at_checkout: shop.marketingSmsConsentEnabledAtCheckout,
    transactional_sms_disabled: shop.transactionalSmsDisabled,
  };
}

/** app/scopes_update: `shop_id` is a GID here. */
export function scopesUpdatePayload(shop: ShopRecord, previous: string[], current: string[], at: string): Json {
  return { id: numericId(shop.id), shop_id: shop.id, previous, current, updated_at: at };
}

/** customers/data_request and customers/redact (mandatory compliance topics). */
export function customerCompliancePayload(
  shop: ShopRecord,
  customer: Pick<CustomerRecord, "id" | "email" | "phone">,
  orderIds: string[],
  dataRequestId: number | null,
): Json {
  const base = {
    shop_id: numericId(shop.id),
    shop_domain: shop.myshopifyDomain,
    customer: { id: numericId(customer.id), email: customer.email, phone: customer.phone },
  };
  const orders = orderIds.map((id) => numericId(id));
  return dataRequestId === null ? { ...base, orders_to_redact: orders } : { ...base, orders_requested: orders, data_request: { id: dataRequestId } };
}

/** shop/redact (48 hours after uninstall). */
export function shopRedactPayload(shop: ShopRecord): Json {
  return { shop_id: numericId(shop.id), shop_domain: shop.myshopifyDomain };
}
