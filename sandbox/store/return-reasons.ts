/**
 * Shopify's library of return reasons (`returnReasonDefinitions`, API 2026-01+): one standard
 * list for every merchant, from Shopify's product taxonomy, which replaces the deprecated
 * `ReturnReason` enum. The ids, handles and names below are the taxonomy's own; the sandbox
 * carries the general reasons and a few category ones (the real library has about 360).
 *
 * Each shop gets its own copy (ShopData.returnReasonDefinitions), so a test can change one
 * shop's list (mark a reason deleted, add one) without touching another's.
 */
import { toGid } from "./gid";
import type { ReturnReason, ReturnReasonDefinitionRecord } from "./types";

const LIBRARY: ReadonlyArray<readonly [id: number, handle: string, name: string]> = [
  [1, "unknown", "Unknown"],
  [2, "changed-my-mind", "Changed my mind"],
  [3, "item-not-as-described", "Item not as described"],
  [4, "received-the-wrong-item", "Received the wrong item"],
  [5, "other-reason", "Other"],
  [6, "damaged-or-defective", "Damaged or defective"],
  [7, "too-small", "Too small"],
  [8, "too-big", "Too big"],
  [9, "style", "Style"],
  [10, "color", "Color"],
  [24, "arrived-late", "Arrived late"],
  [32, "battery-life", "Battery life"],
  [36, "breathability", "Breathability"],
  [43, "burn-rate", "Burn rate"],
  [44, "burn-time", "Burn time"],
  [49, "capacity", "Capacity"],
  [54, "closure", "Closure"],
  [55, "cold-duration", "Cold duration"],
  [56, "comfort", "Comfort"],
  [57, "compartments", "Compartments"],
  [60, "condition", "Condition"],
  [71, "cushioning", "Cushioning"],
  [78, "difficult-to-clean", "Difficult to clean"],
];

/** The library's id of a handle (generated returns name their reason by it). */
export function libraryReasonId(handle: string): string {
  const entry = LIBRARY.find(([, candidate]) => candidate === handle);
  if (!entry) throw new Error(`No return reason ${handle} in the library`);
  return toGid("ReturnReasonDefinition", entry[0]);
}

/** A fresh copy of the library for one shop. */
export function returnReasonLibrary(): ReturnReasonDefinitionRecord[] {
  return LIBRARY.map(([id, handle, name]) => ({ __typename: "ReturnReasonDefinition", id: toGid("ReturnReasonDefinition", id), handle, name, deleted: false }));
}

/**
 * The deprecated enum and the library's general reasons, one for one. Shopify still fills
 * `ReturnLineItem.returnReason` for returns made with a definition; a category reason reads as
 * OTHER there (the sandbox's assumption: Shopify does not document the mapping).
 */
const LEGACY: Readonly<Record<ReturnReason, string>> = {
  UNKNOWN: "unknown",
  UNWANTED: "changed-my-mind",
  NOT_AS_DESCRIBED: "item-not-as-described",
  WRONG_ITEM: "received-the-wrong-item",
  OTHER: "other-reason",
  DEFECTIVE: "damaged-or-defective",
  SIZE_TOO_SMALL: "too-small",
  SIZE_TOO_LARGE: "too-big",
  STYLE: "style",
  COLOR: "color",
};

export function legacyReasonHandle(reason: ReturnReason): string {
  return LEGACY[reason];
}

export function legacyReasonOf(handle: string): ReturnReason {
  return (Object.entries(LEGACY).find(([, candidate]) => candidate === handle)?.[0] as ReturnReason | undefined) ?? "OTHER";
}
