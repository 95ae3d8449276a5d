import { readFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { changeOrder } from "../changes";
import { SandboxStore } from "../store/store";
import { createAdminApi, type AdminApi } from "./admin-api";
import { analyzeBulkQuery, type BulkOptions } from "./bulk";
import { loadAdminSchema } from "./schema";

const SHOP = "bulk-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";

// Response data is dynamic JSON; tests read it through this loose accessor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const RUN = `mutation Run($query: String!, $group: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $group) {
    bulkOperation { id status type query objectCount rootObjectCount fileSize url createdAt completedAt }
    userErrors { field message code }
  }
}`;

const STATUS = `query Status($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt type query }
}`;

const ORDERS_WITH_LINES = `{
  orders {
    edges {
      node {
        id
        name
        updatedAt
        displayFinancialStatus
        totalPriceSet { shopMoney { amount currencyCode } }
        customer { id displayName }
        lineItems {
          edges { node { id title quantity sku originalUnitPriceSet { shopMoney { amount } } } }
        }
      }
    }
  }
}`;

const apis: AdminApi[] = [];

function setup(options: { orderCount?: number; lazy?: boolean; bulk?: BulkOptions } = {}) {
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, name: "Bulk", orderCount: options.orderCount ?? 120, seed: 4, lazy: options.lazy });
  store.seedShop({ domain: OTHER, name: "Other", orderCount: 5, seed: 5 });
  const api = createAdminApi({ store, bulk: options.bulk });
  apis.push(api);
  const gql = async (query: string, variables: Record<string, unknown> = {}, shop = SHOP) => {
    const result = await api.execute(shop, { query, variables });
    return result.body as { data?: Json; errors?: Json[]; extensions?: Json };
  };
  const runBulk = async (query: string, groupObjects = false, shop = SHOP) =>
    (await gql(RUN, { query, group: groupObjects }, shop)).data.bulkOperationRunQuery as { bulkOperation: Json; userErrors: Json[] };
  const status = async (id: string, shop = SHOP) => (await gql(STATUS, { id }, shop)).data.bulkOperation as Json;
  const lines = (id: string) => {
    const path = api.bulk.resultPath(id);
    if (!path) throw new Error("no result file");
    const text = readFileSync(path, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    return text.slice(0, -1).split("\n").map((line) => JSON.parse(line) as Json);
  };
  return { store, api, gql, runBulk, status, lines };
}

beforeAll(() => {
  loadAdminSchema();
});

afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.bulk.dispose()));
});

describe("bulkOperationRunQuery", () => {
  it("exports every order with its line items as JSONL, children after their parent with __parentId", async () => {
    const { store, api, runBulk, status, lines } = setup();
    const { bulkOperation, userErrors } = await runBulk(ORDERS_WITH_LINES);
    expect(userErrors).toEqual([]);
    expect(bulkOperation).toMatchObject({ status: "CREATED", type: "QUERY", objectCount: "0", rootObjectCount: "0", fileSize: null, url: null, completedAt: null });
    expect(bulkOperation.id).toMatch(/^gid:\/\/shopify\/BulkOperation\/\d+$/);
    expect(bulkOperation.query).toBe(ORDERS_WITH_LINES);

    await api.bulk.waitFor(bulkOperation.id);
    const done = await status(bulkOperation.id);
    const output = lines(bulkOperation.id);
    const orders = store.orders(SHOP);
    const roots = output.filter((line) => line.__parentId === undefined);
    const children = output.filter((line) => line.__parentId !== undefined);
    expect(roots).toHaveLength(orders.length);
    expect(children).toHaveLength(orders.reduce((acc, order) => acc + order.lineItems.length, 0));
    expect(done).toMatchObject({
      status: "COMPLETED",
      errorCode: null,
      objectCount: String(output.length),
      rootObjectCount: String(orders.length),
      fileSize: String(readFileSync(api.bulk.resultPath(bulkOperation.id) as string).byteLength),
      partialDataUrl: null,
    });
    expect(done.url).toMatch(/\/bulk\/[A-Za-z0-9_-]{32}\.jsonl$/);
    expect(done.completedAt >= done.createdAt).toBe(true);

    // Every child follows its own parent (before the next root) and is one of its line items.
    let parent: Json = null;
    for (const line of output) {
      if (line.__parentId === undefined) {
        parent = line;
        expect(line).not.toHaveProperty("lineItems");
        const record = store.getOrder(SHOP, line.id);
        expect(line).toEqual({
          id: record?.id,
          name: record?.name,
          updatedAt: record?.updatedAt,
          displayFinancialStatus: record?.displayFinancialStatus,
          totalPriceSet: { shopMoney: { amount: record?.totalPriceSet.shopMoney.amount, currencyCode: "EUR" } },
          customer: record?.customer ? { id: record.customer.__ref, displayName: expect.any(String) } : null,
        });
      } else {
        expect(line.__parentId).toBe(parent.id);
        expect(Object.keys(line).at(-1)).toBe("__parentId");
        const order = store.getOrder(SHOP, line.__parentId);
        expect(order?.lineItems.map((item) => item.id)).toContain(line.id);
      }
    }
    // Default order: PROCESSED_AT ascending, like the orders connection.
    const processed = roots.map((root) => store.getOrder(SHOP, root.id)?.processedAt as string);
    expect(processed).toEqual([...processed].sort());
  });

  it("honours the connection's search query, sort key and reverse, and ignores page sizes", async () => {
    const { store, api, runBulk, lines } = setup();
    const query = `{ orders(first: 3, query: "financial_status:paid", sortKey: ORDER_NUMBER, reverse: true) { edges { cursor node { id name } } pageInfo { hasNextPage } } }`;
    const { bulkOperation } = await runBulk(query);
    await api.bulk.waitFor(bulkOperation.id);
    const expected = store.orders(SHOP).filter((order) => order.displayFinancialStatus === "PAID").sort((a, b) => b.number - a.number);
    expect(expected.length).toBeGreaterThan(3);
    expect(lines(bulkOperation.id)).toEqual(expected.map((order) => ({ id: order.id, name: order.name })));
  });

  it("walks status CREATED -> RUNNING -> COMPLETED and counts objects", async () => {
    const { api, runBulk, status } = setup({ bulk: { delayMs: 300 } });
    const { bulkOperation } = await runBulk(`{ orders { edges { node { id } } } }`);
    expect(bulkOperation.status).toBe("CREATED");
    await new Promise((resolve) => setTimeout(resolve, 60));
    const running = await status(bulkOperation.id);
    expect(running.status).toBe("RUNNING");
    expect(running.url).toBeNull();
    const finished = await api.bulk.waitFor(bulkOperation.id);
    expect(finished).toMatchObject({ status: "COMPLETED", objectCount: "120", rootObjectCount: "120" });
    expect((await status(bulkOperation.id)).status).toBe("COMPLETED");
  });

  it("lists operations: bulkOperation per shop, currentBulkOperation, bulkOperations with filters", async () => {
    const { api, gql, runBulk, status } = setup();
    const first = (await runBulk(`{ orders { edges { node { id } } } }`)).bulkOperation;
    await api.bulk.waitFor(first.id);
    const second = (await runBulk(`{ customers { edges { node { id email } } } }`)).bulkOperation;
    await api.bulk.waitFor(second.id);
    const { data } = await gql(`{
      currentBulkOperation { id status }
      bulkOperations(first: 10) { nodes { id status type } }
      completed: bulkOperations(first: 10, query: "status:completed operation_type:query") { nodes { id } }
      running: bulkOperations(first: 10, query: "status:running") { nodes { id } }
    }`);
    expect(data.currentBulkOperation).toEqual({ id: second.id, status: "COMPLETED" });
    expect(data.bulkOperations.nodes.map((n: Json) => n.id)).toEqual([second.id, first.id]);
    expect(data.completed.nodes).toHaveLength(2);
    expect(data.running.nodes).toEqual([]);
    // Another shop's operation is not visible.
    expect(await status(first.id, OTHER)).toBeNull();
    expect((await gql(`{ bulkOperation(id: "nope") { id } }`)).errors?.[0]?.message).toBe("Invalid global id 'nope'");
  });

  it("costs 10 points like any mutation", async () => {
    const { gql } = setup();
    const body = await gql(RUN, { query: `{ orders { edges { node { id } } } }`, group: false });
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("refuses a sixth operation while five are in progress", async () => {
    const { api, runBulk, status } = setup({ bulk: { manual: true } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { bulkOperation, userErrors } = await runBulk(`{ orders { edges { node { id } } } }`);
      expect(userErrors).toEqual([]);
      ids.push(bulkOperation.id);
    }
    const sixth = await runBulk(`{ orders { edges { node { id } } } }`);
    expect(sixth.bulkOperation).toBeNull();
    expect(sixth.userErrors).toEqual([
      { field: null, code: "OPERATION_IN_PROGRESS", message: `A bulk query operation for this app and shop is already in progress: ${ids.join(", ")}.` },
    ]);
    // Limits are per shop.
    expect((await runBulk(`{ orders { edges { node { id } } } }`, false, OTHER)).userErrors).toEqual([]);
    await api.bulk.runPending();
    for (const id of ids) expect((await status(id)).status).toBe("COMPLETED");
    expect((await runBulk(`{ orders { edges { node { id } } } }`)).userErrors).toEqual([]);
  });

  it("cancels: CANCELING then CANCELED; refuses unknown and finished operations", async () => {
    const { api, gql, runBulk, status } = setup({ bulk: { manual: true } });
    const cancel = `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }`;
    const { bulkOperation } = await runBulk(`{ orders { edges { node { id } } } }`);
    const canceling = (await gql(cancel, { id: bulkOperation.id })).data.bulkOperationCancel;
    expect(canceling).toEqual({ bulkOperation: { id: bulkOperation.id, status: "CANCELING" }, userErrors: [] });
    expect(await api.bulk.waitFor(bulkOperation.id)).toMatchObject({ status: "CANCELED", url: null });
    expect((await status(bulkOperation.id)).status).toBe("CANCELED");
    expect((await gql(cancel, { id: bulkOperation.id })).data.bulkOperationCancel).toEqual({
      bulkOperation: { id: bulkOperation.id, status: "CANCELED" },
      userErrors: [{ field: null, message: "A bulk operation cannot be canceled when it is canceled" }],
    });
    expect((await gql(cancel, { id: "gid://shopify/BulkOperation/1" })).data.bulkOperationCancel).toEqual({
      bulkOperation: null,
      userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }],
    });
  });

  it("cancels a running operation between chunks", async () => {
    const { api, gql, runBulk } = setup({ orderCount: 400, bulk: { chunkSize: 10, delayMs: 2_000 } });
    const { bulkOperation } = await runBulk(ORDERS_WITH_LINES);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await gql(`mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }`, { id: bulkOperation.id });
    const started = Date.now();
    expect(await api.bulk.waitFor(bulkOperation.id)).toMatchObject({ status: "CANCELED", url: null });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(api.bulk.resultPath(bulkOperation.id)).toBeNull();
  });

  it("completes an empty export without a file, like Shopify", async () => {
    const { api, runBulk } = setup();
    const { bulkOperation } = await runBulk(`{ orders(query: "name:#99999") { edges { node { id } } } }`);
    expect(await api.bulk.waitFor(bulkOperation.id)).toMatchObject({ status: "COMPLETED", objectCount: "0", rootObjectCount: "0", url: null, fileSize: null });
  });

  it("accepts groupObjects, fragments, and connections nested in plain objects", async () => {
    const { store, api, runBulk, lines } = setup({ orderCount: 30 });
    const query = `
      query Export {
        orders(query: "status:any") {
          edges { node { ...OrderFields } }
        }
      }
      fragment OrderFields on Order {
        id
        name
        events(first: 2) { edges { node { id action } } }
        customer { id displayName orders(first: 1) { edges { node { id } } } }
      }`;
    const { bulkOperation, userErrors } = await runBulk(query, true);
    expect(userErrors).toEqual([]);
    await api.bulk.waitFor(bulkOperation.id);
    const output = lines(bulkOperation.id);
    const orders = store.orders(SHOP);
    const roots = output.filter((line) => line.__parentId === undefined);
    expect(roots).toHaveLength(orders.length);
    // `first: 2` is ignored: bulk operations return everything.
    const eventLines = output.filter((line) => String(line.id).includes("/BasicEvent/"));
    expect(eventLines).toHaveLength(orders.reduce((acc, order) => acc + order.events.length, 0));
    for (const root of roots) {
      const record = store.getOrder(SHOP, root.id);
      expect(root.customer).toEqual(record?.customer ? { id: record.customer.__ref, displayName: expect.any(String) } : null);
      const customerOrders = output.filter((line) => line.__parentId === root.id && String(line.id).includes("/Order/"));
      const expected = record?.customer ? orders.filter((order) => order.customer?.__ref === record.customer?.__ref).length : 0;
      expect(customerOrders).toHaveLength(expected);
    }
  });

  it("runs a top-level fulfillment orders export with their line items", async () => {
    const { store, api, runBulk, lines } = setup({ orderCount: 30 });
    const query = `{ fulfillmentOrders(includeClosed: true) { edges { node { id status orderName lineItems { edges { node { id remainingQuantity lineItem { id } } } } } } } }`;
    const { bulkOperation } = await runBulk(query);
    await api.bulk.waitFor(bulkOperation.id);
    const output = lines(bulkOperation.id);
    const fos = store.orders(SHOP).flatMap((order) => order.fulfillmentOrders);
    expect(output.filter((line) => !line.__parentId)).toHaveLength(fos.length);
    const items = output.filter((line) => line.__parentId);
    expect(items).toHaveLength(fos.reduce((acc, fo) => acc + fo.lineItems.length, 0));
    for (const item of items) expect(store.getNode(SHOP, item.lineItem.id)?.__typename).toBe("LineItem");
  });

  it("accepts `nodes` when configured to (Shopify does not)", async () => {
    const { api, runBulk, lines, store } = setup({ orderCount: 10, bulk: { allowNodes: true } });
    const { bulkOperation, userErrors } = await runBulk(`{ orders { nodes { id lineItems { nodes { id } } } } }`);
    expect(userErrors).toEqual([]);
    await api.bulk.waitFor(bulkOperation.id);
    const output = lines(bulkOperation.id);
    expect(output.filter((line) => !line.__parentId)).toHaveLength(10);
    expect(output.filter((line) => line.__parentId)).toHaveLength(store.orders(SHOP).reduce((acc, order) => acc + order.lineItems.length, 0));
  });
});

describe("bulk query validation", () => {
  const errors = (query: string) => analyzeBulkQuery(loadAdminSchema(), query).errors.map((error) => error.message);

  it("gives Shopify's userErrors through the mutation", async () => {
    const { runBulk } = setup();
    const result = await runBulk(`{ node(id: "gid://shopify/Order/1") { id } }`);
    expect(result).toEqual({
      bulkOperation: null,
      userErrors: [
        { field: ["query"], code: "INVALID", message: "Bulk queries cannot contain a top level `node` field." },
        { field: ["query"], code: "INVALID", message: "Bulk queries must contain at least one connection." },
      ],
    });
  });

  it("refuses top-level node and nodes", () => {
    expect(errors(`{ nodes(ids: ["gid://shopify/Order/1"]) { id } orders { edges { node { id } } } }`)).toEqual([
      "Bulk queries cannot contain a top level `nodes` field.",
    ]);
  });

  it("refuses connections nested more than two levels", () => {
    const query = `{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }`;
    expect(errors(query)).toEqual(["Bulk queries cannot contain connections with a nesting depth greater than 2."]);
  });

  it("refuses more than five connections", () => {
    const query = `{ orders { edges { node { id
      lineItems { edges { node { id } } }
      fulfillmentOrders { edges { node { id } } }
      events { edges { node { id } } }
      returns { edges { node { id } } }
      shippingLines { edges { node { id } } }
    } } } }`;
    expect(errors(query)).toEqual(["Bulk queries cannot contain more than 5 connections."]);
    expect(errors(query.replace("shippingLines { edges { node { id } } }", ""))).toEqual([]);
  });

  it("refuses `nodes`, a parent without id, connections inside lists, no connection, mutations and bad syntax", () => {
    expect(errors(`{ orders { nodes { id } } }`)).toEqual([
      "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: 'orders { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: 'orders'.",
    ]);
    expect(errors(`{ orders { edges { node { name lineItems { edges { node { id } } } } } } }`)).toEqual([
      "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': orders.",
    ]);
    expect(errors(`{ orders { edges { node { orderId: id lineItems { edges { node { id } } } } } } }`)).toHaveLength(1);
    expect(errors(`{ orders { edges { node { id fulfillments { fulfillmentLineItems { edges { node { id } } } } } } } }`)).toEqual([
      "Queries that contain a connection field within a list field are not currently supported.",
    ]);
    expect(errors(`{ shop { name } }`)).toEqual(["Bulk queries must contain at least one connection."]);
    expect(errors(`mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { userErrors { message } } }`)).toEqual([
      "Invalid operation type. Only `query` operations are supported.",
    ]);
    expect(errors("")).toEqual(["Invalid bulk query: syntax error, unexpected end of file"]);
    expect(errors("{ orders { edges { node { id }")[0]).toMatch(/^Invalid bulk query: Syntax Error/);
    expect(errors(`{ orders { edges { node { nope } } } }`)[0]).toMatch(/^Invalid bulk query: Cannot query field "nope" on type "Order"\./);
  });
});

describe("lazy stores", () => {
  it("stream generated orders: the same JSONL as an eagerly seeded store", async () => {
    const eager = setup({ orderCount: 600 });
    const lazy = setup({ orderCount: 600, lazy: true });
    expect(lazy.store.orders(SHOP)).toHaveLength(0);
    expect(lazy.store.orderCount(SHOP)).toBe(600);
    const query = `{ orders(query: "fulfillment_status:unfulfilled OR financial_status:refunded") { edges { node {
      id name processedAt
      lineItems { edges { node { id sku } } }
      fulfillmentOrders { edges { node { id status order { id name } } } }
    } } } }`;
    const a = (await eager.runBulk(query)).bulkOperation;
    const b = (await lazy.runBulk(query)).bulkOperation;
    await eager.api.bulk.waitFor(a.id);
    const done = await lazy.api.bulk.waitFor(b.id);
    const expected = eager.lines(a.id);
    expect(expected.length).toBeGreaterThan(100);
    expect(lazy.lines(b.id)).toEqual(expected);
    expect(done.objectCount).toBe(String(expected.length));
    // Nothing was materialized by the export.
    expect(lazy.store.orders(SHOP)).toHaveLength(0);
  });

  it("include changed and new orders, and serve generated orders by id", async () => {
    const { store, api, gql, runBulk, lines } = setup({ orderCount: 50, lazy: true });
    const virtual = store.virtualOrders(SHOP);
    if (!virtual) throw new Error("not lazy");
    const target = virtual.order(7);
    const read = await gql(`query($id: ID!) { order(id: $id) { id name lineItems(first: 5) { nodes { id } } } }`, { id: target.id });
    expect(read.data.order).toMatchObject({ id: target.id, name: "#1008" });

    const changed = changeOrder(store, SHOP, target.id, { type: "addTag", tag: "bulk-check" });
    expect(store.orders(SHOP)).toHaveLength(1);
    expect(virtual.isMaterialized(7)).toBe(true);
    const { bulkOperation } = await runBulk(`{ orders(sortKey: ORDER_NUMBER) { edges { node { id name tags } } } }`);
    await api.bulk.waitFor(bulkOperation.id);
    const output = lines(bulkOperation.id);
    expect(output).toHaveLength(50);
    expect(output[7]).toEqual({ id: target.id, name: "#1008", tags: changed.order.tags });
    expect(output[7].tags).toContain("bulk-check");
  });
});
