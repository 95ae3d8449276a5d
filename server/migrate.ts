/**
 * Migrates a database as its owner (docs/decisions/0015): `prisma migrate deploy` on the JS
 * schema engine (the offline path, docs/decisions/0002), pg-boss's own schema and our queues,
 * then the app role and its grants. Used by `npm run setup`, the servers on boot and the test
 * harness, so every database is migrated by the same real commands. The app itself never
 * migrates: it runs as a role that could not.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import PgBoss from "pg-boss";
import { QUEUES } from "../app/jobs/queues";
import { APP_ROLE, JOB_SCHEMA, applyGrants, ensureRole, withClient } from "./db-roles";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface MigrateOptions {
  /** The role the app connects as; created (NOLOGIN) when missing. Default oac_app. */
  appRole?: string;
}

export async function migrateDeploy(ownerUrl: string, { appRole = APP_ROLE }: MigrateOptions = {}): Promise<void> {
  await withClient(ownerUrl, (client) => ensureRole(client, appRole)).catch((error: Error) => {
    throw new Error(`the app role "${appRole}" could not be created: ${error.message}`);
  });
  await prismaMigrateDeploy(ownerUrl);
  await migrateJobSchema(ownerUrl);
  await applyGrants(ownerUrl, appRole);
}

/**
 * pg-boss creates and migrates its schema on start, and creates a table per queue: DDL that the
 * app role may not run. So the owner does it here, and the app's pg-boss starts with
 * `migrate: false` (app/jobs/boss.server.ts).
 */
async function migrateJobSchema(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: ownerUrl, schema: JOB_SCHEMA, max: 1, migrate: true, supervise: false, schedule: false });
  let failure: Error | null = null;
  boss.on("error", (error) => (failure ??= error));
  try {
    await boss.start();
    for (const queue of Object.values(QUEUES)) await boss.createQueue(queue.name, { name: queue.name, ...queue.options });
  } catch (error) {
    failure ??= error as Error;
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  }
  if (failure) throw new Error(`pg-boss schema migration failed: ${(failure as Error).message}`);
}

async function prismaMigrateDeploy(databaseUrl: string): Promise<void> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
      cwd: root,
      // prisma.config.ts prefers DATABASE_MIGRATION_URL: both name the database migrated here.
      env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_MIGRATION_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    const text = output.join("").trim();
    const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
    // The CLI prints a banner and a WASM backtrace; the line that says what went wrong is the
    // first one mentioning an error.
    const reason = lines.find((line) => /error|failed|P\d{4}/i.test(line) && !/^at /.test(line)) ?? lines.pop() ?? "no output";
    throw new Error(`prisma migrate deploy failed (exit ${code}): ${reason}`);
  }
}
