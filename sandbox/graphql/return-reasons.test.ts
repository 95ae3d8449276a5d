/**
 * Return reasons as Shopify serves them from 2026-01: the `returnReasonDefinitions` library
 * (paged, filtered by ids, handles and search), and `returnCreate` taking a
 * `returnReasonDefinitionId` per line instead of the deprecated `returnReason` enum, refusing
 * an id that names no definition.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SandboxStore } from "../store/store";
import type { OrderRecord } from "../store/types";
import { createAdminApi } from "./admin-api";
import { loadAdminSchema } from "./schema";

const SHOP = "reasons-a.myshopify.com";
const OTHER_SHOP = "reasons-b.myshopify.com";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const DEFINITIONS = `query($first: Int, $last: Int, $after: String, $before: String, $ids: [ID!], $handles: [String!], $query: String, $sortKey: ReturnReasonDefinitionSortKeys, $reverse: Boolean) {
  returnReasonDefinitions(first: $first, last: $last, after: $after, before: $before, ids: $ids, handles: $handles, query: $query, sortKey: $sortKey, reverse: $reverse) {
    nodes { id handle name deleted }
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
  } }`;
const RETURN_CREATE = `mutation($input: ReturnInput!) { returnCreate(returnInput: $input) {
  return { id returnLineItems(first: 5) { nodes { quantity ... on ReturnLineItem { returnReason returnReasonNote returnReasonDefinition { id handle name } } } } }
  userErrors { field message code } } }`;

let store: SandboxStore;
let run: (query: string, variables?: Record<string, unknown>, shop?: string) => Promise<{ data: Json; errors?: Array<{ message: string }> }>;

beforeAll(() => {
  loadAdminSchema();
  store = new SandboxStore();
  store.seedShop({ domain: SHOP, orderCount: 40, seed: 3 });
  store.seedShop({ domain: OTHER_SHOP, orderCount: 5, seed: 4 });
  const api = createAdminApi({ store });
  run = async (query, variables = {}, shop = SHOP) => (await api.execute(shop, { query, variables })).body as { data: Json; errors?: Array<{ message: string }> };
});

/** A delivered order with a shipped unit that is in no return and not refunded. */
function deliverable(): { order: OrderRecord; itemId: string } {
  const order = store.orders(SHOP).find((o) => o.fulfillments.some((f) => f.status === "SUCCESS") && o.returns.length === 0 && o.refunds.length === 0 && o.cancelledAt === null) as OrderRecord;
  return { order, itemId: order.fulfillments.find((f) => f.status === "SUCCESS")!.fulfillmentLineItems[0]!.id };
}

describe("returnReasonDefinitions", () => {
  it("serves the library in pages, each definition with its id, handle, name and deleted flag", async () => {
    const all = await run(DEFINITIONS, { first: 250 });
    expect(all.errors).toBeUndefined();
    const nodes = all.data.returnReasonDefinitions.nodes as Array<{ id: string; handle: string; name: string; deleted: boolean }>;
    expect(nodes.length).toBeGreaterThan(20);
    expect(nodes).toContainEqual({ id: "gid://shopify/ReturnReasonDefinition/6", handle: "damaged-or-defective", name: "Damaged or defective", deleted: false });
    expect(all.data.returnReasonDefinitions.pageInfo.hasNextPage).toBe(false);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Json = (await run(DEFINITIONS, { first: 7, after })).data.returnReasonDefinitions;
      seen.push(...page.nodes.map((node: { id: string }) => node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(nodes.map((node) => node.id));
  });

  it("filters by ids, handles and search (name, deleted), sorts by name", async () => {
    const byHandle = await run(DEFINITIONS, { first: 10, handles: ["too-small", "too-big", "no-such-handle"] });
    expect(byHandle.data.returnReasonDefinitions.nodes.map((node: { handle: string }) => node.handle)).toEqual(["too-small", "too-big"]);
    const byId = await run(DEFINITIONS, { first: 10, ids: ["gid://shopify/ReturnReasonDefinition/2"] });
    expect(byId.data.returnReasonDefinitions.nodes).toEqual([{ id: "gid://shopify/ReturnReasonDefinition/2", handle: "changed-my-mind", name: "Changed my mind", deleted: false }]);
    const searched = await run(DEFINITIONS, { first: 10, query: "name:Comfort" });
    expect(searched.data.returnReasonDefinitions.nodes.map((node: { handle: string }) => node.handle)).toEqual(["comfort"]);
    const sorted = await run(DEFINITIONS, { first: 3, sortKey: "NAME" });
    expect(sorted.data.returnReasonDefinitions.nodes.map((node: { name: string }) => node.name)).toEqual(["Arrived late", "Battery life", "Breathability"]);

    // A retired reason stays in the library, marked deleted (Shopify keeps it valid for returns).
    const definition = store.requireShop(SHOP).returnReasonDefinitions.find((candidate) => candidate.handle === "burn-rate")!;
    definition.deleted = true;
    try {
      const live = await run(DEFINITIONS, { first: 250, query: "deleted:false" });
      expect(live.data.returnReasonDefinitions.nodes.map((node: { handle: string }) => node.handle)).not.toContain("burn-rate");
      expect((await run(DEFINITIONS, { first: 250, query: "deleted:true" })).data.returnReasonDefinitions.nodes).toEqual([{ id: definition.id, handle: "burn-rate", name: "Burn rate", deleted: true }]);
      // Each shop has its own copy.
      expect((await run(DEFINITIONS, { first: 250, query: "deleted:true" }, OTHER_SHOP)).data.returnReasonDefinitions.nodes).toEqual([]);
    } finally {
      definition.deleted = false;
    }
  });

  it("asks for first or last, at most 250, like every connection", async () => {
    expect((await run(DEFINITIONS, {})).errors?.[0]?.message).toMatch(/first.*last/);
    expect((await run(DEFINITIONS, { first: 251 })).errors?.[0]?.message).toMatch(/250/);
  });

  it("resolves a definition by node(id:)", async () => {
    const answer = await run(`{ node(id: "gid://shopify/ReturnReasonDefinition/7") { ... on ReturnReasonDefinition { handle name } } }`);
    expect(answer.data.node).toEqual({ handle: "too-small", name: "Too small" });
  });
});

describe("returnCreate with returnReasonDefinitionId", () => {
  it("records the definition on the line (and the enum it stands for), and refuses an id that names none", async () => {
    const { order, itemId } = deliverable();
    const unknown = await run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: itemId, quantity: 1, returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/999999" }] } });
    expect(unknown.data.returnCreate).toEqual({
      return: null,
      userErrors: [{ field: ["returnInput", "returnLineItems", "0", "returnReasonDefinitionId"], message: "Return reason definition does not exist", code: "NOT_FOUND" }],
    });
    const foreignType = await run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: itemId, quantity: 1, returnReasonDefinitionId: order.id }] } });
    expect(foreignType.data.returnCreate.userErrors[0]).toMatchObject({ field: ["returnInput", "returnLineItems", "0", "returnReasonDefinitionId"], code: "NOT_FOUND" });
    expect(order.returns).toHaveLength(0);

    const created = await run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: itemId, quantity: 1, returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/7", returnReasonNote: "Runs small" }] } });
    expect(created.data.returnCreate.userErrors).toEqual([]);
    expect(created.data.returnCreate.return.returnLineItems.nodes).toEqual([
      { quantity: 1, returnReason: "SIZE_TOO_SMALL", returnReasonNote: "Runs small", returnReasonDefinition: { id: "gid://shopify/ReturnReasonDefinition/7", handle: "too-small", name: "Too small" } },
    ]);
  });

  it("still takes the deprecated enum alone and gives the line the matching definition", async () => {
    const { order, itemId } = deliverable();
    const created = await run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: itemId, quantity: 1, returnReason: "DEFECTIVE" }] } });
    expect(created.data.returnCreate.userErrors).toEqual([]);
    expect(created.data.returnCreate.return.returnLineItems.nodes[0]).toMatchObject({ returnReason: "DEFECTIVE", returnReasonDefinition: { handle: "damaged-or-defective" } });
  });

  it("gives generated returns a definition from the library", () => {
    const line = store.orders(SHOP).flatMap((o) => o.returns).flatMap((ret) => ret.returnLineItems)[0]!;
    expect(store.deref(SHOP, line.returnReasonDefinition)).toMatchObject({ __typename: "ReturnReasonDefinition" });
  });
});
