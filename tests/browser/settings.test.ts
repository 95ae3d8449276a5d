/**
 * Settings and the signed intake API in a real browser on the sandbox process (the built app):
 * the owner creates the intake secret, rotates it through the confirmation modal, and the
 * secret shown on the page signs a request that this test sends to the running app, as an
 * external chat widget would. Home's ticket count goes up. Screenshots are kept in
 * test-artifacts/browser/.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SHOP, SANDBOX_SHOP_NAME } from "../../sandbox/config";
import { startSandboxProcess, type SandboxProcess } from "../../scripts/smoke-sandbox";
import { launchBrowser, newPage, screenshot, watchPageErrors } from "../helpers/browser";

let sandbox: SandboxProcess;
let browser: Browser;
let page: Page;
let problems: string[];

async function openFromNav(label: string) {
  await page.locator("#sandbox-nav a", { hasText: label }).click();
}

async function openHome() {
  await openFromNav("Home");
  await page.getByRole("heading", { name: SANDBOX_SHOP_NAME }).waitFor();
  await page.getByRole("heading", { name: "Tickets waiting" }).waitFor();
}

/** Home's open-ticket count: the figure's link ("Open tickets: n"), or 0 when the empty state shows. */
async function openTicketCount(): Promise<number> {
  const figure = page.getByRole("link", { name: /^Open tickets: \d+$/ });
  if ((await figure.count()) === 0) {
    await page.getByText("No open tickets.").waitFor();
    return 0;
  }
  const label = (await figure.getAttribute("aria-label")) ?? "";
  return Number(/(\d+)$/.exec(label)![1]);
}

const secretField = () => page.getByLabel("Intake secret");
const SECRET_FORMAT = /^oac_is_[A-Za-z0-9_-]{43}$/;

/** Waits until the secret field shows a real secret (not the mask) other than `not`. */
async function shownSecret(not?: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await secretField().inputValue();
    if (SECRET_FORMAT.test(value) && value !== not) return value;
    if (Date.now() > deadline) throw new Error(`no new secret shown (field: ${value})`);
    await page.waitForTimeout(100);
  }
}

async function sendIntake(endpoint: string, shop: string, secret: string, body: unknown) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = `browser-${randomUUID()}`;
  const signature = createHmac("sha256", secret).update(`${timestamp}.${key}.${raw}`).digest("base64");
  return fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-OAC-Shop-Domain": shop,
      "X-OAC-Timestamp": timestamp,
      "X-OAC-Signature": signature,
      "Idempotency-Key": key,
    },
    body: raw,
  });
}

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess({ build: false }), launchBrowser()]);
  page = await newPage(browser);
  problems = watchPageErrors(page);
  await page.goto(sandbox.openUrl);
  await page.getByRole("heading", { name: SANDBOX_SHOP_NAME }).waitFor();
  await page.locator("#sandbox-nav a", { hasText: "Settings" }).waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe("intake secret and API in the browser", () => {
  let endpoint: string;
  let firstSecret: string;
  let rotatedSecret: string;

  it("Settings: shows the endpoint and the shop header, and creates the secret when first revealed", async () => {
    await openFromNav("Settings");
    const endpointField = page.getByLabel("Endpoint (POST)");
    await endpointField.waitFor();
    endpoint = await endpointField.inputValue();
    expect(endpoint).toBe(`${new URL(page.url()).origin}/api/intake/tickets`);
    expect(await page.getByLabel("X-OAC-Shop-Domain header").inputValue()).toBe(SANDBOX_SHOP);
    expect(await page.getByLabel("Signing example").innerText()).toContain("createHmac(\"sha256\"");
    expect(await secretField().inputValue()).toBe("");

    await page.getByRole("button", { name: "Create secret" }).click();
    firstSecret = await shownSecret();
    // Hidden again, it is masked.
    await page.getByRole("button", { name: "Hide" }).click();
    await page.getByRole("button", { name: "Reveal" }).waitFor();
    expect(await secretField().inputValue()).toMatch(/^oac_is_•+$/);
    await screenshot(page, "settings-intake");
  }, 60_000);

  it("Settings: rotates the secret through the confirmation modal, with a toast and the new secret shown", async () => {
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("The current one keeps working for 24 hours").waitFor();
    await screenshot(page, "settings-rotate-modal");
    await dialog.getByRole("button", { name: "Rotate", exact: true }).click();

    const toast = page.locator(".sandbox-toast", { hasText: "Secret rotated" });
    await toast.waitFor({ timeout: 30_000 });
    expect(await toast.innerText()).toMatch(/^Secret rotated\. The old one works until .+/);
    await dialog.waitFor({ state: "detached" });
    rotatedSecret = await shownSecret(firstSecret);
    await page.getByText("Rotation in progress").waitFor();
    await screenshot(page, "settings-rotated");
  }, 60_000);

  it("the shown secret signs an intake request to the running app, and Home's count goes up", async () => {
    await openHome();
    const before = await openTicketCount();

    const response = await sendIntake(endpoint, SANDBOX_SHOP, rotatedSecret, {
      subject: "Parcel not arrived",
      message: "Hello, my order has not arrived yet.",
      customer: { email: "browser.customer@example.com", name: "Browser Customer" },
      channel: "chat",
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const created = (await response.json()) as { ticket: { number: number; status: string; orderLinked: boolean } };
    expect(created.ticket).toMatchObject({ status: "open", orderLinked: false });
    expect(response.headers.get("X-Request-Id")).toBeTruthy();

    // The replaced secret still works during its grace period; a wrong one does not.
    expect((await sendIntake(endpoint, SANDBOX_SHOP, firstSecret, { subject: "Old secret", message: "Still here", customer: { email: "old@example.com" } })).status).toBe(201);
    const refused = await sendIntake(endpoint, SANDBOX_SHOP, `${rotatedSecret}x`, { subject: "Forged", message: "No", customer: { email: "forged@example.com" } });
    expect(refused.status).toBe(401);

    await openFromNav("Settings");
    await page.getByLabel("Endpoint (POST)").waitFor();
    await openHome();
    await page.getByRole("link", { name: `Open tickets: ${before + 2}` }).waitFor();
    expect(await openTicketCount()).toBe(before + 2);
    await screenshot(page, "home-action-center");
    expect(problems).toEqual([]);
  }, 90_000);
});
