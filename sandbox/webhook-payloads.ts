/**
 * Webhook bodies in Shopify's REST shape (snake_case, numeric ids next to
 * `admin_graphql_api_id`, money as decimal strings with `*_set` twins, timestamps in the
 * shop's UTC offset), built from the store's GraphQL-shaped records.
 */
import { legacyIdOf } from "./store/gid";
import { bagMinor, formatMinor } from "./store/money";
import type { SandboxStore } from "./store/store";
import type {
  CustomerRecord,
  FulfillmentDisplayStatus,
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

function lineItem(line: LineItemRecord, currency: string, quantity = line.quantity): Json {
  const grams = line.weight.unit === "GRAMS" ? line.weight.value : Math.round(line.weight.value * 1000);
  return {
    id: numericId(line.id),
    admin_graphql_api_id: line.id,
    current_quantity: line.currentQuantity,
    fulfillable_quantity: line.fulfillableQuantity,
    fulfillment_service: "manual",
    fulfillment_status: line.fulfillmentStatus === "unfulfilled" ? null : line.fulfillmentStatus,
    gift_card: line.isGiftCard,
    grams,
    name: line.name,
    ...money(line.originalUnitPriceSet, currency, "price"),
    product_exists: true,
    product_id: null,
    properties: line.customAttributes.map((attribute) => ({ name: attribute.key, value: attribute.value })),
    quantity,
    requires_shipping: line.requiresShipping,
    sku: line.sku,
    taxable: line.taxable,
    title: line.title,
    ...money(line.totalDiscountSet, currency, "total_discount"),
    variant_id: null,
    variant_inventory_management: "shopify",
    variant_title: line.variantTitle,
    vendor: line.vendor,
    tax_lines: taxLines(line.taxLines, currency),
    duties: [],
    discount_allocations: line.discountAllocations.map((allocation) => ({
      amount: amount(allocation.allocatedAmountSet),
      amount_set: priceSet(allocation.allocatedAmountSet, currency),
      discount_application_index: allocation.discountApplication.index,
    })),
  };
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
    origin_address: {},
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

/** A transaction as order_transactions/create (and refunds) carry it. */
export function transactionPayload(transaction: OrderTransactionRecord, order: OrderRecord, shop: ShopRecord): Json {
  return {
    id: numericId(transaction.id),
    admin_graphql_api_id: transaction.id,
    amount: amount(transaction.amountSet),
    authorization: transaction.authorizationCode,
    created_at: restTimestamp(transaction.createdAt, shop),
    currency: transaction.amountSet.shopMoney.currencyCode,
    device_id: null,
    error_code: transaction.errorCode?.toLowerCase() ?? null,
    gateway: transaction.gateway,
    kind: transaction.kind.toLowerCase(),
    location_id: null,
    message: null,
    order_id: numericId(order.id),
    parent_id: numericId(transaction.parentTransaction?.__ref),
    payment_id: transaction.paymentId,
    processed_at: restTimestamp(transaction.processedAt, shop),
    receipt: {},
    source_name: "web",
    status: transaction.status.toLowerCase(),
    test: transaction.test,
    user_id: null,
  };
}

/** A return as the returns/* topics carry it (the fields the app reads, and a few around them). */
export function returnPayload(ret: ReturnRecord, order: OrderRecord, shop: ShopRecord): Json {
  return {
    id: numericId(ret.id),
    admin_graphql_api_id: ret.id,
    name: ret.name,
    status: ret.status.toLowerCase(),
    order: { id: numericId(order.id), admin_graphql_api_id: order.id },
    total_return_line_items: ret.returnLineItems.length,
    return_line_items: ret.returnLineItems.map((item) => ({
      id: numericId(item.id),
      admin_graphql_api_id: item.id,
      fulfillment_line_item: { id: numericId(item.fulfillmentLineItem.__ref), admin_graphql_api_id: item.fulfillmentLineItem.__ref },
      quantity: item.quantity,
      return_reason: item.returnReason.toLowerCase(),
      return_reason_note: item.returnReasonNote,
    })),
    created_at: restTimestamp(ret.createdAt, shop),
  };
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
    transactions: transactions.map((t) => transactionPayload(t, order, shop)),
    refund_line_items: refund.refundLineItems.map((item) => {
      const line = order.lineItems.find((candidate) => candidate.id === item.lineItem.__ref);
      return {
        id: numericId(item.id),
        line_item_id: numericId(item.lineItem.__ref),
        location_id: numericId(item.location?.__ref),
        quantity: item.quantity,
        restock_type: item.restockType.toLowerCase(),
        ...money(item.subtotalSet, currency, "subtotal"),
        ...money(item.totalTaxSet, currency, "total_tax"),
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

function customerPayload(customer: CustomerRecord | undefined, shop: ShopRecord): Json | null {
  if (!customer) return null;
  return {
    id: numericId(customer.id),
    admin_graphql_api_id: customer.id,
    email: customer.email,
    created_at: restTimestamp(customer.createdAt, shop),
    updated_at: restTimestamp(customer.updatedAt, shop),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: customer.taxExempt,
    phone: customer.phone,
    currency: shop.currencyCode,
    tags: customer.tags.join(", "),
    default_address: customer.defaultAddress
      ? { id: numericId(customer.defaultAddress.id), customer_id: numericId(customer.id), ...address(customer.defaultAddress), default: true }
      : null,
  };
}

/** An order as the orders/* webhooks carry it. */
export function orderPayload(store: SandboxStore, domain: string, order: OrderRecord): Json {
  const shop = store.requireShop(domain).shop;
  const currency = order.currencyCode;
  const customer = order.customer ? store.deref<CustomerRecord>(domain, order.customer) : undefined;
  const lineItemsTotal = order.lineItems.reduce((acc, line) => acc + bagMinor(line.originalTotalSet), 0);
  const codeApplication = order.discountApplications.find((application) => application.__typename === "DiscountCodeApplication");
  return {
    id: numericId(order.id),
    admin_graphql_api_id: order.id,
    app_id: null,
    browser_ip: order.clientIp,
    buyer_accepts_marketing: order.customerAcceptsMarketing,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    cancelled_at: restTimestamp(order.cancelledAt, shop),
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    client_details: null,
    closed_at: restTimestamp(order.closedAt, shop),
    confirmation_number: order.confirmationNumber,
    confirmed: order.confirmed,
    contact_email: order.email,
    created_at: restTimestamp(order.createdAt, shop),
    currency,
    ...money(order.currentSubtotalPriceSet, currency, "current_subtotal_price"),
    ...money(order.currentTotalDiscountsSet, currency, "current_total_discounts"),
    ...money(order.currentTotalPriceSet, currency, "current_total_price"),
    ...money(order.currentTotalTaxSet, currency, "current_total_tax"),
    customer_locale: order.customerLocale,
    discount_codes: order.discountCodes.map((code) => ({
      code,
      amount: amount(order.cartDiscountAmountSet),
      type: codeApplication ? "percentage" : "fixed_amount",
    })),
    email: order.email,
    estimated_taxes: order.estimatedTaxes,
    financial_status: order.displayFinancialStatus.toLowerCase(),
    fulfillment_status: FULFILLMENT_STATUS[order.displayFulfillmentStatus] ?? null,
    landing_site: null,
    name: order.name,
    note: order.note,
    note_attributes: order.customAttributes.map((attribute) => ({ name: attribute.key, value: attribute.value })),
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: order.statusPageUrl,
    payment_gateway_names: order.paymentGatewayNames,
    phone: order.phone,
    po_number: order.poNumber,
    presentment_currency: order.presentmentCurrencyCode,
    processed_at: restTimestamp(order.processedAt, shop),
    source_name: order.sourceName,
    ...money(order.subtotalPriceSet, currency, "subtotal_price"),
    tags: order.tags.join(", "),
    tax_lines: taxLines(order.taxLines, currency),
    taxes_included: order.taxesIncluded,
    test: order.test,
    ...money(order.totalDiscountsSet, currency, "total_discounts"),
    total_line_items_price: formatMinor(lineItemsTotal, currency),
    total_line_items_price_set: priceSet({ __typename: "MoneyBag", shopMoney: { __typename: "MoneyV2", amount: formatMinor(lineItemsTotal, currency), currencyCode: currency }, presentmentMoney: { __typename: "MoneyV2", amount: formatMinor(lineItemsTotal, currency), currencyCode: currency } }, currency),
    total_outstanding: amount(order.totalOutstandingSet),
    ...money(order.totalPriceSet, currency, "total_price"),
    total_shipping_price_set: priceSet(order.totalShippingPriceSet, currency),
    ...money(order.totalTaxSet, currency, "total_tax"),
    total_tip_received: amount(order.totalTipReceivedSet),
    total_weight: Number(order.totalWeight),
    updated_at: restTimestamp(order.updatedAt, shop),
    user_id: null,
    billing_address: address(order.billingAddress),
    customer: customerPayload(customer, shop),
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
    line_items: order.lineItems.map((line) => lineItem(line, currency)),
    payment_terms: null,
    refunds: order.refunds.map((refund) => refundPayload(store, domain, order, refund)),
    shipping_address: address(order.shippingAddress),
    shipping_lines: order.shippingLines.map((line) => ({
      id: numericId(line.id),
      carrier_identifier: line.carrierIdentifier,
      code: line.code,
      discounted_price: amount(line.discountedPriceSet),
      discounted_price_set: priceSet(line.discountedPriceSet, currency),
      phone: line.phone,
      ...money(line.originalPriceSet, currency, "price"),
      source: line.source,
      title: line.title,
      tax_lines: taxLines(line.taxLines, currency),
      discount_allocations: [],
    })),
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
