/**
 * Changes to orders the way a merchant (or Shopify itself) makes them, for testing how the app
 * ingests them: each change validates like Shopify, updates the order consistently (money in
 * integer minor units, the generator's identities kept), bumps `updatedAt` with the store's
 * monotonic clock, appends timeline events and publishes the webhooks Shopify would send
 * (`store.publish`), which the sandbox server delivers to the app.
 *
 *   addTag    orders/updated
 *   markPaid  order_transactions/create, [fulfillment_orders/hold_released], orders/paid (once
 *             fully paid), orders/updated
 *   fulfill   fulfillments/create, orders/fulfilled | orders/partially_fulfilled, orders/updated
 *   cancel    order_transactions/create (refund or void), refunds/create (when money is
 *             returned), orders/cancelled, orders/updated
 *   refund    order_transactions/create, refunds/create, orders/updated
 *   editQuantity  orders/edited, orders/updated (orderEditSetQuantity + orderEditCommit)
 *   holdFulfillmentOrder / releaseHold  fulfillment_orders/placed_on_hold | hold_released, orders/updated
 *   cancelFulfillmentOrder  fulfillment_orders/cancelled (with its open replacement), orders/updated
 *   moveFulfillmentOrder  fulfillment_orders/moved, orders/updated
 *   requestReturn / approveReturn / declineReturn / closeReturn / reopenReturn
 *             returns/request | approve | decline | close | reopen, orders/updated
 *   createOrder  orders/create, order_transactions/create (per transaction), orders/paid (when
 *             placed paid)
 * Shop- and customer-level events (customers/*, app/*, the compliance topics) are in shop-events.ts.
 */
import { CARRIERS, COUNTRIES } from "./store/catalog";
import {
  CANCEL_TEXT,
  HOLD_TEXT,
  ORDER_ARCHETYPES,
  STAFF,
  displayMoney,
  generateOrder,
  isoSeconds,
  supportedActions,
  type OrderArchetype,
} from "./store/generator";
import { legacyIdOf, ref, toGid } from "./store/gid";
import { allocate, bagMinor, moneyBag, mulDivRound, parseMinor, unitsShare } from "./store/money";
import { Random, hashString } from "./store/random";
import type { OrderEventInput, SandboxStore, StoreEvent } from "./store/store";
import type {
  BasicEventRecord,
  FulfillmentHoldReason,
  FulfillmentHoldRecord,
  FulfillmentLineItemRecord,
  FulfillmentOrderRecord,
  FulfillmentRecord,
  Gid,
  LineItemRecord,
  LocationRecord,
  MoneyBag,
  OrderAdjustmentRecord,
  OrderCancelReason,
  OrderDisplayFinancialStatus,
  OrderRecord,
  OrderTransactionKind,
  OrderTransactionRecord,
  RefundLineItemRecord,
  RefundRecord,
  Ref,
  RefundShippingLineRecord,
  ReturnLineItemRecord,
  ReturnDeclineRecord,
  ReturnReason,
  ReturnRecord,
  ReturnStatus,
} from "./store/types";
import {
  fulfillmentOrderCancelledPayload,
  fulfillmentOrderHoldPayload,
  fulfillmentOrderMovedPayload,
  fulfillmentOrderRef,
  fulfillmentPayload,
  orderEditPayload,
  orderPayload,
  refundPayload,
  returnDeclinePayload,
  returnPayload,
  returnStatusPayload,
  transactionPayload,
} from "./webhook-payloads";

export type OrderChange =
  | { type: "addTag"; tag: string }
  /** orderUpdate's note (null clears it) and tags (replace the list). */
  | { type: "setNote"; note: string | null }
  | { type: "setTags"; tags: string[] }
  /** orderUpdate's shippingAddress: overwrites the address and the open fulfillment orders' destination. */
  | { type: "setShippingAddress"; address: ShippingAddressInput }
  /** returnCreate: an OPEN return of fulfilled units that are neither refunded nor in another return. */
  | { type: "createReturn"; lines: ReturnLineInput[] }
  /** fulfillmentTrackingInfoUpdate: replaces a fulfillment's tracking; `notify` emails the customer. */
  | { type: "updateTracking"; fulfillmentId: string; company: string | null; number: string | null; url: string | null; notify: boolean }
  | { type: "markPaid" }
  | {
      type: "fulfill";
      /** Defaults to every unit still to ship. */
      lineItems?: Array<{ id: string | number; quantity: number }>;
      /** Defaults to the destination country's first carrier and a generated number. */
      company?: string;
      trackingNumber?: string;
      trackingUrl?: string;
    }
  /** `refund: false` keeps what was paid (orderCancel without a refund method); default true. */
  | { type: "cancel"; reason?: OrderCancelReason; staffNote?: string; refund?: boolean }
  | {
      type: "refund";
      /** Decimal amount in the shop currency, e.g. "12.50"; defaults to everything paid and not yet refunded. */
      amount?: string;
      note?: string;
    }
  /**
   * An order edit that lowers a line's quantity (orderEditBegin, orderEditSetQuantity,
   * orderEditCommit). Only unfulfilled units can go, and (a modelling choice) only on orders
   * nothing was paid or authorized for, so no refund is owed.
   */
  | { type: "editQuantity"; lineItemId: string | number; quantity: number; staffNote?: string; notifyCustomer?: boolean }
  /** fulfillmentOrderHold; the first open fulfillment order by default. */
  | { type: "holdFulfillmentOrder"; fulfillmentOrderId?: string; reason?: FulfillmentHoldReason; reasonNotes?: string }
  /** fulfillmentOrderReleaseHold: releases every hold; the first held fulfillment order by default. */
  | { type: "releaseHold"; fulfillmentOrderId?: string }
  /** fulfillmentOrderCancel of an open, unsubmitted fulfillment order: an open replacement takes its items. */
  | { type: "cancelFulfillmentOrder"; fulfillmentOrderId?: string }
  /** fulfillmentOrderMove to another of the shop's locations. */
  | { type: "moveFulfillmentOrder"; fulfillmentOrderId?: string; locationId: string }
  /** returnRequest: a REQUESTED return (the customer asked; the merchant approves or declines). */
  | { type: "requestReturn"; lines: ReturnLineInput[] }
  | { type: "approveReturn"; returnId: string }
  | { type: "declineReturn"; returnId: string; reason?: ReturnDeclineRecord["reason"]; note?: string | null }
  | { type: "closeReturn"; returnId: string }
  | { type: "reopenReturn"; returnId: string };

export type OrderChangeType = OrderChange["type"];

/** MailingAddressInput as orderUpdate takes it (the non-deprecated fields). */
export interface ShippingAddressInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  countryCode?: string | null;
  phone?: string | null;
}

export interface ReturnLineInput {
  fulfillmentLineItemId: string;
  quantity: number;
  returnReason?: ReturnReason | null;
  returnReasonNote?: string | null;
  /** The shop's ReturnReasonDefinition (returnCreate resolves returnReasonDefinitionId to it). */
  returnReasonDefinition?: Ref | null;
}

export interface OrderChangeResult {
  order: OrderRecord;
  /** The webhook events published for the change, in order. Empty when nothing changed. */
  events: StoreEvent[];
}

export interface CreateOrderOptions {
  /** The order's story; "paid_unfulfilled" (a fresh paid order) by default. */
  archetype?: OrderArchetype;
}

export class OrderChangeError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "INVALID",
    message: string,
    /** The input field Shopify would name in its userError, when there is one. */
    readonly field: string[] | null = null,
  ) {
    super(message);
    this.name = "OrderChangeError";
  }
}

const CANCEL_REASONS: readonly OrderCancelReason[] = ["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"];
const SECOND = 1000;
const DAY = 86_400_000;
const ACTOR = STAFF[0] as string;

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

/** Applies `change` to an order (GID or numeric id) and publishes its webhooks. */
export function changeOrder(store: SandboxStore, domain: string, orderId: string | number, change: OrderChange): OrderChangeResult {
  if (!store.getShop(domain)) throw new OrderChangeError("NOT_FOUND", `Unknown shop ${domain}`);
  const order = store.getOrder(domain, orderId);
  if (!order) throw new OrderChangeError("NOT_FOUND", `Order ${String(orderId)} does not exist in ${domain}`);
  const writer = new OrderWriter(store, domain, order);
  /** Topics besides orders/updated; null when the change turned out to change nothing. */
  let topics: Array<string | EventSpec> | null;
  switch (change?.type) {
    case "addTag":
      topics = writer.addTag(change.tag);
      break;
    case "setNote":
      topics = writer.setNote(change.note);
      break;
    case "setTags":
      topics = writer.setTags(change.tags);
      break;
    case "updateTracking":
      topics = writer.updateTracking(change);
      break;
    case "setShippingAddress":
      topics = writer.setShippingAddress(change.address);
      break;
    case "createReturn":
      topics = writer.createReturn(change.lines);
      break;
    case "markPaid":
      topics = writer.markPaid();
      break;
    case "fulfill":
      topics = writer.fulfill(change);
      break;
    case "cancel":
      topics = writer.cancel(change.reason ?? "OTHER", typeof change.staffNote === "string" ? change.staffNote : null, change.refund !== false);
      break;
    case "refund":
      topics = writer.refund(change.amount, typeof change.note === "string" ? change.note : null);
      break;
    case "editQuantity":
      topics = writer.editQuantity(change);
      break;
    case "holdFulfillmentOrder":
      topics = writer.holdFulfillmentOrder(change);
      break;
    case "releaseHold":
      topics = writer.releaseHold(change.fulfillmentOrderId);
      break;
    case "cancelFulfillmentOrder":
      topics = writer.cancelFulfillmentOrder(change.fulfillmentOrderId);
      break;
    case "moveFulfillmentOrder":
      topics = writer.moveFulfillmentOrder(change);
      break;
    case "requestReturn":
      topics = writer.createReturn(change.lines, "REQUESTED");
      break;
    case "approveReturn":
    case "declineReturn":
    case "closeReturn":
    case "reopenReturn":
      topics = writer.returnTransition(change);
      break;
    default:
      throw new OrderChangeError("INVALID", `Unknown change type ${JSON.stringify((change as { type?: unknown } | undefined)?.type)}`);
  }
  if (topics === null) return { order, events: [] };
  return { order, events: writer.publish([...topics, "orders/updated"]) };
}

/** Places a new order now (the next order number), like a checkout would, and publishes orders/create. */
export function createOrder(store: SandboxStore, domain: string, options: CreateOrderOptions = {}): OrderChangeResult {
  const data = store.getShop(domain);
  if (!data) throw new OrderChangeError("NOT_FOUND", `Unknown shop ${domain}`);
  const archetype = options.archetype ?? "paid_unfulfilled";
  if (!ORDER_ARCHETYPES.includes(archetype)) {
    throw new OrderChangeError("INVALID", `Unknown archetype ${JSON.stringify(archetype)}; one of ${ORDER_ARCHETYPES.join(", ")}`);
  }
  const at = store.tick();
  const atMs = Date.parse(at);
  // Placed a few seconds before the write so the payment story fits before `updatedAt`.
  const order = generateOrder({
    seed: data.seed,
    index: store.nextOrderIndex(domain),
    shop: data.shop,
    now: new Date(atMs),
    archetype,
    placedAt: new Date(atMs - 10 * SECOND),
  });
  order.updatedAt = at;
  store.upsertOrder(domain, order);
  const writer = new OrderWriter(store, domain, order);
  const topics: Array<string | EventSpec> = ["orders/create", ...order.transactions.map((t) => ({ topic: "order_transactions/create", payload: () => transactionPayload(t, order, data.shop) }))];
  if (order.displayFinancialStatus === "PAID") topics.push("orders/paid");
  return { order, events: writer.publish(topics, false) };
}

// ---------------------------------------------------------------------------------------
// Money and quantities
// ---------------------------------------------------------------------------------------

const minor = bagMinor;

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

interface LineMoney {
  quantity: number;
  unit: number;
  original: number;
  afterLine: number;
  afterAll: number;
  tax: number;
}

function lineMoney(line: LineItemRecord): LineMoney {
  return {
    quantity: line.quantity,
    unit: minor(line.originalUnitPriceSet),
    original: minor(line.originalTotalSet),
    afterLine: minor(line.discountedTotalSet),
    afterAll: minor(line.__discountedTotalWithCodeDiscountsSet),
    tax: sum(line.taxLines.map((t) => minor(t.priceSet))),
  };
}

function refundedUnits(order: OrderRecord, lineId: Gid): number {
  let units = 0;
  for (const refund of order.refunds) for (const item of refund.refundLineItems) if (item.lineItem.__ref === lineId) units += item.quantity;
  return units;
}

function fulfilledUnits(order: OrderRecord, lineId: Gid): number {
  let units = 0;
  for (const fulfillment of order.fulfillments) {
    if (fulfillment.status !== "SUCCESS") continue;
    for (const item of fulfillment.fulfillmentLineItems) if (item.lineItem.__ref === lineId) units += item.quantity;
  }
  return units;
}

function remainingUnits(order: OrderRecord, lineId: Gid): number {
  let units = 0;
  for (const fo of order.fulfillmentOrders) for (const item of fo.lineItems) if (item.lineItem.__ref === lineId) units += item.remainingQuantity;
  return units;
}

/** Units of a fulfillment line item in returns that still count (not declined or cancelled). */
function unitsInReturns(order: OrderRecord, fulfillmentLineItemId: Gid): number {
  let units = 0;
  for (const ret of order.returns) {
    if (ret.status === "CANCELED" || ret.status === "DECLINED") continue;
    for (const item of ret.returnLineItems) if (item.fulfillmentLineItem.__ref === fulfillmentLineItemId) units += item.quantity;
  }
  return units;
}

/** Units of a line item in returns not yet closed: not refunded yet, but spoken for. */
function openReturnUnits(order: OrderRecord, lineId: Gid): number {
  const items = new Set(order.fulfillments.flatMap((f) => f.fulfillmentLineItems.filter((item) => item.lineItem.__ref === lineId).map((item) => item.id)));
  let units = 0;
  for (const ret of order.returns) {
    if (ret.status !== "OPEN" && ret.status !== "REQUESTED") continue;
    for (const item of ret.returnLineItems) if (items.has(item.fulfillmentLineItem.__ref)) units += item.quantity;
  }
  return units;
}

/** The fulfillment line item a successful fulfillment shipped, if any. */
function shippedItem(order: OrderRecord, fulfillmentLineItemId: Gid): FulfillmentLineItemRecord | undefined {
  for (const fulfillment of order.fulfillments) {
    if (fulfillment.status !== "SUCCESS") continue;
    const item = fulfillment.fulfillmentLineItems.find((candidate) => candidate.id === fulfillmentLineItemId);
    if (item) return item;
  }
  return undefined;
}

/** Units of a line that may still go back, whichever shipment they left in: not refunded, not held by an open return. */
const lineReturnable = (order: OrderRecord, line: LineItemRecord) => line.currentQuantity - openReturnUnits(order, line.id);

/**
 * What returnCreate accepts for one fulfillment line item: units that were delivered by a
 * successful fulfillment, are not in another return, and whose line is not refunded (a closed
 * return's units are refunded, so they leave through the line's current quantity).
 */
export function returnableUnits(order: OrderRecord, fulfillmentLineItemId: Gid): number {
  const item = shippedItem(order, fulfillmentLineItemId);
  const line = item ? order.lineItems.find((candidate) => candidate.id === item.lineItem.__ref) : undefined;
  if (!item || !line) return 0;
  return Math.max(0, Math.min(item.quantity - unitsInReturns(order, item.id), lineReturnable(order, line)));
}

function shippingTaxOf(order: OrderRecord): number {
  return sum(order.shippingLine?.taxLines.map((t) => minor(t.priceSet)) ?? []);
}

function isPayment(t: OrderTransactionRecord): boolean {
  return t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE");
}

function isOpenAuthorization(t: OrderTransactionRecord): boolean {
  return t.kind === "AUTHORIZATION" && t.status === "SUCCESS" && t.manuallyCapturable;
}

function setAmount(bag: MoneyBag, amount: number): void {
  const fresh = moneyBag(amount, bag.shopMoney.currencyCode);
  bag.shopMoney = fresh.shopMoney;
  bag.presentmentMoney = fresh.presentmentMoney;
}

/** Units an order edit removed from a line (they come first in unit order: edits precede refunds). */
const editRemoved = (line: LineItemRecord) => line.__editRemovedQuantity ?? 0;

/**
 * What order edits took off the order (the removed units' share of their line after discounts,
 * and of its tax), in minor units. Edits happen only before anything is paid (editQuantity), so
 * the removed units are each line's first units: `unitsShare(..., 0, removed)`.
 */
export function editRemovedValue(order: OrderRecord): number {
  let value = 0;
  for (const line of order.lineItems) {
    const removed = editRemoved(line);
    if (removed === 0) continue;
    const money = lineMoney(line);
    value += unitsShare(money.afterAll, money.quantity, 0, removed) + unitsShare(money.tax, money.quantity, 0, removed);
  }
  return value;
}

/**
 * Re-derives every order-level amount, quantity and financial flag from the order's parts
 * (lines, edits, refunds, transactions), with the generator's formulas: current amounts are the
 * originals minus what edits removed and refunds took back (all zero once cancelled), received
 * is the sum of successful sales and captures, outstanding is current total minus net payment.
 */
export function recomputeOrderMoney(order: OrderRecord): void {
  const currency = order.currencyCode;
  const bag = (amount: number) => moneyBag(amount, currency);
  const cancelled = order.cancelledAt !== null;
  const removedEverything = cancelled && order.refunds.length === 0;
  const shipping = minor(order.totalShippingPriceSet);
  const shippingTax = shippingTaxOf(order);
  const shippingRefunded = order.refunds.some((r) => r.refundShippingLines.length > 0);
  const codeTotal = order.cartDiscountAmountSet ? minor(order.cartDiscountAmountSet) : 0;

  let refundedSubtotal = 0;
  let refundedTax = 0;
  let refundedDiscounts = 0;
  let refundedCode = 0;
  let currentUnits = 0;
  let currentGrams = 0;
  for (const line of order.lineItems) {
    const money = lineMoney(line);
    const units = refundedUnits(order, line.id);
    const removed = editRemoved(line);
    const share = (amount: number) => unitsShare(amount, money.quantity, 0, removed + units);
    refundedSubtotal += share(money.afterAll);
    refundedTax += share(money.tax);
    refundedDiscounts += share(money.original) - share(money.afterAll);
    refundedCode += share(money.afterLine - money.afterAll);
    const current = removedEverything ? 0 : money.quantity - removed - units;
    line.currentQuantity = current;
    line.refundableQuantity = current;
    line.restockable = current > 0;
    line.canRestock = current > 0;
    line.merchantEditable = !cancelled;
    setAmount(line.priceAfterAllDiscountsBeforeTaxesSet, removedEverything ? 0 : money.afterAll - share(money.afterAll));
    currentUnits += current;
    currentGrams += line.weight.value * current;
  }
  const reductions = { subtotal: 0, shipping: 0, tax: 0 };
  for (const refund of order.refunds) {
    for (const adjustment of refund.orderAdjustments ?? []) {
      reductions.subtotal += adjustment.__currentReduction.subtotal;
      reductions.shipping += adjustment.__currentReduction.shipping;
      reductions.tax += adjustment.__currentReduction.tax;
    }
  }

  const currentSubtotal = cancelled ? 0 : minor(order.subtotalPriceSet) - refundedSubtotal - reductions.subtotal;
  const currentShipping = cancelled ? 0 : shipping - (shippingRefunded ? shipping : 0) - reductions.shipping;
  const currentTax = cancelled ? 0 : minor(order.totalTaxSet) - refundedTax - (shippingRefunded ? shippingTax : 0) - reductions.tax;
  const currentDiscounts = cancelled ? 0 : minor(order.totalDiscountsSet) - refundedDiscounts;
  const currentCode = cancelled ? 0 : codeTotal - refundedCode;
  const currentTotal = currentSubtotal + currentShipping + currentTax;

  const received = sum(order.transactions.filter(isPayment).map((t) => minor(t.amountSet)));
  const refunded = sum(order.refunds.map((r) => minor(r.totalRefundedSet)));
  const netPayment = received - refunded;
  const outstanding = currentTotal - netPayment;
  const capturable = sum(order.transactions.filter(isOpenAuthorization).map((t) => (t.totalUnsettledSet ? minor(t.totalUnsettledSet) : 0)));

  order.currentSubtotalPriceSet = bag(currentSubtotal);
  order.currentShippingPriceSet = bag(currentShipping);
  order.currentTotalTaxSet = bag(currentTax);
  order.currentTotalDiscountsSet = bag(currentDiscounts);
  order.currentCartDiscountAmountSet = bag(currentCode);
  order.currentTotalPriceSet = bag(currentTotal);
  order.totalRefundedSet = bag(refunded);
  order.totalRefundedShippingSet = bag((shippingRefunded ? shipping : 0) + reductions.shipping);
  order.totalReceivedSet = bag(received);
  order.netPaymentSet = bag(netPayment);
  order.totalOutstandingSet = bag(outstanding);
  order.totalCapturableSet = bag(capturable);
  for (const taxLine of order.currentTaxLines.slice(0, 1)) taxLine.priceSet = bag(currentTax);
  if (order.shippingLine) order.shippingLine.currentDiscountedPriceSet = bag(currentShipping);
  order.currentSubtotalLineItemsQuantity = currentUnits;
  order.currentTotalWeight = String(currentGrams);

  order.displayFinancialStatus = financialStatus(order, received, refunded, capturable);
  order.fullyPaid = received >= minor(order.totalPriceSet) - editRemovedValue(order);
  order.unpaid = received === 0;
  order.capturable = capturable > 0;
  order.refundable = netPayment > 0;
  order.restockable = currentUnits > 0;
  order.canMarkAsPaid = !cancelled && outstanding > 0 && capturable === 0;
  order.canNotifyCustomer = !cancelled;
  order.merchantEditable = !cancelled && !order.closed;
  order.merchantEditableErrors = cancelled ? ["Order is cancelled."] : [];
  order.paymentGatewayNames = [...new Set(order.transactions.map((t) => t.gateway))];
  if (outstanding <= 0 || cancelled) order.paymentCollectionDetails.additionalPaymentCollectionUrl = null;
}

function financialStatus(order: OrderRecord, received: number, refunded: number, capturable: number): OrderDisplayFinancialStatus {
  if (received === 0 && order.transactions.some((t) => t.kind === "VOID" && t.status === "SUCCESS")) return "VOIDED";
  if (refunded > 0) return refunded >= received ? "REFUNDED" : "PARTIALLY_REFUNDED";
  if (received > 0) return received >= minor(order.totalPriceSet) - editRemovedValue(order) ? "PAID" : "PARTIALLY_PAID";
  if (capturable > 0) return "AUTHORIZED";
  return order.displayFinancialStatus === "EXPIRED" ? "EXPIRED" : "PENDING";
}

/** Re-derives line and order fulfillment figures from fulfillments and fulfillment orders. */
export function recomputeOrderFulfillment(order: OrderRecord): void {
  let anyFulfilled = false;
  let anyRemaining = false;
  for (const line of order.lineItems) {
    const money = lineMoney(line);
    const fulfilled = fulfilledUnits(order, line.id);
    const unfulfilled = remainingUnits(order, line.id);
    line.unfulfilledQuantity = unfulfilled;
    line.fulfillableQuantity = unfulfilled;
    line.nonFulfillableQuantity = line.quantity - fulfilled - unfulfilled;
    line.fulfillmentStatus = fulfilled === 0 ? "unfulfilled" : unfulfilled === 0 ? "fulfilled" : "partial";
    line.unfulfilledOriginalTotalSet = moneyBag(money.unit * unfulfilled, order.currencyCode);
    line.unfulfilledDiscountedTotalSet = moneyBag(unitsShare(money.afterLine, money.quantity, 0, unfulfilled), order.currencyCode);
    anyFulfilled ||= fulfilled > 0;
    anyRemaining ||= unfulfilled > 0;
  }
  const statuses = order.fulfillmentOrders.map((fo) => fo.status);
  order.displayFulfillmentStatus =
    anyFulfilled && !anyRemaining
      ? "FULFILLED"
      : anyFulfilled
        ? "PARTIALLY_FULFILLED"
        : statuses.includes("ON_HOLD")
          ? "ON_HOLD"
          : statuses.includes("IN_PROGRESS")
            ? "IN_PROGRESS"
            : "UNFULFILLED";
  order.fulfillable = anyRemaining && !statuses.includes("ON_HOLD");
}

// ---------------------------------------------------------------------------------------
// The writer: one change to one order
// ---------------------------------------------------------------------------------------

class OrderWriter {
  private at = "";
  /** Webhooks the change caused on the way (transactions, released holds), sent before the order topics. */
  private readonly side: EventSpec[] = [];

  constructor(
    private readonly store: SandboxStore,
    private readonly domain: string,
    private readonly order: OrderRecord,
  ) {}

  private get currency(): string {
    return this.order.currencyCode;
  }

  private money(amount: number): string {
    return displayMoney(amount, this.currency);
  }

  /** Stamps the write (after validation, so a refused change leaves no trace). */
  private touch(event: OrderEventInput): string {
    this.at = this.store.touchOrder(this.domain, this.order.id, event).updatedAt;
    return this.at;
  }

  private event(action: string, message: string, extra: Partial<OrderEventInput> = {}): void {
    const record: BasicEventRecord = {
      __typename: "BasicEvent",
      id: toGid("BasicEvent", this.store.nextLegacyId(this.domain, "BasicEvent")),
      action,
      message,
      secondaryMessage: null,
      appTitle: extra.appTitle ?? null,
      attributeToApp: extra.attributeToApp ?? false,
      attributeToUser: extra.attributeToUser ?? false,
      author: extra.author ?? null,
      criticalAlert: extra.criticalAlert ?? false,
      hasAdditionalContent: false,
      additionalContent: null,
      additionalData: null,
      arguments: null,
      subject: ref(this.order.id),
      subjectId: this.order.id,
      subjectType: "ORDER",
      createdAt: this.at,
    };
    this.order.events.push(record);
    this.store.index(this.domain, record);
  }

  private newId(type: string): Gid {
    return toGid(type, this.store.nextLegacyId(this.domain, type));
  }

  private transaction(kind: OrderTransactionKind, amount: number, parent: OrderTransactionRecord | null, gateway?: { gateway: string; formatted: string; manual: boolean }): OrderTransactionRecord {
    const source = gateway ?? (parent ? { gateway: parent.gateway, formatted: parent.formattedGateway, manual: parent.manualPaymentGateway } : MANUAL);
    const record: OrderTransactionRecord = {
      __typename: "OrderTransaction",
      id: this.newId("OrderTransaction"),
      kind,
      status: "SUCCESS",
      gateway: source.gateway,
      formattedGateway: source.formatted,
      manualPaymentGateway: source.manual,
      amountSet: moneyBag(amount, this.currency),
      totalUnsettledSet: null,
      errorCode: null,
      accountNumber: parent?.accountNumber ?? null,
      authorizationCode: null,
      authorizationExpiresAt: null,
      paymentId: `${this.order.confirmationNumber}.${this.order.transactions.length + 1}`,
      parentTransaction: parent ? ref(parent.id) : null,
      order: ref(this.order.id),
      manuallyCapturable: false,
      multiCapturable: false,
      test: this.order.test,
      fees: [],
      receiptJson: null,
      settlementCurrency: null,
      settlementCurrencyRate: null,
      createdAt: this.at,
      processedAt: this.at,
    };
    this.order.transactions.push(record);
    this.store.index(this.domain, record);
    const order = this.order;
    const shop = this.store.requireShop(this.domain).shop;
    this.side.push({ topic: "order_transactions/create", payload: () => transactionPayload(record, order, shop) });
    const verb: Record<string, string> = { CAPTURE: "captured", SALE: "processed", REFUND: "refunded", VOID: "voided" };
    const method = record.accountNumber ? ` on the card ending in ${record.accountNumber.slice(-4)}` : ` via ${record.formattedGateway}`;
    this.event(`${kind.toLowerCase()}_success`, `A ${this.money(amount)} payment was ${verb[kind] ?? "processed"}${method}.`, {
      appTitle: source.manual ? null : record.formattedGateway,
      attributeToUser: kind === "REFUND" || kind === "VOID",
      author: kind === "REFUND" || kind === "VOID" ? ACTOR : null,
    });
    return record;
  }

  /** Publishes the change's webhooks: side effects first (unless `withSide` is false), then `topics`. */
  publish(topics: ReadonlyArray<string | EventSpec>, withSide = true): StoreEvent[] {
    const events: StoreEvent[] = [];
    const shop = this.store.requireShop(this.domain).shop;
    const body = orderPayload(this.store, this.domain, this.order);
    for (const spec of withSide ? [...this.side, ...topics] : topics) {
      if (typeof spec !== "string") {
        events.push({ domain: shop.myshopifyDomain, topic: spec.topic, payload: spec.payload() });
        continue;
      }
      const topic = spec;
      let payload: unknown = body;
      if (topic === "fulfillments/create") {
        const fulfillment = this.order.fulfillments[this.order.fulfillments.length - 1] as FulfillmentRecord;
        payload = fulfillmentPayload(this.store, this.domain, this.order, fulfillment);
      } else if (topic === "refunds/create") {
        payload = refundPayload(this.store, this.domain, this.order, this.order.refunds[this.order.refunds.length - 1] as RefundRecord);
      }
      events.push({ domain: shop.myshopifyDomain, topic, payload });
    }
    for (const event of events) this.store.publish(event);
    return events;
  }

  // ---- changes ----

  addTag(raw: unknown): string[] | null {
    const tag = typeof raw === "string" ? raw.trim() : "";
    if (tag === "" || tag.length > 255 || tag.includes(",")) {
      throw new OrderChangeError("INVALID", "addTag needs a tag: a non-empty string of at most 255 characters without commas");
    }
    if (this.order.tags.some((existing) => existing.toLowerCase() === tag.toLowerCase())) return null;
    this.touch({ action: "tags_added", message: `${ACTOR} added the tag ${tag} to this order.`, attributeToUser: true, author: ACTOR });
    this.order.tags = [...this.order.tags, tag].sort();
    return [];
  }

  setNote(raw: unknown): string[] | null {
    if (raw !== null && (typeof raw !== "string" || raw.length > 5000)) throw new OrderChangeError("INVALID", "note must be a string of at most 5000 characters, or null");
    const note = raw === "" ? null : raw;
    if (note === this.order.note) return null;
    this.touch({ action: "note_updated", message: `${ACTOR} updated the order note.`, attributeToUser: true, author: ACTOR });
    this.order.note = note;
    return [];
  }

  setTags(raw: unknown): string[] | null {
    if (!Array.isArray(raw) || raw.some((tag) => typeof tag !== "string" || tag.trim() === "" || tag.length > 255 || tag.includes(","))) {
      throw new OrderChangeError("INVALID", "tags must be non-empty strings of at most 255 characters without commas");
    }
    const tags = [...new Map((raw as string[]).map((tag) => [tag.trim().toLowerCase(), tag.trim()])).values()].sort();
    if (tags.join("\u0000") === this.order.tags.join("\u0000")) return null;
    this.touch({ action: "tags_updated", message: `${ACTOR} changed the tags of this order.`, attributeToUser: true, author: ACTOR });
    this.order.tags = tags;
    return [];
  }

  updateTracking(change: Extract<OrderChange, { type: "updateTracking" }>): Array<string | EventSpec> {
    const fulfillment = this.order.fulfillments.find((candidate) => candidate.id === change.fulfillmentId);
    if (!fulfillment) throw new OrderChangeError("NOT_FOUND", "Fulfillment does not exist");
    if (fulfillment.status === "CANCELLED" || fulfillment.status === "ERROR" || fulfillment.status === "FAILURE") {
      throw new OrderChangeError("INVALID", `Cannot update tracking of a fulfillment with status ${fulfillment.status.toLowerCase()}`);
    }
    if (!change.number && !change.url) throw new OrderChangeError("INVALID", "Tracking needs a number or a URL");
    this.touch({ action: "tracking_updated", message: `${ACTOR} updated the tracking of ${fulfillment.name}.`, attributeToUser: true, author: ACTOR });
    fulfillment.trackingInfo = [{ __typename: "FulfillmentTrackingInfo", company: change.company, number: change.number, url: change.url }];
    fulfillment.updatedAt = this.at;
    if (change.notify) this.event("shipping_update_email_sent", `A shipping update email for ${fulfillment.name} was sent to the customer.`);
    const order = this.order;
    const store = this.store;
    const domain = this.domain;
    return [{ topic: "fulfillments/update", payload: () => fulfillmentPayload(store, domain, order, fulfillment) }];
  }

  setShippingAddress(input: ShippingAddressInput): string[] | null {
    const at = (field: string) => ["input", "shippingAddress", field];
    const clean = (value: string | null | undefined) => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
    const countryCode = clean(input.countryCode)?.toUpperCase() ?? null;
    for (const field of ["address1", "city"] as const) {
      if (!clean(input[field])) throw new OrderChangeError("INVALID", `${field === "address1" ? "Address" : "City"} can't be blank`, at(field));
    }
    if (!countryCode) throw new OrderChangeError("INVALID", "Country can't be blank", at("countryCode"));
    const country = COUNTRIES[countryCode];
    const zip = clean(input.zip);
    const pattern = POSTAL_CODES[countryCode];
    if (pattern && (!zip || !pattern.test(zip))) throw new OrderChangeError("INVALID", `Enter a valid postal code for ${country?.name ?? countryCode}`, at("zip"));
    const next = {
      firstName: clean(input.firstName),
      lastName: clean(input.lastName),
      company: clean(input.company),
      address1: clean(input.address1),
      address2: clean(input.address2),
      city: clean(input.city),
      provinceCode: clean(input.provinceCode),
      zip,
      countryCode,
      phone: clean(input.phone),
    };
    const current = this.order.shippingAddress;
    if (current && (Object.keys(next) as Array<keyof typeof next>).every((key) => (key === "countryCode" ? current.countryCodeV2 : current[key]) === next[key])) return null;
    this.touch({ action: "shipping_address_updated", message: `${ACTOR} updated the shipping address of this order.`, attributeToUser: true, author: ACTOR });
    const province = country?.cities.find((city) => city.provinceCode !== null && city.provinceCode === next.provinceCode)?.province ?? next.provinceCode;
    const name = [next.firstName, next.lastName].filter(Boolean).join(" ") || null;
    const area = [next.city, next.provinceCode, next.zip].filter(Boolean).join(" ");
    this.order.shippingAddress = {
      __typename: "MailingAddress",
      id: current?.id ?? this.newId("MailingAddress"),
      ...next,
      name,
      province,
      country: country?.name ?? countryCode,
      countryCodeV2: countryCode,
      formatted: [next.company, next.address1, next.address2, area, country?.name ?? countryCode].filter((line): line is string => Boolean(line)),
      formattedArea: [next.city, province, country?.name ?? countryCode].filter(Boolean).join(", "),
      coordinatesValidated: false,
      latitude: null,
      longitude: null,
      timeZone: country?.timeZone ?? null,
    };
    const billing = this.order.billingAddress;
    this.order.billingAddressMatchesShippingAddress = Boolean(billing && billing.address1 === next.address1 && billing.zip === next.zip && billing.countryCodeV2 === countryCode);
    // Shopify re-routes what has not shipped yet: the open fulfillment orders' destination.
    for (const fo of this.order.fulfillmentOrders) {
      if (fo.status === "CLOSED" || fo.status === "CANCELLED" || !fo.destination) continue;
      fo.destination = { ...fo.destination, firstName: next.firstName, lastName: next.lastName, company: next.company, address1: next.address1, address2: next.address2, city: next.city, province, zip: next.zip, countryCode, phone: next.phone };
      fo.updatedAt = this.at;
    }
    return [];
  }

  /** returnCreate (OPEN, already approved) or returnRequest (REQUESTED). */
  createReturn(lines: ReturnLineInput[], status: "OPEN" | "REQUESTED" = "OPEN"): Array<string | EventSpec> {
    const order = this.order;
    const at = (index: number, field: string) => ["returnInput", "returnLineItems", String(index), field];
    if (!Array.isArray(lines) || lines.length === 0) throw new OrderChangeError("INVALID", "Return line items can't be blank", ["returnInput", "returnLineItems"]);
    const byItem = new Map<Gid, number>();
    const byLine = new Map<Gid, number>();
    for (const [index, line] of lines.entries()) {
      const item = shippedItem(order, line.fulfillmentLineItemId);
      if (!item) throw new OrderChangeError("NOT_FOUND", "Fulfillment line item does not exist or was not fulfilled on this order", at(index, "fulfillmentLineItemId"));
      if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new OrderChangeError("INVALID", "Quantity must be greater than 0", at(index, "quantity"));
      if (typeof line.returnReasonNote === "string" && line.returnReasonNote.length > 255) throw new OrderChangeError("INVALID", "Return reason note is too long (maximum is 255 characters)", at(index, "returnReasonNote"));
      const units = (byItem.get(item.id) ?? 0) + line.quantity;
      const returnable = returnableUnits(order, item.id);
      if (units > returnable) throw new OrderChangeError("INVALID", `Quantity ${units} is greater than the returnable quantity (${returnable})`, at(index, "quantity"));
      byItem.set(item.id, units);
      // One line shipped in two fulfillments and partly refunded: each shipment is returnable
      // on its own, not both in full.
      const lineItem = order.lineItems.find((candidate) => candidate.id === item.lineItem.__ref) as LineItemRecord;
      const forLine = (byLine.get(lineItem.id) ?? 0) + line.quantity;
      const lineLeft = lineReturnable(order, lineItem);
      if (forLine > lineLeft) throw new OrderChangeError("INVALID", `Quantity ${forLine} is greater than the returnable quantity (${Math.max(0, lineLeft)}) of ${lineItem.title}`, at(index, "quantity"));
      byLine.set(lineItem.id, forLine);
    }
    const units = sum(lines.map((line) => line.quantity));
    const name = `${order.name}-R${order.returns.length + 1}`;
    const items = `${units} item${units === 1 ? "" : "s"}`;
    if (status === "OPEN") this.touch({ action: "return_created", message: `${ACTOR} created return ${name} for ${items}.`, attributeToUser: true, author: ACTOR });
    else this.touch({ action: "return_requested", message: `The customer requested return ${name} for ${items}.` });
    const returnItems: ReturnLineItemRecord[] = lines.map((line) => {
      const fulfillmentLine = shippedItem(order, line.fulfillmentLineItemId) as FulfillmentLineItemRecord;
      const lineItem = order.lineItems.find((candidate) => candidate.id === fulfillmentLine.lineItem.__ref) as LineItemRecord;
      const money = lineMoney(lineItem);
      return {
        __typename: "ReturnLineItem",
        id: this.newId("ReturnLineItem"),
        fulfillmentLineItem: ref(fulfillmentLine.id),
        quantity: line.quantity,
        processableQuantity: line.quantity,
        processedQuantity: 0,
        unprocessedQuantity: line.quantity,
        refundableQuantity: line.quantity,
        refundedQuantity: 0,
        returnReason: line.returnReason ?? "UNKNOWN",
        returnReasonNote: line.returnReasonNote ?? "",
        returnReasonDefinition: line.returnReasonDefinition ?? null,
        customerNote: null,
        withCodeDiscountedTotalPriceSet: moneyBag(unitsShare(money.afterAll, money.quantity, 0, line.quantity), this.currency),
        restockingFee: null,
        totalWeight: { __typename: "Weight", unit: "GRAMS", value: lineItem.weight.value * line.quantity },
      };
    });
    const record: ReturnRecord = {
      __typename: "Return",
      id: this.newId("Return"),
      name,
      status,
      order: ref(order.id),
      returnLineItems: returnItems,
      refunds: [],
      transactions: [],
      totalQuantity: units,
      returnShippingFees: [],
      decline: null,
      createdAt: this.at,
      requestApprovedAt: status === "OPEN" ? this.at : null,
      closedAt: null,
    };
    order.returns.push(record);
    this.store.index(this.domain, record);
    for (const item of returnItems) this.store.index(this.domain, item);
    recomputeReturnStatus(order);
    // returnCreate makes the return already approved (OPEN): Shopify reports it as returns/approve.
    return [{ topic: status === "OPEN" ? "returns/approve" : "returns/request", payload: () => returnPayload(record, order) }];
  }

  /** returnApproveRequest, returnDeclineRequest, returnClose, returnReopen. */
  returnTransition(change: Extract<OrderChange, { type: "approveReturn" | "declineReturn" | "closeReturn" | "reopenReturn" }>): Array<string | EventSpec> {
    const order = this.order;
    const ret = order.returns.find((candidate) => candidate.id === change.returnId);
    if (!ret) throw new OrderChangeError("NOT_FOUND", "Return does not exist", ["id"]);
    const rule: Record<typeof change.type, { from: ReturnStatus; to: ReturnStatus; action: string; message: string; topic: string }> = {
      approveReturn: { from: "REQUESTED", to: "OPEN", action: "return_request_approved", message: `${ACTOR} approved return ${ret.name}.`, topic: "returns/approve" },
      declineReturn: { from: "REQUESTED", to: "DECLINED", action: "return_request_declined", message: `${ACTOR} declined return ${ret.name}.`, topic: "returns/decline" },
      closeReturn: { from: "OPEN", to: "CLOSED", action: "return_closed", message: `${ACTOR} closed return ${ret.name}.`, topic: "returns/close" },
      reopenReturn: { from: "CLOSED", to: "OPEN", action: "return_reopened", message: `${ACTOR} reopened return ${ret.name}.`, topic: "returns/reopen" },
    };
    const { from, to, action, message, topic } = rule[change.type];
    if (ret.status !== from) throw new OrderChangeError("INVALID", `Return ${ret.name} is ${ret.status.toLowerCase()}; it must be ${from.toLowerCase()} to do this`, ["id"]);
    let decline: ReturnDeclineRecord | null = null;
    if (change.type === "declineReturn") {
      const reason = change.reason ?? "OTHER";
      if (!["FINAL_SALE", "OTHER", "RETURN_PERIOD_ENDED"].includes(reason)) throw new OrderChangeError("INVALID", `Unknown decline reason ${JSON.stringify(reason)}`, ["input", "declineReason"]);
      if (typeof change.note === "string" && change.note.length > 500) throw new OrderChangeError("INVALID", "Decline note is too long (maximum is 500 characters)", ["input", "declineNote"]);
      decline = { __typename: "ReturnDecline", reason, note: typeof change.note === "string" ? change.note : null };
    }
    this.touch({ action, message, attributeToUser: true, author: ACTOR });
    ret.status = to;
    if (decline) ret.decline = decline;
    if (to === "OPEN" && from === "REQUESTED") ret.requestApprovedAt = this.at;
    ret.closedAt = to === "CLOSED" ? this.at : to === "OPEN" ? null : ret.closedAt;
    recomputeReturnStatus(order);
    const declined = decline;
    const payload =
      change.type === "approveReturn" ? () => returnPayload(ret, order) : declined ? () => returnDeclinePayload(ret, order, declined) : () => returnStatusPayload(ret, order);
    return [{ topic, payload }];
  }

  editQuantity(change: Extract<OrderChange, { type: "editQuantity" }>): Array<string | EventSpec> | null {
    const order = this.order;
    const lineGid = typeof change.lineItemId === "number" || /^\d+$/.test(String(change.lineItemId)) ? toGid("LineItem", change.lineItemId) : String(change.lineItemId);
    const line = order.lineItems.find((candidate) => candidate.id === lineGid);
    if (!line) throw new OrderChangeError("NOT_FOUND", "Line item does not exist on this order", ["lineItemId"]);
    if (order.cancelledAt !== null) throw new OrderChangeError("INVALID", "The order is cancelled and can't be edited");
    if (!Number.isInteger(change.quantity) || change.quantity < 0) throw new OrderChangeError("INVALID", "Quantity must be a whole number of 0 or more", ["quantity"]);
    if (change.quantity === line.currentQuantity) return null;
    if (change.quantity > line.currentQuantity) throw new OrderChangeError("INVALID", "The sandbox's order edits only remove units", ["quantity"]);
    if (minor(order.totalReceivedSet) > 0 || minor(order.totalCapturableSet) > 0) {
      throw new OrderChangeError("INVALID", "The sandbox edits only orders nothing was paid or authorized for (no refund would be owed)");
    }
    const removed = line.currentQuantity - change.quantity;
    const open = order.fulfillmentOrders.filter((fo) => fo.status !== "CLOSED" && fo.status !== "CANCELLED");
    if (removed > remainingUnits({ ...order, fulfillmentOrders: open }, line.id)) throw new OrderChangeError("INVALID", "Only unfulfilled units can be removed", ["quantity"]);
    const left = order.lineItems.reduce((acc, candidate) => acc + candidate.currentQuantity, 0) - removed;
    if (left <= 0) throw new OrderChangeError("INVALID", "An order must keep at least one item; cancel it instead");
    const staffNote = typeof change.staffNote === "string" ? change.staffNote.slice(0, 255) : "";
    const editId = this.store.nextLegacyId(this.domain, "OrderEdit");
    this.touch({ action: "order_edited", message: `${ACTOR} edited this order: removed ${removed} × ${line.title}.`, attributeToUser: true, author: ACTOR });
    line.__editRemovedQuantity = editRemoved(line) + removed;
    let toTake = removed;
    for (const fo of open) {
      for (const item of fo.lineItems) {
        if (item.lineItem.__ref !== line.id || toTake === 0) continue;
        const take = Math.min(item.remainingQuantity, toTake);
        item.remainingQuantity -= take;
        item.totalQuantity -= take;
        toTake -= take;
      }
      if (fo.lineItems.every((item) => item.remainingQuantity === 0) && fo.fulfillments.length === 0) {
        fo.status = "CLOSED";
        fo.fulfillmentHolds = [];
        fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
      }
      fo.updatedAt = this.at;
    }
    order.edited = true;
    recomputeOrderMoney(order);
    recomputeOrderFulfillment(order);
    const shop = this.store.requireShop(this.domain).shop;
    const edit = { id: editId, createdAt: this.at, committedAt: this.at, notifyCustomer: change.notifyCustomer === true, staffNote, additions: [], removals: [{ lineItemId: line.id, delta: removed }] };
    return [{ topic: "orders/edited", payload: () => orderEditPayload(edit, order, shop) }];
  }

  /** The fulfillment order a change names, or the first one that allows `action`. */
  private fulfillmentOrder(id: string | undefined, action: FulfillmentOrderRecord["supportedActions"][number]["action"], what: string): FulfillmentOrderRecord {
    const order = this.order;
    if (id !== undefined) {
      const fo = order.fulfillmentOrders.find((candidate) => candidate.id === id);
      if (!fo) throw new OrderChangeError("NOT_FOUND", "Fulfillment order does not exist", ["id"]);
      if (!fo.supportedActions.some((supported) => supported.action === action)) {
        throw new OrderChangeError("INVALID", `The fulfillment order is ${fo.status.toLowerCase()} and can't be ${what}`, ["id"]);
      }
      return fo;
    }
    const fo = order.fulfillmentOrders.find((candidate) => candidate.supportedActions.some((supported) => supported.action === action));
    if (!fo) throw new OrderChangeError("INVALID", `The order has no fulfillment order that can be ${what}`);
    return fo;
  }

  holdFulfillmentOrder(change: Extract<OrderChange, { type: "holdFulfillmentOrder" }>): Array<string | EventSpec> {
    const reason = change.reason ?? "OTHER";
    if (!(reason in HOLD_TEXT)) throw new OrderChangeError("INVALID", `Unknown hold reason ${JSON.stringify(reason)}`, ["fulfillmentHold", "reason"]);
    const reasonNotes = typeof change.reasonNotes === "string" && change.reasonNotes.trim() !== "" ? change.reasonNotes.trim() : null;
    if (reasonNotes && reasonNotes.length > 256) throw new OrderChangeError("INVALID", "Reason notes is too long (maximum is 256 characters)", ["fulfillmentHold", "reasonNotes"]);
    const fo = this.fulfillmentOrder(change.fulfillmentOrderId, "HOLD", "put on hold");
    this.touch({ action: "fulfillment_order_hold", message: `${ACTOR} placed fulfillment order on hold: ${HOLD_TEXT[reason]}.`, attributeToUser: true, author: ACTOR, criticalAlert: reason === "HIGH_RISK_OF_FRAUD" });
    const hold: FulfillmentHoldRecord = {
      __typename: "FulfillmentHold",
      id: this.newId("FulfillmentHold"),
      reason,
      reasonNotes,
      displayReason: HOLD_TEXT[reason],
      handle: null,
      heldByRequestingApp: false,
    };
    fo.fulfillmentHolds = [...fo.fulfillmentHolds, hold];
    fo.status = "ON_HOLD";
    fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
    fo.updatedAt = this.at;
    recomputeOrderFulfillment(this.order);
    return [{ topic: "fulfillment_orders/placed_on_hold", payload: () => fulfillmentOrderHoldPayload(fo, hold) }];
  }

  releaseHold(fulfillmentOrderId: string | undefined): Array<string | EventSpec> {
    const fo = this.fulfillmentOrder(fulfillmentOrderId, "RELEASE_HOLD", "released");
    this.touch({ action: "fulfillment_order_hold_released", message: `${ACTOR} released the hold on a fulfillment order.`, attributeToUser: true, author: ACTOR });
    fo.fulfillmentHolds = [];
    fo.status = fo.fulfillments.length > 0 ? "IN_PROGRESS" : "OPEN";
    fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
    fo.updatedAt = this.at;
    recomputeOrderFulfillment(this.order);
    return [{ topic: "fulfillment_orders/hold_released", payload: () => ({ fulfillment_order: fulfillmentOrderRef(fo) }) }];
  }

  cancelFulfillmentOrder(fulfillmentOrderId: string | undefined): Array<string | EventSpec> {
    const order = this.order;
    const fo = fulfillmentOrderId === undefined ? order.fulfillmentOrders.find((candidate) => cancellable(candidate)) : order.fulfillmentOrders.find((candidate) => candidate.id === fulfillmentOrderId);
    if (!fo && fulfillmentOrderId !== undefined) throw new OrderChangeError("NOT_FOUND", "Fulfillment order does not exist", ["id"]);
    if (!fo || !cancellable(fo)) throw new OrderChangeError("INVALID", "Only an open fulfillment order with nothing fulfilled or requested can be cancelled", ["id"]);
    this.touch({ action: "fulfillment_order_cancelled", message: `${ACTOR} cancelled a fulfillment order at ${fo.assignedLocation.name}.`, attributeToUser: true, author: ACTOR });
    const replacement = this.splitOff(fo, fo.assignedLocation, "OPEN");
    fo.status = "CANCELLED";
    fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
    recomputeOrderFulfillment(order);
    return [{ topic: "fulfillment_orders/cancelled", payload: () => fulfillmentOrderCancelledPayload(fo, replacement) }];
  }

  moveFulfillmentOrder(change: Extract<OrderChange, { type: "moveFulfillmentOrder" }>): Array<string | EventSpec> {
    const fo = this.fulfillmentOrder(change.fulfillmentOrderId, "MOVE", "moved");
    const destination = this.store.requireShop(this.domain).locations.find((location) => location.id === change.locationId);
    if (!destination || !destination.isActive) throw new OrderChangeError("NOT_FOUND", "Location does not exist", ["newLocationId"]);
    const sourceLocationId = fo.assignedLocation.location?.__ref ?? "";
    if (sourceLocationId === destination.id) throw new OrderChangeError("INVALID", "The fulfillment order is already assigned to this location", ["newLocationId"]);
    const units = fo.lineItems.reduce((acc, item) => acc + item.remainingQuantity, 0);
    this.touch({ action: "fulfillment_order_moved", message: `${ACTOR} moved ${units} item${units === 1 ? "" : "s"} from ${fo.assignedLocation.name} to ${destination.name}.`, attributeToUser: true, author: ACTOR });
    const requested = fo.lineItems.filter((item) => item.remainingQuantity > 0).map((item) => ({ id: item.id, quantity: item.remainingQuantity }));
    let moved: FulfillmentOrderRecord;
    if (fo.fulfillments.length === 0) {
      // Nothing shipped from it: Shopify moves the fulfillment order itself.
      fo.assignedLocation = assignedLocationOf(destination);
      fo.updatedAt = this.at;
      moved = fo;
    } else {
      // What shipped stays with the original, which closes; the rest moves in a new one.
      moved = this.splitOff(fo, assignedLocationOf(destination), fo.status === "ON_HOLD" ? "ON_HOLD" : "OPEN");
      moved.fulfillmentHolds = fo.fulfillmentHolds;
      fo.fulfillmentHolds = [];
      fo.status = "CLOSED";
      fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
    }
    recomputeOrderFulfillment(this.order);
    const original = fo;
    return [{ topic: "fulfillment_orders/moved", payload: () => fulfillmentOrderMovedPayload(original, moved, { sourceLocationId, destinationLocationId: destination.id, lineItems: requested }) }];
  }

  /** A new fulfillment order taking every unit `fo` still holds (which keeps none). */
  private splitOff(fo: FulfillmentOrderRecord, location: FulfillmentOrderRecord["assignedLocation"], status: FulfillmentOrderRecord["status"]): FulfillmentOrderRecord {
    const record: FulfillmentOrderRecord = {
      ...fo,
      id: this.newId("FulfillmentOrder"),
      status,
      requestStatus: "UNSUBMITTED",
      assignedLocation: location,
      destination: fo.destination ? { ...fo.destination, id: this.newId("FulfillmentOrderDestination") } : null,
      fulfillmentHolds: [],
      fulfillments: [],
      lineItems: fo.lineItems
        .filter((item) => item.remainingQuantity > 0)
        .map((item) => ({ ...item, id: this.newId("FulfillmentOrderLineItem"), totalQuantity: item.remainingQuantity, remainingQuantity: item.remainingQuantity })),
      supportedActions: supportedActions(status, "UNSUBMITTED"),
      createdAt: this.at,
      updatedAt: this.at,
    };
    for (const item of fo.lineItems) item.remainingQuantity = 0;
    fo.updatedAt = this.at;
    this.order.fulfillmentOrders.push(record);
    this.store.index(this.domain, record);
    for (const item of record.lineItems) this.store.index(this.domain, item);
    return record;
  }

  markPaid(): string[] {
    const order = this.order;
    const outstanding = minor(order.totalOutstandingSet);
    if (order.cancelledAt !== null) throw new OrderChangeError("INVALID", "Order is cancelled and cannot be marked as paid");
    if (outstanding <= 0) throw new OrderChangeError("INVALID", "Order has no outstanding balance to mark as paid");
    this.touch({ action: "mark_as_paid", message: `${ACTOR} manually marked this order as paid.`, attributeToUser: true, author: ACTOR });
    const authorizations = order.transactions.filter(isOpenAuthorization);
    if (authorizations.length > 0) {
      // An authorized payment is captured rather than replaced by a manual sale.
      for (const auth of authorizations) {
        const amount = auth.totalUnsettledSet ? minor(auth.totalUnsettledSet) : minor(auth.amountSet);
        auth.manuallyCapturable = false;
        auth.totalUnsettledSet = moneyBag(0, this.currency);
        this.transaction("CAPTURE", amount, auth);
      }
      recomputeOrderMoney(order);
    }
    const left = minor(order.totalOutstandingSet);
    if (left > 0) this.transaction("SALE", left, null, MANUAL);
    recomputeOrderMoney(order);
    this.releasePaymentHolds();
    recomputeOrderFulfillment(order);
    return order.displayFinancialStatus === "PAID" ? ["orders/paid"] : [];
  }

  private releasePaymentHolds(): void {
    for (const fo of this.order.fulfillmentOrders) {
      const kept = fo.fulfillmentHolds.filter((hold) => hold.reason !== "AWAITING_PAYMENT");
      if (kept.length === fo.fulfillmentHolds.length) continue;
      fo.fulfillmentHolds = kept;
      if (fo.status === "ON_HOLD" && kept.length === 0) {
        fo.status = fo.fulfillments.length > 0 ? "IN_PROGRESS" : "OPEN";
        fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
      }
      fo.updatedAt = this.at;
      this.event("fulfillment_order_hold_released", "Fulfillment hold released: payment received.");
      this.side.push({ topic: "fulfillment_orders/hold_released", payload: () => ({ fulfillment_order: { id: fo.id, status: fo.status.toLowerCase() } }) });
    }
  }

  fulfill(change: Extract<OrderChange, { type: "fulfill" }>): string[] {
    const order = this.order;
    if (change.lineItems !== undefined && !Array.isArray(change.lineItems)) throw new OrderChangeError("INVALID", "fulfill lineItems must be a list of { id, quantity }");
    for (const key of ["company", "trackingNumber", "trackingUrl"] as const) {
      if (change[key] !== undefined && typeof change[key] !== "string") throw new OrderChangeError("INVALID", `fulfill ${key} must be a string`);
    }
    if (order.cancelledAt !== null) throw new OrderChangeError("INVALID", "Order is cancelled and cannot be fulfilled");
    const fo = order.fulfillmentOrders.find((candidate) => candidate.lineItems.some((item) => item.remainingQuantity > 0) && candidate.status !== "CLOSED" && candidate.status !== "CANCELLED");
    if (!fo) throw new OrderChangeError("INVALID", "Order has nothing left to fulfill");
    if (fo.status === "ON_HOLD") {
      const reason = fo.fulfillmentHolds[0]?.displayReason ?? "on hold";
      throw new OrderChangeError("INVALID", `Fulfillment order is on hold (${reason}); release the hold first`);
    }
    const wanted = this.fulfillmentPlan(fo, change.lineItems);
    const location = this.store.deref<LocationRecord>(this.domain, fo.assignedLocation.location);
    const tracking = this.tracking(fo, change);
    this.touch({ action: "fulfillment_success", message: "", attributeToUser: true, author: ACTOR });
    const last = order.events[order.events.length - 1] as BasicEventRecord;

    const fulfillmentId = this.newId("Fulfillment");
    const items: FulfillmentLineItemRecord[] = [];
    for (const [lineId, units] of wanted) {
      const line = order.lineItems.find((candidate) => candidate.id === lineId) as LineItemRecord;
      const money = lineMoney(line);
      const before = fulfilledUnits(order, lineId);
      items.push({
        __typename: "FulfillmentLineItem",
        id: this.newId("FulfillmentLineItem"),
        lineItem: ref(lineId),
        quantity: units,
        originalTotalSet: moneyBag(money.unit * units, this.currency),
        discountedTotalSet: moneyBag(unitsShare(money.afterAll, money.quantity, before, units), this.currency),
      });
      const foItem = fo.lineItems.find((item) => item.lineItem.__ref === lineId);
      if (foItem) foItem.remainingQuantity -= units;
    }
    const totalQuantity = sum(items.map((item) => item.quantity));
    const fulfillment: FulfillmentRecord = {
      __typename: "Fulfillment",
      id: fulfillmentId,
      legacyResourceId: String(legacyIdOf(fulfillmentId)),
      name: `${order.name}-F${order.fulfillments.length + 1}`,
      status: "SUCCESS",
      displayStatus: "FULFILLED",
      requiresShipping: true,
      totalQuantity,
      trackingInfo: [{ __typename: "FulfillmentTrackingInfo", company: tracking.company, number: tracking.number, url: tracking.url }],
      fulfillmentLineItems: items,
      fulfillmentOrders: [ref(fo.id)],
      location: fo.assignedLocation.location,
      order: ref(order.id),
      createdAt: this.at,
      updatedAt: this.at,
      inTransitAt: null,
      deliveredAt: null,
      estimatedDeliveryAt: isoSeconds(Date.parse(this.at) + 3 * DAY),
    };
    order.fulfillments.push(fulfillment);
    this.store.index(this.domain, fulfillment);
    fo.fulfillments.push(ref(fulfillment.id));
    const done = fo.lineItems.every((item) => item.remainingQuantity === 0);
    fo.status = done ? "CLOSED" : "IN_PROGRESS";
    if (done && fo.requestStatus === "ACCEPTED") fo.requestStatus = "CLOSED";
    fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
    fo.updatedAt = this.at;

    const from = location?.name ?? fo.assignedLocation.name;
    last.message = `${ACTOR} fulfilled ${totalQuantity} item${totalQuantity === 1 ? "" : "s"} from ${from} via ${tracking.company ?? "another carrier"}.`;
    const buyer = order.shippingAddress?.name ?? order.email ?? "the customer";
    if (order.email) this.event("mail_sent", `Shipping confirmation email was sent to ${buyer} (${order.email}).`);
    recomputeOrderFulfillment(order);
    return ["fulfillments/create", order.displayFulfillmentStatus === "FULFILLED" ? "orders/fulfilled" : "orders/partially_fulfilled"];
  }

  /** Units to ship per line, validated against what the fulfillment order still holds. */
  private fulfillmentPlan(fo: FulfillmentOrderRecord, requested: Array<{ id: string | number; quantity: number }> | undefined): Map<Gid, number> {
    const plan = new Map<Gid, number>();
    if (!requested || requested.length === 0) {
      for (const item of fo.lineItems) if (item.remainingQuantity > 0) plan.set(item.lineItem.__ref, item.remainingQuantity);
      return plan;
    }
    for (const entry of requested) {
      if (typeof entry !== "object" || entry === null) throw new OrderChangeError("INVALID", "fulfill lineItems must be a list of { id, quantity }");
      const gid = typeof entry.id === "number" || /^\d+$/.test(String(entry.id)) ? toGid("LineItem", entry.id) : String(entry.id);
      const item = fo.lineItems.find((candidate) => candidate.lineItem.__ref === gid);
      if (!item) throw new OrderChangeError("INVALID", `Line item ${String(entry.id)} is not on this order's open fulfillment order`);
      const units = (plan.get(gid) ?? 0) + entry.quantity;
      if (!Number.isInteger(entry.quantity) || entry.quantity <= 0 || units > item.remainingQuantity) {
        throw new OrderChangeError("INVALID", `Cannot fulfill ${entry.quantity} of line item ${String(entry.id)}: ${item.remainingQuantity} remaining`);
      }
      plan.set(gid, units);
    }
    return plan;
  }

  private tracking(fo: FulfillmentOrderRecord, change: Extract<OrderChange, { type: "fulfill" }>): { company: string | null; number: string | null; url: string | null } {
    const countryCode = fo.destination?.countryCode ?? this.order.shippingAddress?.countryCodeV2 ?? "DE";
    const carriers = COUNTRIES[countryCode]?.carriers ?? ["DHL Express"];
    const rng = Random.from(hashString(this.order.id), this.order.fulfillments.length, 0x7ac4);
    const company = change.company ?? rng.pick(carriers);
    const carrier = CARRIERS[company];
    const number = change.trackingNumber ?? (carrier ? carrier.number((n) => rng.digits(n), (n) => rng.code(n)) : rng.digits(12));
    const url = change.trackingUrl ?? (carrier ? carrier.url(number) : null);
    return { company, number, url };
  }

  cancel(reason: OrderCancelReason, staffNote: string | null, refund: boolean): string[] {
    const order = this.order;
    if (!CANCEL_REASONS.includes(reason)) throw new OrderChangeError("INVALID", `Unknown cancel reason ${JSON.stringify(reason)}; one of ${CANCEL_REASONS.join(", ")}`);
    if (order.cancelledAt !== null) throw new OrderChangeError("INVALID", "Order has already been cancelled");
    if (order.fulfillments.some((f) => f.status === "SUCCESS")) {
      throw new OrderChangeError("INVALID", "Cannot cancel an order with fulfillments; cancel its fulfillments first");
    }
    const netPayment = minor(order.netPaymentSet);
    this.touch({
      action: "cancelled",
      message: `${ACTOR} cancelled this order. Reason: ${CANCEL_TEXT[reason]}.${staffNote ? ` Note: ${staffNote}` : ""}`,
      attributeToUser: true,
      author: ACTOR,
      criticalAlert: reason === "FRAUD",
    });
    const topics: string[] = [];
    if (refund && (netPayment > 0 || order.refunds.length > 0)) {
      this.cancellationRefund(netPayment, CANCEL_TEXT[reason]);
      topics.push("refunds/create");
    } else {
      // Without a refund what was paid stays paid; open authorizations are voided regardless.
      this.voidOpenPayments();
    }
    order.cancelledAt = this.at;
    order.cancelReason = reason;
    order.closed = true;
    order.closedAt = this.at;
    for (const fo of order.fulfillmentOrders) {
      for (const item of fo.lineItems) {
        item.remainingQuantity = 0;
        item.totalQuantity = 0;
      }
      fo.status = "CLOSED";
      if (fo.requestStatus === "ACCEPTED") fo.requestStatus = "CLOSED";
      fo.fulfillmentHolds = [];
      fo.supportedActions = supportedActions(fo.status, fo.requestStatus);
      fo.updatedAt = this.at;
    }
    for (const auth of order.transactions.filter(isOpenAuthorization)) {
      auth.manuallyCapturable = false;
      auth.totalUnsettledSet = moneyBag(0, this.currency);
    }
    recomputeOrderMoney(order);
    recomputeOrderFulfillment(order);
    topics.push("orders/cancelled");
    return topics;
  }

  /** Voids what an unpaid order has open: authorizations and pending payments. */
  private voidOpenPayments(): void {
    const open = this.order.transactions.filter(
      (t) => (t.kind === "AUTHORIZATION" && t.status === "SUCCESS") || ((t.kind === "SALE" || t.kind === "AUTHORIZATION") && t.status === "PENDING"),
    );
    for (const parent of open) {
      if (this.order.transactions.some((t) => t.kind === "VOID" && t.status === "SUCCESS" && t.parentTransaction?.__ref === parent.id)) continue;
      this.transaction("VOID", minor(parent.amountSet), parent);
    }
  }

  /** The refund of a cancellation: every unit still on the order, shipping, and the money paid. */
  private cancellationRefund(amount: number, note: string): void {
    const order = this.order;
    const refundId = this.newId("Refund");
    const location = order.fulfillmentOrders[0]?.assignedLocation.location ?? null;
    const lines: RefundLineItemRecord[] = [];
    let itemsValue = 0;
    for (const line of order.lineItems) {
      const money = lineMoney(line);
      // Units an edit removed were never charged: they sit before the refunded ones.
      const before = editRemoved(line) + refundedUnits(order, line.id);
      const units = money.quantity - before;
      if (units <= 0) continue;
      const subtotal = unitsShare(money.afterAll, money.quantity, before, units);
      const tax = unitsShare(money.tax, money.quantity, before, units);
      itemsValue += subtotal + tax;
      lines.push({
        __typename: "RefundLineItem",
        id: this.newId("RefundLineItem"),
        lineItem: ref(line.id),
        quantity: units,
        restockType: "CANCEL",
        restocked: true,
        location,
        priceSet: moneyBag(mulDivRound(money.afterAll, 1, money.quantity), this.currency),
        subtotalSet: moneyBag(subtotal, this.currency),
        totalTaxSet: moneyBag(tax, this.currency),
      });
    }
    const shippingLines: RefundShippingLineRecord[] = [];
    if (order.shippingLine && !order.refunds.some((r) => r.refundShippingLines.length > 0)) {
      const shipping = minor(order.totalShippingPriceSet);
      const tax = shippingTaxOf(order);
      itemsValue += shipping + tax;
      shippingLines.push({
        __typename: "RefundShippingLine",
        id: this.newId("RefundShippingLine"),
        shippingLine: ref(order.shippingLine.id),
        subtotalAmountSet: moneyBag(shipping, this.currency),
        taxAmountSet: moneyBag(tax, this.currency),
      });
    }
    // What is refunded is what was paid; the difference to the removed items' value (an
    // unpaid balance, or earlier amount-only refunds) balances the refund.
    const adjustments: OrderAdjustmentRecord[] =
      amount === itemsValue ? [] : [this.adjustment("FULL_RETURN_BALANCING_ADJUSTMENT", amount - itemsValue, 0, { subtotal: 0, shipping: 0, tax: 0 })];
    const transactions = amount > 0 ? this.refundTransactions(amount) : [];
    this.addRefund({ id: refundId, note, lines, shippingLines, adjustments, transactions, amount });
  }

  refund(rawAmount: unknown, note: string | null): string[] {
    const order = this.order;
    const netPayment = minor(order.netPaymentSet);
    let amount: number;
    if (rawAmount === undefined || rawAmount === null) amount = netPayment;
    else {
      if (typeof rawAmount !== "string") throw new OrderChangeError("INVALID", 'refund amount must be a decimal string such as "12.50"');
      try {
        amount = parseMinor(rawAmount, this.currency);
      } catch (error) {
        throw new OrderChangeError("INVALID", (error as Error).message);
      }
    }
    if (netPayment <= 0) throw new OrderChangeError("INVALID", "Order has no payment left to refund");
    if (amount <= 0) throw new OrderChangeError("INVALID", "Refund amount must be greater than zero");
    if (amount > netPayment) {
      throw new OrderChangeError("INVALID", `Refund amount ${this.money(amount)} exceeds the refundable amount ${this.money(netPayment)}`);
    }
    this.touch({ action: "refund_created", message: `${ACTOR} refunded ${this.money(amount)}.`, attributeToUser: true, author: ACTOR });
    // Not tied to items: it lowers the current subtotal, shipping and tax in proportion, so the
    // current total stays total minus refunds.
    const [subtotal, shipping, tax] = allocate(amount, [
      minor(order.currentSubtotalPriceSet),
      minor(order.currentShippingPriceSet),
      minor(order.currentTotalTaxSet),
    ]) as [number, number, number];
    const adjustment = this.adjustment("REFUND_DISCREPANCY", subtotal + shipping, tax, { subtotal, shipping, tax });
    const transactions = this.refundTransactions(amount);
    this.addRefund({ id: this.newId("Refund"), note, lines: [], shippingLines: [], adjustments: [adjustment], transactions, amount });
    recomputeOrderMoney(order);
    return ["refunds/create"];
  }

  private adjustment(reason: OrderAdjustmentRecord["reason"], amount: number, tax: number, reduction: OrderAdjustmentRecord["__currentReduction"]): OrderAdjustmentRecord {
    return {
      __typename: "OrderAdjustment",
      id: this.newId("OrderAdjustment"),
      reason,
      amountSet: moneyBag(amount, this.currency),
      taxAmountSet: moneyBag(tax, this.currency),
      __currentReduction: reduction,
    };
  }

  /** REFUND transactions for `amount`, against the latest payments first. */
  private refundTransactions(amount: number): OrderTransactionRecord[] {
    const payments = this.order.transactions.filter(isPayment).reverse();
    const created: OrderTransactionRecord[] = [];
    let left = amount;
    for (const payment of payments) {
      if (left === 0) break;
      const already = sum(
        this.order.transactions.filter((t) => t.kind === "REFUND" && t.status === "SUCCESS" && t.parentTransaction?.__ref === payment.id).map((t) => minor(t.amountSet)),
      );
      const part = Math.min(left, minor(payment.amountSet) - already);
      if (part <= 0) continue;
      created.push(this.transaction("REFUND", part, payment));
      left -= part;
    }
    if (left > 0) created.push(this.transaction("REFUND", left, null, MANUAL));
    return created;
  }

  private addRefund(parts: {
    id: Gid;
    note: string | null;
    lines: RefundLineItemRecord[];
    shippingLines: RefundShippingLineRecord[];
    adjustments: OrderAdjustmentRecord[];
    transactions: OrderTransactionRecord[];
    amount: number;
  }): void {
    const refund: RefundRecord = {
      __typename: "Refund",
      id: parts.id,
      legacyResourceId: String(legacyIdOf(parts.id)),
      note: parts.note,
      order: ref(this.order.id),
      return: null,
      refundLineItems: parts.lines,
      refundShippingLines: parts.shippingLines,
      orderAdjustments: parts.adjustments,
      transactions: parts.transactions.map((t) => ref(t.id)),
      totalRefundedSet: moneyBag(parts.amount, this.currency),
      duties: [],
      createdAt: this.at,
      processedAt: this.at,
      updatedAt: this.at,
    };
    this.order.refunds.push(refund);
    this.store.index(this.domain, refund);
  }
}

/** fulfillmentOrderCancel here: open (not held or in progress), nothing requested of a service. */
function cancellable(fo: FulfillmentOrderRecord): boolean {
  return fo.status === "OPEN" && fo.requestStatus === "UNSUBMITTED" && fo.fulfillments.length === 0;
}

function assignedLocationOf(location: LocationRecord): FulfillmentOrderRecord["assignedLocation"] {
  return {
    __typename: "FulfillmentOrderAssignedLocation",
    name: location.name,
    address1: location.address.address1,
    address2: location.address.address2,
    city: location.address.city,
    countryCode: location.address.countryCode ?? "DE",
    phone: location.address.phone,
    province: location.address.province,
    zip: location.address.zip,
    location: ref(location.id),
  };
}

/** The order's `returnStatus` from its returns, as the generator derives it. */
function recomputeReturnStatus(order: OrderRecord): void {
  const statuses = order.returns.map((ret) => ret.status);
  order.returnStatus = statuses.includes("REQUESTED")
    ? "RETURN_REQUESTED"
    : statuses.includes("OPEN")
      ? "IN_PROGRESS"
      : statuses.includes("CLOSED")
        ? "RETURNED"
        : "NO_RETURN";
}

const MANUAL = { gateway: "manual", formatted: "Manual", manual: true } as const;

/** Postal code formats Shopify checks for the demo store's countries (a subset of its rules). */
const POSTAL_CODES: Readonly<Record<string, RegExp>> = {
  DE: /^\d{5}$/,
  FR: /^\d{5}$/,
  IT: /^\d{5}$/,
  ES: /^\d{5}$/,
  AT: /^\d{4}$/,
  BE: /^\d{4}$/,
  CH: /^\d{4}$/,
  AU: /^\d{4}$/,
  NL: /^\d{4}\s?[A-Z]{2}$/i,
  US: /^\d{5}(-\d{4})?$/,
  CA: /^[A-Z]\d[A-Z]\s?\d[A-Z]\d$/i,
  GB: /^[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$/i,
  JP: /^\d{3}-?\d{4}$/,
};

interface EventSpec {
  topic: string;
  payload: () => unknown;
}
