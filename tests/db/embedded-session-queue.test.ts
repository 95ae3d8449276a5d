/**
 * The embedded database's session queue (server/pglite-server.ts). PGlite is one session; the
 * server multiplexes every connection onto it. Upstream's queue pinned a connection only inside
 * an explicit transaction, so two connections' extended-protocol batches (Parse/Bind/Execute/
 * Sync) interleaved and one bound its parameters to the other's statement ("bind message
 * supplies 3 parameters, but prepared statement requires 2", or wrong rows), upstream
 * electric-sql/pglite#1046. The embedded app always has two connections (Prisma and pg-boss),
 * and crash tests add the test process and the app process. Ours holds the session for a
 * connection from its first extended-protocol message until its Sync, and a connection that
 * leaves mid-batch releases it.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../server/embedded-postgres";

describe("the embedded database's session queue", () => {
  it("keeps concurrent parameterised queries of several connections apart", async () => {
    const embedded = await startEmbeddedPostgres();
    const url = embedded.url;
    // As the app uses it: plain queries on one pool, interactive transactions on another.
    const plain = new pg.Pool({ connectionString: url, max: 2 });
    const transactions = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const work = Promise.all([
        ...Array.from({ length: 300 }, async (_, i) => {
          const result = await plain.query<{ n: number }>("SELECT $1::int + $2::int + $3::int AS n", [i, 1, 1]);
          return result.rows[0].n === i + 2;
        }),
        ...Array.from({ length: 100 }, async (_, i) => {
          const client = await transactions.connect();
          try {
            await client.query("BEGIN");
            const result = await client.query<{ n: number; tag: string }>("SELECT $1::int * 2 AS n, $2::text AS tag", [i, `t${i}`]);
            await client.query("COMMIT");
            return result.rows[0].n === i * 2 && result.rows[0].tag === `t${i}`;
          } finally {
            client.release();
          }
        }),
      ]);
      const answers = await Promise.race([
        work.catch((error: Error) => [error.message]),
        new Promise<string[]>((resolve) => setTimeout(() => resolve(["the queries did not finish within 15 s (the session queue is stuck)"]), 15_000)),
      ]);
      expect(answers.filter((ok) => ok !== true)).toEqual([]);
      // A connection that leaves in the middle of a batch does not hold the session.
      const leaving = new pg.Client({ connectionString: url });
      leaving.on("error", () => undefined); // its own connection is the one cut
      await leaving.connect();
      void leaving.query("SELECT pg_sleep(0.05), $1::int", [1]).catch(() => undefined);
      (leaving as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const after = await plain.query<{ n: number }>("SELECT $1::int AS n", [7]);
      expect(after.rows[0].n).toBe(7);
    } finally {
      await Promise.all([plain.end(), transactions.end()]);
      await embedded.stop();
    }
  }, 60_000);
});
