/**
 * `npm run setup`: migrates DATABASE_URL, or the embedded database under .data/ when it is unset.
 */
import { startEmbeddedPostgres } from "../server/embedded-postgres";
import { migrateDeploy } from "../server/migrate";
import { EMBEDDED_DATA_DIR } from "../server/paths";

if (process.env.DATABASE_URL) {
  await migrateDeploy(process.env.DATABASE_URL);
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
