/**
 * The database roles (docs/decisions/0015): the app connects as a role that owns nothing and
 * holds only its grants, so not even the app can disable the audit log's trigger, rewrite or
 * delete audit rows, or drop and truncate tables; migrations run as the owner. Same checks on
 * real PostgreSQL and on the embedded PGlite (its server gives each connection the role its
 * startup message names, server/pglite-server.ts).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { stopBoss } from "../../app/jobs/boss.server";
import { startWorker } from "../../app/jobs/worker.server";
import { loader as homeLoader } from "../../app/routes/app._index";
import { action as webhookAction } from "../../app/routes/webhooks.$";
import { prepareRoles } from "../../server/boot";
import { freePort } from "../../server/embedded-postgres";
import { ROOT } from "../../server/paths";
import { APP_ROLE, JOB_SCHEMA, ensureRole, expectedMigrations, pendingMigrations, withClient, withRole } from "../../server/db-roles";
import { SHOP_A, startTestSandbox } from "../helpers/sandbox";
import { adminDocumentRequest, call, webhookRequest } from "../helpers/shopify";
import { ownerQuery } from "../setup/owner-db";
import { DEVELOPMENT_ENCRYPTION_KEYS } from "../../sandbox/development-keys";

const sandbox = await startTestSandbox();
const ownerUrl = process.env.DATABASE_MIGRATION_URL!;
const appUrl = process.env.DATABASE_URL!;
const REFUSED = /must be owner|must be superuser|permission denied/;

async function auditRows() {
  return ownerQuery(`SELECT * FROM "AuditLog" ORDER BY id`);
}

async function triggersEnabled() {
  return ownerQuery<{ tgname: string; tgenabled: string }>(
    `SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = '"AuditLog"'::regclass AND NOT tgisinternal ORDER BY tgname`,
  );
}

/** What one connection may do to the audit log and the other tables: each statement refused, nothing changed. */
const ATTACKS: Array<[string, string]> = [
  ["disable the audit log's triggers", `ALTER TABLE "AuditLog" DISABLE TRIGGER ALL`],
  ["disable the row trigger by name", `ALTER TABLE "AuditLog" DISABLE TRIGGER "AuditLog_append_only_rows"`],
  ["drop the trigger", `DROP TRIGGER "AuditLog_append_only_rows" ON "AuditLog"`],
  ["replace the trigger's function", `CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`],
  ["take the table over", `ALTER TABLE "AuditLog" OWNER TO CURRENT_USER`],
  ["update audit rows", `UPDATE "AuditLog" SET "action" = 'tampered'`],
  ["delete audit rows", `DELETE FROM "AuditLog"`],
  ["delete audit rows with the purge switch", `BEGIN; SET LOCAL oac.audit_purge = 'on'; DELETE FROM "AuditLog"; COMMIT`],
  ["truncate the audit log", `TRUNCATE "AuditLog"`],
  ["drop the audit log", `DROP TABLE "AuditLog"`],
  ["truncate another table", `TRUNCATE "Order" CASCADE`],
  ["drop another table", `DROP TABLE "Ticket" CASCADE`],
  ["create a table", `CREATE TABLE oac_probe (id int)`],
  ["truncate pg-boss's jobs", `TRUNCATE ${JOB_SCHEMA}.job`],
  ["drop pg-boss's schema", `DROP SCHEMA ${JOB_SCHEMA} CASCADE`],
  ["make itself a superuser", `ALTER ROLE CURRENT_USER SUPERUSER`],
];

async function expectRefusedAndUnchanged(run: (sql: string) => Promise<unknown>, sql: string) {
  const before = await auditRows();
  await expect(run(sql)).rejects.toThrow(REFUSED);
  expect(await auditRows()).toEqual(before);
  expect(await triggersEnabled()).toEqual([
    { tgname: "AuditLog_append_only_rows", tgenabled: "O" },
    { tgname: "AuditLog_append_only_truncate", tgenabled: "O" },
  ]);
}

let shopId: string;

beforeAll(async () => {
  // A real install through the Home loader: its audit rows are written by the app's role.
  const installed = await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
  expect(installed.status).toBe(200);
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  expect(await prisma.auditLog.count({ where: { shopId } })).toBeGreaterThan(0);
});

describe("the role the app connects as", () => {
  it("is oac_app: no superuser, owns nothing, not a member of the owner", async () => {
    const [who] = await prisma.$queryRaw<Array<{ user: string; superuser: boolean; createrole: boolean; owns: bigint; ownerMember: boolean }>>`
      SELECT current_user AS "user", r.rolsuper AS superuser, r.rolcreaterole AS createrole,
        (SELECT count(*) FROM pg_class WHERE relowner = r.oid) AS owns,
        pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = '"AuditLog"'::regclass), 'MEMBER') AS "ownerMember"
      FROM pg_roles r WHERE r.rolname = current_user`;
    expect(who).toEqual({ user: APP_ROLE, superuser: false, createrole: false, owns: 0n, ownerMember: false });
    // The owner is whoever migrated: it owns every table of both schemas.
    const owners = await ownerQuery<{ owner: string }>(
      `SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname IN ('public', '${JOB_SCHEMA}')`,
    );
    expect(owners).toEqual([{ owner: (await ownerQuery<{ user: string }>(`SELECT current_user AS "user"`))[0]!.user }]);
  });

  it("holds only SELECT and INSERT on the audit log, and never TRUNCATE, REFERENCES or TRIGGER anywhere", async () => {
    const rows = await ownerQuery<{ table: string; privilege: string; granted: boolean }>(
      `SELECT c.oid::regclass::text AS "table", p.privilege, has_table_privilege($1, c.oid, p.privilege) AS granted
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) AS p(privilege)
       WHERE n.nspname IN ('public', '${JOB_SCHEMA}') AND c.relkind IN ('r', 'p')`,
      [APP_ROLE],
    );
    const granted = (table: string) => rows.filter((row) => row.table === table && row.granted).map((row) => row.privilege).sort();
    expect(granted(`"AuditLog"`)).toEqual(["INSERT", "SELECT"]);
    expect(granted("_prisma_migrations")).toEqual(["SELECT"]);
    expect(granted(`"Order"`)).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
    expect(granted(`${JOB_SCHEMA}.job`)).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
    expect(rows.filter((row) => row.granted && ["TRUNCATE", "REFERENCES", "TRIGGER"].includes(row.privilege))).toEqual([]);
    expect(rows.length).toBeGreaterThan(7 * 30);
  });

  it.each(ATTACKS)("may not %s", async (_name, sql) => {
    await expectRefusedAndUnchanged((statement) => prisma.$executeRawUnsafe(statement), sql);
  });

  it("the owner itself is held by the trigger (UPDATE, DELETE and TRUNCATE of audit rows)", async () => {
    for (const sql of [`UPDATE "AuditLog" SET "action" = 'tampered'`, `DELETE FROM "AuditLog"`, `TRUNCATE "AuditLog"`]) {
      const before = await auditRows();
      await expect(ownerQuery(sql)).rejects.toThrow(/append-only/);
      expect(await auditRows()).toEqual(before);
    }
  });

  it("tables and queues created after the grants are granted too (default privileges)", async () => {
    const table = `oac_later_${randomBytes(3).toString("hex")}`;
    await ownerQuery(`CREATE TABLE "${table}" (id int)`);
    const queue = `later.${randomBytes(3).toString("hex")}`;
    const boss = new PgBoss({ connectionString: ownerUrl, schema: JOB_SCHEMA, max: 1, migrate: false, supervise: false, schedule: false });
    try {
      await boss.start();
      await boss.createQueue(queue, { name: queue });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    try {
      await prisma.$executeRawUnsafe(`INSERT INTO "${table}" VALUES (1)`);
      expect(await prisma.$queryRawUnsafe(`SELECT id FROM "${table}"`)).toEqual([{ id: 1 }]);
      // The app's own pg-boss (its role, no DDL) sends to and fetches from the new queue's table.
      const app = new PgBoss({ connectionString: appUrl, schema: JOB_SCHEMA, max: 1, migrate: false, supervise: false, schedule: false });
      try {
        await app.start();
        const id = await app.send(queue, { probe: true });
        expect(id).toBeTruthy();
        expect((await app.fetch(queue))?.[0]?.id).toBe(id);
      } finally {
        await app.stop({ graceful: false, wait: true });
      }
    } finally {
      await ownerQuery(`DROP TABLE "${table}"`);
      await ownerQuery(`DELETE FROM ${JOB_SCHEMA}.job WHERE name = $1`, [queue]);
      await ownerQuery(`SELECT ${JOB_SCHEMA}.delete_queue($1)`, [queue]);
    }
  });
});

describe("the app still works as its role", () => {
  afterAll(() => stopBoss());

  it("a signed webhook is stored, its pg-boss job processed, the order ingested; audit rows were written", async () => {
    await startWorker();
    const gid = sandbox.store.orders(SHOP_A)[0]!.id as string;
    const payload = { id: Number(gid.split("/").pop()), admin_graphql_api_id: gid, name: "#x", updated_at: new Date().toISOString() };
    const delivered = await call(() =>
      webhookAction({ request: webhookRequest("/webhooks/shopify", { topic: "orders/updated", shop: SHOP_A, payload, webhookId: "role-wh-1" }), params: { "*": "shopify" }, context: {} }),
    );
    expect(delivered.status).toBe(200);
    // The delivery's job enqueues the order's re-fetch (a second queue), which ingests it.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: "role-wh-1" } });
      const orders = await prisma.order.count({ where: { shopifyId: gid } });
      const jobs = await prisma.$queryRawUnsafe<Array<{ state: string }>>(`SELECT state::text FROM ${JOB_SCHEMA}.job WHERE name = 'webhook.process'`);
      if (delivery.status === "processed" && orders === 1 && jobs.some((job) => job.state === "completed")) break;
      if (Date.now() > deadline) throw new Error(`the delivery is ${delivery.status}, ${orders} order rows, jobs ${jobs.map((job) => job.state)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [who] = await prisma.$queryRaw<Array<{ user: string }>>`SELECT current_user AS "user"`;
    expect(who!.user).toBe(APP_ROLE);
  });
});

describe("production: DATABASE_URL is the app's own login role, DATABASE_MIGRATION_URL the owner", () => {
  const login = `oac_login_${randomBytes(4).toString("hex")}`;
  let loginUrl: string;

  beforeAll(async () => {
    // What the operator runs once (README, Production); the boot grants it.
    await ownerQuery(`CREATE ROLE ${login} LOGIN`);
    const url = new URL(ownerUrl);
    url.username = login;
    url.password = "";
    url.searchParams.delete("options");
    loginUrl = url.toString();
  });

  afterAll(async () => {
    // Roles are cluster-wide on a real server: leave none behind.
    await ownerQuery(`DROP OWNED BY ${login}`);
    await ownerQuery(`DROP ROLE ${login}`);
  });

  // Each boot below runs the real migrations (prisma migrate deploy takes seconds).
  it("the boot migrates as the owner, grants the login role, and serves with it", { timeout: 120_000 }, async () => {
    expect(await prepareRoles({ databaseUrl: loginUrl, migrationUrl: ownerUrl, production: true, embedded: false })).toBe(loginUrl);
    await withClient(loginUrl, async (client) => {
      expect((await client.query(`SELECT current_user AS c, session_user AS s`)).rows).toEqual([{ c: login, s: login }]);
      expect((await client.query(`SELECT count(*)::int AS n FROM "AuditLog"`)).rows[0].n).toBeGreaterThan(0);
    });
  });

  it.each(ATTACKS)("the login role may not %s", async (_name, sql) => {
    await expectRefusedAndUnchanged((statement) => withClient(loginUrl, (client) => client.query(statement)), sql);
  });

  it("and cannot leave its role: RESET ROLE changes nothing, SET ROLE to the owner is refused", async () => {
    const owner = (await ownerQuery<{ user: string }>(`SELECT current_user AS "user"`))[0]!.user;
    await withClient(loginUrl, async (client) => {
      await client.query(`RESET ROLE`);
      expect((await client.query(`SELECT current_user AS c`)).rows).toEqual([{ c: login }]);
      await expect(client.query(`SET ROLE "${owner}"`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`ALTER TABLE "AuditLog" DISABLE TRIGGER ALL`)).rejects.toThrow(REFUSED);
    });
  });

  it("with only DATABASE_URL (migrations run elsewhere), it serves when nothing is pending and refuses otherwise", { timeout: 120_000 }, async () => {
    expect(await prepareRoles({ databaseUrl: loginUrl, production: true, embedded: false })).toBe(loginUrl);
    expect(await pendingMigrations(loginUrl)).toEqual([]);
    expect(await pendingMigrations(loginUrl, [...expectedMigrations(), "29990101000000_future"])).toEqual(["29990101000000_future"]);
  });

  it("refuses to serve as the owner or a superuser", { timeout: 240_000 }, async () => {
    // One URL (the owner's, so the app would act as oac_app but log in as the owner).
    await expect(prepareRoles({ databaseUrl: ownerUrl, production: true, embedded: false })).rejects.toThrow(/DATABASE_URL logs in as "[^"]+", which (is a superuser|owns the tables)/);
    // Two URLs, both the owner.
    await expect(prepareRoles({ databaseUrl: ownerUrl, migrationUrl: ownerUrl, production: true, embedded: false })).rejects.toThrow(
      /the app's database role "[^"]+" (is a superuser|owns the tables)/,
    );
    // The embedded database: one superuser session behind every connection.
    await expect(prepareRoles({ databaseUrl: ownerUrl, production: true, embedded: true })).rejects.toThrow(/embedded database cannot hold the app to its role/);
    // Outside production the one-URL setup is the development default: it serves as oac_app.
    expect(await prepareRoles({ databaseUrl: ownerUrl, production: false, embedded: false })).toBe(withRole(ownerUrl, APP_ROLE));
  });

  it("`npm start` in production with the owner's URL stops with one line", { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "server", "index.ts")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        SHOPIFY_API_KEY: "key",
        SHOPIFY_API_SECRET: "secret",
        SHOPIFY_APP_URL: "https://app.example.com",
        SCOPES: "read_orders",
        DATABASE_URL: ownerUrl,
        // A valid keyring, so the boot gets as far as the database check this test is about.
        OAC_ENCRYPTION_KEYS: DEVELOPMENT_ENCRYPTION_KEYS,
        PORT: String(await freePort()),
        HOST: "127.0.0.1",
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: DATABASE_URL logs in as "[^"]+", which (is a superuser|owns the tables).*: in production the app needs its own role/);
  });
});

describe("creating the app role", () => {
  it("is race-safe: parallel boots on one server all succeed", async () => {
    const role = `oac_race_${randomBytes(4).toString("hex")}`;
    const clients = await Promise.all(Array.from({ length: 6 }, async () => {
      const client = new pg.Client({ connectionString: ownerUrl });
      await client.connect();
      return client;
    }));
    try {
      await Promise.all(clients.map((client) => ensureRole(client, role)));
      expect(await ownerQuery(`SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = $1`, [role])).toEqual([{ rolname: role, rolcanlogin: false }]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
      await ownerQuery(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});
