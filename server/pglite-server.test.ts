/**
 * The embedded database's server gives each connection the identity its startup message names
 * (server/pglite-server.ts): PGlite alone runs every connection as its superuser.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";
import { withRole } from "./db-roles";

let embedded: EmbeddedPostgres;
const clients: pg.Client[] = [];

function urlAs(user: string): string {
  const url = new URL(embedded.url);
  url.username = user;
  url.password = "";
  return url.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

async function who(client: pg.Client) {
  return (await client.query<{ c: string; s: string }>(`SELECT current_user AS c, session_user AS s`)).rows[0];
}

beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
  const owner = await connect(embedded.url);
  await owner.query(`CREATE ROLE app_login LOGIN; CREATE ROLE app_nologin NOLOGIN; CREATE TABLE t (id int); GRANT SELECT ON t TO app_login, app_nologin`);
});

// The embedded server takes 8 connections at most.
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
});

afterAll(() => embedded.stop());

describe("the embedded server's identities", () => {
  it("a startup user is the session user; -c role= in options is the current user", async () => {
    expect(await who(await connect(embedded.url))).toEqual({ c: "postgres", s: "postgres" });
    expect(await who(await connect(urlAs("app_login")))).toEqual({ c: "app_login", s: "app_login" });
    expect(await who(await connect(withRole(embedded.url, "app_nologin")))).toEqual({ c: "app_nologin", s: "postgres" });
  });

  it("refuses a user that does not exist or may not log in, as PostgreSQL does", async () => {
    await expect(connect(urlAs("nobody"))).rejects.toThrow(`role "nobody" does not exist`);
    await expect(connect(urlAs("app_nologin"))).rejects.toThrow(`role "app_nologin" is not permitted to log in`);
    await expect(connect(withRole(embedded.url, "nobody_either"))).rejects.toThrow(/role "nobody_either" does not exist/);
  });

  it("privileges are checked against each connection's own role", async () => {
    const app = await connect(urlAs("app_login"));
    await expect(app.query(`ALTER TABLE t DISABLE TRIGGER ALL`)).rejects.toThrow(/must be owner/);
    await expect(app.query(`INSERT INTO t VALUES (1)`)).rejects.toThrow(/permission denied/);
    // A login role cannot leave itself, as on a real server.
    await app.query(`RESET ROLE`);
    await expect(app.query(`SET ROLE postgres`)).rejects.toThrow(/permission denied to set role/);
    expect(await who(app)).toEqual({ c: "app_login", s: "app_login" });
  });

  it("keeps every connection's identity while they interleave, a transaction and a SET ROLE included", async () => {
    const owner = await connect(embedded.url);
    const app = await connect(urlAs("app_login"));
    const acting = await connect(withRole(embedded.url, "app_nologin"));
    const self = await connect(embedded.url);
    // This connection's own SET ROLE stays its own.
    await self.query(`SET ROLE app_login`);
    const seen = await Promise.all(
      [owner, app, acting, self].map(async (client) => {
        const users = new Set<string>();
        for (let i = 0; i < 50; i++) {
          // The owner runs a transaction in the middle: the others wait for its COMMIT.
          if (client === owner && i === 20) await client.query(`BEGIN`);
          const { rows } = await client.query<{ c: string; s: string; n: number }>({ text: `SELECT current_user AS c, session_user AS s, $1::int AS n`, values: [i] });
          expect(rows[0]!.n).toBe(i);
          users.add(`${rows[0]!.c}/${rows[0]!.s}`);
          if (client === owner && i === 25) await client.query(`INSERT INTO t VALUES (42); COMMIT`);
        }
        return [...users];
      }),
    );
    expect(seen).toEqual([["postgres/postgres"], ["app_login/app_login"], ["app_nologin/postgres"], ["app_login/postgres"]]);
    expect((await app.query(`SELECT id FROM t`)).rows).toEqual([{ id: 42 }]);
  });

  it("a connection that dies inside its transaction leaves the session free and rolled back", async () => {
    const dying = await connect(embedded.url);
    await dying.query(`BEGIN`);
    await dying.query(`INSERT INTO t VALUES (7)`);
    (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const app = await connect(urlAs("app_login"));
    expect((await app.query(`SELECT id FROM t ORDER BY id`)).rows).toEqual([{ id: 42 }]);
    expect(await who(app)).toEqual({ c: "app_login", s: "app_login" });
  });
});
