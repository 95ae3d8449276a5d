/**
 * A real browser for page tests: Debian's Chromium driven by playwright-core (Playwright's own
 * browser download cannot work on these machines). Installed here when missing, so a fresh
 * machine runs the browser tests without a manual step.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "../../server/paths";
import { BROWSER_USER_AGENT } from "../../scripts/smoke-sandbox";

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
