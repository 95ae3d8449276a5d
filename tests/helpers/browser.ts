/**
 * A real browser for page tests: Debian's Chromium driven by playwright-core (Playwright's own
 * browser download cannot work on these machines). Installed here when missing, so a fresh
 * machine runs the browser tests without a manual step.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { toForm } from "../../app/policy/policy-form";
import type { ActionPolicyForm } from "../../app/policy/schema";
import { SANDBOX_SHOP } from "../../sandbox/config";
import { idNamespace, orderLegacyId } from "../../sandbox/store/generator";
import { BROWSER_USER_AGENT, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { ROOT } from "../../server/paths";

const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS_DIR = join(ROOT, "test-artifacts", "browser");

export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-liberation"], {
    stdio: "ignore",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return CHROMIUM;
}

/** Headless Chromium announces itself as "HeadlessChrome", which Shopify's library rejects as a bot (410). */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT, viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Collects what the page reports as broken; a test asserts the list is empty. One thing is
 * expected and ignored: Shopify's library answers the auth bounce page with a Link header that
 * preloads App Bridge from Shopify's CDN, which this offline machine cannot resolve (the page
 * itself loads the sandbox's stand-in).
 */
export function watchPageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (message.location().url.startsWith("https://cdn.shopify.com/")) return;
    problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Brings one generated order of the sandbox into the app the production way (a signed
 * orders/updated webhook, the inbox, the worker) and waits until the Orders page lists it.
 */
export async function ingestOrderByWebhook(page: Page, sandbox: SandboxProcess, order: { seed: number; index: number; name: string }): Promise<void> {
  const legacyId = orderLegacyId(idNamespace(order.seed, SANDBOX_SHOP), order.index);
  const response = await fetch(new URL("/_sandbox/webhooks", sandbox.openUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ topic: "orders/updated", shop: SANDBOX_SHOP, payload: { id: legacyId, admin_graphql_api_id: `gid://shopify/Order/${legacyId}` } }),
  });
  if (response.status !== 200) throw new Error(`the sandbox refused the webhook: ${response.status}`);
  const deadline = Date.now() + 60_000;
  const nav = (label: string) => page.locator("#sandbox-nav a", { hasText: label }).click();
  for (;;) {
    await nav("Orders");
    await page.getByRole("button", { name: "Apply filters" }).waitFor();
    if ((await page.locator('tbody a[href^="/app/orders/"]').getByText(order.name, { exact: true }).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`${order.name} not ingested\n${sandbox.output().slice(-3000)}`);
    await page.waitForTimeout(1000);
    await nav("Home");
    await page.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
  }
}

/** One action's policy as the settings page submits it: on, confirmed, no limits, unless changed. */
export function policyForm(change: Partial<ActionPolicyForm> = {}): ActionPolicyForm {
  const rule = { actionType: "", enabled: true, requiresConfirmation: true, approvalMode: "off" as const, approvalThreshold: null, approvalExpiryHours: 24 };
  return { ...toForm(rule, []), ...change };
}

/**
 * Saves policies through POST /app/policy/update, the endpoint behind the settings page
 * (validated and audited like a save there), as the page's staff member: App Bridge adds the
 * session token.
 */
export async function savePolicies(page: Page, policies: Record<string, ActionPolicyForm>): Promise<void> {
  const answer = await page.evaluate(async (body) => {
    const response = await fetch("/app/policy/update", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as unknown };
  }, { policies });
  if (answer.status !== 200) throw new Error(`policy save answered ${answer.status}: ${JSON.stringify(answer.body)}`);
}
