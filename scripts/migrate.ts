/**
 * `npm run setup`: migrates as the owner (docs/decisions/0015): DATABASE_MIGRATION_URL, else
 * DATABASE_URL, else the embedded database under .data/. With both URLs, the app role granted is
 * the one DATABASE_URL logs in as; otherwise oac_app, created if missing.
 */
import { currentUser } from "../server/db-roles";
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { migrateDeploy } from "../server/migrate";
import { EMBEDDED_DATA_DIR } from "../server/paths";

const { DATABASE_URL, DATABASE_MIGRATION_URL } = process.env;

if (DATABASE_MIGRATION_URL) {
  await migrateDeploy(DATABASE_MIGRATION_URL, DATABASE_URL ? { appRole: await currentUser(DATABASE_URL) } : {});
  console.log("migrated DATABASE_MIGRATION_URL");
} else if (DATABASE_URL) {
  await migrateDeploy(DATABASE_URL);
  console.log("migrated DATABASE_URL");
} else {
  const pg = await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR });
  try {
    await migrateDeploy(pg.url);
    console.log(`migrated the embedded database in ${EMBEDDED_DATA_DIR}`);
  } finally {
    await pg.stop();
  }
}
