/**
 * Start-up shared by `npm start` and `npm run sandbox`: database (embedded unless DATABASE_URL
 * is set), migrations as the owner, the app's least-privileged role (docs/decisions/0015), env
 * validation, database reachability, then the Remix build on HTTP.
 * Every failure an operator can fix becomes a BootError: one line that names the problem.
 */
import type { ServerBuild } from "@remix-run/node";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { parseEnv } from "../app/env.server";
import { BootError, startAppServer, type AppServer } from "./app-server";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";
import { APP_ROLE, canMigrate, currentUser, inspectRole, pendingMigrations, roleProblems, withRole } from "./db-roles";
import { migrateDeploy } from "./migrate";
import { BUILD_PATH, EMBEDDED_DATA_DIR } from "./paths";

export interface BootOptions {
  port: number;
  host?: string;
  /** Runs after the env is final and before the app's modules load (the sandbox hooks in here). */
  beforeLoad?: () => void | Promise<void>;
}

export interface Booted {
  app: AppServer;
  database: EmbeddedPostgres | null;
  stop(): Promise<void>;
}

/** Validates the env first (so a typo is reported before anything starts), minus DATABASE_URL. */
export function checkEnv(): void {
  const parsed = parseEnv({ ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://embedded/placeholder" });
  if (!parsed.ok) throw new BootError(`invalid environment: ${parsed.problems.join("; ")}`);
}

export async function prepareDatabase(): Promise<EmbeddedPostgres | null> {
  let database: EmbeddedPostgres | null = null;
  if (!process.env.DATABASE_URL) {
    try {
      database = await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR });
    } catch (error) {
      throw new BootError(`the embedded database could not start in ${EMBEDDED_DATA_DIR}: ${(error as Error).message}`);
    }
    process.env.DATABASE_URL = database.url;
    // PGlite is a single session (docs/decisions/0003).
    process.env.DATABASE_POOL_MAX = "1";
    // The embedded database's owner is its own superuser; a migration URL belongs to a
    // DATABASE_URL (a test process's, say, inherited by a child that uses the embedded one).
    delete process.env.DATABASE_MIGRATION_URL;
  } else {
    await assertReachable(process.env.DATABASE_URL);
    if (process.env.DATABASE_MIGRATION_URL) await assertReachable(process.env.DATABASE_MIGRATION_URL);
  }
  try {
    process.env.DATABASE_URL = await prepareRoles({
      databaseUrl: process.env.DATABASE_URL,
      migrationUrl: process.env.DATABASE_MIGRATION_URL,
      production: process.env.NODE_ENV === "production",
      embedded: database !== null,
    });
  } catch (error) {
    await database?.stop();
    throw error instanceof BootError ? error : new BootError((error as Error).message);
  }
  return database;
}

export interface PrepareRolesOptions {
  databaseUrl: string;
  migrationUrl?: string;
  production: boolean;
  embedded: boolean;
}

/**
 * Migrates as the owner and returns the URL the app connects with (docs/decisions/0015):
 *   - DATABASE_MIGRATION_URL set: it migrates; DATABASE_URL is the app's own role, granted here;
 *   - only DATABASE_URL, and it can migrate (development, CI, embedded): it migrates, and the
 *     app uses the same credentials acting as oac_app (`-c role=oac_app`);
 *   - only DATABASE_URL, and it cannot: migrations run elsewhere; refuse if any is pending.
 * Then the app's role is checked: in production, a role (or a login behind it) with power over
 * the tables stops the boot; elsewhere it is a warning. A warning in production logs would be
 * read after the fact, and the guarantee is only worth something if it cannot be lost silently.
 */
export async function prepareRoles({ databaseUrl, migrationUrl, production, embedded }: PrepareRolesOptions): Promise<string> {
  if (production && embedded) {
    throw new BootError("the embedded database cannot hold the app to its role (every connection shares one superuser session): set DATABASE_URL and DATABASE_MIGRATION_URL (README, Production)");
  }
  let appUrl = databaseUrl;
  if (migrationUrl) {
    await migrateDeploy(migrationUrl, { appRole: await currentUser(databaseUrl) });
  } else if (await canMigrate(databaseUrl)) {
    if (production) {
      // Refused before anything is changed: the app would log in as the owner.
      const facts = await inspectRole(databaseUrl);
      throw new BootError(
        `DATABASE_URL logs in as "${facts.sessionUser}", which ${facts.sessionPower ?? "may create the tables"}: in production the app needs its own role (DATABASE_URL) and the owner migrates (DATABASE_MIGRATION_URL; README, Production)`,
      );
    }
    await migrateDeploy(databaseUrl, { appRole: APP_ROLE });
    appUrl = withRole(databaseUrl, APP_ROLE);
  } else {
    const missing = await pendingMigrations(databaseUrl);
    if (missing.length > 0) {
      throw new BootError(`the database needs migrations (${missing.join(", ")}) and DATABASE_URL may not run them: set DATABASE_MIGRATION_URL to the owner's URL`);
    }
  }
  const problems = roleProblems(await inspectRole(appUrl), { production });
  if (problems.length > 0 && production) throw new BootError(`${problems.join("; ")} (README, Production)`);
  for (const problem of problems) console.warn(`warning: ${problem}`);
  return appUrl;
}

export async function assertReachable(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  // pg emits 'error' on the client for late failures; the awaited connect() reports them.
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    const where = safeLocation(databaseUrl);
    throw new BootError(`database unreachable at ${where}: ${(error as Error).message || (error as NodeJS.ErrnoException).code}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** host:port/db without credentials, for error lines. */
function safeLocation(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return "DATABASE_URL (malformed)";
  }
}

export async function boot(options: BootOptions): Promise<Booted> {
  checkEnv();
  if (!existsSync(BUILD_PATH)) throw new BootError(`no build at ${BUILD_PATH}: run "npm run build" first`);
  const database = await prepareDatabase();
  try {
    const parsed = parseEnv(process.env);
    if (!parsed.ok) throw new BootError(`invalid environment: ${parsed.problems.join("; ")}`);
    await options.beforeLoad?.();
    const build = (await import(pathToFileURL(BUILD_PATH).href)) as ServerBuild;
    const entry = build.entry.module as { startBackgroundWork?: () => Promise<void>; stopBackgroundWork?: () => Promise<void> };
    await entry.startBackgroundWork?.();
    const app = await startAppServer({ build, port: options.port, host: options.host });
    return {
      app,
      database,
      async stop() {
        await app.close();
        await entry.stopBackgroundWork?.();
        await database?.stop();
      },
    };
  } catch (error) {
    await database?.stop();
    throw error;
  }
}
