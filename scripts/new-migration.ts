/**
 * Creates a new migration from the change to prisma/schema.prisma, without `prisma migrate dev`
 * (unreliable with the pg driver adapter: it uses the main database as its shadow, see
 * docs/decisions/0002). Each migration folder keeps the schema.prisma it was made from; the
 * new migration is the diff from the latest snapshot to prisma/schema.prisma
 * (`--from-schema-datasource` is refused when an adapter is configured, and `db pull` crashes
 * in the WASM engine). It writes prisma/migrations/<timestamp>_<name>/{migration.sql,schema.prisma}.
 * The CLI wants a datasource even for a datamodel diff: a throwaway in-memory database serves.
 *
 *   npm run db:migration -- add_audit_log
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "../server/embedded-postgres";

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
  const migrations = join(root, "prisma", "migrations");
  const latest = readdirSync(migrations).filter((entry) => /^\d{14}_/.test(entry)).sort().pop();
  const snapshot = latest ? join(migrations, latest, "schema.prisma") : undefined;
  if (snapshot && !existsSync(snapshot)) throw new Error(`${snapshot} is missing: cannot tell what the migrations already contain`);
  const from = snapshot ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
  const sql = await run(["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"], pg.url);
  if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
    console.log("schema.prisma matches the migrations: nothing to write");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(root, "prisma", "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    copyFileSync(join(root, "prisma", "schema.prisma"), join(dir, "schema.prisma"));
    console.log(`wrote ${dir}/migration.sql`);
  }
} finally {
  await pg.stop();
}
