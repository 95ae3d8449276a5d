/**
 * Shared helpers for the benchmarks under bench/ (not part of `npm test`: run them with
 * `npx tsx bench/<name>.ts`). Databases, env, argument parsing, statistics, result files.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = join(BENCH_DIR, "..");
export const RESULTS_DIR = join(BENCH_DIR, "results");
/** Large scratch files (JSONL exports, id lists) live outside the repository. */
export const SCRATCH_DIR = join(tmpdir(), "oac-bench");
export const TSX_CLI = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** The PostgreSQL server the benchmarks create their databases on (trust auth, loopback). */
export const ADMIN_DATABASE_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

// ---------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------

export function hasFlag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export function stringArg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && index + 1 < process.argv.length) return process.argv[index + 1];
  const inline = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : fallback;
}

export function numberArg(name: string, fallback: number, min: number, max: number): number {
  const raw = stringArg(name, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max} (got "${raw}")`);
  return value;
}

// ---------------------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------------------

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE oac_bench_<tag>_<pid> on the real server (empty: migrate it or let boot do it). */
export async function createBenchDatabase(tag: string): Promise<BenchDatabase> {
  const name = `oac_bench_${tag}_${process.pid}`;
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}"`);
  let dropped = false;
  return {
    name,
    url: withDatabase(ADMIN_DATABASE_URL, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** The app's environment (app/env.server.ts reads it at import): set it before importing app code. */
export async function setAppEnv(databaseUrl: string, extra: Record<string, string> = {}): Promise<void> {
  const { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES } = await import("../../sandbox/config");
  const { DEVELOPMENT_ENCRYPTION_KEYS } = await import("../../sandbox/development-keys");
  Object.assign(process.env, {
    SHOPIFY_API_KEY: SANDBOX_API_KEY,
    SHOPIFY_API_SECRET: SANDBOX_API_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1:3999",
    SCOPES: SANDBOX_SCOPES,
    OAC_ENCRYPTION_KEYS: DEVELOPMENT_ENCRYPTION_KEYS,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "silent",
    ...extra,
  });
}

// ---------------------------------------------------------------------------------------
// Cleanup: everything a benchmark starts is registered here and undone on exit or Ctrl+C.
// ---------------------------------------------------------------------------------------

const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | null = null;

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        // A step that hangs (a pool stuck on a connection) must not keep the rest from running.
        await withTimeout(Promise.resolve().then(fn), 15_000, "a cleanup step");
      } catch (error) {
        console.error(`cleanup failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/** Runs a benchmark's main with cleanup on success, failure, SIGINT and SIGTERM. */
export function runBench(main: () => Promise<void>): void {
  const stop = (signal: string) => {
    console.error(`\n${signal}: cleaning up...`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  main()
    .then(async () => {
      await runCleanups();
      process.exit(0);
    })
    .catch(async (error: Error) => {
      console.error(error.stack ?? error.message);
      await runCleanups();
      process.exit(1);
    });
}

/** Spawns `tsx <file> ...args` (a benchmark's helper mode) and registers it for cleanup. */
export function spawnTsx(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, [TSX_CLI, file, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });
  return child;
}

/** Collects a child's stdout and resolves with it when it exits 0. */
export function childOutput(child: ChildProcess, onLine?: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    let pending = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine?.(line);
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => (code === 0 ? resolve(output) : reject(new Error(`child exited with ${code ?? signal}`))));
  });
}

// ---------------------------------------------------------------------------------------
// Machine, statistics, tables, results
// ---------------------------------------------------------------------------------------

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  postgres: string;
  loadAverage: number[];
  platform: string;
}

export async function machineInfo(databaseUrl = ADMIN_DATABASE_URL): Promise<MachineInfo> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
  await client.end();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    postgres: rows[0]?.server_version ?? "unknown",
    loadAverage: loadavg().map((value) => round(value, 2)),
    platform: `${process.platform} ${process.arch}`,
  };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function printTable(title: string, rows: Array<[string, string | number]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}`);
  console.log(`${"-".repeat(width + 2)}+${"-".repeat(24)}`);
  for (const [label, value] of rows) console.log(` ${label.padEnd(width)} | ${value}`);
}

export function printGrid(title: string, headers: string[], rows: Array<Array<string | number>>): void {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) => ` ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(" | ")}`;
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(` ${widths.map((width) => "-".repeat(width)).join("-+-")}`);
  for (const row of cells.slice(1)) console.log(line(row));
}

/** Appends a run to bench/results/<name>.json ({ benchmark, latest, runs[] }, last 20 runs kept). */
export function saveResult(name: string, run: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  let runs: unknown[] = [];
  if (existsSync(path)) {
    try {
      const previous = JSON.parse(readFileSync(path, "utf8")) as { runs?: unknown[] };
      runs = Array.isArray(previous.runs) ? previous.runs : [];
    } catch {
      runs = [];
    }
  }
  runs.push(run);
  runs = runs.slice(-20);
  writeFileSync(path, `${JSON.stringify({ benchmark: name, latest: run, runs }, null, 2)}\n`);
  return path;
}

/** Samples the process RSS (and heap) every `intervalMs`, keeping the peaks. */
export class RssSampler {
  peakRss = 0;
  peakHeapUsed = 0;
  private timer: NodeJS.Timeout | null = null;

  start(intervalMs = 100): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): void {
    const usage = process.memoryUsage();
    if (usage.rss > this.peakRss) this.peakRss = usage.rss;
    if (usage.heapUsed > this.peakHeapUsed) this.peakHeapUsed = usage.heapUsed;
  }

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export const mb = (bytes: number) => round(bytes / 1e6, 1);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects after `ms` (the bound every benchmark phase runs under). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function ensureScratchDir(): string {
  mkdirSync(SCRATCH_DIR, { recursive: true });
  return SCRATCH_DIR;
}
