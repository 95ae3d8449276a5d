/**
 * Live-sync cost benchmark: what keeping orders in sync costs in Admin API points, and how fast
 * the app can go on Shopify's Standard plan (100 points/s restore, 2000-point bucket) without
 * being throttled.
 *
 *   npx tsx bench/live-sync-cost.ts [--orders 500] [--seed 11] [--concurrency 1]
 *                                   [--concurrent-workers 4] [--concurrent-orders 100] [--timeout-s 1800]
 *
 * The sandbox runs in this process on a real HTTP port with the Standard-plan bucket. The app's
 * real job path is used: an offline session in the Session table (as token exchange stores
 * it), shopify.unauthenticated.admin() -> admin.graphql (the Shopify library, redirected to
 * the sandbox by sandbox/fetch-redirect.ts) -> adminClient (paces itself from throttleStatus)
 * -> ingestOrder (ORDER_CONTEXT_QUERY + storeOrderContext) into a fresh database on the real
 * PostgreSQL. admin.graphql is wrapped to record extensions.cost of every response. Then the
 * reconciliation listing (reconcileOrders, ORDERS_UPDATED_SINCE_QUERY) runs over the store.
 * Last, the first --concurrent-orders orders are ingested again by --concurrent-workers workers
 * sharing the client (several jobs or instances at once), starting from a full bucket.
 */
import pg from "pg";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES } from "../sandbox/config";
import { issueAccessToken } from "../sandbox/access-tokens";
import { installSandboxFetch } from "../sandbox/fetch-redirect";
import { STANDARD_MAXIMUM_AVAILABLE, STANDARD_RESTORE_RATE } from "../sandbox/graphql/bucket";
import { startSandboxServer } from "../sandbox/server";
import { SandboxStore } from "../sandbox/store/store";
import { migrateDeploy } from "../server/migrate";
import {
  createBenchDatabase,
  machineInfo,
  numberArg,
  onCleanup,
  percentile,
  printGrid,
  printTable,
  round,
  runBench,
  saveResult,
  setAppEnv,
  sleep,
  withTimeout,
} from "./lib/common";

const SHOP = "bench-live.myshopify.com";

interface CostRecord {
  phase: "ingest" | "reconcile" | "concurrent";
  operation: string;
  requested: number | null;
  actual: number | null;
  availableAfter: number | null;
  throttled: boolean;
  ms: number;
  startedAt: number;
}

interface GraphqlBody {
  errors?: unknown;
  extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: { currentlyAvailable: number } } };
}

type GraphqlFn = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

async function main(): Promise<void> {
  const orderCount = numberArg("orders", 500, 1, 5000);
  const seed = numberArg("seed", 11, 0, 2 ** 31 - 1);
  const concurrency = numberArg("concurrency", 1, 1, 16);
  const timeoutMs = numberArg("timeout-s", 1800, 10, 24 * 3600) * 1000;
  const concurrentWorkers = numberArg("concurrent-workers", 4, 0, 16);
  const concurrentOrders = numberArg("concurrent-orders", 100, 0, 5000);

  const machine = await machineInfo();
  console.log(`live-sync cost benchmark: ${orderCount} orders, concurrency ${concurrency}; ${machine.cpus} CPUs, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.loadAverage.join(" ")}`);

  const database = await createBenchDatabase("livesync");
  onCleanup(() => database.drop());
  await migrateDeploy(database.url);
  await setAppEnv(database.url, { DATABASE_POOL_MAX: "5" });

  // ---- the sandbox, enforcing the Standard plan ----
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, name: "Bench Live Store", orderCount, seed, now: new Date() });
  const sandbox = await startSandboxServer({
    store,
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: process.env.SHOPIFY_APP_URL ?? "http://127.0.0.1:3999",
    scopes: SANDBOX_SCOPES,
    restoreRate: STANDARD_RESTORE_RATE,
    maximumAvailable: STANDARD_MAXIMUM_AVAILABLE,
    webhooks: false,
  });
  onCleanup(() => sandbox.close());
  // Before the Shopify library loads (its node adapter captures fetch).
  installSandboxFetch(sandbox.url);

  const { default: prisma } = await import("../app/db.server");
  onCleanup(() => prisma.$disconnect());
  const { sessionStorage, unauthenticated } = await import("../app/shopify.server");
  const { Session } = await import("@shopify/shopify-app-remix/server");
  const { adminClient } = await import("../app/shopify/admin-client.server");
  const { ingestOrder } = await import("../app/orders/ingest-order.server");
  const { reconcileOrders } = await import("../app/orders/reconcile-orders.server");
  const { scopedDb } = await import("../app/lib/tenancy.server");

  // ---- the installed shop: its row and the offline session token exchange would store ----
  const shop = await prisma.shop.create({ data: { domain: SHOP, name: "Bench Live Store", currencyCode: "EUR", scopes: SANDBOX_SCOPES } });
  const nowSeconds = Math.floor(Date.now() / 1000);
  await sessionStorage.storeSession(
    new Session({
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "bench",
      isOnline: false,
      scope: SANDBOX_SCOPES,
      accessToken: issueAccessToken({ shop: SHOP, kind: "offline", exp: nowSeconds + 3600 }, SANDBOX_API_SECRET),
      expires: new Date((nowSeconds + 3600) * 1000),
      refreshToken: issueAccessToken({ shop: SHOP, kind: "refresh", exp: nowSeconds + 90 * 86400 }, SANDBOX_API_SECRET),
      refreshTokenExpires: new Date((nowSeconds + 90 * 86400) * 1000),
    }),
  );
  const db = scopedDb(shop.id);

  // ---- offlineClient(), with admin.graphql wrapped to record every response's cost ----
  const records: CostRecord[] = [];
  let phase: CostRecord["phase"] = "ingest";
  const { admin } = await unauthenticated.admin(SHOP);
  const note = (query: string, body: GraphqlBody | undefined, startedAt: number) => {
    const cost = body?.extensions?.cost;
    // Shopify sends a list; the library's client hands it over as { graphQLErrors: [...] }.
    const raw = body?.errors as Array<{ extensions?: { code?: string } }> | { graphQLErrors?: Array<{ extensions?: { code?: string } }> } | undefined;
    const errors = Array.isArray(raw) ? raw : (raw?.graphQLErrors ?? []);
    records.push({
      phase,
      operation: /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "anonymous",
      requested: cost?.requestedQueryCost ?? null,
      actual: cost?.actualQueryCost ?? null,
      availableAfter: cost?.throttleStatus?.currentlyAvailable ?? null,
      throttled: errors.some((error) => error.extensions?.code === "THROTTLED"),
      ms: performance.now() - startedAt,
      startedAt,
    });
  };
  const recording: GraphqlFn = async (query, options) => {
    const startedAt = performance.now();
    try {
      const response = await admin.graphql(query, options);
      note(query, (await response.clone().json()) as GraphqlBody, startedAt);
      return response;
    } catch (error) {
      // The library throws on GraphQL errors (THROTTLED included) with the body attached.
      note(query, (error as { body?: GraphqlBody }).body, startedAt);
      throw error;
    }
  };
  const client = adminClient({ shop: SHOP, graphql: recording });

  // ---- one ingestion pass: `concurrency` workers calling ingestOrder over `ids` ----
  const ingestPass = async (passPhase: CostRecord["phase"], ids: string[], workers: number) => {
    phase = passPhase;
    const outcomes: Record<string, number> = {};
    const failures: Record<string, number> = {};
    const perOrder: Array<{ startedAt: number; endedAt: number }> = [];
    let nextIndex = 0;
    const started = performance.now();
    const progress = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      console.log(`  ${round(elapsed, 0)} s: ${perOrder.length} / ${ids.length} orders, bucket ${sandbox.adminApi.bucket(SHOP).status().currentlyAvailable} points`);
    }, 30_000);
    const worker = async () => {
      for (let guard = 0; guard < ids.length; guard++) {
        const index = nextIndex++;
        if (index >= ids.length) return;
        const startedAt = performance.now();
        try {
          const result = await ingestOrder({ db, client, shopifyId: ids[index] });
          outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        } catch (error) {
          // What a job would see (and retry later): e.g. THROTTLED after the client's 5 attempts.
          const code = (error as { code?: string }).code ?? (error as Error).message;
          failures[code] = (failures[code] ?? 0) + 1;
        }
        perOrder.push({ startedAt, endedAt: performance.now() });
      }
    };
    try {
      await withTimeout(Promise.all(Array.from({ length: workers }, worker)), timeoutMs, "the ingestion");
    } finally {
      clearInterval(progress);
    }
    const seconds = (performance.now() - started) / 1000;
    const calls = records.filter((record) => record.phase === passPhase);
    const contextCalls = calls.filter((record) => record.operation === "OrderContext" && !record.throttled);
    const actualSorted = contextCalls.map((record) => record.actual ?? 0).sort((a, b) => a - b);
    const apiMs = contextCalls.map((record) => record.ms).sort((a, b) => a - b);
    const orderMs = perOrder.map((entry) => entry.endedAt - entry.startedAt).sort((a, b) => a - b);
    // Steady state: the second half of the run, after the initial 2000-point bucket is spent.
    const ends = perOrder.map((entry) => entry.endedAt).sort((a, b) => a - b);
    const half = Math.floor(ends.length / 2);
    const steadyRate = ends.length > 3 ? (ends.length - 1 - half) / ((ends[ends.length - 1] - ends[half]) / 1000) : Number.NaN;
    const requestedPerOrder = sum(contextCalls.map((record) => record.requested ?? 0)) / Math.max(1, contextCalls.length);
    const actualPerOrder = sum(contextCalls.map((record) => record.actual ?? 0)) / Math.max(1, contextCalls.length);
    return {
      concurrency: workers,
      orders: perOrder.length,
      outcomes,
      failures,
      seconds: round(seconds, 1),
      ordersPerSecond: round(perOrder.length / seconds, 2),
      steadyStateOrdersPerSecond: round(steadyRate, 2),
      ceilingOrdersPerSecond: round(STANDARD_RESTORE_RATE / actualPerOrder, 2),
      requestedPointsPerOrder: round(requestedPerOrder, 1),
      actualPointsPerOrder: round(actualPerOrder, 1),
      actualPoints: { min: actualSorted[0], p50: percentile(actualSorted, 50), p99: percentile(actualSorted, 99), max: actualSorted[actualSorted.length - 1] },
      requests: calls.length,
      throttledResponses: calls.filter((record) => record.throttled).length,
      apiLatencyMs: { p50: round(percentile(apiMs, 50), 1), p99: round(percentile(apiMs, 99), 1), max: round(apiMs[apiMs.length - 1] ?? Number.NaN, 1) },
      orderLatencyMs: { p50: round(percentile(orderMs, 50), 1), p99: round(percentile(orderMs, 99), 1), max: round(orderMs[orderMs.length - 1] ?? Number.NaN, 1) },
      timeInApiSeconds: round(sum(contextCalls.map((record) => record.ms)) / 1000, 1),
    };
  };

  const waitForFullBucket = async () => {
    for (let i = 0; i < 400 && sandbox.adminApi.bucket(SHOP).status().currentlyAvailable < STANDARD_MAXIMUM_AVAILABLE - 10; i++) await sleep(100);
  };

  // ---- 1. single-order ingestion of every order, as the order.ingest job does it ----
  const ids = store.orders(SHOP).map((order) => order.id as string);
  console.log(`ingesting ${ids.length} orders one by one through ingestOrder (ORDER_CONTEXT_QUERY)...`);
  const ingest = await ingestPass("ingest", ids, concurrency);

  // ---- 2. the reconciliation listing over the whole store ----
  await waitForFullBucket();
  phase = "reconcile";
  const queued: string[] = [];
  const reconcileStarted = performance.now();
  const reconcile = await reconcileOrders({
    db,
    shopId: shop.id,
    client,
    ingest: async (shopifyId) => {
      queued.push(shopifyId);
    },
    // The store's history spans 90 days: look back over all of it.
    initialLookbackHours: 24 * 100,
    maxPages: Math.ceil(orderCount / 100) + 5,
  });
  const reconcileSeconds = (performance.now() - reconcileStarted) / 1000;
  const reconcileCalls = records.filter((record) => record.phase === "reconcile");
  const reconcileOk = reconcileCalls.filter((record) => !record.throttled);
  const reconcileActual = sum(reconcileOk.map((record) => record.actual ?? 0));
  const reconcileRequested = sum(reconcileOk.map((record) => record.requested ?? 0));

  // ---- 3. the same client used by several workers at once (several jobs/instances) ----
  let concurrent: Awaited<ReturnType<typeof ingestPass>> | null = null;
  if (concurrentWorkers > 1 && concurrentOrders > 0) {
    await waitForFullBucket();
    console.log(`re-ingesting ${Math.min(concurrentOrders, ids.length)} orders with ${concurrentWorkers} concurrent workers sharing the client...`);
    concurrent = await ingestPass("concurrent", ids.slice(0, concurrentOrders), concurrentWorkers);
  }

  const rows = await countRows(database.url);

  const result = {
    at: new Date().toISOString(),
    machine,
    loadAverageAfter: (await machineInfo()).loadAverage,
    config: {
      orders: orderCount,
      seed,
      concurrency,
      concurrentWorkers,
      concurrentOrders,
      plan: { restoreRate: STANDARD_RESTORE_RATE, maximumAvailable: STANDARD_MAXIMUM_AVAILABLE },
      estimatedCostPassedByIngestOrder: 400,
    },
    ingest: { ...ingest, rows },
    reconcile: {
      seconds: round(reconcileSeconds, 2),
      pages: reconcileCalls.length,
      ordersSeen: reconcile.seen,
      ordersQueued: reconcile.queued,
      throttledResponses: reconcileCalls.length - reconcileOk.length,
      requestedPoints: reconcileRequested,
      actualPoints: reconcileActual,
      requestedPointsPerPage: round(reconcileRequested / Math.max(1, reconcileOk.length), 1),
      actualPointsPerOrder: round(reconcileActual / Math.max(1, reconcile.seen), 3),
    },
    concurrent,
    bucketAtEnd: sandbox.adminApi.bucket(SHOP).status(),
  };

  printTable(`Live sync: ${ingest.orders} orders through ingestOrder on the Standard plan (${STANDARD_RESTORE_RATE} points/s, bucket ${STANDARD_MAXIMUM_AVAILABLE})`, [
    ["points per order: requested / actual", `${ingest.requestedPointsPerOrder} / ${ingest.actualPointsPerOrder} (actual min ${ingest.actualPoints.min}, p50 ${ingest.actualPoints.p50}, max ${ingest.actualPoints.max})`],
    ["total time", `${ingest.seconds} s`],
    ["orders/s: overall / steady state / ceiling (restoreRate / actual points)", `${ingest.ordersPerSecond} / ${ingest.steadyStateOrdersPerSecond} / ${ingest.ceilingOrdersPerSecond}`],
    ["Admin API requests / THROTTLED responses", `${ingest.requests} / ${ingest.throttledResponses}`],
    ["API latency p50 / p99 (ms)", `${ingest.apiLatencyMs.p50} / ${ingest.apiLatencyMs.p99}`],
    ["per-order latency p50 / p99 (ms, incl. pacing)", `${ingest.orderLatencyMs.p50} / ${ingest.orderLatencyMs.p99}`],
    ["outcomes / failures", `${JSON.stringify(ingest.outcomes)} / ${JSON.stringify(ingest.failures)}`],
    ["rows", JSON.stringify(rows)],
  ]);
  if (concurrent) {
    printGrid(
      "Ingestion passes",
      ["pass", "workers", "orders", "seconds", "orders/s", "requests", "THROTTLED", "failed orders", "actual pts/order"],
      [
        ["sequential (first pass)", ingest.concurrency, ingest.orders, ingest.seconds, ingest.ordersPerSecond, ingest.requests, ingest.throttledResponses, sum(Object.values(ingest.failures)), ingest.actualPointsPerOrder],
        ["concurrent re-ingest", concurrent.concurrency, concurrent.orders, concurrent.seconds, concurrent.ordersPerSecond, concurrent.requests, concurrent.throttledResponses, sum(Object.values(concurrent.failures)), concurrent.actualPointsPerOrder],
      ],
    );
  }
  printGrid(
    "Reconciliation listing (ORDERS_UPDATED_SINCE_QUERY, 100 per page)",
    ["pages", "orders seen", "queued", "requested pts", "actual pts", "pts/page", "pts/order", "THROTTLED", "seconds"],
    [[result.reconcile.pages, reconcile.seen, reconcile.queued, reconcileRequested, reconcileActual, result.reconcile.requestedPointsPerPage, result.reconcile.actualPointsPerOrder, result.reconcile.throttledResponses, result.reconcile.seconds]],
  );
  const path = saveResult("live-sync-cost", result);
  console.log(`\nsaved to ${path}`);
  if (ingest.orders !== orderCount || rows.Order !== orderCount) throw new Error(`stored ${rows.Order} of ${orderCount} orders`);
}

async function countRows(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of ["Order", "OrderSnapshot", "OrderTimelineEvent"]) {
      counts[table] = Number((await client.query<{ count: string }>(`SELECT count(*) AS count FROM "${table}"`)).rows[0].count);
    }
    return counts;
  } finally {
    await client.end();
  }
}

runBench(main);
