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
