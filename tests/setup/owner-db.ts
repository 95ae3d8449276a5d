/**
 * The test file's database as its owner, the role migrations run as (DATABASE_MIGRATION_URL,
 * set by tests/setup/database.ts). For what the app's own role may not do: injecting a fault
 * with a trigger, checking that the audit log's trigger holds even for the owner.
 */
import pg from "pg";

export async function ownerQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const url = process.env.DATABASE_MIGRATION_URL;
  if (!url) throw new Error("DATABASE_MIGRATION_URL is not set (tests/setup/database.ts sets it)");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
