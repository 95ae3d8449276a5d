/**
 * The Orders pages in a real browser on the sandbox process (the built app): orders arrive the
 * way they do in production, through webhooks into the inbox and the pg-boss worker; then the
 * list with a filter, an order's context panel and timeline, and "Refresh from Shopify".
 * Screenshots are kept in test-artifacts/browser/.
 *
 * Which orders exist: the sandbox CLI seeds the demo store deterministically (SANDBOX_SEED,
 * 42 unless set), and generated order ids are a pure function of (seed, shop, index)
 * (sandbox/store/generator.ts: orderLegacyId(idNamespace(seed, shop), index)). The test pins
 * the seed and derives the first orders' GIDs from it, so it needs no Admin API token.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP } from "../../sandbox/config";
import { idNamespace, orderLegacyId } from "../../sandbox/store/generator";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { launchBrowser, newPage, screenshot, watchPageErrors } from "../helpers/browser";

const SEED = 42;
const ORDER_COUNT = 8;
/** Generated order n is named #(1001 + n). */
const EXPECTED_NAMES = Array.from({ length: ORDER_COUNT }, (_, index) => `#${1001 + index}`);

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
let problems: string[];

const adminUrl = (user: number) => sandbox.openUrl.replace(/\/admin\/.*/, `/admin/${SANDBOX_SHOP}?user=${user}`);

async function openFromNav(label: string) {
  await page.locator("#sandbox-nav a", { hasText: label }).click();
}

/** Asks the sandbox to deliver a signed orders/updated webhook for the order to the app. */
async function deliverOrderWebhook(legacyId: number) {
  const response = await fetch(new URL("/_sandbox/webhooks", sandbox.openUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ topic: "orders/updated", shop: SANDBOX_SHOP, payload: { id: legacyId, admin_graphql_api_id: `gid://shopify/Order/${legacyId}` } }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { status: number }).status).toBe(200);
}

const orderRows = () => page.locator("tbody tr").filter({ has: page.locator('a[href^="/app/orders/"]') });

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_SEED: String(SEED) } }), launchBrowser()]);
  page = await newPage(browser);
  problems = watchPageErrors(page);
  // The owner opens the app: the install (offline token) that ingestion uses is stored.
  await page.goto(adminUrl(9001));
  await page.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
  await page.locator("#sandbox-nav a", { hasText: "Orders" }).waitFor();

  const namespace = idNamespace(SEED, SANDBOX_SHOP);
  for (let index = 0; index < ORDER_COUNT; index++) await deliverOrderWebhook(orderLegacyId(namespace, index));

  // The worker ingests them within seconds; the list reads our tables only, so poll it. (A
  // backfill started at install may bring in more orders meanwhile: wait for these ones.)
  const missing = async () => {
    const names = new Set((await page.locator('tbody a[href^="/app/orders/"]').allInnerTexts()).map((text) => text.trim()));
    return EXPECTED_NAMES.filter((name) => !names.has(name));
  };
  await openFromNav("Orders");
  await page.getByRole("button", { name: "Apply filters" }).waitFor();
  const deadline = Date.now() + 60_000;
  while ((await missing()).length > 0) {
    if (Date.now() > deadline) throw new Error(`orders not ingested: ${(await missing()).join(", ")}\n${sandbox.output().slice(-3000)}`);
    await page.waitForTimeout(1000);
    await openFromNav("Home");
    await page.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
    await openFromNav("Orders");
    await page.getByRole("button", { name: "Apply filters" }).waitFor();
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("orders in the browser", () => {
  it("Orders: the list, filtered by payment status", async () => {
    const all = await orderRows().count();
    expect(all).toBeGreaterThanOrEqual(ORDER_COUNT);
    await page.getByLabel("Payment status").selectOption("PAID");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/financialStatus=PAID/);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("tbody tr")].filter((row) => row.querySelector('a[href^="/app/orders/"]'));
      return rows.length > 0 && rows.every((row) => /\bPaid\b/.test((row as HTMLElement).innerText));
    });
    const rows = await orderRows().allInnerTexts();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(all);
    for (const row of rows) expect(row).toMatch(/\bPaid\b/);
    // Money as the shop's currency, exact to the cent.
    expect(rows[0]).toMatch(/€\s?\d[\d,]*\.\d{2}|\d[\d.]*,\d{2}\s?€/);
    await screenshot(page, "orders-list");
  }, 60_000);

  it("Order page: context panel and timeline", async () => {
    // One of the orders the webhooks brought in (full context), else the first row.
    const links = orderRows().locator('a[href^="/app/orders/"]');
    const names = (await links.allInnerTexts()).map((text) => text.trim());
    const name = names.find((candidate) => EXPECTED_NAMES.includes(candidate)) ?? names[0];
    await links.getByText(name, { exact: true }).click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    for (const heading of ["Customer", "Payment", "Fulfillment", "Line items", "Refunds and returns"]) {
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    }
    await page.getByRole("heading", { name, exact: true }).waitFor();
    expect(await page.getByRole("list", { name: "Order timeline" }).getByRole("listitem").count()).toBeGreaterThan(1);
    await page.getByRole("list", { name: "Order timeline" }).getByText(`Order ${name} created`).waitFor();
    await screenshot(page, "orders-detail");
  }, 60_000);

  it("Order page: Refresh from Shopify shows the outcome in a toast", async () => {
    await page.getByRole("button", { name: "Refresh from Shopify" }).click();
    // The outcome: "Already up to date (version n)", or a new version when the stored snapshot
    // was older (a backfill stores a slimmer one).
    const toast = page.locator(".sandbox-toast").last();
    await toast.waitFor({ timeout: 45_000 });
    expect(await toast.innerText()).toMatch(/^(Already up to date \(version \d+\)|Order refreshed: now version \d+)$/);
    await page.getByRole("button", { name: "Refresh from Shopify" }).and(page.locator(":not([disabled])")).waitFor();
    await screenshot(page, "orders-detail-refreshed");
    expect(problems).toEqual([]);
  }, 90_000);
});
