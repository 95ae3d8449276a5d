/**
 * The app as its own process, for tests that kill it (tests/helpers/app-process.ts): the same
 * boot as `npm start`, with the app's Shopify calls sent to a sandbox that lives in the test
 * process, so the sandbox (Shopify) outlives the app's crash as it would in production.
 */
import { installSandboxFetch } from "../../sandbox/fetch-redirect";
import { boot } from "../../server/boot";
import { runMain } from "../../server/run-main";

runMain(async () => {
  const booted = await boot({ port: Number(process.env.PORT), host: "127.0.0.1", beforeLoad: () => installSandboxFetch(process.env.SHOPIFY_SANDBOX_URL) });
  console.log(`app listening on ${booted.app.url}`);
  return booted.stop;
});
