import type { DbClient, ScopedDb } from "../lib/tenancy.server";

/**
 * Runs `fn` in one transaction: a new one when given the shop's scoped client, the caller's
 * when given a transaction client (Prisma's transaction clients have no $transaction). Use
 * cases that write several rows take either, and their rows always commit together.
 */
export async function inTransaction<T>(db: DbClient, fn: (tx: DbClient) => Promise<T>): Promise<T> {
  const client = db as Partial<Pick<ScopedDb, "$transaction">>;
  if (typeof client.$transaction === "function") return (db as ScopedDb).$transaction((tx) => fn(tx));
  return fn(db);
}
