/**
 * Backfill benchmark: how fast the app's bulk-backfill import writes N orders into real Postgres.
 *
 *   npx tsx bench/backfill.ts [--orders 100000] [--seed 7] [--batch 1000] [--timeout-s 7200] [--keep-jsonl]
 *                             [--profile app-path.cpuprofile]
 *
 * 1. The JSONL: a child process seeds a lazy sandbox store with N generated orders and runs the
 *    app's own BULK_ORDERS_QUERY through the sandbox's bulk-operation machinery
 *    (bulkOperationRunQuery -> the JSONL file Shopify would serve). Cached under
 *    $TMPDIR/oac-bench/ with --keep-jsonl, deleted otherwise.
 * 2. The app path: a fresh database (CREATE DATABASE + prisma migrate deploy), a Shop row and an
 *    IngestionState "running", then the app's runBackfill() itself: it polls the bulk operation
 *    (answered COMPLETED by a stub client), streams the file through assembleOrders, validates
 *    each order with ZOrderContext and stores it with storeOrderContext (one transaction per
 *    order), checkpointing every 100 orders. The download is a local file stream.
 * 3. Baselines on the same data: the CPU-only pipeline (assemble + zod + buildSnapshot, no
 *    writes), and plain multi-row INSERTs (batches of --batch rows, one pg client) of the very
 *    rows the app wrote, copied into scratch tables of the same shape (LIKE ... INCLUDING ALL):
 *    the Order rows alone (the headline ratio), and Order + OrderSnapshot + OrderTimelineEvent.
 */
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { AdminClient } from "../app/shopify/admin-client.server";
import { migrateDeploy } from "../server/migrate";
import {
  RssSampler,
  childOutput,
  createBenchDatabase,
  ensureScratchDir,
  hasFlag,
  machineInfo,
  mb,
  numberArg,
  onCleanup,
  printGrid,
  printTable,
  round,
  runBench,
  saveResult,
  setAppEnv,
  spawnTsx,
  stringArg,
  withTimeout,
} from "./lib/common";
import { PgCpuSampler } from "./lib/pg-cpu";

const SHOP = "bench-backfill.myshopify.com";
const THIS_FILE = fileURLToPath(import.meta.url);

interface GenerateResult {
  seconds: number;
  status: string;
  rootObjectCount: number;
  objectCount: number;
  bytes: number;
  peakRssMB: number;
}

// ---------------------------------------------------------------------------------------
// Child mode: the JSONL, from the sandbox's bulk operations over a lazy store
// ---------------------------------------------------------------------------------------

async function generate(orders: number, seed: number, out: string, timeoutMs: number): Promise<void> {
  const rss = new RssSampler().start(250);
  const { SandboxStore } = await import("../sandbox/store/store");
  const { createAdminApi } = await import("../sandbox/graphql/admin-api");
  const { BULK_OPERATION_RUN_QUERY, BULK_ORDERS_QUERY } = await import("../app/shopify/documents");
  const started = performance.now();
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, name: "Bench Backfill Store", orderCount: orders, seed, lazy: true });
  const api = createAdminApi({ store });
  try {
    // Exactly what runBackfill sends.
    const response = await api.execute(SHOP, { query: BULK_OPERATION_RUN_QUERY, variables: { query: BULK_ORDERS_QUERY.replace("#graphql", "") } });
    const payload = (response.body.data as { bulkOperationRunQuery?: { bulkOperation: { id: string } | null; userErrors: unknown[] } } | undefined)?.bulkOperationRunQuery;
    if (!payload?.bulkOperation) throw new Error(`bulkOperationRunQuery failed: ${JSON.stringify(response.body)}`);
    const id = payload.bulkOperation.id;
    const progress = setInterval(() => {
      const record = api.bulk.get(SHOP, id);
      console.log(`  generating: ${record?.rootObjectCount ?? "?"} / ${orders} orders, ${record?.objectCount ?? "?"} lines`);
    }, 15_000);
    let done;
    try {
      done = await withTimeout(api.bulk.waitFor(id), timeoutMs, "the bulk export");
    } finally {
      clearInterval(progress);
    }
    const path = api.bulk.resultPath(id);
    if (done.status !== "COMPLETED" || !path) throw new Error(`bulk operation ended ${done.status} (${done.errorCode ?? "no error code"})`);
    renameSync(path, out);
    rss.stop();
    const result: GenerateResult = {
      seconds: round((performance.now() - started) / 1000, 2),
      status: done.status,
      rootObjectCount: Number(done.rootObjectCount),
      objectCount: Number(done.objectCount),
      bytes: statSync(out).size,
      peakRssMB: mb(rss.peakRss),
    };
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await api.bulk.dispose();
  }
}

// ---------------------------------------------------------------------------------------
// Parent mode
// ---------------------------------------------------------------------------------------

interface PgStats {
  xact_commit: string;
  tup_inserted: string;
  tup_updated: string;
}

async function databaseStats(client: pg.Client, name: string): Promise<{ commits: number; inserted: number; updated: number }> {
  // Counters are per database; pg_stat_clear_snapshot makes each read current.
  await client.query("SELECT pg_stat_clear_snapshot()");
  const { rows } = await client.query<PgStats>("SELECT xact_commit, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = $1", [name]);
  return { commits: Number(rows[0].xact_commit), inserted: Number(rows[0].tup_inserted), updated: Number(rows[0].tup_updated) };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies `table` into `scratch` (created LIKE it, indexes included) with multi-row INSERTs of
 * `batch` rows; only the INSERT statements are timed (reading the source is not).
 */
async function copyWithMultiRowInserts(client: pg.Client, table: string, scratch: string, batch: number, deadline: number): Promise<{ rows: number; seconds: number; statements: number }> {
  await client.query(`DROP TABLE IF EXISTS ${quote(scratch)}`);
  await client.query(`CREATE TABLE ${quote(scratch)} (LIKE ${quote(table)} INCLUDING ALL)`);
  const { rows: columnRows } = await client.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    [table],
  );
  const columns = columnRows.map((row) => row.column_name);
  // Values travel as text (untyped parameters take the target column's type in INSERT ... VALUES).
  const select = `SELECT ${columns.map((column) => `${quote(column)}::text AS ${quote(column)}`).join(", ")} FROM ${quote(table)} WHERE id > $1 ORDER BY id LIMIT ${batch}`;
  let after = "";
  let rows = 0;
  let statements = 0;
  let insertMs = 0;
  for (let page = 0; page < 10_000_000; page++) {
    if (performance.now() > deadline) throw new Error(`copying ${table} did not finish in time`);
    const { rows: source } = await client.query<Record<string, string | null>>(select, [after]);
    if (source.length === 0) break;
    const params: Array<string | null> = [];
    const tuples = source.map((row) => `(${columns.map((column) => `$${params.push(row[column])}`).join(", ")})`);
    const sql = `INSERT INTO ${quote(scratch)} (${columns.map(quote).join(", ")}) VALUES ${tuples.join(", ")}`;
    const started = performance.now();
    await client.query(sql, params);
    insertMs += performance.now() - started;
    statements++;
    rows += source.length;
    after = source[source.length - 1].id as string;
  }
  return { rows, seconds: insertMs / 1000, statements };
}

async function main(): Promise<void> {
  const orders = numberArg("orders", 100_000, 1, 1_000_000);
  const seed = numberArg("seed", 7, 0, 2 ** 31 - 1);
  const batch = numberArg("batch", 1000, 1, 3000);
  const timeoutMs = numberArg("timeout-s", 7200, 10, 24 * 3600) * 1000;
  const keepJsonl = hasFlag("keep-jsonl");

  if (hasFlag("generate-only")) {
    await generate(orders, seed, stringArg("out", ""), timeoutMs);
    return;
  }

  const machine = await machineInfo();
  console.log(`backfill benchmark: ${orders} orders (seed ${seed}); ${machine.cpus} CPUs, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.loadAverage.join(" ")}`);

  // ---- 1. the JSONL ----
  const scratch = ensureScratchDir();
  const jsonl = join(scratch, `orders-${orders}-seed${seed}.jsonl`);
  const metaPath = `${jsonl}.meta.json`;
  let generation: GenerateResult;
  if (keepJsonl && existsSync(jsonl) && existsSync(metaPath)) {
    generation = JSON.parse(readFileSync(metaPath, "utf8")) as GenerateResult;
    console.log(`reusing ${jsonl} (${mb(generation.bytes)} MB, generated in ${generation.seconds} s)`);
  } else {
    console.log(`generating the bulk JSONL with the sandbox (BULK_ORDERS_QUERY over a lazy ${orders}-order store)...`);
    rmSync(metaPath, { force: true });
    const child = spawnTsx(THIS_FILE, ["--generate-only", "--orders", String(orders), "--seed", String(seed), "--out", jsonl, "--timeout-s", String(timeoutMs / 1000)]);
    const output = await childOutput(child, (line) => {
      if (!line.startsWith("RESULT ")) console.log(line);
    });
    const line = output.split("\n").find((candidate) => candidate.startsWith("RESULT "));
    if (!line) throw new Error("the generator printed no result");
    generation = JSON.parse(line.slice("RESULT ".length)) as GenerateResult;
    writeFileSync(metaPath, JSON.stringify(generation));
  }
  if (!keepJsonl) {
    onCleanup(() => {
      rmSync(jsonl, { force: true });
      rmSync(metaPath, { force: true });
    });
  }
  if (generation.rootObjectCount !== orders) throw new Error(`the JSONL holds ${generation.rootObjectCount} orders, expected ${orders}`);
  console.log(`  ${generation.objectCount} lines, ${generation.rootObjectCount} orders, ${mb(generation.bytes)} MB in ${generation.seconds} s`);

  // ---- 2. a fresh, migrated database and the app ----
  const database = await createBenchDatabase("backfill");
  onCleanup(() => database.drop());
  const migrateStarted = performance.now();
  await migrateDeploy(database.url);
  const migrateSeconds = round((performance.now() - migrateStarted) / 1000, 2);
  await setAppEnv(database.url);

  const { default: prisma } = await import("../app/db.server");
  onCleanup(() => prisma.$disconnect());
  const { runBackfill } = await import("../app/backfill/run-backfill.server");
  const { scopedDb } = await import("../app/lib/tenancy.server");
  const { assembleOrders } = await import("../app/backfill/jsonl-orders");
  const { ZOrderContext } = await import("../app/orders/schema");
  const { buildSnapshot } = await import("../app/orders/build-snapshot");

  const shop = await prisma.shop.create({ data: { domain: SHOP, name: "Bench Backfill Store", currencyCode: "EUR" } });
  const bulkOperationId = "gid://shopify/BulkOperation/1";
  await scopedDb(shop.id).ingestionState.create({ data: { shopId: shop.id, backfillStatus: "running", bulkOperationId, backfillStartedAt: new Date() } });

  // The one Admin API call runBackfill makes in this state: the operation's status.
  const client: AdminClient = {
    async request<T>(operation: string): Promise<T> {
      if (operation !== "BulkOperationStatus") throw new Error(`unexpected Admin API call ${operation}`);
      const bulkOperation = {
        id: bulkOperationId,
        status: "COMPLETED",
        errorCode: null,
        objectCount: String(generation.objectCount),
        rootObjectCount: String(generation.rootObjectCount),
        url: "https://storage.example/bulk.jsonl",
      };
      return { bulkOperation } as T;
    },
  };
  const fetchFile = (async () => new Response(Readable.toWeb(createReadStream(jsonl)) as unknown as ReadableStream)) as unknown as typeof fetch;

  // ---- 3. the app path ----
  const monitor = new pg.Client({ connectionString: database.url });
  await monitor.connect();
  onCleanup(() => monitor.end().catch(() => undefined));
  const statsBefore = await databaseStats(monitor, database.name);
  const pgCpu = await new PgCpuSampler(database.url, database.name).start();
  const rss = new RssSampler().start(100);
  const rssBeforeMB = mb(process.memoryUsage().rss);
  const cpuBefore = process.cpuUsage();
  const progress: Array<{ seconds: number; orders: number; ordersPerSecond: number }> = [];
  const started = performance.now();
  let lastDone = 0;
  let lastAt = started;
  const progressTimer = setInterval(() => {
    void monitor
      .query<{ backfillOrdersDone: number }>('SELECT "backfillOrdersDone" FROM "IngestionState" WHERE "shopId" = $1', [shop.id])
      .then(({ rows }) => {
        const now = performance.now();
        const done = rows[0]?.backfillOrdersDone ?? 0;
        const rate = ((done - lastDone) / (now - lastAt)) * 1000;
        progress.push({ seconds: round((now - started) / 1000, 1), orders: done, ordersPerSecond: round(rate, 1) });
        console.log(`  ${round((now - started) / 1000, 0)} s: ${done} / ${orders} orders (${round(rate, 0)}/s now), rss ${mb(process.memoryUsage().rss)} MB`);
        lastDone = done;
        lastAt = now;
      })
      .catch(() => undefined);
  }, 15_000);
  console.log("ingesting through runBackfill (assembleOrders -> ZOrderContext -> storeOrderContext)...");
  // --profile <file>: a V8 CPU profile of this phase only (summarize it with bench/lib/cpuprofile-summary.ts).
  const profilePath = stringArg("profile", "");
  const inspector = profilePath ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.start");
  }
  let step: string;
  try {
    step = await withTimeout(runBackfill({ shopDomain: SHOP, client, fetchFile }), timeoutMs, "runBackfill");
  } finally {
    clearInterval(progressTimer);
  }
  if (inspector) {
    const { profile } = await inspector.post("Profiler.stop");
    writeFileSync(profilePath, JSON.stringify(profile));
    inspector.disconnect();
    console.log(`  CPU profile of the app path written to ${profilePath}`);
  }
  const appSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  rss.stop();
  const postgresCpu = await pgCpu.stop();
  const statsAfter = await databaseStats(monitor, database.name);
  if (step !== "imported") throw new Error(`runBackfill returned "${step}", expected "imported"`);

  const count = async (table: string) => Number((await monitor.query<{ count: string }>(`SELECT count(*)::bigint AS count FROM ${quote(table)}`)).rows[0].count);
  const size = async (table: string) => Number((await monitor.query<{ size: string }>("SELECT pg_total_relation_size($1::regclass)::bigint AS size", [quote(table)])).rows[0].size);
  const rows = { Order: await count("Order"), OrderSnapshot: await count("OrderSnapshot"), OrderTimelineEvent: await count("OrderTimelineEvent") };
  const tableMB = { Order: mb(await size("Order")), OrderSnapshot: mb(await size("OrderSnapshot")), OrderTimelineEvent: mb(await size("OrderTimelineEvent")) };
  const state = (await monitor.query<{ backfillStatus: string; backfillOrdersDone: number }>('SELECT "backfillStatus", "backfillOrdersDone" FROM "IngestionState" WHERE "shopId" = $1', [shop.id])).rows[0];
  const rowsWritten = rows.Order + rows.OrderSnapshot + rows.OrderTimelineEvent;

  // ---- 4. baselines ----
  console.log("baseline: the same pipeline without the database (assemble + zod + buildSnapshot)...");
  const cpuOnlyStarted = performance.now();
  let parsedOrders = 0;
  let invalid = 0;
  const baselineDeadline = performance.now() + timeoutMs;
  for await (const { order } of assembleOrders(createReadStream(jsonl))) {
    if (performance.now() > baselineDeadline) throw new Error("the CPU-only baseline did not finish in time");
    const parsed = ZOrderContext.safeParse({ ...order, events: { nodes: [] } });
    if (!parsed.success) {
      invalid++;
      continue;
    }
    buildSnapshot(parsed.data);
    parsedOrders++;
  }
  const cpuOnlySeconds = (performance.now() - cpuOnlyStarted) / 1000;

  console.log(`baseline: multi-row INSERTs of the same rows (batches of ${batch}, one pg client)...`);
  const orderBaseline = await copyWithMultiRowInserts(monitor, "Order", "bench_baseline_order", batch, baselineDeadline);
  const snapshotBaseline = await copyWithMultiRowInserts(monitor, "OrderSnapshot", "bench_baseline_snapshot", batch, baselineDeadline);
  const eventBaseline = await copyWithMultiRowInserts(monitor, "OrderTimelineEvent", "bench_baseline_event", batch, baselineDeadline);
  const allTablesSeconds = orderBaseline.seconds + snapshotBaseline.seconds + eventBaseline.seconds;

  // ---- 5. report ----
  const result = {
    at: new Date().toISOString(),
    machine,
    loadAverageAfter: (await machineInfo()).loadAverage,
    config: { orders, seed, batch, databasePoolMax: Number(process.env.DATABASE_POOL_MAX ?? 10) },
    jsonl: {
      source: "sandbox bulk operation (BULK_ORDERS_QUERY over a lazy store), see bench/README.md",
      lines: generation.objectCount,
      orders: generation.rootObjectCount,
      sizeMB: mb(generation.bytes),
      generateSeconds: generation.seconds,
      generatorPeakRssMB: generation.peakRssMB,
    },
    migrateSeconds,
    app: {
      step,
      seconds: round(appSeconds, 2),
      ordersPerSecond: round(orders / appSeconds, 1),
      msPerOrder: round((appSeconds * 1000) / orders, 3),
      peakRssMB: mb(rss.peakRss),
      rssBeforeMB,
      peakHeapUsedMB: mb(rss.peakHeapUsed),
      nodeCpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
      postgresCpuSeconds: round(postgresCpu.seconds, 1),
      postgresBackends: postgresCpu.backends,
      transactions: statsAfter.commits - statsBefore.commits,
      tuplesInserted: statsAfter.inserted - statsBefore.inserted,
      tuplesUpdated: statsAfter.updated - statsBefore.updated,
      rows,
      rowsWritten,
      tableMB,
      backfillStatus: state?.backfillStatus,
      backfillOrdersDone: state?.backfillOrdersDone,
      progress,
    },
    baselines: {
      cpuOnly: { orders: parsedOrders, invalid, seconds: round(cpuOnlySeconds, 2), ordersPerSecond: round(parsedOrders / cpuOnlySeconds, 1) },
      orderInsert: { ...orderBaseline, seconds: round(orderBaseline.seconds, 2), rowsPerSecond: round(orderBaseline.rows / orderBaseline.seconds, 0) },
      snapshotInsert: { ...snapshotBaseline, seconds: round(snapshotBaseline.seconds, 2) },
      eventInsert: { ...eventBaseline, seconds: round(eventBaseline.seconds, 2) },
      allTablesInsertSeconds: round(allTablesSeconds, 2),
    },
    ratios: {
      appOverOrderInsert: round(appSeconds / orderBaseline.seconds, 1),
      appOverAllTablesInsert: round(appSeconds / allTablesSeconds, 1),
      appOverCpuOnly: round(appSeconds / cpuOnlySeconds, 1),
    },
  };

  printTable(`Backfill: ${orders} orders through runBackfill into PostgreSQL ${machine.postgres}`, [
    ["JSONL (sandbox bulk export)", `${generation.objectCount} lines, ${mb(generation.bytes)} MB, generated in ${generation.seconds} s`],
    ["app path total", `${round(appSeconds, 1)} s`],
    ["app path throughput", `${result.app.ordersPerSecond} orders/s (${result.app.msPerOrder} ms/order)`],
    ["peak RSS (sampled every 100 ms)", `${result.app.peakRssMB} MB (${rssBeforeMB} MB before; heap peak ${result.app.peakHeapUsedMB} MB)`],
    ["rows written", `${rowsWritten} (Order ${rows.Order}, OrderSnapshot ${rows.OrderSnapshot}, OrderTimelineEvent ${rows.OrderTimelineEvent})`],
    ["table sizes", `Order ${tableMB.Order} MB, OrderSnapshot ${tableMB.OrderSnapshot} MB, OrderTimelineEvent ${tableMB.OrderTimelineEvent} MB`],
    ["transactions committed", String(result.app.transactions)],
    ["CPU: node / postgres backends", `${result.app.nodeCpuSeconds} s / ${result.app.postgresCpuSeconds} s (wall ${round(appSeconds, 1)} s)`],
  ]);
  printGrid(
    "Baselines (same data)",
    ["path", "seconds", "rate", "app path / this"],
    [
      ["app path (runBackfill)", round(appSeconds, 1), `${result.app.ordersPerSecond} orders/s`, "1.0"],
      ["CPU only: assemble + zod + buildSnapshot", round(cpuOnlySeconds, 1), `${result.baselines.cpuOnly.ordersPerSecond} orders/s`, String(result.ratios.appOverCpuOnly)],
      [`Order rows, multi-row INSERT x${batch}`, round(orderBaseline.seconds, 1), `${result.baselines.orderInsert.rowsPerSecond} rows/s`, String(result.ratios.appOverOrderInsert)],
      [`all 3 tables, multi-row INSERT x${batch}`, round(allTablesSeconds, 1), `${round(rowsWritten / allTablesSeconds, 0)} rows/s`, String(result.ratios.appOverAllTablesInsert)],
    ],
  );
  const path = saveResult("backfill", result);
  console.log(`\nsaved to ${path}`);
  if (invalid > 0 || rows.Order !== orders) throw new Error(`expected ${orders} stored orders, got ${rows.Order} (${invalid} invalid)`);
}

runBench(main);
