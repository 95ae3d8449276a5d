/**
 * The two order actions that change goods and addresses, in a real browser on the sandbox
 * process (the built app; orderUpdate and returnCreate run on the sandbox against the official
 * schema). The store policy turns both on through the app's own policy endpoint.
 * (1) Update shipping address on #1017 (paid, nothing shipped): the form starts from the current
 *     address (the Owner may see customer data); a postal code Shopify refuses comes back beside
 *     its field, with the exception noted; the fixed address is saved, the toast names only the
 *     city and country, the order panel shows the new address, the timeline the attempt.
 * (2) Initiate return on #1004 (delivered): the form lists what shipped with how many may go
 *     back, and the store's return reasons (Shopify's library, stored by the app; refreshable);
 *     Preview names the items; the return opens with the chosen reason's definition.
 * Screenshots are kept in test-artifacts/browser/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { ingestOrderByWebhook, launchBrowser, newPage, policyForm, savePolicies, screenshot, watchPageErrors } from "../helpers/browser";

const SEED = 42;
/** Seed 42's generated orders (sandbox/store/generator.ts archetypeFor): index 3 is #1004, delivered; 16 is #1017, paid and unshipped. */
const DELIVERED = { index: 3, name: "#1004" };
const UNSHIPPED = { index: 16, name: "#1017" };
const OWNER = 9001;

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
let problems: string[];

const nav = (label: string) => page.locator("#sandbox-nav a", { hasText: label }).click();
const lastToast = () => page.locator(".sandbox-toast").last();

async function openOrder(name: string) {
  await nav("Orders");
  await page.getByRole("button", { name: "Apply filters" }).waitFor();
  await page.locator('tbody a[href^="/app/orders/"]').getByText(name, { exact: true }).click();
  await page.getByLabel("Order action").waitFor();
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_SEED: String(SEED) } }), launchBrowser()]);
  page = await newPage(browser);
  problems = watchPageErrors(page);
  await page.goto(sandbox.openUrl.replace(/\/admin\/.*/, `/admin/${SANDBOX_SHOP}?user=${OWNER}`));
  await page.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
  // Both on, without confirmation (its flow has its own browser tests).
  await savePolicies(page, { update_address: policyForm({ requiresConfirmation: false }), initiate_return: policyForm({ requiresConfirmation: false }) });
  for (const order of [DELIVERED, UNSHIPPED]) await ingestOrderByWebhook(page, sandbox, { seed: SEED, ...order });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("address and return actions in the browser", () => {
  it("Update shipping address: starts from the current address, shows Shopify's refusal beside the field, then saves", async () => {
    await openOrder(UNSHIPPED.name);
    await page.getByLabel("Order action").selectOption("update_address");
    const form = page.getByRole("form", { name: "Update shipping address" });
    const street = form.getByLabel("Street and house number");
    expect(await street.inputValue()).not.toBe("");
    await form.getByLabel("Country").selectOption("DE");
    await street.fill("Elbchaussee 12");
    await form.getByLabel("City").fill("Hamburg");
    await form.getByLabel("Region code (optional)").fill("");
    await form.getByLabel("Postal code").fill("2009");
    await form.getByRole("button", { name: "Update address" }).click();
    // Shopify's userError lands beside the postal code; the failed run waits in Exceptions.
    await form.getByText("Enter a valid postal code for Germany", { exact: true }).waitFor();
    expect(await form.getByLabel("Postal code").getAttribute("aria-invalid")).toBe("true");
    await form.getByText("retry it from Exceptions").waitFor();
    await screenshot(page, "address-refused-postal-code");
    problems.length = 0; // the browser logs the refused request's 422 itself

    await form.getByLabel("Postal code").fill("20095");
    await form.getByRole("button", { name: "Preview" }).click();
    await form.getByText(/^Ship what is left of order #1017 to the new address in Hamburg, DE \(was .+\); street, recipient and phone as entered\. Runs at once: /).waitFor();
    await form.getByRole("button", { name: "Update address" }).click();
    await lastToast().getByText("Shipping address of #1017 changed (now Hamburg, DE)").waitFor();
    // The form keeps the address it saved, which is the order's now.
    expect(await street.inputValue()).toBe("Elbchaussee 12");
    // The page revalidates from the re-ingested snapshot.
    await page.getByText(/Elbchaussee 12/).first().waitFor();
    // Both attempts are on the timeline: the refused one and the one that changed the address.
    const timeline = page.getByRole("list", { name: "Order timeline" });
    await timeline.getByText("Update shipping address attempted by Olivia Owner").nth(1).waitFor();
    await timeline.getByText(/^Update shipping address failed: .*postal code/).waitFor();
    await screenshot(page, "address-updated");
    expect(problems).toEqual([]);
  }, 120_000);

  it("Initiate return: lists what shipped, previews the items, opens the return", async () => {
    await openOrder(DELIVERED.name);
    // Whether the import's bulk snapshot (which cannot carry shipped items) or the webhook's
    // came last, a look-up makes the snapshot whole, as the form's banner tells staff to do.
    await page.getByLabel("Order action").selectOption("lookup_order");
    await page.getByRole("form", { name: "Look up order" }).getByRole("button", { name: "Look up order" }).click();
    await lastToast().waitFor();
    await page.getByLabel("Order action").selectOption("initiate_return");
    const form = page.getByRole("form", { name: "Initiate return" });
    const first = form.getByLabel(/how many to return$/).first();
    await first.waitFor();
    // The reasons are Shopify's library as the app stored it (the select waits for them).
    const reason = form.getByLabel("Return reason");
    await reason.selectOption({ label: "Damaged or defective" });
    expect(await reason.inputValue()).toBe("gid://shopify/ReturnReasonDefinition/6");
    await form.getByText(/^Shopify's return reasons as of /).waitFor();
    await form.getByRole("button", { name: "Refresh reasons from Shopify" }).click();
    await form.getByRole("button", { name: "Refresh reasons from Shopify" }).and(page.locator(":enabled")).waitFor();
    expect(await reason.inputValue()).toBe("gid://shopify/ReturnReasonDefinition/6");
    // Nothing chosen: the answer says so beside the list.
    await form.getByRole("button", { name: "Start return" }).click();
    await form.getByText("Choose at least one item to return").waitFor();
    problems.length = 0; // the browser logs the refused request's 400 itself

    await first.fill("1");
    await form.getByLabel("Note on the return (optional)").fill("Seam split on arrival");
    await form.getByRole("button", { name: "Preview" }).click();
    await form.getByText(/^Open a return on order #1004 for 1 × .+\. The customer sends them back; refund them when they arrive\./).waitFor();
    await screenshot(page, "return-preview");
    await form.getByRole("button", { name: "Start return" }).click();
    await lastToast().getByText("Return #1004-R1 opened on #1004 for 1 item(s)").waitFor();
    await page.getByRole("list", { name: "Order timeline" }).getByText("Initiate return attempted by Olivia Owner").waitFor();
    await screenshot(page, "return-opened");
    expect(problems).toEqual([]);
  }, 120_000);
});
