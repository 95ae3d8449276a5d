/**
 * Proves the README's first command on this machine: starts `npm run sandbox` (embedded
 * database, fresh data folder, free ports), opens the printed URL like a browser would (the
 * sandbox admin issues a valid session token and redirects into the app), checks that the home
 * page renders the demo shop's name, then stops it. Used by .ci/run and tests/e2e.
 *
 *   tsx scripts/smoke-sandbox.ts [--no-build]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../server/embedded-postgres";
import { ROOT } from "../server/paths";
import { SANDBOX_SHOP_NAME } from "../sandbox/config";

export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export interface SandboxProcess {
  openUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `npm run sandbox` on free ports and a fresh embedded database; resolves once it serves. */
export async function startSandboxProcess(options: { build: boolean; timeoutMs?: number; env?: Record<string, string> }): Promise<SandboxProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "oac-smoke-"));
  const [appPort, sandboxPort] = [await freePort(), await freePort()];
  // The sandbox as on a fresh machine: embedded database, default NODE_ENV.
  const { DATABASE_URL: _databaseUrl, NODE_ENV: _nodeEnv, ...inherited } = process.env;
  const env = { ...inherited, PORT: String(appPort), SANDBOX_PORT: String(sandboxPort), EMBEDDED_DATA_DIR: dataDir, SANDBOX_ORDERS: "50", ...options.env };
  const args = [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, "sandbox", "cli.ts"), ...(options.build ? [] : ["--no-build"])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: env as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const openUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sandbox did not start in time:\n${output}`)), options.timeoutMs ?? 120_000);
      const poll = setInterval(() => {
        const match = /Open:\s+(\S+)/.exec(output);
        if (match) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(match[1]);
        }
      }, 100);
      child.once("exit", (code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`sandbox exited (${code}) before serving:\n${output}`));
      });
    });
    return { openUrl, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Opens the printed URL like a browser (the sandbox admin signs a session token and redirects). */
export async function smokeSandbox(options: { build: boolean }): Promise<{ html: string }> {
  const sandbox = await startSandboxProcess(options);
  try {
    // Shopify's library answers 410 to bots; identify as the browser a merchant would use.
    const response = await fetch(sandbox.openUrl, { redirect: "follow", headers: { "User-Agent": BROWSER_USER_AGENT } });
    const html = await response.text();
    if (response.status !== 200) throw new Error(`home page answered ${response.status}`);
    if (!html.includes(SANDBOX_SHOP_NAME)) throw new Error(`home page does not show "${SANDBOX_SHOP_NAME}"`);
    return { html };
  } finally {
    await sandbox.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  smokeSandbox({ build: !process.argv.includes("--no-build") })
    .then(() => console.log(`sandbox smoke: home page rendered "${SANDBOX_SHOP_NAME}"`))
    .catch((error: Error) => {
      console.error(`sandbox smoke failed: ${error.message}`);
      process.exit(1);
    });
}
