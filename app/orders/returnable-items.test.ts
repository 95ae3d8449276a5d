import { describe, expect, it } from "vitest";
import type { SnapshotContent } from "./build-snapshot";
import { returnableItems } from "./returnable-items";

const money = { amount: "10.00", currencyCode: "EUR" };

/** An order of 3 × shirt and 1 × cap, shirts shipped in two fulfillments (2 + 1), the cap in one. */
function snapshot(overrides: { returns?: SnapshotContent["returns"]; shirtQuantityNow?: number; fulfillmentLines?: "missing" } = {}): Pick<SnapshotContent, "lineItems" | "fulfillments" | "returns"> {
  const lines = (items: Array<{ id: string; lineItemId: string; quantity: number }>) => (overrides.fulfillmentLines === "missing" ? null : items);
  return {
    lineItems: [
      { id: "L1", title: "Shirt", sku: "S", quantity: 3, currentQuantity: overrides.shirtQuantityNow ?? 3, variantTitle: null, unitPrice: money },
      { id: "L2", title: "Cap", sku: null, quantity: 1, currentQuantity: 1, variantTitle: null, unitPrice: money },
    ],
    fulfillments: [
      { id: "F1", name: "#1-F1", status: "SUCCESS", displayStatus: null, createdAt: "", deliveredAt: null, tracking: [], lineItems: lines([{ id: "FL1", lineItemId: "L1", quantity: 2 }, { id: "FL2", lineItemId: "L2", quantity: 1 }]) },
      { id: "F2", name: "#1-F2", status: "SUCCESS", displayStatus: null, createdAt: "", deliveredAt: null, tracking: [], lineItems: lines([{ id: "FL3", lineItemId: "L1", quantity: 1 }]) },
      { id: "F3", name: "#1-F3", status: "CANCELLED", displayStatus: null, createdAt: "", deliveredAt: null, tracking: [], lineItems: lines([{ id: "FL4", lineItemId: "L2", quantity: 1 }]) },
    ],
    returns: overrides.returns ?? [],
  };
}

const units = (content: ReturnType<typeof snapshot>) => Object.fromEntries(returnableItems(content).items.map((item) => [item.fulfillmentLineItemId, item.quantity]));
const ret = (status: string, lineItems: Array<{ fulfillmentLineItemId: string; quantity: number }>) => ({ id: `R-${status}`, name: "#1-R1", status, createdAt: "", closedAt: null, quantity: 1, lineItems });

describe("returnableItems", () => {
  it("offers what successful fulfillments shipped, never a cancelled fulfillment", () => {
    expect(units(snapshot())).toEqual({ FL1: 2, FL2: 1, FL3: 1 });
    expect(returnableItems(snapshot()).items[0]).toMatchObject({ title: "Shirt", fulfillmentName: "#1-F1", lineItemId: "L1" });
  });

  it("takes out units in returns that count, and gives back declined or cancelled ones", () => {
    expect(units(snapshot({ returns: [ret("OPEN", [{ fulfillmentLineItemId: "FL1", quantity: 1 }])] }))).toEqual({ FL1: 1, FL2: 1, FL3: 1 });
    expect(units(snapshot({ returns: [ret("REQUESTED", [{ fulfillmentLineItemId: "FL2", quantity: 1 }])] }))).toEqual({ FL1: 2, FL3: 1 });
    expect(units(snapshot({ returns: [ret("DECLINED", [{ fulfillmentLineItemId: "FL1", quantity: 2 }]), ret("CANCELED", [{ fulfillmentLineItemId: "FL3", quantity: 1 }])] }))).toEqual({ FL1: 2, FL2: 1, FL3: 1 });
  });

  it("never offers refunded units: a closed return's units left through the refund", () => {
    // 2 shirts returned and refunded: the line's current quantity is 1.
    const closed = snapshot({ shirtQuantityNow: 1, returns: [ret("CLOSED", [{ fulfillmentLineItemId: "FL1", quantity: 2 }])] });
    expect(units(closed)).toEqual({ FL2: 1, FL3: 1 });
    // 2 shirts refunded without a return: at most the 1 left on the order, from either fulfillment.
    expect(units(snapshot({ shirtQuantityNow: 1 }))).toEqual({ FL1: 1, FL2: 1, FL3: 1 });
    expect(returnableItems(snapshot({ shirtQuantityNow: 1 })).items.filter((item) => item.lineItemId === "L1").map((item) => item.lineLimit)).toEqual([1, 1]);
    // ... and one of those already in an open return: none left.
    expect(units(snapshot({ shirtQuantityNow: 1, returns: [ret("OPEN", [{ fulfillmentLineItemId: "FL3", quantity: 1 }])] }))).toEqual({ FL2: 1 });
  });

  it("is incomplete (nothing offered) when the snapshot lacks the shipped items, as the bulk backfill's do", () => {
    expect(returnableItems(snapshot({ fulfillmentLines: "missing" }))).toEqual({ items: [], complete: false });
    expect(returnableItems(snapshot({ returns: [{ ...ret("OPEN", []), lineItems: null }] }))).toEqual({ items: [], complete: false });
    expect(returnableItems(null)).toEqual({ items: [], complete: false });
  });
});
