/**
 * readOrderState gives the snapshot and the timeline of one moment even while ingests commit:
 * each ingest adds a tag (snapshot) and its "added the tag" event (timeline) in one
 * transaction, so every tag event a read returns must have its tag in the snapshot it returns.
 */
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { ingestOrder } from "../../app/orders/ingest-order.server";
import { loader as homeLoader } from "../../app/routes/app._index";
import { scopedDb } from "../../app/lib/tenancy.server";
import { offlineClient } from "../../app/shopify/offline-client.server";
import { readOrderState, type OrderState } from "./order-state";
import { SHOP_A, startTestSandbox } from "./sandbox";
import { adminDocumentRequest, call } from "./shopify";

const sandbox = await startTestSandbox({ shops: [{ domain: SHOP_A, orderCount: 5, seed: 7 }] });

beforeAll(async () => {
  await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
}, 60_000);

/** Tags the timeline says were added that the snapshot of the same read does not have. */
function tagsMissingFromSnapshot(state: OrderState): string[] {
  const tags = new Set((state.content.order as { tags: string[] }).tags);
  return state.events
    .filter((event) => (event.detail as { action?: string } | null)?.action === "tags_added")
    .map((event) => /the tag (\S+) to/.exec(event.title)?.[1] ?? "")
    .filter((tag) => tag.startsWith("race-") && !tags.has(tag));
}

describe("readOrderState", () => {
  it("never pairs a newer timeline with an older snapshot while ingests commit", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    const db = scopedDb(shop.id);
    const client = await offlineClient(SHOP_A);
    const orderId = sandbox.store.orders(SHOP_A)[0]!.id as string;
    await ingestOrder({ db, client, shopifyId: orderId });

    let writing = true;
    const writer = (async () => {
      try {
        for (let i = 0; i < 25; i++) {
          await sandbox.changeOrder(SHOP_A, orderId, { type: "addTag", tag: `race-${i}` });
          await ingestOrder({ db, client, shopifyId: orderId });
        }
      } finally {
        writing = false;
      }
    })();
    const inconsistent: string[] = [];
    let reads = 0;
    while (writing) {
      const state = await readOrderState(orderId);
      reads++;
      if (state) inconsistent.push(...tagsMissingFromSnapshot(state).map((tag) => `v${state.version} lacks ${tag}`));
    }
    await writer;
    expect(reads).toBeGreaterThan(25);
    expect(inconsistent).toEqual([]);
    const final = await readOrderState(orderId);
    expect((final!.content.order as { tags: string[] }).tags).toEqual(expect.arrayContaining(["race-0", "race-24"]));
  }, 120_000);
});
