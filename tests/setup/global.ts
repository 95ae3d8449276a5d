/**
 * Once per test run: a migrated template database (migrated by the real `prisma migrate
 * deploy`, pg-boss's schema and the app role's grants, as the owner: server/migrate.ts), from
 * which every test file gets its own isolated copy (tests/setup/database.ts). The app role is
 * cluster-wide on a real server, and several runs may share one: its creation is race-safe.
 *   - TEST_DATABASE_URL or DATABASE_URL set: a real PostgreSQL; copies are CREATE DATABASE ... TEMPLATE.
 *   - otherwise: embedded PGlite; copies load the template's data directory dump.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../server/embedded-postgres";
import { migrateDeploy } from "../../server/migrate";
import { ROOT } from "../../server/paths";

export type TestDatabaseConfig =
  | { mode: "server"; adminUrl: string; template: string }
  | { mode: "pglite"; dumpPath: string };

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: TestDatabaseConfig;
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (serverUrl) {
    const template = `oac_test_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${template}"`);
    await admin.query(`CREATE DATABASE "${template}"`);
    await admin.end();
    await migrateDeploy(withDatabase(serverUrl, template));
    project.provide("testDatabase", { mode: "server", adminUrl: serverUrl, template });
    return async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      await client.end();
    };
  }

  const embedded = await startEmbeddedPostgres();
  try {
    await migrateDeploy(embedded.url);
    const dump = await embedded.db.dumpDataDir("none");
    const dir = join(ROOT, "node_modules", ".cache", "oac-tests");
    mkdirSync(dir, { recursive: true });
    const dumpPath = join(dir, `template-${process.pid}.tar`);
    writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
    project.provide("testDatabase", { mode: "pglite", dumpPath });
  } finally {
    await embedded.stop();
  }
  return undefined;
}
