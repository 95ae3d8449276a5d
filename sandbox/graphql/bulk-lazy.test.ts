/**
 * A lazily seeded store exports every generated order through the bulk pipeline. Timings are
 * not asserted here (performance lives in bench/, see bench/README.md).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { SandboxStore } from "../store/store";
import { createAdminApi } from "./admin-api";

const SHOP = "bench.myshopify.com";
const QUERY = `{
  orders {
    edges {
      node {
        id name createdAt updatedAt displayFinancialStatus displayFulfillmentStatus
        totalPriceSet { shopMoney { amount currencyCode } }
        customer { id }
        lineItems { edges { node { id sku title quantity originalUnitPriceSet { shopMoney { amount } } } } }
      }
    }
  }
}`;

async function measure(orderCount: number, lazy: boolean) {
  const seeded = performance.now();
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, orderCount, seed: 7, lazy });
  const seedSeconds = (performance.now() - seeded) / 1000;
  const api = createAdminApi({ store });
  try {
    const started = performance.now();
    const result = await api.execute(SHOP, {
      query: `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`,
      variables: { q: QUERY },
    });
    const id = (result.body as { data: { bulkOperationRunQuery: { bulkOperation: { id: string } } } }).data.bulkOperationRunQuery.bulkOperation.id;
    const done = await api.bulk.waitFor(id);
    const bulkSeconds = (performance.now() - started) / 1000;
    let lines = 0;
    let roots = 0;
    for await (const line of createInterface({ input: createReadStream(api.bulk.resultPath(id) as string) })) {
      const parsed = JSON.parse(line) as { __parentId?: string };
      lines++;
      if (parsed.__parentId === undefined) roots++;
    }
    return { orderCount, lazy, seedSeconds, bulkSeconds, done, lines, roots, heapMB: Math.round(process.memoryUsage().heapUsed / 1e6) };
  } finally {
    await api.bulk.dispose();
  }
}

describe("bulk export performance", () => {
  it("exports 2,000 lazily generated orders with their line items", async () => {
    const result = await measure(2_000, true);
    expect(result.done.status).toBe("COMPLETED");
    expect(result.roots).toBe(2_000);
    expect(result.lines).toBe(Number(result.done.objectCount));
  });
});
