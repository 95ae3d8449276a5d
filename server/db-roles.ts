/**
 * The database roles (docs/decisions/0015). The tables belong to the role that migrates them
 * (the owner); the app connects as a role that owns nothing and holds only the grants below, so
 * not even the app can disable the audit log's trigger, rewrite or delete audit rows, or drop
 * and truncate tables.
 *
 *   DATABASE_MIGRATION_URL  the owner: prisma migrate deploy, pg-boss's schema, these grants.
 *   DATABASE_URL            the app. When it is the only URL and it can migrate (development,
 *                           CI, the embedded database), the boot migrates with it and the app
 *                           connects with the same credentials as APP_ROLE (`-c role=oac_app`).
 *                           When it cannot migrate, the boot only checks that nothing is pending.
 */
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import pg from "pg";
import { QUEUES } from "../app/jobs/queues";
import { ROOT } from "./paths";

/** The app's role when the boot creates it (one URL): it cannot log in; the owner SETs it. */
export const APP_ROLE = "oac_app";
/** pg-boss's schema (app/jobs/boss.server.ts uses the same). */
export const JOB_SCHEMA = "pgboss";

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function assertRoleName(role: string): void {
  if (!ROLE_NAME.test(role)) throw new Error(`"${role}" is not a role name this app manages (lowercase letters, digits and _)`);
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // pg emits 'error' on the client for late failures; the awaited calls report them.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same connection, acting as `role` from its first statement (`options=-c role=...`). */
export function withRole(url: string, role: string): string {
  assertRoleName(role);
  const parsed = new URL(url);
  const options = (parsed.searchParams.get("options") ?? "").replace(/(^|\s)-c\s*role=\S*/g, "").trim();
  parsed.searchParams.set("options", `${options ? `${options} ` : ""}-c role=${role}`);
  return parsed.toString();
}

/**
 * Creates `role` (NOLOGIN) unless it exists. Roles are cluster-wide, so parallel boots and test
 * runs on one server race here: a concurrent CREATE ROLE fails with duplicate_object or
 * unique_violation, which means the other one created it. A non-superuser owner is made a
 * member so that it may SET ROLE to it (superusers may always).
 */
export async function ensureRole(client: pg.Client, role: string): Promise<void> {
  assertRoleName(role);
  await client.query(`DO $$
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
        CREATE ROLE "${role}" NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END $$`);
  await client.query(`DO $$
    BEGIN
      IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN
        EXECUTE format('GRANT %I TO %I', '${role}', current_user);
      END IF;
    EXCEPTION WHEN unique_violation THEN
      NULL;
    END $$`);
}

/**
 * Everything the app role may do, as SQL the owner runs (idempotent; re-run after every
 * migration, so tables a migration adds are granted too; the default privileges cover tables
 * the owner creates at run time, such as pg-boss's per-queue partitions).
 *   - app tables: SELECT, INSERT, UPDATE, DELETE; never TRUNCATE, REFERENCES or TRIGGER;
 *   - "AuditLog": SELECT and INSERT only. shop/redact erases a shop's audit rows through
 *     oac_purge_shop_audit(), a SECURITY DEFINER function of the owner, the one way past the
 *     append-only trigger; the app cannot delete an audit row any other way;
 *   - "_prisma_migrations": SELECT (the boot checks that nothing is pending);
 *   - pg-boss's tables: SELECT, INSERT, UPDATE, DELETE (its queue, maintenance and cron state).
 */
export function grantsSql(role: string): string {
  assertRoleName(role);
  const r = `"${role}"`;
  return `
    GRANT USAGE ON SCHEMA public TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r};
    REVOKE ALL ON "AuditLog" FROM ${r};
    GRANT SELECT, INSERT ON "AuditLog" TO ${r};
    REVOKE ALL ON "_prisma_migrations" FROM ${r};
    GRANT SELECT ON "_prisma_migrations" TO ${r};

    CREATE OR REPLACE FUNCTION oac_purge_shop_audit(shop_id text) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      deleted integer;
    BEGIN
      -- Only a shop that uninstalled the app (shop/redact): the app cannot erase a live
      -- shop's history through this door either.
      IF NOT EXISTS (SELECT 1 FROM "Shop" WHERE id = shop_id AND "uninstalledAt" IS NOT NULL) THEN
        RAISE EXCEPTION 'oac_purge_shop_audit: shop % is installed or unknown', shop_id USING ERRCODE = 'insufficient_privilege';
      END IF;
      -- The append-only trigger lets a DELETE through only with this flag (safety_rails migration).
      PERFORM set_config('oac.audit_purge', 'on', true);
      DELETE FROM "AuditLog" WHERE "shopId" = shop_id;
      GET DIAGNOSTICS deleted = ROW_COUNT;
      PERFORM set_config('oac.audit_purge', 'off', true);
      RETURN deleted;
    END $fn$;
    REVOKE ALL ON FUNCTION oac_purge_shop_audit(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION oac_purge_shop_audit(text) TO ${r};

    GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${JOB_SCHEMA} TO ${r};
    ALTER DEFAULT PRIVILEGES IN SCHEMA ${JOB_SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r};
    ALTER DEFAULT PRIVILEGES IN SCHEMA ${JOB_SCHEMA} GRANT USAGE, SELECT ON SEQUENCES TO ${r};
  `;
}

/** Applies grantsSql as the owner; an advisory lock keeps parallel boots of one database apart. */
export async function applyGrants(ownerUrl: string, role: string): Promise<void> {
  await withClient(ownerUrl, async (client) => {
    await client.query("BEGIN");
    try {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('oac:grants', 0))`);
      await client.query(grantsSql(role));
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw new Error(`granting the app role "${role}" failed: ${(error as Error).message}`);
    }
  });
}

/** Can this connection migrate (superuser, the owner of the migrated tables, or a fresh schema it may create in)? */
export async function canMigrate(url: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ can: boolean }>(`
      SELECT r.rolsuper OR CASE
          WHEN to_regclass('"_prisma_migrations"') IS NULL THEN has_schema_privilege('public', 'CREATE')
          ELSE pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = to_regclass('"_prisma_migrations"')), 'MEMBER')
        END AS can
      FROM pg_roles r WHERE r.rolname = current_user`);
    return rows[0]?.can === true;
  });
}

export async function currentUser(url: string): Promise<string> {
  return withClient(url, async (client) => (await client.query<{ user: string }>(`SELECT current_user AS "user"`)).rows[0]!.user);
}

/** The migrations in prisma/migrations, as _prisma_migrations names them. */
export function expectedMigrations(): string[] {
  return readdirSync(join(ROOT, "prisma", "migrations"))
    .filter((entry) => /^\d{14}_/.test(entry))
    .sort();
}

/** pg-boss's schema version of the installed package (what its own migrations bring it to). */
export function expectedJobSchemaVersion(): number {
  return (createRequire(import.meta.url)("pg-boss/version.json") as { schema: number }).schema;
}

/**
 * For a DATABASE_URL that cannot migrate: what is missing (pending migrations, pg-boss's schema
 * or a queue), or an empty list. Only reads, so the least-privileged role can run it.
 */
export async function pendingMigrations(url: string, expected = expectedMigrations()): Promise<string[]> {
  return withClient(url, async (client) => {
    const missing: string[] = [];
    const applied = await client
      .query<{ name: string }>(`SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
      .then((result) => new Set(result.rows.map((row) => row.name)))
      .catch(() => new Set<string>());
    missing.push(...expected.filter((name) => !applied.has(name)));
    const version = await client
      .query<{ version: number }>(`SELECT version FROM ${JOB_SCHEMA}.version`)
      .then((result) => result.rows[0]?.version ?? null)
      .catch(() => null);
    if (version !== expectedJobSchemaVersion()) {
      missing.push(`pg-boss schema ${expectedJobSchemaVersion()}${version === null ? "" : ` (found ${version})`}`);
    } else {
      const queues = new Set((await client.query<{ name: string }>(`SELECT name FROM ${JOB_SCHEMA}.queue`)).rows.map((row) => row.name));
      missing.push(...Object.values(QUEUES).filter((queue) => !queues.has(queue.name)).map((queue) => `pg-boss queue ${queue.name}`));
    }
    return missing;
  });
}

export interface RoleFacts {
  currentUser: string;
  sessionUser: string;
  owner: string | null;
  /** Why current_user could get past the audit log's protections; null when it cannot. */
  currentPower: string | null;
  /** The same for session_user: a session user with power can RESET ROLE to it. */
  sessionPower: string | null;
}

/** Who a connection acts as and logs in as, and whether either can alter the app's tables. */
export async function inspectRole(url: string): Promise<RoleFacts> {
  return withClient(url, async (client) => {
    const power = (who: "current_user" | "session_user") => `
      SELECT CASE
        WHEN r.rolsuper THEN 'is a superuser'
        WHEN r.rolcreaterole THEN 'may create and grant roles'
        WHEN owner.relowner IS NOT NULL AND pg_has_role(${who}, owner.relowner, 'MEMBER') THEN 'owns the tables (or is a member of their owner)'
      END
      FROM pg_roles r LEFT JOIN (SELECT relowner FROM pg_class WHERE oid = to_regclass('"AuditLog"')) owner ON true
      WHERE r.rolname = ${who}`;
    const { rows } = await client.query<{ currentUser: string; sessionUser: string; owner: string | null; currentPower: string | null; sessionPower: string | null }>(`
      SELECT current_user AS "currentUser", session_user AS "sessionUser",
        (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('"AuditLog"')) AS owner,
        (${power("current_user")}) AS "currentPower",
        (${power("session_user")}) AS "sessionPower"`);
    return rows[0]!;
  });
}

/**
 * What is wrong with the app's connection, one line each. The role it acts as must hold no
 * power over the tables; in production the role it logs in as must not either, or the app
 * could leave its role with RESET ROLE (one URL, `-c role=`: fine for development only).
 */
export function roleProblems(facts: RoleFacts, { production }: { production: boolean }): string[] {
  const problems: string[] = [];
  if (facts.currentPower) problems.push(`the app's database role "${facts.currentUser}" ${facts.currentPower}, so it could rewrite the audit log`);
  if (production && facts.sessionPower && facts.sessionUser !== facts.currentUser) {
    problems.push(`DATABASE_URL logs in as "${facts.sessionUser}", which ${facts.sessionPower}: the app could RESET ROLE to it`);
  }
  return problems;
}
