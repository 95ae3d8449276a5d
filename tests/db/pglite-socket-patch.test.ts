/**
 * The pglite-socket patch (patches/@electric-sql+pglite-socket+*.patch, applied by
 * patch-package on install). PGlite is one session; its socket server multiplexes every
 * connection onto it, message by message, and pinned a connection only inside an explicit
 * transaction. An extended-protocol batch (Parse/Bind/Execute/Sync) is not one, so two
 * connections' batches interleaved and one bound its parameters to the other's statement
 * ("bind message supplies 3 parameters, but prepared statement requires 2", or wrong rows),
 * upstream electric-sql/pglite#1046. The embedded app always has two connections (Prisma and
 * pg-boss), and crash tests add the test process and the app process. Patched: a connection
 * holds the session from its first extended-protocol message until its Sync; a query that
 * throws inside PGlite no longer stops the queue for good; a connection that leaves mid-batch
 * releases the session.
 */
import { createRequire } from "node:module";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { PGLiteSocketServer as EsmServer } from "@electric-sql/pglite-socket";
import { freePort } from "../../server/embedded-postgres";

const require = createRequire(import.meta.url);
const { PGLiteSocketServer: CjsServer } = require("@electric-sql/pglite-socket") as { PGLiteSocketServer: typeof EsmServer };

describe.each([
  ["ESM build", EsmServer],
  ["CJS build", CjsServer],
])("patched @electric-sql/pglite-socket (%s)", (_name, Server) => {
  it("keeps concurrent parameterised queries of several connections apart", async () => {
    const db = await PGlite.create();
    const port = await freePort();
    const server = new Server({ db, host: "127.0.0.1", port, maxConnections: 8 });
    await server.start();
    const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
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
      await server.stop();
      await db.close();
    }
  }, 60_000);
});
