/**
 * What the action policy costs per action, on the real server: the decision function
 * (decideActionPolicy) with the rules cached and with them reloaded, the time-window count over a
 * Run table of realistic size, and run starts under the time-window lock with concurrent callers.
 *
 *   npx tsx bench/policy-decision.ts [--runs 100000] [--ops 500] [--concurrency 8]
 */
import { z } from "zod";
import { createBenchDatabase, machineInfo, numberArg, onCleanup, printGrid, round, runBench, saveResult, setAppEnv } from "./lib/common";
import { migrateDeploy } from "../server/migrate";

async function main(): Promise<void> {
  const runs = numberArg("runs", 100_000, 0, 5_000_000);
  const ops = numberArg("ops", 500, 10, 100_000);
  const concurrency = numberArg("concurrency", 8, 1, 64);
  const machine = await machineInfo();
  const database = await createBenchDatabase("policy");
  onCleanup(() => database.drop());
  await migrateDeploy(database.url);
  await setAppEnv(database.url, { DATABASE_POOL_MAX: String(Math.max(10, concurrency + 2)) });

  const { default: prisma } = await import("../app/db.server");
  onCleanup(() => prisma.$disconnect());
  const { scopedDb } = await import("../app/lib/tenancy.server");
  const { decideActionPolicy } = await import("../app/policy/decide-action-policy.server");
  const { policyCacheStats } = await import("../app/policy/load-policy.server");
  const { countExecutions } = await import("../app/policy/count-executions.server");
  const { startActionRun } = await import("../app/actions/run-action.server");

  const shop = await prisma.shop.create({ data: { domain: "bench-policy.myshopify.com", currencyCode: "EUR" } });
  const db = scopedDb(shop.id);
  await db.actionPermission.create({ data: { actionType: "process_refund", enabled: true, requiresConfirmation: false, approvalMode: "above_amount", approvalThreshold: "500.00" } as never });
  await db.actionLimit.createMany({
    data: [
      { actionType: "process_refund", limitType: "max_amount", value: "1000.00" },
      { actionType: "process_refund", limitType: "max_percentage", value: "80" },
      { actionType: "process_refund", limitType: "time_window", maxCount: 1_000_000, windowHours: 24, perActor: false },
      { actionType: "process_refund", limitType: "time_window", maxCount: 1_000_000, windowHours: 24, perActor: true },
    ] as never,
  });
  // History: runs of several types by 50 actors over 30 days, as a busy store would have.
  const seedStarted = performance.now();
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Run" (id, "shopId", type, status, input, "actorType", "actorId", "actorLabel", "correlationId", "startedAt", "createdAt", "updatedAt")
     SELECT 'r' || g, $1, (ARRAY['process_refund','tag_order','create_task','send_tracking'])[1 + g % 4],
            (ARRAY['succeeded','succeeded','succeeded','failed'])[1 + (g / 4) % 4], '{}'::jsonb, 'staff', 'actor' || (g % 50), 'Actor', 'bench',
            now() - (g % 43200) * interval '1 minute', now(), now()
     FROM generate_series(1, $2) AS g`,
    shop.id,
    runs,
  );
  await prisma.$executeRawUnsafe(`ANALYZE "Run"`);
  const seedMs = performance.now() - seedStarted;

  const actor = { type: "staff" as const, id: "actor7", label: "Actor 7" };
  const facts = { amount: "120.00", percentage: "40.00" };
  const rows: Array<{ step: string; ops: number; msPerOp: number; p99Ms: number }> = [];
  const measure = async (step: string, count: number, op: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await op(i);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    rows.push({ step, ops: count, msPerOp: round(times.reduce((a, b) => a + b, 0) / count, 3), p99Ms: round(times[Math.floor(count * 0.99)] ?? 0, 3) });
  };
  const decide = () => decideActionPolicy({ db, shopId: shop.id, actor, actionType: "process_refund", facts });

  await measure("warm-up", 100, decide);
  rows.pop();
  const loadsBefore = policyCacheStats.loads;
  await measure("decideActionPolicy, rules cached (version read + 2 window counts)", ops, decide);
  const cachedLoads = policyCacheStats.loads - loadsBefore;
  await measure("decideActionPolicy, rules reloaded (version bumped before each)", ops, async () => {
    await prisma.$executeRawUnsafe(`UPDATE "Shop" SET "policyVersion" = "policyVersion" + 1 WHERE id = $1`, shop.id);
    await decide();
  });
  await measure("  of which: the version bump alone", ops, () => prisma.$executeRawUnsafe(`UPDATE "Shop" SET "policyVersion" = "policyVersion" + 1 WHERE id = $1`, shop.id));
  const since = new Date(Date.now() - 24 * 3_600_000);
  await measure("countExecutions, shop window (24 h)", ops, () => countExecutions(db, { actionType: "process_refund", since }));
  await measure("countExecutions, per-actor window (24 h)", ops, () => countExecutions(db, { actionType: "process_refund", since, actor }));
  const plan = (await prisma.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(
    `EXPLAIN ANALYZE SELECT count(*) FROM "Run" WHERE "shopId" = $1 AND type = 'process_refund' AND status IN ('running','succeeded') AND "startedAt" >= $2`,
    shop.id,
    since,
  )).map((row) => row["QUERY PLAN"]);

  // Run starts under the lock: `concurrency` callers at once, each starting runs back to back.
  const action = { type: "process_refund", label: "Process refund", permission: "actions.refund", targets: ["order"], input: z.object({}), preview: () => "Refund", perform: async () => ({ result: {}, summary: "" }) };
  const decision = await decide();
  const perCaller = Math.max(1, Math.floor(ops / concurrency));
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      for (let i = 0; i < perCaller; i++) {
        await startActionRun(
          { db, shopId: shop.id, actor: { type: "staff", id: `caller${caller}`, label: "Caller" }, correlationId: "bench", shopify: { request: () => Promise.reject(new Error("unused")) } },
          { action: action as never, target: { kind: "order", id: "none", ticket: null, order: null }, input: {}, decision },
          { parentRunId: null, attempt: 1 },
        );
      }
    }),
  );
  const startWallMs = performance.now() - startedAt;
  const startsPerSecond = round((perCaller * concurrency) / (startWallMs / 1000), 1);

  printGrid(`Action policy on ${runs.toLocaleString("en")} historical runs (${ops} sequential ops each)`, ["step", "ms/op", "p99 ms"], rows.map((row) => [row.step, row.msPerOp, row.p99Ms]));
  console.log(`\nrule reloads during the cached pass: ${cachedLoads}`);
  console.log(`run starts under the window lock: ${perCaller * concurrency} by ${concurrency} concurrent callers in ${round(startWallMs)} ms = ${startsPerSecond}/s`);
  console.log(`\nwindow count plan:\n  ${plan.join("\n  ")}`);
  const path = saveResult("policy-decision", { at: new Date().toISOString(), machine, runs, ops, concurrency, seedMs: round(seedMs), rows, cachedLoads, startsPerSecond, startWallMs: round(startWallMs), plan });
  console.log(`\nsaved to ${path}`);
}

runBench(main);
