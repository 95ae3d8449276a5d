/**
 * Creates a new migration from the change to prisma/schema.prisma, without `prisma migrate dev`
 * (unreliable with the pg driver adapter: it uses the main database as its shadow, see
 * docs/decisions/0002). It migrates a throwaway in-memory database to the current history,
 * diffs it against the schema, and writes prisma/migrations/<timestamp>_<name>/migration.sql.
 *
 *   npm run db:migration -- add_audit_log
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { migrateDeploy } from "../server/migrate";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name in snake_case>");
  process.exit(2);
}

function run(args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "scripts", "prisma.mjs"), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`prisma ${args[0]} exited ${code}`))));
  });
}

const pg = await startEmbeddedPostgres();
try {
  await migrateDeploy(pg.url);
  const sql = await run(
    ["migrate", "diff", "--from-schema-datasource", "prisma/schema.prisma", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    pg.url,
  );
  if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
    console.log("schema.prisma matches the migrations: nothing to write");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(root, "prisma", "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    console.log(`wrote ${dir}/migration.sql`);
  }
} finally {
  await pg.stop();
}
