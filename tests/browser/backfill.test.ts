/**
 * The first install imports the store's orders through a bulk operation; Home shows the
 * import with a progress bar, then the result. The real app, sandbox and worker as processes.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP_NAME } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { launchBrowser, newPage, screenshot, watchPageErrors } from "../helpers/browser";

let sandbox: SandboxProcess;
let browser: Browser;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_BULK_DELAY_MS: "4000" } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("backfill on install", () => {
  it("shows a progress bar while orders import, then the imported count", async () => {
    const page = await newPage(browser);
    const problems = watchPageErrors(page);
    await page.goto(sandbox.openUrl);
    await page.getByRole("heading", { name: SANDBOX_SHOP_NAME }).waitFor();
    const bar = page.getByRole("progressbar");
    await bar.waitFor({ timeout: 15_000 });
    await screenshot(page, "home-backfill-running");
    // The page refreshes itself while the import runs.
    await page.getByText("Complete · 50 orders stored").waitFor({ timeout: 60_000 });
    expect(await bar.count()).toBe(0);
    await screenshot(page, "home-backfill-complete");
    expect(problems).toEqual([]);
  }, 120_000);
});
