/**
 * Starts the real app (server/boot.ts: migrations, Remix handler, job worker) as a child
 * process against the test file's database and a sandbox in the test process, so a test can
 * SIGKILL it at the worst moment and start it again, as a crash and a restart would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort } from "../../server/embedded-postgres";
import { ROOT } from "../../server/paths";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES } from "../../sandbox/config";
import { DEVELOPMENT_ENCRYPTION_KEYS } from "../../sandbox/development-keys";

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL: no shutdown hook runs, nothing is flushed; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
}

export interface AppProcessOptions {
  sandboxUrl: string;
  /** Reuse a port (a restart keeps the URL the sandbox sends webhooks to). */
  port?: number;
  env?: Record<string, string>;
}

export async function startAppProcess({ sandboxUrl, port, env = {} }: AppProcessOptions): Promise<AppProcess> {
  const appPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${appPort}`;
  // Node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a second
  // process, so a SIGKILL of the CLI left the app running (holding the port and its jobs).
  const tsx = join(ROOT, "node_modules", "tsx", "dist");
  const args = ["--require", join(tsx, "preflight.cjs"), "--import", pathToFileURL(join(tsx, "loader.mjs")).href, join(ROOT, "tests", "e2e", "app-entry.ts")];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "development",
      LOG_LEVEL: process.env.APP_PROCESS_LOG_LEVEL ?? "warn",
      // As in production: the app's least-privileged role, and the owner for migrations.
      DATABASE_URL: process.env.DATABASE_URL,
      ...(process.env.DATABASE_MIGRATION_URL ? { DATABASE_MIGRATION_URL: process.env.DATABASE_MIGRATION_URL } : {}),
      DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX,
      SHOPIFY_API_KEY: SANDBOX_API_KEY,
      SHOPIFY_API_SECRET: SANDBOX_API_SECRET,
      SHOPIFY_APP_URL: url,
      SCOPES: SANDBOX_SCOPES,
      OAC_ENCRYPTION_KEYS: DEVELOPMENT_ENCRYPTION_KEYS,
      SHOPIFY_SANDBOX_URL: sandboxUrl,
      PORT: String(appPort),
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within 90 s:\n${output}`)), 90_000);
    const onData = () => {
      if (output.includes("app listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code}) before listening:\n${output}`));
    });
  });

  return {
    url,
    port: appPort,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
