/**
 * Every test file gets its own database, a copy of the migrated template (tests/setup/global.ts),
 * so files run in parallel without seeing each other's rows. As in development, the app
 * connects as the least-privileged oac_app role (DATABASE_URL, `-c role=oac_app`); the owner's
 * URL is DATABASE_MIGRATION_URL (tests/setup/owner-db.ts), as in production (docs/decisions/0015).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { APP_ROLE, withRole } from "../../server/db-roles";
import { startEmbeddedPostgres } from "../../server/embedded-postgres";
import { withDatabase } from "./global";

const config = inject("testDatabase");
let cleanup: () => Promise<void>;

if (config.mode === "server") {
  const name = `oac_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: config.adminUrl });
  await admin.connect();
  // Two files copying the template at the same instant can collide ("being accessed by other
  // users"); a short retry absorbs it.
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${config.template}"`);
      break;
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  await admin.end();
  connectTestDatabase(withDatabase(config.adminUrl, name));
  process.env.DATABASE_POOL_MAX = "5";
  cleanup = async () => {
    const client = new pg.Client({ connectionString: config.adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  };
} else {
  const embedded = await startEmbeddedPostgres({ loadDataDir: new Blob([readFileSync(config.dumpPath)]) });
  connectTestDatabase(embedded.url);
  process.env.DATABASE_POOL_MAX = "1";
  cleanup = () => embedded.stop();
}

function connectTestDatabase(ownerUrl: string): void {
  process.env.DATABASE_MIGRATION_URL = ownerUrl;
  process.env.DATABASE_URL = withRole(ownerUrl, APP_ROLE);
}

afterAll(async () => {
  // Close the app's pool (if a test loaded it) before the database goes away.
  const { default: prisma } = await import("../../app/db.server");
  await prisma.$disconnect();
  await cleanup();
});
