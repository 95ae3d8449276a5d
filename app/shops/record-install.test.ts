/**
 * "Install starts the import exactly once", however the embedded app's first loads race: the
 * admin opens the app and several document requests arrive together, each with a valid session
 * token, on a database that has never seen the shop. Real requests into the real Home loader,
 * the real token exchange and afterAuth hook, the real pg-boss worker and the sandbox's bulk
 * operations.
 */
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call, OWNER_ID } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { stopBoss } from "../jobs/boss.server";
import { startWorker } from "../jobs/worker.server";
import { loader as homeLoader } from "../routes/app._index";
import { poll } from "../../tests/helpers/poll";

const TOGETHER = "together.myshopify.com";
const STAGGERED = "staggered.myshopify.com";
const LATER = "later.myshopify.com";
const ORDERS = 120;
const sandbox = await startTestSandbox({
  shops: [
    { domain: TOGETHER, name: "Together", orderCount: ORDERS, seed: 11 },
    { domain: STAGGERED, name: "Staggered", orderCount: ORDERS, seed: 12 },
    { domain: LATER, name: "Later", orderCount: 20, seed: 13 },
  ],
});

/**
 * Shopify's latency, which we do not control: a pass-through in front of the sandbox that can
 * hold the first ShopDetails query of a shop (the one afterAuth makes) until it is released.
 */
let holdShopDetails: { shop: string; released: Promise<void>; held: () => void } | null = null;
const latency = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    const hold = holdShopDetails;
    if (hold && req.url?.startsWith(`/shops/${hold.shop}/`) && body.toString().includes("query ShopDetails")) {
      holdShopDetails = null;
      hold.held();
      await hold.released;
    }
    const target = new URL(req.url ?? "/", sandbox.url);
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    upstream.end(body);
  });
});
await new Promise<void>((resolve) => latency.listen(0, "127.0.0.1", resolve));
process.env.SHOPIFY_SANDBOX_URL = `http://127.0.0.1:${(latency.address() as AddressInfo).port}`;

beforeAll(() => startWorker(), 60_000);
afterAll(async () => {
  await stopBoss();
  await new Promise((resolve) => latency.close(resolve));
});


const firstLoad = (shop: string) => call(() => homeLoader({ request: adminDocumentRequest("/app", { shop, userId: OWNER_ID }), params: {}, context: {} }));

/** What the install left behind once its import had every chance to finish. */
async function backfillOutcome(shop: string) {
  const { id: shopId } = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
  const completed = await poll(async () => {
    const row = await prisma.ingestionState.findUnique({ where: { shopId } });
    return row?.backfillStatus === "completed" ? row : null;
  }, 40_000);
  const state = completed ?? (await prisma.ingestionState.findUnique({ where: { shopId } }));
  return {
    status: state?.backfillStatus ?? "no state",
    bulkOperationsStarted: sandbox.adminApi.bulk.list(shop).length,
    ordersStored: await prisma.order.count({ where: { shopId } }),
    ordersImported: state?.backfillOrdersDone ?? 0,
  };
}

describe("the first install under concurrent first loads", () => {
  it("five loads at once: exactly one backfill starts, and it imports every order", async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => firstLoad(TOGETHER)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await prisma.shop.count({ where: { domain: TOGETHER } })).toBe(1);
    expect(await backfillOutcome(TOGETHER)).toEqual({ status: "completed", bulkOperationsStarted: 1, ordersStored: ORDERS, ordersImported: ORDERS });
  }, 90_000);

  it("four more loads while the first one's after-auth hook runs (they find its session and create the shop first): still exactly one", async () => {
    // The interleaving seen in production: the first load has exchanged its tokens and stored
    // the session; its afterAuth hook is still asking Shopify for the shop's details when the
    // other loads arrive, find that session, skip the exchange and record the shop themselves.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => {
      holdShopDetails = { shop: STAGGERED, released: new Promise<void>((r) => (release = r)), held: resolve };
    });
    const first = firstLoad(STAGGERED);
    await held;
    const others = await Promise.all(Array.from({ length: 4 }, () => firstLoad(STAGGERED)));
    release();
    const responses = [await first, ...others];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await backfillOutcome(STAGGERED)).toEqual({ status: "completed", bulkOperationsStarted: 1, ordersStored: ORDERS, ordersImported: ORDERS });
  }, 90_000);

  it("loading again after the import starts nothing more", async () => {
    await Promise.all(Array.from({ length: 5 }, () => firstLoad(LATER)));
    expect(await backfillOutcome(LATER)).toMatchObject({ status: "completed", bulkOperationsStarted: 1, ordersStored: 20 });
    await Promise.all([TOGETHER, STAGGERED, LATER].flatMap((shop) => [firstLoad(shop), firstLoad(shop)]));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect([TOGETHER, STAGGERED, LATER].map((shop) => sandbox.adminApi.bulk.list(shop).length)).toEqual([1, 1, 1]);
  }, 90_000);
});
