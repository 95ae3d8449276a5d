/**
 * The adapter-pg patch (patches/@prisma+adapter-pg+*.patch, applied by patch-package on
 * install) lets Prisma's JS schema engine read catalog columns of type `name` (OID 19) and
 * `"char"` (OID 18). Without it every migrate command fails with "Column type 'name' could
 * not be deserialized" (prisma/prisma#27403). It also sends migration scripts whole: upstream
 * splits them on every ";", which cuts dollar-quoted plpgsql bodies (our audit trigger) apart.
 * Both builds of the package are checked: the CLI and the app may load either.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { PrismaPg as PrismaPgEsm } from "@prisma/adapter-pg";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);
const { PrismaPg: PrismaPgCjs } = require("@prisma/adapter-pg") as { PrismaPg: typeof PrismaPgEsm };

describe.each([
  ["ESM build", PrismaPgEsm],
  ["CJS build", PrismaPgCjs],
])("patched @prisma/adapter-pg (%s)", (_name, PrismaPg) => {
  it("decodes name and \"char\" catalog columns as text", async () => {
    const adapter = await new PrismaPg({ connectionString: process.env.DATABASE_URL, max: 1 }).connect();
    try {
      const result = await adapter.queryRaw({
        sql: `SELECT c.relname, c.relkind FROM pg_catalog.pg_class c WHERE c.relname = 'Shop'`,
        args: [],
        argTypes: [],
      });
      expect(result.columnTypes).toEqual([ColumnTypeEnum.Text, ColumnTypeEnum.Text]);
      expect(result.rows).toEqual([["Shop", "r"]]);
    } finally {
      await adapter.dispose();
    }
  });

  it("runs a migration script with a dollar-quoted function body", async () => {
    // Migrations run as the owner (docs/decisions/0015): the app's role may not create functions.
    const adapter = await new PrismaPg({ connectionString: process.env.DATABASE_MIGRATION_URL, max: 1 }).connect();
    const name = `patch_probe_${Math.random().toString(36).slice(2, 8)}`;
    try {
      await adapter.executeScript(`CREATE FUNCTION ${name}() RETURNS int LANGUAGE plpgsql AS $$
        DECLARE answer int;
        BEGIN answer := 42; RETURN answer; END;
      $$;
      SELECT ${name}();`);
      const result = await adapter.queryRaw({ sql: `SELECT ${name}() AS answer`, args: [], argTypes: [] });
      expect(result.rows).toEqual([[42]]);
    } finally {
      await adapter.executeScript(`DROP FUNCTION IF EXISTS ${name}()`);
      await adapter.dispose();
    }
  });
});
