import { beforeEach, describe, expect, it } from "vitest";
import { webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { action as uninstalled } from "./webhooks.app.uninstalled";
import { action as scopesUpdate } from "./webhooks.app.scopes_update";

const SHOP = "hooks.myshopify.com";
const OTHER = "other.myshopify.com";

async function seed() {
  await prisma.session.deleteMany();
  await prisma.shop.deleteMany();
  for (const domain of [SHOP, OTHER]) {
    await prisma.shop.create({ data: { domain, name: domain, scopes: "read_orders" } });
    await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "", accessToken: "shpat_x", scope: "read_orders" } });
  }
}

async function call(fn: typeof uninstalled, request: Request): Promise<Response> {
  try {
    return await fn({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("app lifecycle webhooks", () => {
  beforeEach(seed);

  it("app/uninstalled marks the shop uninstalled and drops its sessions, idempotently", async () => {
    const delivery = { topic: "app/uninstalled", shop: SHOP, payload: { id: 1, domain: SHOP }, webhookId: "wh-1" };
    for (let i = 0; i < 2; i++) {
      const response = await call(uninstalled, webhookRequest("/webhooks/app/uninstalled", delivery));
      expect(response.status).toBe(200);
    }
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.uninstalledAt).toBeInstanceOf(Date);
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    // The other shop is untouched.
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } })).uninstalledAt).toBeNull();
    expect(await prisma.session.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("rejects a forged HMAC with 401 and changes nothing", async () => {
    const delivery = { topic: "app/uninstalled", shop: SHOP, payload: { id: 1 } };
    const response = await call(uninstalled, webhookRequest("/webhooks/app/uninstalled", delivery, "forged-secret"));
    expect(response.status).toBe(401);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).toBeNull();
    expect(await prisma.session.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("app/scopes_update stores the new grant on the shop and its sessions", async () => {
    const delivery = { topic: "app/scopes_update", shop: SHOP, payload: { current: ["read_orders", "write_orders"], previous: ["read_orders"] } };
    const response = await call(scopesUpdate, webhookRequest("/webhooks/app/scopes_update", delivery));
    expect(response.status).toBe(200);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).scopes).toBe("read_orders,write_orders");
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } })).scope).toBe("read_orders,write_orders");
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } })).scopes).toBe("read_orders");
  });

  it("answers 400 to a scopes_update whose payload is malformed", async () => {
    const delivery = { topic: "app/scopes_update", shop: SHOP, payload: { current: "read_orders" } };
    const response = await call(scopesUpdate, webhookRequest("/webhooks/app/scopes_update", delivery));
    expect(response.status).toBe(400);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).scopes).toBe("read_orders");
  });
});
