/**
 * Starts a local Shopify sandbox for one test file and points the app's Shopify calls at it.
 */
import { afterAll } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES } from "../../sandbox/config";
import { startSandboxServer, type SandboxServer } from "../../sandbox/server";
import { SandboxStore } from "../../sandbox/store/store";
import { TEST_APP_URL } from "../setup/app-env";

export const SHOP_A = "shop-a.myshopify.com";
export const SHOP_B = "shop-b.myshopify.com";

export interface TestSandboxOptions {
  shops?: Array<{ domain: string; name?: string; orderCount?: number; seed?: number }>;
  restoreRate?: number;
  maximumAvailable?: number;
}

export async function startTestSandbox(options: TestSandboxOptions = {}): Promise<SandboxServer> {
  const store = new SandboxStore();
  const shops = options.shops ?? [
    { domain: SHOP_A, name: "Shop A", orderCount: 30, seed: 1 },
    { domain: SHOP_B, name: "Shop B", orderCount: 10, seed: 2 },
  ];
  for (const shop of shops) {
    store.seedShop({ domain: shop.domain, name: shop.name ?? shop.domain, orderCount: shop.orderCount ?? 20, seed: shop.seed ?? 1 });
  }
  const server = await startSandboxServer({
    store,
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: TEST_APP_URL,
    scopes: SANDBOX_SCOPES,
    restoreRate: options.restoreRate,
    maximumAvailable: options.maximumAvailable,
  });
  process.env.SHOPIFY_SANDBOX_URL = server.url;
  afterAll(() => server.close());
  return server;
}
