/**
 * Tickets in a real browser on the sandbox process (the built app): a ticket opened from an
 * order page through the form (the order linked and prefilled), another from the Tickets
 * list, the ticket page (sanitized thread, order panel from our snapshot, merged timeline,
 * a status change with its toast), and the list with filters kept in the URL.
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
let problems: string[];

const adminUrl = (user: number) => sandbox.openUrl.replace(/\/admin\/.*/, `/admin/${SANDBOX_SHOP}?user=${user}`);
const nav = (label: string) => page.locator("#sandbox-nav a", { hasText: label }).click();
const lastToast = () => page.locator(".sandbox-toast").last();
const ticketRows = () => page.locator("tbody tr").filter({ has: page.locator('a[href^="/app/tickets/"]') });

async function openApp(target: Page, user: number) {
  await target.goto(adminUrl(user));
  await target.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
}

/**
 * A full page load of an app URL, as a shared link opened in the admin: the embedded
 * parameters without a session token; the app's bounce page gets one from App Bridge.
 */
async function loadShared(pathAndQuery: string) {
  const url = new URL(pathAndQuery, page.url());
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", SANDBOX_SHOP);
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${SANDBOX_SHOP.replace(".myshopify.com", "")}`).toString("base64url"));
  await page.goto(url.toString());
}

async function openTickets() {
  await nav("Tickets");
  await page.getByRole("button", { name: "Apply filters" }).waitFor();
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_SEED: String(SEED) } }), launchBrowser()]);
  page = await newPage(browser);
  problems = watchPageErrors(page);
  await openApp(page, 9001);
  // Mia opens the app once, which makes her a staff member tickets can be assigned to.
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

describe("tickets in the browser", () => {
  it("Order page -> Create ticket: the form shows the linked order; the ticket page shows the thread, order panel and merged timeline", async () => {
    await page.locator('tbody a[href^="/app/orders/"]').getByText(ORDER_NAME, { exact: true }).click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    // Polaris renders header actions twice (a menu for narrow screens): the visible one.
    await page.getByRole("link", { name: "Create ticket" }).first().click();

    await page.getByRole("heading", { name: "Linked order" }).waitFor();
    await page.getByRole("form", { name: "New ticket" }).getByRole("link", { name: ORDER_NAME, exact: true }).waitFor();
    await page.getByLabel("Subject").fill("Parcel stuck in transit");
    await page.getByLabel("Priority").selectOption("urgent");
    await page.getByLabel("Category").fill("Shipping");
    await page.getByLabel("First internal note (optional)").fill("Carrier says **no scan** since Monday. <script>window.__pwned = true</script>\n\n[Tracking](https://track.example/1Z999)");
    await screenshot(page, "tickets-new-from-order");
    await page.getByRole("button", { name: "Create ticket" }).click();

    // The ticket page: header, the thread (markdown rendered, markup inert), the order panel.
    await page.getByRole("heading", { name: /^#\d+ Parcel stuck in transit$/ }).waitFor();
    await page.waitForURL(/\/app\/tickets\/[a-z0-9]+$/);
    const thread = page.getByRole("list", { name: "Ticket thread" });
    await thread.locator("strong", { hasText: "no scan" }).waitFor();
    await thread.getByText("<script>window.__pwned = true</script>").waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await thread.getByRole("link", { name: "Tracking" }).getAttribute("href")).toBe("https://track.example/1Z999");
    for (const heading of ["Customer", "Payment", "Fulfillment", "Line items"]) await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    await page.getByRole("heading", { name: `Order ${ORDER_NAME}` }).waitFor();

    // One timeline, each item labelled with its source: the order's events and the ticket's.
    const timeline = page.getByRole("list", { name: "Ticket timeline" });
    await timeline.getByText(`Order ${ORDER_NAME} created`).waitFor();
    await timeline.getByText(/^Ticket created by .+ \(staff\)$/).waitFor();
    const items = await timeline.getByRole("listitem").allInnerTexts();
    expect(items.length).toBeGreaterThan(2);
    expect(items.some((item) => /\bOrder\b/.test(item))).toBe(true);
    expect(items.some((item) => /\bTicket\b/.test(item))).toBe(true);
    const times = await timeline.locator("time").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("datetime") ?? ""));
    expect([...times].sort()).toEqual(times);
    await screenshot(page, "tickets-detail");
  }, 90_000);

  it("Ticket page: a status change saves with a toast and lands on the timeline", async () => {
    await page.getByLabel("Status").selectOption("pending");
    await lastToast().getByText("Status changed to Pending").waitFor();
    await page.getByRole("list", { name: "Ticket timeline" }).getByText(/^Status changed from Open to Pending by /).waitFor();
    expect(await page.getByLabel("Status").inputValue()).toBe("pending");
    await page.getByRole("button", { name: "Assign to me" }).click();
    await lastToast().getByText("Assigned to you").waitFor();
    await screenshot(page, "tickets-detail-updated");
  }, 60_000);

  it("Ticket page: an internal note and a task, both through the action runner", async () => {
    await page.getByLabel("Internal note", { exact: true }).fill("Called the carrier: **reroute** requested");
    await page.getByRole("button", { name: "Add note" }).click();
    await lastToast().getByText("Internal note added").waitFor();
    await page.getByRole("list", { name: "Ticket thread" }).locator("strong", { hasText: "reroute" }).waitFor();
    expect(await page.getByLabel("Internal note", { exact: true }).inputValue()).toBe("");

    await page.getByLabel("Task title").fill("Check the reroute tomorrow");
    await page.getByLabel("Task assignee").selectOption({ label: "Mia Manager" });
    await page.getByRole("button", { name: "Create task" }).click();
    await lastToast().getByText("Task “Check the reroute tomorrow” created for Mia Manager").waitFor();
    await page.getByRole("list", { name: "Tasks" }).getByText("Check the reroute tomorrow").waitFor();
    await page.getByRole("list", { name: "Ticket timeline" }).getByText(/Task “Check the reroute tomorrow” created for Mia Manager/).first().waitFor();
    await screenshot(page, "tickets-detail-actions");
  }, 60_000);

  it("Tickets list -> New ticket: a second ticket, assigned to Mia, without an order", async () => {
    await openTickets();
    await page.locator('a[href="/app/tickets/new"]').first().click();
    await page.getByLabel("Subject").fill("Gift wrapping question");
    await page.getByLabel("Priority").selectOption("low");
    await page.getByLabel("Customer email").fill("gift.buyer@example.com");
    await page.getByLabel("Assignee", { exact: true }).selectOption({ label: "Mia Manager" });
    await page.getByRole("button", { name: "Create ticket" }).click();
    await page.getByRole("heading", { name: /^#\d+ Gift wrapping question$/ }).waitFor();
    await page.getByText("No order is linked to this ticket.").waitFor();
    expect(await page.getByLabel("Assignee", { exact: true }).inputValue()).not.toBe("");
  }, 60_000);

  it("Tickets list: filters and search live in the URL (shareable), with a field error beside a bad filter", async () => {
    await openTickets();
    expect(await ticketRows().count()).toBe(2);

    await page.getByLabel("Pending").check({ force: true });
    await page.getByLabel("Priority").selectOption("urgent");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/status=pending/);
    await page.waitForFunction(() => document.querySelectorAll('tbody a[href^="/app/tickets/"]').length === 1);
    const rows = await ticketRows().allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/Parcel stuck in transit[\s\S]*Pending[\s\S]*Urgent[\s\S]*#1001/);
    expect(page.url()).toMatch(/priority=urgent/);
    await screenshot(page, "tickets-list-filtered");

    // The same view, opened from its URL: the filters come back checked and selected.
    const shared = new URL(page.url());
    await loadShared(`/app/tickets${shared.search}`);
    await page.getByRole("button", { name: "Apply filters" }).waitFor();
    expect(await page.getByLabel("Pending").isChecked()).toBe(true);
    expect(await page.getByLabel("Priority").inputValue()).toBe("urgent");
    expect(await ticketRows().count()).toBe(1);

    // Search by subject, and by the assignee filter.
    await page.getByRole("link", { name: "Clear" }).click();
    await page.waitForURL((url) => !url.search.includes("status="));
    await page.getByLabel("Search").fill("gift");
    await page.getByLabel("Assignee", { exact: true }).selectOption({ label: "Mia Manager" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/q=gift/);
    await page.waitForFunction(() => document.querySelectorAll('tbody a[href^="/app/tickets/"]').length === 1);
    expect(await ticketRows().first().innerText()).toMatch(/Gift wrapping question[\s\S]*Low[\s\S]*Mia Manager/);
    await screenshot(page, "tickets-list-search");

    // A bad filter in a shared link: the page says so beside the field, with the correlation id.
    await loadShared("/app/tickets?age=forever");
    await page.getByText("Some filters are invalid").first().waitFor();
    await page.getByText("Choose an age from the list").waitFor();
    await page.getByText(/Correlation id: [0-9a-f-]+/).waitFor();
    await screenshot(page, "tickets-list-invalid-filter");
    // The browser reports the 400 document itself; that one is expected, nothing else.
    const expected = /Failed to load resource: the server responded with a status of 400 \(Bad Request\) \(http:\/\/[^)]+\/app\/tickets\?age=forever[^)]*\)$/;
    expect(page.url()).toMatch(/age=forever/);
    expect(problems.filter((problem) => !expected.test(problem))).toEqual([]);
  }, 90_000);
});
