/**
 * `npm start`: the production entry. Set DATABASE_URL for a real PostgreSQL; without it the
 * embedded database under .data/ is used (fine for a trial, not for production).
 */
import { boot } from "./boot";
import { runMain } from "./run-main";

runMain(async () => {
  const port = Number(process.env.PORT ?? 3000);
  const booted = await boot({ port, host: process.env.HOST ?? "0.0.0.0" });
  console.log(`Ops Action Center listening on ${booted.app.url}${booted.database ? " (embedded database)" : ""}`);
  return booted.stop;
});
