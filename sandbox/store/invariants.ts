/**
 * The money and quantity identities every order in the store keeps, generated or changed
 * later (sandbox/changes.ts): the generator's identities, with refunds' order adjustments
 * counted as refund parts and a cancelled order's current total at zero. Returns the
 * violations as readable strings (empty when the order is consistent).
 */
import { bagMinor, unitsShare } from "./money";
import type { MoneyBag, OrderRecord } from "./types";

function sum(values: readonly number[]): number {
  return values.reduce((acc, value) => acc + value, 0);
}

export function orderInvariantViolations(order: OrderRecord): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(`${order.name}: ${message}`);
  };
  const minor = (bag: MoneyBag) => {
    check(bag.shopMoney.amount === bag.presentmentMoney.amount, "presentment money differs from shop money");
    return bagMinor(bag);
  };

  const subtotal = minor(order.subtotalPriceSet);
  const shipping = minor(order.totalShippingPriceSet);
  const tax = minor(order.totalTaxSet);
  const discounts = minor(order.totalDiscountsSet);
  const total = minor(order.totalPriceSet);
  const original = sum(order.lineItems.map((line) => minor(line.originalTotalSet)));
  check(original - discounts === subtotal, `lines ${original} - discounts ${discounts} != subtotal ${subtotal}`);
  check(subtotal + shipping + tax === total, `subtotal + shipping + tax != total ${total}`);
  for (const line of order.lineItems) {
    check(minor(line.originalTotalSet) === minor(line.originalUnitPriceSet) * line.quantity, `${line.id} original total != unit x quantity`);
    const allocated = sum(line.discountAllocations.map((a) => minor(a.allocatedAmountSet)));
    check(minor(line.originalTotalSet) - allocated === minor(line.__discountedTotalWithCodeDiscountsSet), `${line.id} allocations do not add up`);
  }
  const lineTax = sum(order.lineItems.flatMap((line) => line.taxLines.map((t) => minor(t.priceSet))));
  const shippingTax = sum(order.shippingLine?.taxLines.map((t) => minor(t.priceSet)) ?? []);
  check(lineTax + shippingTax === tax, "line and shipping tax != total tax");

  const success = order.transactions.filter((t) => t.status === "SUCCESS");
  const received = sum(success.filter((t) => t.kind === "SALE" || t.kind === "CAPTURE").map((t) => minor(t.amountSet)));
  const refundedByTransactions = sum(success.filter((t) => t.kind === "REFUND").map((t) => minor(t.amountSet)));
  const refunded = minor(order.totalRefundedSet);
  check(minor(order.totalReceivedSet) === received, `totalReceived != successful sales and captures ${received}`);
  check(refunded === refundedByTransactions, `totalRefunded ${refunded} != successful refund transactions ${refundedByTransactions}`);
  check(sum(order.refunds.map((r) => minor(r.totalRefundedSet))) === refunded, "refunds do not add up to totalRefunded");
  for (const refund of order.refunds) {
    const parts =
      sum(refund.refundLineItems.map((r) => minor(r.subtotalSet) + minor(r.totalTaxSet))) +
      sum(refund.refundShippingLines.map((r) => minor(r.subtotalAmountSet) + minor(r.taxAmountSet))) +
      sum((refund.orderAdjustments ?? []).map((a) => minor(a.amountSet) + minor(a.taxAmountSet)));
    check(parts === minor(refund.totalRefundedSet), `${refund.id} parts ${parts} != its total`);
  }
  const netPayment = minor(order.netPaymentSet);
  check(netPayment === received - refunded, "netPayment != received - refunded");

  // What order edits removed (sandbox/changes.ts editQuantity): each line's first units.
  let edited = 0;
  for (const line of order.lineItems) {
    const removed = line.__editRemovedQuantity ?? 0;
    const afterAll = minor(line.__discountedTotalWithCodeDiscountsSet);
    const lineTax = sum(line.taxLines.map((t) => minor(t.priceSet)));
    edited += unitsShare(afterAll, line.quantity, 0, removed) + unitsShare(lineTax, line.quantity, 0, removed);
  }
  /** The order's value after edits; `total` when it was never edited. */
  const value = total - edited;

  const currentTotal = minor(order.currentTotalPriceSet);
  check(
    minor(order.currentSubtotalPriceSet) + minor(order.currentShippingPriceSet) + minor(order.currentTotalTaxSet) === currentTotal,
    "current subtotal + shipping + tax != current total",
  );
  if (order.cancelledAt !== null) check(currentTotal === 0, "a cancelled order has a current total");
  else check(currentTotal === value - refunded, `current total ${currentTotal} != total - edited - refunded ${value - refunded}`);
  const outstanding = minor(order.totalOutstandingSet);
  check(outstanding === currentTotal - netPayment, "outstanding != current total - net payment");

  switch (order.displayFinancialStatus) {
    case "PAID":
      check(received === value && refunded === 0 && outstanding === 0, "PAID but not received in full");
      break;
    case "PARTIALLY_PAID":
      check(received > 0 && received < value && outstanding === value - received, "PARTIALLY_PAID amounts");
      break;
    case "AUTHORIZED":
      check(received === 0 && minor(order.totalCapturableSet) === total && order.capturable, "AUTHORIZED amounts");
      break;
    case "PENDING":
    case "EXPIRED":
      check(received === 0 && outstanding === value, `${order.displayFinancialStatus} amounts`);
      break;
    case "PARTIALLY_REFUNDED":
      check(refunded > 0 && refunded < received, "PARTIALLY_REFUNDED amounts");
      break;
    case "REFUNDED":
      // Everything paid went back; what is left of the order is what was never paid.
      check(refunded === received && currentTotal === (order.cancelledAt !== null ? 0 : value - received), "REFUNDED amounts");
      break;
    case "VOIDED":
      check(received === 0 && order.transactions.some((t) => t.kind === "VOID" && t.status === "SUCCESS"), "VOIDED without a void");
      break;
  }
  for (const [name, bag] of [["outstanding", order.totalOutstandingSet], ["capturable", order.totalCapturableSet], ["current total", order.currentTotalPriceSet], ["net payment", order.netPaymentSet]] as const) {
    check(minor(bag) >= 0, `${name} is negative`);
  }

  // Quantities.
  for (const line of order.lineItems) {
    const shipped = sum(order.fulfillments.filter((f) => f.status === "SUCCESS").flatMap((f) => f.fulfillmentLineItems.filter((i) => i.lineItem.__ref === line.id).map((i) => i.quantity)));
    check(shipped + line.unfulfilledQuantity + line.nonFulfillableQuantity === line.quantity, `${line.id} shipped + unfulfilled + non-fulfillable != quantity`);
    check(line.nonFulfillableQuantity >= 0 && line.unfulfilledQuantity >= 0, `${line.id} negative quantities`);
    const refundedUnits = sum(order.refunds.flatMap((r) => r.refundLineItems.filter((i) => i.lineItem.__ref === line.id).map((i) => i.quantity)));
    const removed = line.__editRemovedQuantity ?? 0;
    if (order.cancelledAt === null || order.refunds.length > 0) check(line.currentQuantity === line.quantity - removed - refundedUnits, `${line.id} current quantity`);
    else check(line.currentQuantity === 0, `${line.id} current quantity of a cancelled order`);
  }
  const remaining = sum(order.fulfillmentOrders.flatMap((fo) => fo.lineItems.map((li) => li.remainingQuantity)));
  check(remaining === sum(order.lineItems.map((line) => line.unfulfilledQuantity)), "fulfillment order remaining != unfulfilled");
  if (order.displayFulfillmentStatus === "FULFILLED") check(order.fulfillments.length > 0 && remaining === 0, "FULFILLED with items left");
  if (order.displayFulfillmentStatus === "ON_HOLD") {
    check(order.fulfillmentOrders.some((fo) => fo.status === "ON_HOLD" && fo.fulfillmentHolds.length > 0), "ON_HOLD without a held fulfillment order");
  }

  // Timeline.
  const times = order.events.map((e) => e.createdAt);
  check(times.every((t, i) => i === 0 || (times[i - 1] as string) <= t), "events out of order");
  check(order.events[0]?.action === "placed", "first event is not 'placed'");
  check(order.updatedAt >= order.createdAt, "updatedAt before createdAt");
  check(times.every((t) => t <= order.updatedAt), "an event after updatedAt");
  return problems;
}
