/**
 * The Orders list and order page loaders on real ingested data (sandbox Admin API -> ingestOrder
 * -> our tables): search, filters, keyset pagination, invalid filters, masking of customer
 * data for roles without customers.pii, tenancy, and a stable timeline. Pages never call
 * Shopify: every Admin API request during a page load would show up in the fetch spy.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { maskEmail, maskName } from "../lib/mask";
import { scopedDb } from "../lib/tenancy.server";
import { loader as homeLoader } from "../routes/app._index";
import { loader as orderLoader } from "../routes/app.orders.$id";
import { loader as ordersLoader } from "../routes/app.orders._index";
import { offlineClient } from "../shopify/offline-client.server";
import type { SnapshotContent } from "./build-snapshot";
import type { OrderDetail } from "./get-order-detail.server";
import { ingestOrder } from "./ingest-order.server";
import type { ListOrdersResult } from "./list-orders.server";

const sandbox = await startTestSandbox();

const OWNER = 9001;
const SUPPORT = 9004;
const VIEWER = 9005;

type ListBody = ListOrdersResult & { canSeePii: boolean; error: ErrorBody["error"] | null };
type DetailBody = OrderDetail & { canRefresh: boolean } & Partial<ErrorBody>;

const shopIds = new Map<string, string>();

async function ingestAll(shop: string) {
  const shopRow = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
  shopIds.set(shop, shopRow.id);
  const db = scopedDb(shopRow.id);
  const client = await offlineClient(shop);
  for (const order of sandbox.store.orders(shop)) await ingestOrder({ db, client, shopifyId: order.id as string });
}

beforeAll(async () => {
  // Installing the app (token exchange) stores the offline session ingestion uses.
  for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
  await ingestAll(SHOP_A);
  await ingestAll(SHOP_B);
  // Sam's first request makes him a staff member (Viewer); then he becomes Support.
  for (const userId of [SUPPORT, VIEWER]) expect((await list("", { userId })).status).toBe(200);
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(SUPPORT) }, data: { roleKey: "support" } });
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
});

function list(query: string, { shop = SHOP_A, userId = OWNER }: { shop?: string; userId?: number } = {}) {
  return call<ListBody>(() => ordersLoader({ request: adminFetchRequest(`/app/orders${query}`, { shop, userId }), params: {}, context: {} }));
}

function detail(id: string, { shop = SHOP_A, userId = OWNER }: { shop?: string; userId?: number } = {}) {
  return call<DetailBody>(() => orderLoader({ request: adminFetchRequest(`/app/orders/${encodeURIComponent(id)}`, { shop, userId }), params: { id }, context: {} }));
}

const dbOrders = (shop = SHOP_A) =>
  prisma.order.findMany({ where: { shopId: shopIds.get(shop)! }, orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }] });

/** Counts the sandbox Admin API's GraphQL executions (the app's offline and online calls alike). */
function spyOnAdminApi() {
  return vi.spyOn(sandbox.adminApi, "execute").mock.calls;
}

describe("Orders list", () => {
  it("lists every order of the shop newest first, with exact money, without calling Shopify", async () => {
    const calls = spyOnAdminApi();
    const result = await list("");
    expect(result.status).toBe(200);
    const orders = await dbOrders();
    expect(orders).toHaveLength(30);
    expect(result.body.rows.map((row) => row.id)).toEqual(orders.map((order) => order.id));
    for (const [index, row] of result.body.rows.entries()) {
      expect(row.totalAmount).toBe(orders[index].totalAmount);
      expect(row.currentTotalAmount).toBe(orders[index].currentTotalAmount);
      expect(row.totalAmount).toMatch(/^\d+\.\d+$/);
    }
    expect(result.body.nextCursor).toBeNull();
    expect(result.body.canSeePii).toBe(true);
    expect(calls).toEqual([]);
    // The spy does see Admin API requests: the home page makes some.
    await call(() => homeLoader({ request: adminFetchRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
    expect(calls.length).toBeGreaterThan(0);
  });

  it("paginates with a keyset cursor: every order exactly once, in order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const result: Awaited<ReturnType<typeof list>> = await list(`?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      expect(result.status).toBe(200);
      expect(result.body.rows.length).toBeLessThanOrEqual(7);
      seen.push(...result.body.rows.map((row) => row.id));
      cursor = result.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(5);
    expect(seen).toEqual((await dbOrders()).map((order) => order.id));
    expect(new Set(seen).size).toBe(30);
  });

  it("paginates within a filter", async () => {
    const expected = (await dbOrders()).filter((order) => order.fulfillmentStatus === "UNFULFILLED").map((order) => order.id);
    expect(expected.length).toBeGreaterThan(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const result: Awaited<ReturnType<typeof list>> = await list(`?fulfillmentStatus=UNFULFILLED&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...result.body.rows.map((row) => row.id));
      cursor = result.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it("filters by payment and fulfillment status", async () => {
    const orders = await dbOrders();
    const statuses = [...new Set(orders.map((order) => order.financialStatus))].filter((status): status is string => !!status);
    expect(statuses.length).toBeGreaterThan(2);
    for (const status of statuses) {
      const result = await list(`?financialStatus=${status}`);
      expect(result.body.rows.map((row) => row.id)).toEqual(orders.filter((order) => order.financialStatus === status).map((order) => order.id));
    }
    const both = await list("?financialStatus=PAID&fulfillmentStatus=FULFILLED");
    expect(both.body.rows.map((row) => row.id)).toEqual(orders.filter((order) => order.financialStatus === "PAID" && order.fulfillmentStatus === "FULFILLED").map((order) => order.id));
    expect((await list("?financialStatus=PAID&fulfillmentStatus=REQUEST_DECLINED")).body.rows).toEqual([]);
  });

  it("searches by order name or number, within the shop only", async () => {
    const [order] = (await dbOrders()).filter((row) => row.name === "#1007");
    expect(order).toBeDefined();
    for (const q of ["#1007", "1007", " 1007 "]) {
      const result = await list(`?q=${encodeURIComponent(q)}`);
      expect(result.body.rows.map((row) => row.id)).toEqual([order.id]);
      expect(result.body.emailSearch).toBeNull();
    }
    const inShopB = await list("?q=%231007", { shop: SHOP_B });
    expect(inShopB.body.rows).toHaveLength(1);
    expect(inShopB.body.rows[0].id).not.toBe(order.id);
    expect((await list("?q=%239999")).body.rows).toEqual([]);
    expect((await list("?q=nothing-like-this")).body.rows).toEqual([]);
  });

  it("searches by customer email (exact, any case) with customers.pii", async () => {
    const orders = await dbOrders();
    const email = orders.find((order) => order.email)!.email!;
    const result = await list(`?q=${encodeURIComponent(`  ${email.toUpperCase()} `)}`);
    expect(result.body.emailSearch).toBe("applied");
    expect(result.body.rows.map((row) => row.id)).toEqual(orders.filter((order) => order.email === email).map((order) => order.id));
    expect(result.body.rows[0].customerEmail).toBe(email);
    // Exact, not a prefix.
    expect((await list(`?q=${encodeURIComponent(email.slice(0, -1))}`)).body.rows).toEqual([]);
  });

  it("without customers.pii the email search is not applied, and the page is told", async () => {
    const email = (await dbOrders()).find((order) => order.email)!.email!;
    const result = await list(`?q=${encodeURIComponent(email)}`, { userId: SUPPORT });
    expect(result.status).toBe(200);
    expect(result.body.emailSearch).toBe("ignored");
    expect(result.body.canSeePii).toBe(false);
    expect(result.body.rows).toHaveLength(30);
    // Searching by order number still works for them.
    expect((await list("?q=1001", { userId: SUPPORT })).body.rows).toHaveLength(1);
  });

  it("answers invalid filters with 400 and the field errors, rendering no rows", async () => {
    const result = await list("?financialStatus=SHIPPED&fulfillmentStatus=nope&limit=0");
    expect(result.status).toBe(400);
    expect(result.body.rows).toEqual([]);
    expect(result.body.error).toMatchObject({ code: "VALIDATION", correlationId: expect.any(String) });
    expect(Object.keys(result.body.error!.fields!).sort()).toEqual(["financialStatus", "fulfillmentStatus", "limit"]);
    expect(result.body.error!.fields!.financialStatus).toEqual(["Choose a payment status from the list"]);
    expect(result.headers.get("X-Request-Id")).toBe(result.body.error!.correlationId);

    for (const cursor of ["not*base64", "bm90LWEtY3Vyc29y"]) {
      const bad = await list(`?cursor=${cursor}`);
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error!.fields!)).toEqual(["cursor"]);
    }
    expect((await list(`?q=${"x".repeat(255)}`)).body.error!.fields!.q).toBeDefined();
  });

  it("masks customers for a role without customers.pii: the raw values appear nowhere in the data", async () => {
    const orders = await dbOrders();
    const masked = await list("", { userId: SUPPORT });
    expect(masked.status).toBe(200);
    const json = JSON.stringify(masked.body);
    for (const order of orders) {
      if (order.email) expect(json).not.toContain(order.email);
      if (order.customerName) expect(json).not.toContain(order.customerName);
    }
    for (const row of masked.body.rows) {
      const order = orders.find((candidate) => candidate.id === row.id)!;
      expect(row.customerName).toBe(maskName(order.customerName));
      expect(row.customerEmail).toBe(maskEmail(order.email));
    }

    const owner = await list("");
    const ownerJson = JSON.stringify(owner.body);
    for (const order of orders) if (order.email) expect(ownerJson).toContain(order.email);
    expect(owner.body.rows.find((row) => row.customerName)?.customerName).toMatch(/^\S+ \S+/);
  });
});

describe("Order page", () => {
  async function personalData(orderId: string) {
    const snapshot = await prisma.orderSnapshot.findFirstOrThrow({ where: { orderId }, orderBy: { version: "desc" } });
    const content = snapshot.content as unknown as SnapshotContent;
    const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    return {
      strings: [order.email, order.customerName, content.customer.name, content.customer.email, content.customer.phone, content.shippingAddress?.name, content.shippingAddress?.address1, content.shippingAddress?.phone].filter(
        (value): value is string => !!value,
      ),
      zip: content.shippingAddress?.zip ?? null,
      content,
    };
  }

  it("shows the latest snapshot and the timeline, from our tables only", async () => {
    const [order] = await dbOrders();
    const calls = spyOnAdminApi();
    const result = await detail(order.id);
    expect(result.status).toBe(200);
    const { content } = await personalData(order.id);
    expect(result.body.context).toEqual(content);
    expect(result.body.order).toMatchObject({ id: order.id, name: order.name, shopifyId: order.shopifyId, snapshotVersion: 1 });
    expect(result.body.piiMasked).toBe(false);
    expect(result.body.canRefresh).toBe(true);
    expect(result.body.timeline.length).toBeGreaterThan(1);
    expect(calls).toEqual([]);
  });

  it("masks the customer everywhere for a role without customers.pii, incl. timeline titles and notes", async () => {
    let checkedZip = 0;
    let titlesWithCustomer = 0;
    let titlesAboutCustomer = 0;
    for (const order of await dbOrders()) {
      const { strings, zip } = await personalData(order.id);
      const owner = await detail(order.id);
      const ownerJson = JSON.stringify(owner.body);
      // The owner sees them (so the assertion below is not vacuous)...
      for (const value of strings) expect(ownerJson).toContain(value);
      if (strings.some((value) => owner.body.timeline.some((event) => event.title.includes(value)))) titlesWithCustomer++;
      titlesAboutCustomer += owner.body.timeline.filter((event) => /^Customer |the customer\b/.test(event.title)).length;

      const result = await detail(order.id, { userId: SUPPORT });
      expect(result.status).toBe(200);
      expect(result.body.piiMasked).toBe(true);
      expect(result.body.canRefresh).toBe(false);
      const json = JSON.stringify(result.body);
      // ...a Support agent sees none of them, anywhere in the page's data.
      for (const value of strings) expect(json, `${order.name} leaks "${value}"`).not.toContain(value);
      if (zip) {
        expect(json).not.toMatch(new RegExp(`(?<!\\d)${zip}(?!\\d)`));
        checkedZip++;
      }
      expect(result.body.context?.shippingAddress?.address1 ?? null).toBeNull();
      if (owner.body.context?.shippingAddress?.city) expect(result.body.context?.shippingAddress?.city).toBe(owner.body.context.shippingAddress.city);
      // Same events, same order, only the titles masked.
      expect(result.body.timeline.map((event) => [event.id, event.type, event.occurredAt])).toEqual(owner.body.timeline.map((event) => [event.id, event.type, event.occurredAt]));
    }
    expect(checkedZip).toBeGreaterThan(0);
    // Shopify's event messages name the customer ("Jane Doe placed this order"); the timeline
    // says "Customer" instead, for everyone: titles are history and carry no personal data.
    expect(titlesWithCustomer).toBe(0);
    expect(titlesAboutCustomer).toBeGreaterThan(0);
  });

  it("keeps the timeline order stable across loads (occurredAt, then dedupe key)", async () => {
    for (const order of (await dbOrders()).slice(0, 5)) {
      const first = await detail(order.id);
      const second = await detail(order.id);
      expect(second.body.timeline).toEqual(first.body.timeline);
      const times = first.body.timeline.map((event) => event.occurredAt);
      expect([...times].sort()).toEqual(times);
      const stored = await prisma.orderTimelineEvent.findMany({ where: { orderId: order.id }, orderBy: [{ occurredAt: "asc" }, { dedupeKey: "asc" }], select: { id: true } });
      expect(first.body.timeline.map((event) => event.id)).toEqual(stored.map((event) => event.id));
    }
  });

  it("answers 404 for another shop's order and for unknown ids; 400 for malformed ids", async () => {
    const [order] = await dbOrders(SHOP_A);
    const foreign = await detail(order.id, { shop: SHOP_B });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: "NOT_FOUND" });
    expect(JSON.stringify(foreign.body)).not.toContain(order.name);

    expect((await detail("c000000000000000000000000")).status).toBe(404);
    for (const id of ["not-an-id!", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "short", "gid://shopify/Order/1"]) {
      const result = await detail(id);
      expect(result.status, id).toBe(400);
      expect(result.body.error).toMatchObject({ code: "VALIDATION", message: "Malformed order id" });
    }
  });

  it("is open to every role with orders.view (a Viewer included), refresh hidden", async () => {
    const [order] = await dbOrders();
    const result = await detail(order.id, { userId: VIEWER });
    expect(result.status).toBe(200);
    expect(result.body.canRefresh).toBe(false);
    expect(result.body.piiMasked).toBe(true);
  });
});
