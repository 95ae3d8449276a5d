/**
 * The embedded default database: PGlite (Postgres compiled to WASM) served on loopback so
 * that Prisma, pg-boss and psql reach it over the normal wire protocol (docs/decisions/0003).
 *
 * PGlite is a single session: its socket server multiplexes connections onto it, so clients
 * must use a pool of ONE connection, or transactions from two connections would interleave.
 */
import { PGlite } from "@electric-sql/pglite";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { PGliteServer } from "./pglite-server";

export interface EmbeddedPostgres {
  url: string;
  port: number;
  db: PGlite;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** A folder for the data files; omit for an in-memory database (tests). */
  dataDir?: string;
  /** A data directory tarball to start from (tests start from a migrated template). */
  loadDataDir?: Blob | File;
  /** 0 (default) picks a free loopback port. */
  port?: number;
}

export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const port = options.port || (await freePort());
  // A few connections may attach (the app's pool of one, a migration, psql); PGlite runs
  // their queries one at a time.
  const server = new PGliteServer({ db, host: "127.0.0.1", port, maxConnections: 8 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
