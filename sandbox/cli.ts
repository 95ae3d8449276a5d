/**
 * `npm run sandbox`: the whole app on a fresh clone with no store and no network. Builds the
 * app, starts the embedded database, migrates, seeds the demo store in the local Shopify
 * sandbox, starts the app against it and prints the URL to open.
 *
 *   PORT (3000)  SANDBOX_PORT (4010)  SANDBOX_ORDERS (250)  SANDBOX_SEED (42)
 *   SANDBOX_BULK_DELAY_MS (1500: how long Shopify "prepares" a bulk export)  --no-build
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { BootError } from "../server/app-server";
import { boot } from "../server/boot";
import { ROOT } from "../server/paths";
import { runMain } from "../server/run-main";
import { DEFAULT_APP_PORT, DEFAULT_SANDBOX_PORT, SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES, SANDBOX_SHOP, SANDBOX_SHOP_NAME, SANDBOX_STAFF } from "./config";
import { DEVELOPMENT_ENCRYPTION_KEYS } from "./development-keys";
import { installSandboxFetch } from "./fetch-redirect";
import { startSandboxServer } from "./server";
import { SandboxStore } from "./store/store";

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new BootError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return value;
}

function buildApp(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new BootError(`remix build failed (exit ${code})`))));
  });
}

runMain(async () => {
  if (process.env.NODE_ENV === "production") throw new BootError("the sandbox never runs with NODE_ENV=production");
  process.env.NODE_ENV ??= "development";
  const appPort = intFromEnv("PORT", DEFAULT_APP_PORT, 1, 65535);
  const sandboxPort = intFromEnv("SANDBOX_PORT", DEFAULT_SANDBOX_PORT, 1, 65535);
  const orderCount = intFromEnv("SANDBOX_ORDERS", 250, 0, 100_000);
  const seed = intFromEnv("SANDBOX_SEED", 42, 0, 2 ** 31 - 1);
  const bulkDelayMs = intFromEnv("SANDBOX_BULK_DELAY_MS", 1500, 0, 600_000);

  if (!process.argv.includes("--no-build")) {
    console.log("building the app...");
    await buildApp();
  }

  const appUrl = `http://127.0.0.1:${appPort}`;
  const store = new SandboxStore();
  // The demo history ends today, so "recent" means recent; the seed keeps it reproducible.
  store.seedShop({ domain: SANDBOX_SHOP, name: SANDBOX_SHOP_NAME, orderCount, seed, now: new Date() });
  const sandbox = await startSandboxServer({
    store,
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl,
    scopes: SANDBOX_SCOPES,
    port: sandboxPort,
    // Like Shopify, a bulk export takes a moment: the Home page shows the import progressing.
    bulk: { delayMs: bulkDelayMs },
  }).catch((error: Error) => {
    throw new BootError(`sandbox: ${error.message}`);
  });

  Object.assign(process.env, {
    SHOPIFY_API_KEY: SANDBOX_API_KEY,
    SHOPIFY_API_SECRET: SANDBOX_API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    SCOPES: SANDBOX_SCOPES,
    APP_BRIDGE_URL: `${sandbox.url}/app-bridge.js`,
    // A key given in the environment wins (e.g. to keep a database made with it readable).
    OAC_ENCRYPTION_KEYS: process.env.OAC_ENCRYPTION_KEYS || DEVELOPMENT_ENCRYPTION_KEYS,
  });

  let booted;
  try {
    booted = await boot({ port: appPort, host: "127.0.0.1", beforeLoad: () => installSandboxFetch(sandbox.url) });
  } catch (error) {
    await sandbox.close();
    throw error;
  }

  const openUrl = `${sandbox.url}/admin/${SANDBOX_SHOP}`;
  console.log(
    [
      "",
      `Ops Action Center is running on the local Shopify sandbox (${orderCount} demo orders).`,
      `  Open:    ${openUrl}`,
      `  As staff: ${SANDBOX_STAFF.map((member) => `${member.firstName} ?user=${member.id}`).join(", ")}`,
      `  App:     ${booted.app.url}   Sandbox: ${sandbox.url}`,
      `  Database: ${booted.database ? "embedded (PGlite, .data/)" : "DATABASE_URL"}`,
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  return async () => {
    await booted.stop();
    await sandbox.close();
  };
});
