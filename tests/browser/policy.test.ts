/**
 * The Action policy page in a real browser on the sandbox process (the built app): the Owner
 * turns discounts on without confirmation, a 150% cap is refused beside its field and saves
 * nothing (a second tab still sees the old policy), the fixed cap is saved through the save bar
 * with a toast and survives a reload, and the simulator refuses a discount above the cap with the
 * rule, for an AI agent and a staff member alike. A Viewer sees the policy read-only.
 * Screenshots are kept in test-artifacts/browser/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { ingestOrderByWebhook, launchBrowser, newPage, screenshot, watchPageErrors } from "../helpers/browser";

const SEED = 42;
/** Generated order 0 of any seed is #1001 (sandbox/store/generator.ts). */
const ORDER_NAME = "#1001";
const OWNER = 9001;
/** Sam Support: a new staff member, so a Viewer (policy.view without policy.manage). */
const VIEWER = 9004;
const PERCENTAGE_ERROR = "Enter a percentage above 0 and at most 100";

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
let problems: string[];
/** The query Shopify Admin gives the app's frame (shop, host, embedded...), from the first visit. */
let adminQuery: URLSearchParams;

const adminUrl = (user: number) => sandbox.openUrl.replace(/\/admin\/.*/, `/admin/${SANDBOX_SHOP}?user=${user}`);
const nav = (target: Page, label: string) => target.locator("#sandbox-nav a", { hasText: label }).click();
const saveBar = (target: Page) => target.getByRole("region", { name: "Unsaved changes" });
const enabled = (target: Page) => target.getByLabel("Apply discount: enabled");
const confirmation = (target: Page) => target.getByLabel("Apply discount: requires confirmation");
const maxPercentage = (target: Page) => target.getByLabel("Apply discount: max % of the order total");

async function openApp(target: Page, user: number) {
  await target.goto(adminUrl(user));
  await target.getByRole("heading", { name: "Ops Demo Store" }).waitFor();
}

/**
 * A browser reload as Shopify Admin does it: the admin reloads the app's frame at the current
 * path with its query (a bare /app/policy, outside the admin, is sent to the login page). Without
 * an id_token the app bounces for a fresh one, as it does for an expired token.
 */
async function reloadInAdmin(target: Page, path: string) {
  const url = new URL(path, target.url());
  for (const [key, value] of adminQuery) if (key !== "id_token") url.searchParams.set(key, value);
  await target.goto(url.toString());
}

async function openPolicy(target: Page) {
  await nav(target, "Action policy");
  await target.getByRole("heading", { name: "Simulator" }).waitFor();
}

/** A second staff tab: what the server holds now, not what this page has in its state. */
async function withFreshPage<T>(user: number, check: (fresh: Page) => Promise<T>): Promise<T> {
  const fresh = await newPage(browser);
  const freshProblems = watchPageErrors(fresh);
  try {
    await openApp(fresh, user);
    await openPolicy(fresh);
    const result = await check(fresh);
    expect(freshProblems).toEqual([]);
    return result;
  } finally {
    await fresh.context().close();
  }
}

async function simulate(percentage: string, actor: string) {
  await page.getByLabel("Order", { exact: true }).fill(ORDER_NAME);
  await page.getByLabel("Action", { exact: true }).selectOption("apply_discount");
  await page.getByLabel("Percentage", { exact: true }).fill(percentage);
  await page.getByLabel("Who asks").selectOption({ label: actor });
  await page.getByRole("button", { name: "Simulate" }).click();
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false, env: { SANDBOX_SEED: String(SEED) } }), launchBrowser()]);
  page = await newPage(browser);
  problems = watchPageErrors(page);
  // The owner's visit installs the app (offline token) that order ingestion uses.
  await openApp(page, OWNER);
  adminQuery = new URL(page.url()).searchParams;
  expect(adminQuery.get("shop")).toBe(SANDBOX_SHOP);

  // The simulator weighs amounts against an order of this store: bring #1001 in through a
  // webhook, as production does, and wait for the worker.
  await ingestOrderByWebhook(page, sandbox, { seed: SEED, index: 0, name: ORDER_NAME });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("the action policy page in the browser", () => {
  it("a 150% cap is refused beside its field and nothing is saved", async () => {
    await openPolicy(page);
    // Install defaults (seed 001): discounts off and confirmed, no cap.
    expect(await enabled(page).isChecked()).toBe(false);
    expect(await confirmation(page).isChecked()).toBe(true);
    expect(await saveBar(page).count()).toBe(0);

    await enabled(page).check();
    await confirmation(page).uncheck();
    await saveBar(page).waitFor();
    await maxPercentage(page).fill("150");
    await saveBar(page).getByRole("button", { name: "Save" }).click();

    await page.getByText(PERCENTAGE_ERROR).waitFor();
    // Polaris ties the message to its field: it describes the input, which is marked invalid.
    const describedBy = (await maxPercentage(page).getAttribute("aria-describedby")) ?? "";
    const descriptions = await Promise.all(describedBy.split(" ").filter(Boolean).map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(descriptions.join(" ")).toContain(PERCENTAGE_ERROR);
    expect(await maxPercentage(page).getAttribute("aria-invalid")).toBe("true");
    // Only that field: its neighbour is not blamed.
    expect(await page.getByLabel("Apply discount: max amount", { exact: false }).getAttribute("aria-invalid")).not.toBe("true");
    await page.getByText("The policy was not saved").waitFor();
    // The edits stay on the page, unsaved.
    expect(await enabled(page).isChecked()).toBe(true);
    await saveBar(page).waitFor();
    await screenshot(page, "policy-percentage-error");
    // The browser logs the refused save's 400 itself; it is the only problem, and expected.
    expect(problems).toEqual([expect.stringMatching(/status of 400 \(Bad Request\) \(http:\/\/[^)]+\/app\/policy\/update\)$/)]);
    problems.length = 0;

    const stored = await withFreshPage(OWNER, async (fresh) => ({
      enabled: await enabled(fresh).isChecked(),
      confirmation: await confirmation(fresh).isChecked(),
      maxPercentage: await maxPercentage(fresh).inputValue(),
    }));
    expect(stored).toEqual({ enabled: false, confirmation: true, maxPercentage: "" });
  }, 90_000);

  it("the fixed cap is saved through the save bar with a toast and survives a reload", async () => {
    await maxPercentage(page).fill("20");
    // Typing again clears the field's error.
    expect(await page.getByText(PERCENTAGE_ERROR).count()).toBe(0);
    await saveBar(page).getByRole("button", { name: "Save" }).click();
    await page.locator(".sandbox-toast").last().getByText("Action policy saved (1 action changed)").waitFor();
    await saveBar(page).waitFor({ state: "detached" });

    await reloadInAdmin(page, "/app/policy");
    await page.getByRole("heading", { name: "Simulator" }).waitFor();
    // The admin frame is drawn once the page has hydrated: what follows is the live page.
    await page.locator("#sandbox-nav a", { hasText: "Action policy" }).waitFor();
    expect(await enabled(page).isChecked()).toBe(true);
    expect(await confirmation(page).isChecked()).toBe(false);
    expect(await maxPercentage(page).inputValue()).toBe("20");
    expect(await saveBar(page).count()).toBe(0);
    expect(problems).toEqual([]);
    await screenshot(page, "policy-discount-saved");
  }, 60_000);

  it("the simulator refuses a discount above the cap with the rule, for an agent and for staff", async () => {
    await simulate("30", "An AI agent");
    await page.getByText("Not allowed", { exact: true }).waitFor();
    await page.getByText("30% is above this store's limit of 20% for Apply discount", { exact: true }).waitFor();
    await screenshot(page, "policy-simulator-denied");

    await simulate("15", "An AI agent");
    await page.getByText("Allowed", { exact: true }).waitFor();
    await page.getByText("Apply discount is allowed by this store's action policy (at most 20%)", { exact: true }).waitFor();

    // The same facts for the Owner: the same rule (one decision function for every actor).
    await simulate("30", "Olivia Owner (owner)");
    await page.getByText("Not allowed", { exact: true }).waitFor();
    await page.getByText("30% is above this store's limit of 20% for Apply discount", { exact: true }).waitFor();
    expect(problems).toEqual([]);
  }, 60_000);

  it("a Viewer sees the saved policy read-only and can still simulate", async () => {
    await withFreshPage(VIEWER, async (viewer) => {
      await viewer.getByText("Changing the action policy needs the policy.manage permission").waitFor();
      expect(await enabled(viewer).isChecked()).toBe(true);
      expect(await enabled(viewer).isDisabled()).toBe(true);
      expect(await maxPercentage(viewer).isDisabled()).toBe(true);
      expect(await maxPercentage(viewer).inputValue()).toBe("20");
      expect(await saveBar(viewer).count()).toBe(0);
      await viewer.getByLabel("Order", { exact: true }).fill(ORDER_NAME);
      await viewer.getByLabel("Action", { exact: true }).selectOption("apply_discount");
      await viewer.getByLabel("Percentage", { exact: true }).fill("25");
      await viewer.getByLabel("Who asks").selectOption({ label: "A workflow" });
      await viewer.getByRole("button", { name: "Simulate" }).click();
      await viewer.getByText("25% is above this store's limit of 20% for Apply discount", { exact: true }).waitFor();
      await screenshot(viewer, "policy-read-only");
    });
  }, 60_000);
});
