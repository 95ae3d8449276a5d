/**
 * What we tell senders is what the server verifies: the README's JavaScript and curl recipes
 * (section "Intake API") and the Settings page's example are run as written, against the real
 * route, with the shop's real secret. Only the placeholders (app URL, shop domain, secret) are
 * filled in; `fetch` and `curl` deliver the request they build to the route's action.
 */
import { spawnSync } from "node:child_process";
import * as nodeCrypto from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import { TEST_APP_URL } from "../../tests/setup/app-env";
import prisma from "../db.server";
import { ROOT } from "../../server/paths";
import { action as intakeAction } from "../routes/api.intake.tickets";
import { loader as homeLoader } from "../routes/app._index";
import { loader as settingsLoader } from "../routes/app.settings";
import { action as revealAction } from "../routes/app.settings.intake-secret.reveal";
import { intakeSigningExample } from "./signing-example";

await startTestSandbox();

let secret: string;
let shopId: string;

beforeAll(async () => {
  expect((await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }))).status).toBe(200);
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  const revealed = await call<{ secret: string }>(() =>
    revealAction({ request: adminFetchRequest("/app/settings/intake-secret/reveal", { shop: SHOP_A, method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }), params: {}, context: {} }),
  );
  secret = revealed.body.secret;
});

/** The route as a server: the Response it returns or throws. */
async function serve(request: Request): Promise<Response> {
  try {
    return await intakeAction({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const sectionStart = readme.indexOf("## Intake API");
const sectionEnd = readme.indexOf("\n## ", sectionStart + 1);
const intakeSection = sectionStart === -1 ? "" : readme.slice(sectionStart, sectionEnd === -1 ? undefined : sectionEnd);

function codeBlock(language: string): string {
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(intakeSection);
  if (!match) throw new Error(`no \`\`\`${language} block in the README's Intake API section`);
  return match[1];
}

/**
 * Runs a JavaScript example (ESM with a static node:crypto import and top-level await) with
 * our fetch and the secret in process.env; returns the responses it received.
 */
async function runJavaScript(source: string): Promise<Array<{ status: number; body: { ticket?: { id: string } } }>> {
  const received: Array<{ status: number; body: { ticket?: { id: string } } }> = [];
  const fetchIntoRoute = async (url: string, init: RequestInit) => {
    expect(new URL(url).pathname).toBe("/api/intake/tickets");
    const response = await serve(new Request(url, init));
    received.push({ status: response.status, body: (await response.clone().json()) as { ticket?: { id: string } } });
    return response;
  };
  // The one import becomes a destructuring of the real module (Function bodies cannot import).
  const code = source.replace(/^import \{ ([^}]+) \} from "node:crypto";$/m, "const { $1 } = nodeCrypto;");
  expect(code).not.toMatch(/^import /m);
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction("nodeCrypto", "fetch", "process", "console", code)(nodeCrypto, fetchIntoRoute, { env: { OAC_INTAKE_SECRET: secret } }, { log: () => undefined });
  return received;
}

async function expectOneTicket(ticketId: string | undefined, subject: string) {
  expect(ticketId).toEqual(expect.any(String));
  const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
  expect(ticket).toMatchObject({ shopId, subject });
}

describe("the README's Intake API recipes, run as written", () => {
  it("the JavaScript recipe opens a ticket", async () => {
    const source = codeBlock("js").replaceAll("https://your-app.example.com", TEST_APP_URL).replaceAll("your-shop.myshopify.com", SHOP_A);
    const received = await runJavaScript(source);
    expect(received.map((response) => response.status)).toEqual([201]);
    await expectOneTicket(received[0].body.ticket?.id, "Where is my parcel?");
  });

  it("the curl recipe (bash, openssl) opens a ticket", async () => {
    const script = codeBlock("sh").replaceAll("your-shop.myshopify.com", SHOP_A);
    // curl is replaced by a function that prints its arguments, NUL-separated, as bash expanded them.
    const result = spawnSync("bash", ["-c", `set -euo pipefail\ncurl() { printf '%s\\0' "$@"; }\n${script}`], {
      env: { PATH: process.env.PATH, APP_URL: TEST_APP_URL, OAC_INTAKE_SECRET: secret } as unknown as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
    const args = result.stdout.split("\0").slice(0, -1);
    const headers = new Headers();
    let url = "";
    let body = "";
    for (let index = 0; index < args.length; index++) {
      if (args[index] === "-H") headers.append(...(args[++index].split(/:\s*/, 2) as [string, string]));
      else if (args[index] === "--data-raw") body = args[++index];
      else if (args[index] === "-X") expect(args[++index]).toBe("POST");
      else if (args[index].startsWith("http")) url = args[index];
    }
    expect(headers.get("X-OAC-Signature")).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const response = await serve(new Request(url, { method: "POST", headers, body }));
    const answer = (await response.json()) as { ticket?: { id: string } };
    expect(response.status, JSON.stringify(answer)).toBe(201);
    await expectOneTicket(answer.ticket?.id, "Where is my parcel?");
  });
});

describe("the Settings page's example, run as shown", () => {
  it("opens a ticket with the endpoint and shop the page shows", async () => {
    const page = await call<{ endpoint: string; shopDomain: string }>(() => settingsLoader({ request: adminFetchRequest("/app/settings", { shop: SHOP_A }), params: {}, context: {} }));
    const received = await runJavaScript(intakeSigningExample(page.body.endpoint, page.body.shopDomain));
    expect(received.map((response) => response.status)).toEqual([201]);
    await expectOneTicket(received[0].body.ticket?.id, "Where is my parcel?");
  });
});
