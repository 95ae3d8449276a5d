/**
 * The two README commands as processes: `npm run sandbox` serves the home page; start-up
 * problems (bad env, unreachable database, a port in use) each give one clear line, exit 1.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/embedded-postgres";
import { ROOT } from "../../server/paths";
import { SANDBOX_SHOP_NAME } from "../../sandbox/config";
import { DEVELOPMENT_ENCRYPTION_KEYS } from "../../sandbox/development-keys";
import { smokeSandbox } from "../../scripts/smoke-sandbox";

function runEntry(entry: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(ROOT, entry), "--no-build"], {
      cwd: ROOT,
      // @remix-run/node declares NODE_ENV as always present; these children start without it.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const appEnv = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "read_orders",
  OAC_ENCRYPTION_KEYS: DEVELOPMENT_ENCRYPTION_KEYS,
};

const occupied: Server[] = [];
async function occupyPort(): Promise<number> {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  occupied.push(server);
  return port;
}
afterAll(() => occupied.forEach((server) => server.close()));

describe("npm run sandbox", () => {
  it("serves the home page with the demo shop's name, through the App Bridge stand-in", async () => {
    const { html } = await smokeSandbox({ build: false });
    expect(html).toContain(SANDBOX_SHOP_NAME);
    expect(html).toMatch(/<script src="http:\/\/127\.0\.0\.1:\d+\/app-bridge\.js" data-api-key="sandbox-api-key/);
    expect(html).not.toContain("cdn.shopify.com/shopifycloud/app-bridge.js");
  }, 120_000);

  it("names the sandbox port when it is already in use", async () => {
    const port = await occupyPort();
    const result = await runEntry("sandbox/cli.ts", { SANDBOX_PORT: String(port), PORT: String(await freePort()), DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([`error: sandbox: port ${port} is already in use (set SANDBOX_PORT to another port)`]);
  });
});

describe("npm start", () => {
  it("stops with one line naming a missing variable", async () => {
    const result = await runEntry("server/index.ts", { ...appEnv, SHOPIFY_API_KEY: "" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual(["error: invalid environment: SHOPIFY_API_KEY is required"]);
  });

  it("stops with one line naming a malformed variable", async () => {
    const result = await runEntry("server/index.ts", { ...appEnv, SHOPIFY_APP_URL: "not-a-url", DATABASE_URL: "mysql://x" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: invalid environment: SHOPIFY_APP_URL .*; DATABASE_URL must be a postgresql:\/\/ URL$/);
  });

  it("stops with one line when OAC_ENCRYPTION_KEYS is missing (production included: the app never invents a key)", async () => {
    const result = await runEntry("server/index.ts", { ...appEnv, NODE_ENV: "production", OAC_ENCRYPTION_KEYS: "" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      'error: invalid environment: OAC_ENCRYPTION_KEYS is required: a keyring "<id>:<base64 of 32 bytes>" (openssl rand -base64 32; README, Configuration)',
    ]);
  });

  it("stops with one line when the database is unreachable", async () => {
    const port = await freePort();
    const result = await runEntry("server/index.ts", { ...appEnv, DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/oac`, PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^error: database unreachable at 127\\.0\\.0\\.1:${port}/oac: `));
    // Credentials never reach the message.
    expect(lines[0]).not.toContain("postgres@");
  });

  it("stops with one line when its port is in use", async () => {
    const port = await occupyPort();
    const databaseUrl = process.env.DATABASE_URL!;
    const result = await runEntry("server/index.ts", { ...appEnv, DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([`error: port ${port} is already in use (set PORT to another port)`]);
  }, 60_000);
});
