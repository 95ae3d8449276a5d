/**
 * Refunds through confirmation and approval in a real browser on the sandbox process (the built
 * app; refundCreate runs on the sandbox against the official schema). The store policy is saved
 * through the app's own policy endpoint (the settings page has its own browser test).
 * (1) From a ticket page: the refund form shows what the policy will ask, Preview shows the
 *     effect and the rule, Refund opens the confirmation modal; the held run survives leaving the
 *     page and comes back with its preview; Confirm refunds: toast, the run on the ticket's
 *     timeline, held + attempted + succeeded on the order's, and the order's refunded total grows
 *     by the amount (re-ingested snapshot).
 * (2) Above the approval threshold: the requester sees "waiting for approval", cannot approve it
 *     from the inbox; Mia (Manager) sees it counted on Home, approves it with a note from the
 *     Approvals inbox, gets the outcome; the refund is on the ticket's timeline and every step
 *     (waits, approved, attempted, succeeded) on the order's.
 * Screenshots are kept in test-artifacts/browser/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMicros } from "../../app/lib/money";
import type { ActionPolicyForm } from "../../app/policy/schema";
import { SANDBOX_SHOP } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { ingestOrderByWebhook, launchBrowser, newPage, policyForm, savePolicies, screenshot, watchPageErrors } from "../helpers/browser";

const SEED = 42;
/** Generated order 3 of seed 42 is #1004, paid and delivered (sandbox/store/generator.ts). */
const ORDER_INDEX = 3;
const ORDER_NAME = "#1004";
const OWNER = 9001;
const MIA = 9003;

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
let mia: Page;
let problems: string[];
let miaProblems: string[];

const adminUrl = (user: number) => sandbox.openUrl.replace(/\/admin\/.*/, `/admin/${SANDBOX_SHOP}?user=${user}`);
const nav = (target: Page, label: string) => target.locator("#sandbox-nav a", { hasText: label }).click();
const lastToast = (target: Page) => target.locator(".sandbox-toast").last();
const ticketTimeline = () => page.getByRole("list", { name: "Ticket timeline" });

async function openApp(target: Page, user: number) {
  await target.goto(adminUrl(user));
  await target.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
}

/** The refund policy, saved as the Owner through the settings page's endpoint. */
const saveRefundPolicy = (change: Partial<ActionPolicyForm>) => savePolicies(page, { process_refund: policyForm(change) });

async function openTicket() {
  await nav(page, "Tickets");
  await page.getByRole("button", { name: "Apply filters" }).waitFor();
  await page.locator("tbody tr", { hasText: "Parcel arrived damaged" }).locator('a[href^="/app/tickets/"]').click();
  await page.getByLabel("Order action").waitFor();
}

async function openOrder() {
  await nav(page, "Orders");
  await page.getByRole("button", { name: "Apply filters" }).waitFor();
  await page.locator('tbody a[href^="/app/orders/"]').getByText(ORDER_NAME, { exact: true }).click();
  await page.getByRole("list", { name: "Order timeline" }).waitFor();
}

/** The order's refunded total in shop currency, as the order panel shows it (exact decimals). */
async function refundedTotal(): Promise<bigint> {
  // The totals table's row (the refunds table's header row also starts with "Refunded").
  const row = page.getByRole("row", { name: /^Refunded\s+(?!Amount)/ }).first();
  const text = await row.innerText();
  const amount = /(\d[\d,]*\.\d{2})/.exec(text)?.[1];
  // Nothing refunded yet can show as a dash.
  if (!amount && text.includes("—")) return 0n;
  if (!amount) throw new Error(`no amount in the Refunded row: ${text}`);
  return toMicros(amount.replace(/,/g, ""));
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_SEED: String(SEED) } }), launchBrowser()]);
  page = await newPage(browser);
  problems = watchPageErrors(page);
  await openApp(page, OWNER);
  mia = await newPage(browser);
  miaProblems = watchPageErrors(mia);
  await openApp(mia, MIA);

  // Mia becomes a Manager (approvals.decide) on the Staff page.
  await nav(page, "Staff");
  await page.getByLabel("Role of Mia Manager").selectOption("manager");
  await lastToast(page).waitFor();

  // The order arrives the way Shopify would send it: a webhook, processed by the worker.
  await ingestOrderByWebhook(page, sandbox, { seed: SEED, index: ORDER_INDEX, name: ORDER_NAME });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("refunds with confirmation and approval", () => {
  it("from the ticket page: preview, confirm in the modal (also after leaving the page), toast, timeline, refunded total", async () => {
    await saveRefundPolicy({ requiresConfirmation: true, approvalMode: "off" });
    await page.locator('tbody a[href^="/app/orders/"]').getByText(ORDER_NAME, { exact: true }).click();
    await page.getByRole("link", { name: "Create ticket" }).first().click();
    await page.getByLabel("Subject").fill("Parcel arrived damaged");
    await page.getByRole("button", { name: "Create ticket" }).click();
    await page.waitForURL(/\/app\/tickets\/[a-z0-9]+$/);
    const before = await refundedTotal();

    await page.getByLabel("Order action").selectOption("process_refund");
    const form = page.getByRole("form", { name: "Process refund" });
    await form.getByText("You confirm it before it runs (store policy).").waitFor();
    // A bad amount comes back beside its field.
    await page.getByLabel("Refund amount").fill("five");
    await form.getByRole("button", { name: "Refund", exact: true }).click();
    const amountField = page.getByLabel("Refund amount");
    await form.getByText("Enter an amount like 12.50").waitFor();
    expect(await amountField.getAttribute("aria-invalid")).toBe("true");
    problems.length = 0; // the browser logs the refused request's 400 itself

    await amountField.fill("5.00");
    await page.getByLabel("Refund reason").fill("Damaged in transit");
    await form.getByRole("button", { name: "Preview" }).click();
    await form.getByText(/^Refund 5\.00 [A-Z]{3} on order #1004 .*You will confirm it next: .*it must be confirmed after the preview\.$/).waitFor();
    await form.getByRole("button", { name: "Refund", exact: true }).click();

    const modal = page.getByRole("dialog", { name: "Confirm: Process refund" });
    await modal.getByText(/^Refund 5\.00 [A-Z]{3} on order #1004/).waitFor();
    await modal.getByText(/^Why you are asked: .*must be confirmed after the preview\.$/).waitFor();
    await screenshot(page, "approvals-refund-confirmation");
    // Not now: the run waits; leaving the page and coming back shows it again.
    await modal.getByRole("button", { name: "Close" }).click();
    await page.getByText("Process refund: waiting for your confirmation").waitFor();
    await nav(page, "Home");
    await page.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
    await openTicket();
    await page.getByText("Process refund: waiting for your confirmation").waitFor();
    await page.getByRole("button", { name: "Review and confirm" }).click();
    await modal.getByText(/^Refund 5\.00 [A-Z]{3} on order #1004/).waitFor();
    await modal.getByRole("button", { name: "Confirm" }).click();

    await lastToast(page).getByText(/^Refunded 5\.00 [A-Z]{3} on #1004$/).waitFor();
    // The ticket's timeline shows the run once, with its outcome.
    await ticketTimeline().getByText(/^Process refund: succeeded \(Refunded 5\.00 [A-Z]{3} on #1004\), by Olivia Owner$/).waitFor();
    await expect.poll(refundedTotal, { timeout: 30_000 }).toBe(before + toMicros("5.00"));
    expect(await page.getByText("Process refund: waiting for your confirmation").count()).toBe(0);
    await screenshot(page, "approvals-refund-done");
    // The order's timeline has every step: held, attempted, succeeded.
    await openOrder();
    const orderTimeline = page.getByRole("list", { name: "Order timeline" });
    await orderTimeline.getByText("Process refund waits for confirmation").waitFor();
    await orderTimeline.getByText("Process refund attempted by Olivia Owner").waitFor();
    await orderTimeline.getByText(/^Refunded 5\.00 [A-Z]{3} on #1004$/).waitFor();
    expect(await refundedTotal()).toBe(before + toMicros("5.00"));
    expect(problems).toEqual([]);
  }, 120_000);

  it("above the threshold: waits for a second person; Mia approves it from the inbox with a note and it runs", async () => {
    await saveRefundPolicy({ requiresConfirmation: true, approvalMode: "above_amount", approvalThreshold: "10.00" });
    await openTicket();
    await page.getByLabel("Order action").selectOption("process_refund");
    await page.getByText("You confirm it before it runs; above 10.00 a second staff member must approve it (store policy).").waitFor();
    await page.getByLabel("Refund amount").fill("12.00");
    await page.getByRole("form", { name: "Process refund" }).getByRole("button", { name: "Refund", exact: true }).click();
    const waiting = page.getByText("Process refund: waiting for approval");
    await waiting.waitFor();
    await page.getByText(/must approve it before .*Refund 12\.00 [A-Z]{3} on order #1004/).waitFor();
    await screenshot(page, "approvals-waiting");

    // The requester sees their own request in the inbox, but no Approve button (two-person rule).
    await nav(page, "Approvals");
    const ownRow = page.locator("tbody tr", { hasText: "Refund 12.00" });
    await ownRow.getByText("Your request — another staff member must approve").waitFor();
    expect(await ownRow.getByRole("button", { name: /^Approve/ }).count()).toBe(0);

    // Mia: Home counts it, the inbox shows what, how much and why.
    await nav(mia, "Home");
    await mia.getByRole("link", { name: "Waiting approvals: 1" }).waitFor();
    await nav(mia, "Approvals");
    const row = mia.locator("tbody tr", { hasText: "Refund 12.00" });
    await row.getByText(/^12\.00 [A-Z]{3}$/).waitFor();
    await row.getByText(/above 10\.00 [A-Z]{3} needs approval by a second staff member/).waitFor();
    await row.getByRole("link", { name: "Ticket #1" }).waitFor();
    await row.getByRole("button", { name: "Approve Process refund requested by Olivia Owner" }).click();
    const dialog = mia.getByRole("dialog", { name: "Approve: Process refund" });
    await dialog.getByText(/^Refund 12\.00 [A-Z]{3} on order #1004/).waitFor();
    await dialog.getByLabel("Approval note (optional)").fill("Parcel photos checked");
    await screenshot(mia, "approvals-approve-modal");
    await dialog.getByRole("button", { name: "Approve and run" }).click();
    await lastToast(mia).getByText(/^Approved: Refunded 12\.00 [A-Z]{3} on #1004$/).waitFor();
    await mia.getByText("Approved: Process refund").waitFor();
    await mia.getByRole("link", { name: "Open the run" }).waitFor();
    // Decided requests leave the pending list; the approved filter keeps them with the note.
    await expect.poll(() => mia.locator("tbody tr", { hasText: "Refund 12.00" }).count()).toBe(0);
    await mia.getByLabel("Status").selectOption("approved");
    await mia.getByRole("button", { name: "Apply filters" }).click();
    await mia.locator("tbody tr", { hasText: "Refund 12.00" }).getByText("Mia Manager: Parcel photos checked").waitFor();
    await screenshot(mia, "approvals-approved-from-inbox");

    // The requester's ticket: no longer waiting, the approval and the refund on the timeline.
    await openTicket();
    // The refund is the requester's action, approved by Mia.
    await ticketTimeline().getByText(/^Process refund: succeeded \(Refunded 12\.00 [A-Z]{3} on #1004\), by Olivia Owner$/).waitFor();
    expect(await waiting.count()).toBe(0);
    // The order's own timeline has every step.
    await openOrder();
    const orderTimeline = page.getByRole("list", { name: "Order timeline" });
    await orderTimeline.getByText("Process refund waits for approval").waitFor();
    await orderTimeline.getByText("Process refund approved by Mia Manager").waitFor();
    await orderTimeline.getByText("Process refund attempted by Olivia Owner").nth(1).waitFor();
    await orderTimeline.getByText(/^Refunded 12\.00 [A-Z]{3} on #1004$/).waitFor();
    await screenshot(page, "approvals-order-timeline");
    expect(problems).toEqual([]);
    expect(miaProblems).toEqual([]);
  }, 150_000);
});
