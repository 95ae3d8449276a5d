import { describe, expect, it } from "vitest";
import { generateDemoStore } from "./generator";
import { SandboxStore, UnknownShopError } from "./store";

const A = "shop-a.myshopify.com";
const B = "shop-b.myshopify.com";

function twoShops(now?: () => number) {
  const store = new SandboxStore({ now });
  store.seedShop({ domain: A, orderCount: 20, seed: 1, name: "Shop A" });
  store.seedShop({ domain: B, orderCount: 10, seed: 2, name: "Shop B" });
  return store;
}

describe("SandboxStore", () => {
  it("holds several shops, each with its own data", () => {
    const store = twoShops();
    expect(store.listShops().map((shop) => shop.myshopifyDomain)).toEqual([A, B]);
    expect(store.getShop(A)?.shop.name).toBe("Shop A");
    expect(store.orders(A)).toHaveLength(20);
    expect(store.orders(B)).toHaveLength(10);
    expect(store.customers(A).length).toBeGreaterThan(0);
    expect(store.locations(B).length).toBe(3);
    expect(store.getShop("nope.myshopify.com")).toBeUndefined();
    expect(() => store.orders("nope.myshopify.com")).toThrow(UnknownShopError);
  });

  it("treats domains case-insensitively", () => {
    const store = twoShops();
    expect(store.getShop("SHOP-A.myshopify.com")?.shop.myshopifyDomain).toBe(A);
  });

  it("indexes every record by GID, per shop only", () => {
    const store = twoShops();
    const order = store.orders(A)[0];
    const line = order?.lineItems[0];
    expect(order && store.getOrder(A, order.id)).toBe(order);
    expect(order && store.getOrder(A, Number(order.legacyResourceId))).toBe(order);
    expect(line && store.getNode(A, line.id)).toBe(line);
    expect(order && store.getNode(B, order.id)).toBeUndefined();
    expect(line && store.getNode(B, line.id)).toBeUndefined();
    const fulfillmentOrder = order?.fulfillmentOrders[0];
    expect(fulfillmentOrder && store.deref(A, fulfillmentOrder.lineItems[0]?.lineItem)).toBe(line);
  });

  it("keeps shops isolated when one is changed or removed", () => {
    const store = twoShops();
    const before = JSON.stringify(store.getShop(B));
    store.touchOrder(A, store.orders(A)[0]?.id ?? "", { action: "tags_added", message: "x" });
    store.removeShop(A);
    expect(store.hasShop(A)).toBe(false);
    expect(JSON.stringify(store.getShop(B))).toBe(before);
  });

  it("touchOrder bumps updatedAt monotonically and records an event", () => {
    // A frozen clock set before the generated history: writes must still move forward.
    const store = twoShops(() => Date.parse("2020-01-01T00:00:00Z"));
    const order = store.orders(A)[3];
    if (!order) throw new Error("missing order");
    const newest = store.orders(A).reduce((max, o) => (o.updatedAt > max ? o.updatedAt : max), "");
    const eventsBefore = order.events.length;

    const first = store.touchOrder(A, order.id, { action: "tags_added", message: "Tags added: vip", attributeToApp: true, appTitle: "Ops Action Center" });
    const firstStamp = first.updatedAt;
    const second = store.touchOrder(A, order.id);
    expect(firstStamp > newest).toBe(true);
    expect(second.updatedAt > firstStamp).toBe(true);
    expect(order.events).toHaveLength(eventsBefore + 1);
    const event = order.events[order.events.length - 1];
    expect(event).toMatchObject({ __typename: "BasicEvent", action: "tags_added", appTitle: "Ops Action Center", createdAt: firstStamp, subjectId: order.id });
    expect(event && store.getNode(A, event.id)).toBe(event);
    expect(new Set(order.events.map((e) => e.id)).size).toBe(order.events.length);
  });

  it("follows the injected clock when it is ahead of the data", () => {
    let now = Date.parse("2030-05-01T10:00:00Z");
    const store = twoShops(() => now);
    expect(store.tick()).toBe("2030-05-01T10:00:00Z");
    expect(store.tick()).toBe("2030-05-01T10:00:01Z");
    now += 60_000;
    expect(store.tick()).toBe("2030-05-01T10:01:00Z");
  });

  it("hands out fresh ids and upserts orders", () => {
    const store = twoShops();
    const existing = store.orders(A).map((o) => Number(o.legacyResourceId));
    const next = store.nextLegacyId(A, "Order");
    expect(next).toBeGreaterThan(Math.max(...existing));
    const copy = structuredClone(generateDemoStore({ seed: 1, orderCount: 1, domain: A }).orders[0]);
    if (!copy) throw new Error("missing order");
    copy.note = "replaced";
    store.upsertOrder(A, copy);
    expect(store.orders(A)).toHaveLength(20);
    expect(store.getOrder(A, copy.id)?.note).toBe("replaced");
  });
});

describe("lazy shops", () => {
  it("seed 100,000 orders instantly and generate them on demand, deterministically", () => {
    const started = performance.now();
    const store = new SandboxStore();
    store.seedShop({ domain: A, orderCount: 100_000, seed: 1, lazy: true });
    store.seedShop({ domain: B, orderCount: 10, seed: 2 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(store.isLazy(A)).toBe(true);
    expect(store.isLazy(B)).toBe(false);
    expect(store.orders(A)).toHaveLength(0);
    expect(store.orderCount(A)).toBe(100_000);
    expect(store.nextOrderIndex(A)).toBe(100_000);

    const virtual = store.virtualOrders(A);
    if (!virtual) throw new Error("not lazy");
    const eager = generateDemoStore({ seed: 1, orderCount: 3, domain: A });
    expect(virtual.order(2)).toEqual(eager.orders[2]);
    expect(virtual.processedAt(2)).toBe(eager.orders[2]?.processedAt);
    const last = virtual.order(99_999);
    expect(last.name).toBe("#101000");
    expect(virtual.indexOf(last.id)).toBe(99_999);

    // Lookups by GID reach generated orders and their records; other shops' ids do not.
    const line = last.lineItems[0];
    expect(store.getNode(A, last.id)).toMatchObject({ id: last.id, name: "#101000" });
    expect(line && store.getNode(A, line.id)).toMatchObject({ id: line?.id, title: line?.title });
    expect(store.getNode(B, last.id)).toBeUndefined();
    expect(store.getNode(A, `gid://shopify/Order/${Number(last.legacyResourceId) + 1}`)).toBeUndefined();
  });

  it("materialize an order when it is written to", () => {
    const store = new SandboxStore({ now: () => Date.parse("2020-01-01T00:00:00Z") });
    store.seedShop({ domain: A, orderCount: 1_000, seed: 1, lazy: true });
    const virtual = store.virtualOrders(A);
    const id = virtual?.order(500).id ?? "";
    const order = store.touchOrder(A, id, { action: "tags_added", message: "x" });
    expect(order.updatedAt > "2026-11-01T00:00:00Z").toBe(true);
    expect(store.orders(A)).toEqual([order]);
    expect(virtual?.isMaterialized(500)).toBe(true);
    expect(virtual?.order(500)).toBe(order);
    expect(store.getOrder(A, id)).toBe(order);
    expect(store.orderCount(A)).toBe(1_000);
  });
});
