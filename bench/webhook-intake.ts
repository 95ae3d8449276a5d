/**
 * Webhook intake benchmark: signed orders/updated deliveries at a fixed rate against the real
 * app (Remix build + Express + pg-boss worker) on real PostgreSQL, next to the same load on two
 * bare routes, then an audit of the inbox: every delivery acknowledged with 200 must be stored
 * exactly once.
 *
 *   npx remix build        # once: the app runs from build/
 *   npx tsx bench/webhook-intake.ts [--rate 200] [--duration 60] [--orders 250] [--drain 30] [--skip-baselines]
 *
 * --rate takes a comma-separated list (e.g. 100,300): each rate runs for --duration seconds.
 * The app is started with scripts/smoke-sandbox.ts's startSandboxProcess (the `npm run sandbox`
 * launcher: sandbox + boot) with DATABASE_URL pointing at a fresh database on the real server,
 * and installed on the demo shop by opening the sandbox admin URL (token exchange, backfill).
 * The load comes from bench/lib/loadgen.ts in its own process.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import pg from "pg";
import { BROWSER_USER_AGENT, startSandboxProcess } from "../scripts/smoke-sandbox";
import { BUILD_PATH } from "../server/paths";
import { SANDBOX_API_SECRET, SANDBOX_SHOP, SANDBOX_SHOP_NAME } from "../sandbox/config";
import { SandboxStore } from "../sandbox/store/store";
import { orderPayload } from "../sandbox/webhook-payloads";
import {
  BENCH_DIR,
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
  sleep,
  spawnTsx,
  stringArg,
} from "./lib/common";
import type { LoadConfig, LoadResult } from "./lib/loadgen";
import { PgCpuSampler, ticksPerSecond } from "./lib/pg-cpu";
import { findPidsByEnv, rssOf, ticksOf } from "./lib/proc";

const TOPIC = "orders/updated";
const SEED = 42;

interface TargetRun {
  target: string;
  description: string;
  result: LoadResult;
  appCpuSeconds: number | null;
  postgresCpuSeconds: number | null;
}

async function main(): Promise<void> {
  const rates = stringArg("rate", "200")
    .split(",")
    .map((value) => Number(value.trim()));
  if (rates.some((rate) => !Number.isFinite(rate) || rate < 1 || rate > 5000)) throw new Error("--rate must be numbers from 1 to 5000");
  const durationSeconds = numberArg("duration", 60, 1, 600);
  const orderPool = numberArg("orders", 250, 1, 5000);
  const drainSeconds = numberArg("drain", 30, 0, 600);
  const timeoutMs = numberArg("timeout-ms", 10_000, 100, 60_000);
  const maxSockets = numberArg("max-sockets", 256, 1, 4096);
  const skipBaselines = hasFlag("skip-baselines");
  if (!existsSync(BUILD_PATH)) throw new Error(`no app build at ${BUILD_PATH}: run "npx remix build" first`);

  const machine = await machineInfo();
  console.log(`webhook intake benchmark: ${rates.join(", ")} req/s for ${durationSeconds} s each; ${machine.cpus} CPUs, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.loadAverage.join(" ")}`);

  // ---- the app, on a fresh database on the real server ----
  const database = await createBenchDatabase("webhooks");
  onCleanup(() => database.drop());
  console.log(`starting the app + sandbox (startSandboxProcess, build: false) on ${database.name}...`);
  const bootStarted = performance.now();
  const app = await startSandboxProcess({
    build: false,
    timeoutMs: 180_000,
    // startSandboxProcess drops DATABASE_URL to use the embedded database; its env option wins.
    env: { DATABASE_URL: database.url, LOG_LEVEL: "warn", SANDBOX_ORDERS: String(orderPool), SANDBOX_SEED: String(SEED), SANDBOX_BULK_DELAY_MS: "0" },
  });
  onCleanup(() => app.stop());
  const bootSeconds = round((performance.now() - bootStarted) / 1000, 1);
  const banner = app.output();
  if (!/Database:\s+DATABASE_URL/.test(banner)) throw new Error(`the app did not use DATABASE_URL:\n${banner}`);
  const appUrl = /App:\s+(\S+)/.exec(banner)?.[1];
  if (!appUrl) throw new Error(`no app URL in the launcher output:\n${banner}`);
  const appPort = new URL(appUrl).port;
  const appPids = findPidsByEnv("sandbox/cli.ts", "PORT", appPort);
  console.log(`  app at ${appUrl} (pids ${appPids.join(", ") || "not found"}), booted in ${bootSeconds} s`);

  // Install on the demo shop like a merchant: open the app from the admin (token exchange).
  const opened = await fetch(app.openUrl, { redirect: "follow", headers: { "User-Agent": BROWSER_USER_AGENT } });
  const html = await opened.text();
  if (opened.status !== 200 || !html.includes(SANDBOX_SHOP_NAME)) throw new Error(`installing through ${app.openUrl} answered ${opened.status}`);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  onCleanup(() => db.end().catch(() => undefined));
  const backfillStarted = performance.now();
  for (let attempt = 0; attempt < 240; attempt++) {
    const { rows } = await db.query<{ backfillStatus: string }>('SELECT s."backfillStatus" FROM "IngestionState" s JOIN "Shop" p ON p.id = s."shopId" WHERE p.domain = $1', [SANDBOX_SHOP]);
    if (rows[0]?.backfillStatus === "completed") break;
    if (attempt === 239) throw new Error(`the install backfill did not complete (status ${rows[0]?.backfillStatus ?? "none"})`);
    await sleep(500);
  }
  const ordersStored = Number((await db.query<{ count: string }>('SELECT count(*) AS count FROM "Order"')).rows[0].count);
  console.log(`  installed; backfill of ${ordersStored} orders done in ${round((performance.now() - backfillStarted) / 1000, 1)} s`);

  // ---- payloads: the sandbox's own orders/updated payloads for the shop's orders ----
  const store = new SandboxStore();
  store.seedShop({ domain: SANDBOX_SHOP, name: SANDBOX_SHOP_NAME, orderCount: orderPool, seed: SEED, now: new Date() });
  const bodies = store.orders(SANDBOX_SHOP).map((order) => JSON.stringify(orderPayload(store, SANDBOX_SHOP, order)));
  const averageBody = Math.round(bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / bodies.length);
  console.log(`  ${bodies.length} distinct ${TOPIC} payloads, ${averageBody} bytes on average`);

  // ---- a bare Node server: reads the body, answers 200 ----
  const bare = http.createServer((req, res) => {
    req.resume();
    req.once("end", () => {
      res.writeHead(200, { "Content-Length": "0" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  onCleanup(() => new Promise<void>((resolve) => bare.close(() => resolve())));
  bare.keepAliveTimeout = 5000;
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

  const scratch = ensureScratchDir();
  const runTag = `bench-${process.pid}-${Date.now().toString(36)}`;
  const tick = ticksPerSecond();

  const runTarget = async (target: string, description: string, config: Omit<LoadConfig, "rate" | "durationSeconds" | "timeoutMs" | "maxSockets" | "shop" | "topic" | "secret" | "ackedPath">, rate: number): Promise<TargetRun> => {
    const ackedPath = join(scratch, `${runTag}-${target}-${rate}-acked.json`);
    const configPath = join(scratch, `${runTag}-${target}-${rate}.json`);
    const full: LoadConfig = { ...config, rate, durationSeconds, timeoutMs, maxSockets, shop: SANDBOX_SHOP, topic: TOPIC, secret: SANDBOX_API_SECRET, ackedPath };
    writeFileSync(configPath, JSON.stringify(full));
    onCleanup(() => {
      rmSync(configPath, { force: true });
      rmSync(ackedPath, { force: true });
    });
    console.log(`\n${target} @ ${rate}/s for ${durationSeconds} s: ${description}`);
    const pgCpu = await new PgCpuSampler(database.url, database.name).start();
    const appTicksBefore = appPids.length ? ticksOf(appPids) : 0;
    const child = spawnTsx(join(BENCH_DIR, "lib", "loadgen.ts"), [configPath]);
    const output = await childOutput(child);
    const appTicks = appPids.length ? ticksOf(appPids) - appTicksBefore : null;
    const postgres = await pgCpu.stop();
    const line = output.split("\n").find((candidate) => candidate.startsWith("RESULT "));
    if (!line) throw new Error(`the load generator printed no result:\n${output}`);
    const result = JSON.parse(line.slice("RESULT ".length)) as LoadResult;
    console.log(`  ${result.completed}/${result.sent} answered, statuses ${JSON.stringify(result.statuses)}, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`);
    return { target, description, result, appCpuSeconds: appTicks === null ? null : round(appTicks / tick, 1), postgresCpuSeconds: round(postgres.seconds, 1) };
  };

  const runs: TargetRun[] = [];
  const audits: Array<Record<string, unknown>> = [];
  for (const rate of rates) {
    if (!skipBaselines) {
      runs.push(await runTarget("bare-node", "node:http server in the bench process: read the body, answer 200 (same signed body)", { url: bareUrl, method: "POST", kind: "webhook", bodies, idPrefix: `${runTag}-bare-${rate}` }, rate));
      await sleep(2000);
      runs.push(await runTarget("app-favicon", "GET /favicon.ico on the app: Express redirect, no Remix, no database", { url: `${appUrl}/favicon.ico`, method: "GET", kind: "plain", bodies: [], idPrefix: "" }, rate));
      await sleep(2000);
    }
    const idPrefix = `${runTag}-wh-${rate}`;
    const webhookRun = await runTarget(
      "app-webhook",
      `POST /webhooks/shopify ${TOPIC}: HMAC check, WebhookDelivery insert, pg-boss enqueue, 200`,
      { url: `${appUrl}/webhooks/shopify`, method: "POST", kind: "webhook", bodies, idPrefix },
      rate,
    );
    runs.push(webhookRun);

    // ---- the audit: acknowledged vs stored ----
    const acked = new Set((JSON.parse(readFileSync(join(scratch, `${runTag}-app-webhook-${rate}-acked.json`), "utf8")) as number[]).map((i) => `${idPrefix}-${i}`));
    const stored = await db.query<{ webhookId: string; copies: string }>(
      'SELECT "webhookId", count(*) AS copies FROM "WebhookDelivery" WHERE "shopDomain" = $1 AND "webhookId" LIKE $2 GROUP BY "webhookId"',
      [SANDBOX_SHOP, `${idPrefix}-%`],
    );
    const storedIds = new Set(stored.rows.map((row) => row.webhookId));
    const rows = stored.rows.reduce((sum, row) => sum + Number(row.copies), 0);
    let lost = 0;
    for (const id of acked) if (!storedIds.has(id)) lost++;
    let storedNotAcked = 0;
    for (const id of storedIds) if (!acked.has(id)) storedNotAcked++;
    const statusCounts = async () =>
      Object.fromEntries(
        (await db.query<{ status: string; count: string }>('SELECT status, count(*) AS count FROM "WebhookDelivery" WHERE "webhookId" LIKE $1 GROUP BY status', [`${idPrefix}-%`])).rows.map((row) => [row.status, Number(row.count)]),
      );
    const jobCounts = async () =>
      Object.fromEntries(
        (await db.query<{ key: string; count: string }>("SELECT name || ':' || state AS key, count(*) AS count FROM pgboss.job GROUP BY 1 ORDER BY 1").catch(() => ({ rows: [] }))).rows.map((row) => [row.key, Number(row.count)]),
      );
    const afterLoad = { deliveries: await statusCounts(), jobs: await jobCounts() };
    let afterDrain: typeof afterLoad | null = null;
    if (drainSeconds > 0) {
      console.log(`  watching the webhook.process backlog for ${drainSeconds} s...`);
      await sleep(drainSeconds * 1000);
      afterDrain = { deliveries: await statusCounts(), jobs: await jobCounts() };
    }
    const audit = {
      rate,
      sent: webhookRun.result.sent,
      acked200: acked.size,
      rows,
      uniqueIds: storedIds.size,
      lost,
      duplicated: rows - storedIds.size,
      storedNotAcked,
      afterLoad,
      afterDrain,
      drainSeconds,
      appRssMB: appPids.length ? mb(Math.max(...appPids.map(rssOf))) : null,
    };
    audits.push(audit);
    console.log(`  audit: acked ${acked.size}, rows ${rows}, unique ${storedIds.size}, lost ${lost}, duplicated ${audit.duplicated}, stored-not-acked ${storedNotAcked}`);
  }

  // ---- report ----
  const result = {
    at: new Date().toISOString(),
    machine,
    loadAverageAfter: (await machineInfo()).loadAverage,
    config: { rates, durationSeconds, orderPool, drainSeconds, timeoutMs, maxSockets, topic: TOPIC, averageBodyBytes: averageBody, appDatabase: "real PostgreSQL (DATABASE_URL)", databasePoolMax: 10 },
    bootSeconds,
    runs,
    audits,
  };
  printGrid(
    "Acknowledgement latency (ms, from send) and throughput",
    ["target", "rate/s", "sent", "non-2xx/3xx", "acks/s", "p50", "p90", "p99", "max", "p99 sched", "app CPU s", "pg CPU s"],
    runs.map((run) => {
      const okCount = Object.entries(run.result.statuses).filter(([code]) => /^[23]\d\d$/.test(code)).reduce((sum, [, count]) => sum + count, 0);
      return [
        run.target,
        run.result.offeredRate,
        run.result.sent,
        run.result.sent - okCount,
        run.result.throughput,
        run.result.latencyMs.p50,
        run.result.latencyMs.p90,
        run.result.latencyMs.p99,
        run.result.latencyMs.max,
        run.result.latencyFromScheduleMs.p99,
        run.appCpuSeconds ?? "?",
        run.postgresCpuSeconds ?? "?",
      ];
    }),
  );
  for (const audit of audits) {
    printTable(`Inbox audit @ ${String(audit.rate)}/s`, [
      ["sent / acknowledged 200", `${String(audit.sent)} / ${String(audit.acked200)}`],
      ["WebhookDelivery rows / unique ids", `${String(audit.rows)} / ${String(audit.uniqueIds)}`],
      ["lost (acked, not stored)", String(audit.lost)],
      ["duplicated (rows - unique ids)", String(audit.duplicated)],
      ["stored but not acked", String(audit.storedNotAcked)],
      ["delivery status right after the load", JSON.stringify(audit.afterLoad && (audit.afterLoad as { deliveries: unknown }).deliveries)],
      [`delivery status ${String(audit.drainSeconds)} s later`, JSON.stringify(audit.afterDrain && (audit.afterDrain as { deliveries: unknown }).deliveries)],
    ]);
  }
  const path = saveResult("webhook-intake", result);
  console.log(`\nsaved to ${path}`);
  if (audits.some((audit) => audit.lost !== 0 || audit.duplicated !== 0)) throw new Error("the inbox lost or duplicated deliveries");
}

runBench(main);
