/**
 * The self-heal of the first import: shops installed while no worker could take the import
 * (a claim left "queued" by a process that died before its enqueue), or installed before the
 * claim existed (left "idle", the issue-12 symptom), get their backfill from the workers' own
 * recovery loop, once, and it completes. Real first loads, the real worker and loop, the sandbox.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { stopBoss } from "../jobs/boss.server";
import { startWorker } from "../jobs/worker.server";
import { loader as homeLoader } from "../routes/app._index";

const NEVER = "never-claimed.myshopify.com";
const LOST = "lost-job.myshopify.com";
const DONE = "done.myshopify.com";
const sandbox = await startTestSandbox({
  shops: [
    { domain: NEVER, orderCount: 25, seed: 21 },
    { domain: LOST, orderCount: 35, seed: 22 },
    { domain: DONE, orderCount: 5, seed: 23 },
  ],
});
afterAll(() => stopBoss());

const shopId = async (domain: string) => (await prisma.shop.findUniqueOrThrow({ where: { domain } })).id;

async function waitForCompleted(domain: string, timeoutMs = 40_000) {
  const id = await shopId(domain);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await prisma.ingestionState.findUnique({ where: { shopId: id } });
    if (state?.backfillStatus === "completed" || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("the workers' sweep resumes first imports that never got a job", () => {
  it("claims an installed shop left idle, enqueues a claim whose job was lost, and leaves a finished import alone", async () => {
    // No worker in this process yet: each install claims its import but cannot enqueue it.
    for (const shop of [NEVER, LOST, DONE]) {
      expect((await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }))).status).toBe(200);
    }
    const claimed = await prisma.ingestionState.findMany({ where: { shopId: { in: [await shopId(NEVER), await shopId(LOST)] } } });
    expect(claimed.map((state) => state.backfillStatus)).toEqual(["queued", "queued"]);
    // As the code before the claim left a raced install: no claim, import idle.
    await prisma.ingestionState.update({ where: { shopId: await shopId(NEVER) }, data: { backfillRequestedAt: null, backfillStatus: "idle" } });
    // A claim older than any legitimate pause between two steps, with no job behind it.
    await prisma.$executeRaw`UPDATE "IngestionState" SET "updatedAt" = "updatedAt" - interval '5 minutes' WHERE "shopId" = ${await shopId(LOST)}`;
    // An import that finished: nothing to resume.
    await prisma.ingestionState.update({ where: { shopId: await shopId(DONE) }, data: { backfillStatus: "completed", backfillCompletedAt: new Date() } });

    await startWorker();

    for (const [shop, orders] of [[NEVER, 25], [LOST, 35]] as const) {
      const state = await waitForCompleted(shop);
      expect({ shop, status: state?.backfillStatus, done: state?.backfillOrdersDone, claimed: state?.backfillRequestedAt instanceof Date }).toEqual({ shop, status: "completed", done: orders, claimed: true });
      expect(await prisma.order.count({ where: { shopId: await shopId(shop) } })).toBe(orders);
    }
    expect([NEVER, LOST, DONE].map((shop) => sandbox.adminApi.bulk.list(shop).length)).toEqual([1, 1, 0]);
  }, 90_000);
});
