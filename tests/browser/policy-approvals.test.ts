/**
 * The action policy, confirmation and approval in a real browser on the sandbox process (the
 * built app): the Owner turns refunds on in the Action policy page (a bad percentage shows its
 * error beside the field and saves nothing; the save bar saves the fixed value), runs the
 * simulator, refunds from a ticket page through the confirmation modal, then raises the bar so a
 * larger refund needs approval, which Mia (Manager) gives from the Approvals inbox. Every refund
 * runs against the sandbox's refundCreate and lands on the ticket's timeline.
 * Screenshots are kept in test-artifacts/browser/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { ingestOrderByWebhook, launchBrowser, newPage, screenshot, watchPageErrors } from "../helpers/browser";

const SEED = 42;
/** Generated order 3 of seed 42 is #1004, paid and delivered (sandbox/store/generator.ts). */
const ORDER_INDEX = 3;
const ORDER_NAME = "#1004";

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
let mia: Page;
let problems: string[];

const adminUrl = (user: number) => sandbox.openUrl.replace(/\/admin\/.*/, `/admin/${SANDBOX_SHOP}?user=${user}`);
const nav = (target: Page, label: string) => target.locator("#sandbox-nav a", { hasText: label }).click();
const lastToast = (target: Page) => target.locator(".sandbox-toast").last();
const saveBar = (target: Page) => target.getByRole("region", { name: "Unsaved changes" });

async function openApp(target: Page, user: number) {
  await target.goto(adminUrl(user));
  await target.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
}

async function openTicket() {
  await nav(page, "Tickets");
  await page.getByRole("button", { name: "Apply filters" }).waitFor();
  // The only ticket of this store: the one opened from the order.
  await page.locator("tbody tr", { hasText: "Parcel arrived damaged" }).locator('a[href^="/app/tickets/"]').click();
  await page.getByLabel("Order action").waitFor();
}

async function openPolicy() {
  await nav(page, "Action policy");
  await page.getByRole("heading", { name: "Simulator" }).waitFor();
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_SEED: String(SEED) } }), launchBrowser()]);
  page = await newPage(browser);
  problems = watchPageErrors(page);
  await openApp(page, 9001);
  mia = await newPage(browser);
  await openApp(mia, 9003);

  // Mia becomes a Manager (approvals.decide) on the Staff page.
  await nav(page, "Staff");
  await page.getByLabel("Role of Mia Manager").selectOption("manager");
  await lastToast(page).waitFor();

  await ingestOrderByWebhook(page, sandbox, { seed: SEED, index: ORDER_INDEX, name: ORDER_NAME });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("action policy, confirmation and approval in the browser", () => {
  it("Action policy: a bad percentage is refused beside its field; the save bar saves the fixed policy", async () => {
    await openPolicy();
    await page.getByLabel("Process refund: enabled").check();
    await page.getByLabel("Process refund: max % of the order total").fill("150");
    await saveBar(page).getByRole("button", { name: "Save" }).click();
    const percentage = page.getByLabel("Process refund: max % of the order total");
    await page.getByText("Enter a percentage above 0 and at most 100").waitFor();
    // Polaris ties the message to the field: it describes the input.
    const describedBy = (await percentage.getAttribute("aria-describedby")) ?? "";
    const descriptions = await Promise.all(describedBy.split(" ").filter(Boolean).map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(descriptions.join(" ")).toContain("Enter a percentage above 0 and at most 100");
    expect(await percentage.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "policy-validation-error");
    // The browser logs the refused save's 400 itself; it is the only problem, and expected.
    expect(problems).toEqual([expect.stringMatching(/status of 400 \(Bad Request\) \(http:\/\/[^)]+\/app\/policy\/update\)$/)]);
    problems.length = 0;

    await percentage.fill("100");
    await saveBar(page).getByRole("button", { name: "Save" }).click();
    await lastToast(page).getByText("Action policy saved (1 action changed)").waitFor();
    await saveBar(page).waitFor({ state: "detached" });

    // A fresh load shows what was saved.
    await nav(page, "Home");
    await page.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
    await openPolicy();
    expect(await page.getByLabel("Process refund: enabled").isChecked()).toBe(true);
    expect(await page.getByLabel("Process refund: requires confirmation").isChecked()).toBe(true);
    expect(await page.getByLabel("Process refund: max % of the order total").inputValue()).toBe("100");
    await screenshot(page, "policy-saved");
  }, 90_000);

  it("Action policy: the simulator answers with the rule that decides", async () => {
    await page.getByLabel("Order", { exact: true }).fill(ORDER_NAME);
    await page.getByLabel("Action", { exact: true }).selectOption("process_refund");
    await page.getByLabel(/^Amount/).fill("999999.00");
    await page.getByRole("button", { name: "Simulate" }).click();
    await page.getByText("Not allowed").waitFor();
    await page.getByText(/% is above this store's limit of 100% for Process refund/).waitFor();
    await page.getByLabel(/^Amount/).fill("1.00");
    await page.getByLabel("Who asks").selectOption({ label: "An AI agent" });
    await page.getByRole("button", { name: "Simulate" }).click();
    await page.getByText("Allowed after confirmation").waitFor();
    await screenshot(page, "policy-simulator");
  }, 60_000);

  it("Ticket page: a refund is previewed, confirmed in the modal, executed on the sandbox and shown on the timeline", async () => {
    await nav(page, "Orders");
    await page.getByRole("button", { name: "Apply filters" }).waitFor();
    await page.locator('tbody a[href^="/app/orders/"]').getByText(ORDER_NAME, { exact: true }).click();
    await page.getByRole("link", { name: "Create ticket" }).first().click();
    await page.getByLabel("Subject").fill("Parcel arrived damaged");
    await page.getByRole("button", { name: "Create ticket" }).click();
    await page.waitForURL(/\/app\/tickets\/[a-z0-9]+$/);

    await page.getByLabel("Order action").selectOption("process_refund");
    await page.getByLabel("Refund amount").fill("5.00");
    await page.getByLabel("Refund reason").fill("Damaged in transit");
    await page.getByRole("form", { name: "Process refund" }).getByRole("button", { name: "Preview" }).click();
    await page.getByText(`Refund 5.00`, { exact: false }).first().waitFor();
    await page.getByText("You will confirm it next").waitFor();
    await page.getByRole("button", { name: "Refund", exact: true }).click();

    const modal = page.getByRole("dialog", { name: "Confirm: Process refund" });
    await modal.getByText(`Refund 5.00`, { exact: false }).waitFor();
    await screenshot(page, "refund-confirmation");
    await modal.getByRole("button", { name: "Confirm" }).click();
    await lastToast(page).getByText(`Refunded 5.00`, { exact: false }).waitFor();
    await page.getByRole("list", { name: "Ticket timeline" }).getByText(`Refunded 5.00`, { exact: false }).first().waitFor();
    await screenshot(page, "refund-done");
  }, 90_000);

  it("Approvals: above the threshold a refund waits; Mia approves it from the inbox and it runs", async () => {
    await openPolicy();
    await page.getByLabel("Process refund: approval by a second staff member").selectOption("above_amount");
    await page.getByLabel("Process refund: approval above", { exact: false }).fill("10.00");
    await saveBar(page).getByRole("button", { name: "Save" }).click();
    await lastToast(page).getByText("Action policy saved (1 action changed)").waitFor();

    await openTicket();
    await page.getByLabel("Order action").selectOption("process_refund");
    await page.getByLabel("Refund amount").fill("12.00");
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    await page.getByText("Process refund: waiting for approval").waitFor();
    await screenshot(page, "refund-waiting-for-approval");

    await nav(mia, "Approvals");
    await mia.getByRole("button", { name: "Approve Process refund requested by Olivia Owner" }).click();
    await mia.getByRole("dialog", { name: "Approve: Process refund" }).getByRole("button", { name: "Approve and run" }).click();
    await lastToast(mia).getByText(`Approved: Refunded 12.00`, { exact: false }).waitFor();
    await screenshot(mia, "approvals-approved");

    await openTicket();
    await page.getByRole("list", { name: "Ticket timeline" }).getByText(`Refunded 12.00`, { exact: false }).first().waitFor();
    expect(await page.getByText("Process refund: waiting for approval").count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
