/**
 * The action runner from the UI, in a real browser on the sandbox process (the built app):
 * create_task from an order page's action panel (preview, run, the order timeline), then a real
 * failure (the assignee left the store: deactivated on the Staff page in another tab while the
 * form was open) that lands in Exceptions, and Retry there once she is back.
 * Screenshots are kept in test-artifacts/browser/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { ingestOrderByWebhook, launchBrowser, newPage, screenshot, watchPageErrors } from "../helpers/browser";

const SEED = 42;
/** Generated order 0 is named #1001 (sandbox/store/generator.ts). */
const ORDER_NAME = "#1001";

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
/** A second tab of the Owner's, for the Staff page. */
let staffTab: Page;
let problems: string[];

const adminUrl = (user: number) => sandbox.openUrl.replace(/\/admin\/.*/, `/admin/${SANDBOX_SHOP}?user=${user}`);
const nav = (target: Page, label: string) => target.locator("#sandbox-nav a", { hasText: label }).click();
const lastToast = (target: Page) => target.locator(".sandbox-toast").last();

async function openApp(target: Page, user: number) {
  await target.goto(adminUrl(user));
  await target.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
}

async function openOrder() {
  await nav(page, "Orders");
  await page.getByRole("button", { name: "Apply filters" }).waitFor();
  await page.locator('tbody a[href^="/app/orders/"]').getByText(ORDER_NAME, { exact: true }).click();
  await page.getByRole("heading", { name: "Actions", exact: true }).waitFor();
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_SEED: String(SEED) } }), launchBrowser()]);
  page = await newPage(browser);
  staffTab = await newPage(browser);
  problems = watchPageErrors(page);
  await openApp(page, 9001);
  // Mia opens the app once, which makes her a staff member the Owner can assign work to.
  const mia = await newPage(browser);
  await openApp(mia, 9003);
  await mia.close();

  // The order arrives the production way: a signed webhook, the inbox, the worker.
  await ingestOrderByWebhook(page, sandbox, { seed: SEED, index: 0, name: ORDER_NAME });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("the action runner in the browser", () => {
  it("Order page: create_task from the action panel, previewed, then on the order timeline", async () => {
    await openOrder();
    await page.getByLabel("Task title").fill("Call the carrier");
    await page.getByLabel("Task assignee").selectOption({ label: "Mia Manager" });
    await page.getByLabel("Task due date").fill("2026-12-01");
    await page.getByRole("form", { name: "Create task" }).getByRole("button", { name: "Preview" }).click();
    await page.getByText(`Create a task (title of ${"Call the carrier".length} characters) on order ${ORDER_NAME}, assigned, due 2026-12-01.`).waitFor();
    await page.getByRole("button", { name: "Create task" }).click();
    await lastToast(page).getByText("Task “Call the carrier” created for Mia Manager").waitFor();
    await page.getByRole("list", { name: "Order timeline" }).getByText("Task “Call the carrier” created for Mia Manager").waitFor();
    expect(await page.getByLabel("Task title").inputValue()).toBe("");
    await screenshot(page, "action-center-create-task");
  }, 60_000);

  it("a failure (the assignee left) becomes an exception; Retry succeeds once she is back", async () => {
    // The form is open with Mia still offered...
    await page.getByLabel("Task title").fill("Ask Mia to check the stock");
    await page.getByLabel("Task assignee").selectOption({ label: "Mia Manager" });
    // ...while an admin deactivates her in another tab.
    await openApp(staffTab, 9001);
    await nav(staffTab, "Staff");
    await staffTab.getByRole("button", { name: "Deactivate Mia Manager" }).click();
    await lastToast(staffTab).getByText("Mia Manager deactivated").waitFor();

    await page.getByRole("button", { name: "Create task" }).click();
    const banner = page.getByText("The action did not complete");
    await banner.waitFor();
    await page.getByText(/The assignee is no longer active in this store \(correlation id [0-9a-f-]+\)/).waitFor();
    await page.getByRole("list", { name: "Order timeline" }).getByText("Create task failed: The assignee is no longer active in this store").waitFor();
    await screenshot(page, "action-center-failure");

    await staffTab.getByRole("button", { name: "Reactivate Mia Manager" }).click();
    await lastToast(staffTab).getByText("Mia Manager reactivated").waitFor();

    await page.getByRole("link", { name: "retry it from Exceptions" }).click();
    await page.getByRole("button", { name: "Apply filters" }).waitFor();
    const row = page.locator("tbody tr", { hasText: "The assignee is no longer active in this store" });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Create task[\s\S]*State changed[\s\S]*Order #1001[\s\S]*open/);
    await screenshot(page, "exceptions-open");

    await row.getByRole("button", { name: "Retry Create task" }).click();
    await lastToast(page).getByText("Retry succeeded: Task “Ask Mia to check the stock” created for Mia Manager").waitFor();
    await page.getByText("No exceptions here.").waitFor();

    await page.getByLabel("Status").selectOption("resolved");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/status=resolved/);
    const resolved = page.locator("tbody tr", { hasText: "The assignee is no longer active in this store" });
    await resolved.waitFor();
    expect(await resolved.innerText()).toMatch(/resolved/);
    expect(await resolved.innerText()).toMatch(/\b2\b/);
    await screenshot(page, "exceptions-retried");
    // The browser reports the failed run's 409 answer itself; that one is expected, nothing else.
    const expected = /Failed to load resource: the server responded with a status of 409 \(Conflict\) \(http:\/\/[^)]+\/app\/action-center\/orders\/[a-z0-9]+\/actions\/create_task\)$/;
    expect(problems.filter((problem) => !expected.test(problem))).toEqual([]);
    expect(problems.filter((problem) => expected.test(problem))).toHaveLength(1);
  }, 90_000);
});
