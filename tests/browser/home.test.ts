/**
 * Browser smoke test: a plain Chromium opens the sandbox admin URL, gets a session token from
 * the sandbox, and the embedded app's Polaris home page renders the shop's live figures.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP_NAME } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { launchBrowser, newPage, screenshot, watchPageErrors } from "../helpers/browser";

let sandbox: SandboxProcess;
let browser: Browser;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("home page in a browser", () => {
  it("renders the shop name, figures and the App Bridge nav, without page errors", async () => {
    const page = await newPage(browser);
    const problems = watchPageErrors(page);
    await page.goto(sandbox.openUrl);
    await page.getByRole("heading", { name: SANDBOX_SHOP_NAME }).waitFor();
    await page.getByText("Unfulfilled orders").waitFor();
    expect(await page.getByText("Recent orders").isVisible()).toBe(true);
    // The App Bridge stand-in renders <ui-nav-menu> as the admin's navigation.
    await page.locator("#sandbox-nav a", { hasText: "Home" }).waitFor();
    expect(await page.locator("#sandbox-title").textContent()).toBe("Ops Action Center");

    // A client-side data request carries a fresh session token (App Bridge's fetch).
    const dataResponse = page.waitForResponse((response) => response.url().includes(".data"));
    await page.locator("#sandbox-nav a", { hasText: "Home" }).click();
    expect((await dataResponse).status()).toBe(200);

    const path = await screenshot(page, "home");
    expect(existsSync(path)).toBe(true);
    expect(problems).toEqual([]);
  }, 120_000);
});
