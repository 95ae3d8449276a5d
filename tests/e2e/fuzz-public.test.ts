/**
 * The fuzz suite, part 3: the endpoints outside /app, reachable without a session token. The
 * signed intake API (headers, signature, timestamp, key, every body and field, each correctly
 * signed so it gets past the signature), the three webhook routes (HMAC, headers, bodies
 * Postgres cannot store), the login page and the library's auth paths, and the landing page.
 * Only 4xx with the standard error body where the route answers JSON (the Shopify library's
 * own 401s and the login page are not JSON), and no row changed. Redirects are allowed only
 * where they are the flow (auth bounce, landing page), and only to our own origin.
 */
import { createHmac } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../../app/intake/schema";
import { action as intakeRoute } from "../../app/routes/api.intake.tickets";
import { loader as landingLoader } from "../../app/routes/_index";
import { loader as authLoader } from "../../app/routes/auth.$";
import { action as loginAction, loader as loginLoader } from "../../app/routes/auth.login";
import { action as revealRoute } from "../../app/routes/app.settings.intake-secret.reveal";
import { action as webhookRoute } from "../../app/routes/webhooks.$";
import { action as scopesRoute } from "../../app/routes/webhooks.app.scopes_update";
import { action as uninstalledRoute } from "../../app/routes/webhooks.app.uninstalled";
import { SANDBOX_API_SECRET } from "../../sandbox/config";
import { webhookHeaders } from "../../sandbox/webhooks";
import { actionTestKit, OWNER, type Json } from "../helpers/actions";
import {
  expectNothingChanges,
  fieldCases,
  FUZZ_SEED,
  HOSTILE_STRINGS,
  IDEMPOTENCY_KEY_VALUES,
  jsonBodyCases,
  POST_ROUTE_COVERAGE,
  seeded,
  splitPending,
  staffPost,
  toJsonText,
  UNSTORABLE_STRINGS,
  type FuzzCase,
} from "../helpers/fuzz";
import { SHOP_A } from "../helpers/sandbox";
import { call } from "../helpers/shopify";
import { TEST_APP_URL } from "../setup/app-env";

// Two shops installed, staff with roles: the intake secret is revealed by the Owner.
await actionTestKit();
const rng = seeded(FUZZ_SEED + 2);
let secret: string;

const SPENT_KEY = "fuzz-intake-spent-key";
const intakeBody = { subject: "Where is my parcel?", message: "It has not arrived.", customer: { email: "jane@example.com", name: "Jane Doe" }, orderName: "#1001", priority: "high", category: "Shipping", channel: "chat", externalId: "chat-42" };

interface IntakeOptions {
  shop?: string | null;
  timestamp?: string | null;
  signature?: string | null;
  /** Sign with this secret instead of the shop's. */
  secret?: string;
  /** Sign these bytes instead of the body. */
  signed?: string;
  key?: string | null;
  contentType?: string | null;
}

function intake(body: string | Uint8Array<ArrayBuffer>, options: IntakeOptions = {}): FuzzCase["run"] {
  return () => {
    const timestamp = options.timestamp === undefined ? String(Math.floor(Date.now() / 1000)) : options.timestamp;
    const raw = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
    const signed = options.signed !== undefined ? Buffer.from(options.signed) : raw;
    const key = options.key === undefined ? SPENT_KEY : options.key;
    // Signed as the README says: timestamp, Idempotency-Key and the body's bytes.
    const signature = createHmac("sha256", options.secret ?? secret).update(`${timestamp}.${key ?? ""}.`).update(signed).digest("base64");
    const headers: Record<string, string> = {};
    const set = (name: string, value: string | null | undefined, fallback: string | null) => {
      const final = value === undefined ? fallback : value;
      if (final !== null) headers[name] = final;
    };
    set("Content-Type", options.contentType, "application/json");
    set(SHOP_HEADER, options.shop, SHOP_A);
    set(TIMESTAMP_HEADER, timestamp, null);
    set(SIGNATURE_HEADER, options.signature, signature);
    set("Idempotency-Key", options.key, SPENT_KEY);
    const request = new Request(new URL("/api/intake/tickets", TEST_APP_URL), { method: "POST", headers, body: typeof body === "string" ? body : body });
    return call(() => intakeRoute({ request, params: {}, context: {} }));
  };
}

interface WebhookOptions {
  topic?: string;
  shop?: string;
  /** The HMAC header: undefined signs the body, null sends none. */
  hmac?: string | null;
  secret?: string;
  drop?: string[];
}

type Route = (args: ActionFunctionArgs) => Promise<unknown>;

function webhook(route: Route, path: string, body: string | Uint8Array<ArrayBuffer>, options: WebhookOptions = {}): FuzzCase["run"] {
  return () => {
    const raw = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
    const headers = webhookHeaders({ topic: options.topic ?? "orders/updated", shop: options.shop ?? SHOP_A, payload: null }, "", options.secret ?? SANDBOX_API_SECRET);
    headers["X-Shopify-Hmac-Sha256"] = createHmac("sha256", options.secret ?? SANDBOX_API_SECRET).update(raw).digest("base64");
    if (options.hmac !== undefined) {
      if (options.hmac === null) delete headers["X-Shopify-Hmac-Sha256"];
      else headers["X-Shopify-Hmac-Sha256"] = options.hmac;
    }
    for (const name of options.drop ?? []) delete headers[name];
    const request = new Request(new URL(path, TEST_APP_URL), { method: "POST", headers, body });
    return call(() => route({ request, params: { "*": path.replace(/^\/webhooks\//, "") }, context: {} }));
  };
}

const intakeCases: FuzzCase[] = [];
const webhookCases = new Map<string, FuzzCase[]>();
const authCases: FuzzCase[] = [];
const loginCases: FuzzCase[] = [];

beforeAll(async () => {
  const revealed = await call<Json>(() => revealRoute({ request: staffPost("/app/settings/intake-secret/reveal", { shop: SHOP_A, userId: OWNER, body: "{}" }), params: {}, context: {} } as ActionFunctionArgs));
  secret = revealed.body.secret;
  // The key is spent on another ticket: every request that passes validation is a 409, never a ticket.
  const first = await intake(JSON.stringify({ ...intakeBody, subject: "An earlier ticket" }))();
  expect(first.status).toBe(201);

  const valid = toJsonText(intakeBody);
  const now = Math.floor(Date.now() / 1000);
  for (const [name, value] of [
    ["missing", null],
    ["empty", ""],
    ["not a shop domain", "evil.example.com"],
    ["a shop that never installed", "never-installed.myshopify.com"],
    ["sql", "shop-a.myshopify.com' OR '1'='1"],
    ["traversal", "../../shop-a.myshopify.com"],
    ["another shop's domain", "shop-b.myshopify.com"],
    ["very long", `${"a".repeat(5_000)}.myshopify.com`],
  ] as const) {
    intakeCases.push({ name: `shop header: ${name}`, run: intake(valid, { shop: value }) });
  }
  for (const [name, value] of [
    ["missing", null],
    ["empty", ""],
    ["an hour old", String(now - 3600)],
    ["an hour ahead", String(now + 3600)],
    ["not a number", "yesterday"],
    ["exponent", "1.7e9"],
    ["negative", "-1"],
    ["fraction", `${now}.5`],
    ["huge", "99999999999999999999999"],
  ] as const) {
    intakeCases.push({ name: `timestamp: ${name}`, run: intake(valid, { timestamp: value }) });
  }
  for (const [name, options] of [
    ["missing", { signature: null }],
    ["empty", { signature: "" }],
    ["garbage", { signature: "not base64 !!" }],
    ["of another body", { signed: toJsonText({ ...intakeBody, subject: "Something else" }) }],
    ["with another secret", { secret: "oac_is_not-the-secret" }],
    ["hex instead of base64", { signature: createHmac("sha256", "x").update("y").digest("hex") }],
  ] as const) {
    intakeCases.push({ name: `signature: ${name}`, run: intake(valid, options) });
  }
  for (const [name, value] of IDEMPOTENCY_KEY_VALUES) intakeCases.push({ name: `Idempotency-Key: ${name}`, run: intake(valid, { key: value }) });
  for (const bodyCase of jsonBodyCases(intakeBody)) intakeCases.push({ name: `body: ${bodyCase.name}`, run: intake(bodyCase.body, { contentType: bodyCase.contentType }), field: bodyCase.field });
  for (const fieldCase of fieldCases(intakeBody, rng)) intakeCases.push({ name: `field ${fieldCase.name}`, run: intake(toJsonText(fieldCase.body)), field: fieldCase.unstorable ? fieldCase.path : undefined });

  const orderPayload = { id: 820982911946154500, admin_graphql_api_id: "gid://shopify/Order/820982911946154500", name: "#9999", note: "Gift" };
  const routes: Array<[string, Route, string, string, Record<string, unknown>]> = [
    ["webhooks.$", webhookRoute as Route, "/webhooks/orders/updated", "orders/updated", orderPayload],
    ["webhooks.app.uninstalled", uninstalledRoute as Route, "/webhooks/app/uninstalled", "app/uninstalled", { id: 1, name: "Shop A", domain: SHOP_A }],
    ["webhooks.app.scopes_update", scopesRoute as Route, "/webhooks/app/scopes_update", "app/scopes_update", { id: 1, previous: ["read_orders"], current: ["read_orders", "write_orders"], updated_at: "2026-10-01T00:00:00Z" }],
  ];
  for (const [name, route, path, topic, payload] of routes) {
    const list: FuzzCase[] = [];
    const body = toJsonText(payload);
    const send = (options: WebhookOptions = {}, raw: string | Uint8Array<ArrayBuffer> = body) => webhook(route, path, raw, { topic, ...options });
    list.push(
      { name: "no HMAC", run: send({ hmac: null }) },
      { name: "empty HMAC", run: send({ hmac: "" }) },
      { name: "forged HMAC", run: send({ secret: "not-the-app-secret" }) },
      { name: "HMAC of another body", run: send({ hmac: createHmac("sha256", SANDBOX_API_SECRET).update("{}").digest("base64") }) },
      { name: "HMAC in hex", run: send({ hmac: createHmac("sha256", SANDBOX_API_SECRET).update(body).digest("hex") }) },
      { name: "no topic header (HMAC valid)", run: send({ drop: ["X-Shopify-Topic"] }) },
      { name: "no shop header (HMAC valid)", run: send({ drop: ["X-Shopify-Shop-Domain"] }) },
      { name: "no webhook id (HMAC valid)", run: send({ drop: ["X-Shopify-Webhook-Id"] }) },
      { name: "signed, malformed JSON", run: send({}, '{"id":'), pendingSlice: "webhooks (malformed JSON)" },
      // The library checks the HMAC of the body decoded as UTF-8: bytes that are not UTF-8 fail it (401).
      { name: "signed, not UTF-8", run: send({}, Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])) },
      { name: "signed, shop header not a myshopify domain", run: send({ shop: "evil.example.com" }), pendingSlice: "webhooks (non-myshopify shop header)" },
      { name: "signed, 10 MB body", run: send({}, toJsonText({ ...payload, padding: "p".repeat(10 * 1024 * 1024) })), pendingSlice: "webhooks (oversized body)" },
    );
    // The payload is stored (orders/*) or read (scopes): text Postgres cannot store is refused. app/uninstalled reads none.
    if (name !== "webhooks.app.uninstalled") {
      list.push(
        { name: "signed, NUL in a string", run: send({}, toJsonText({ ...payload, note: UNSTORABLE_STRINGS.nul, current: name === "webhooks.$" ? undefined : ["read_orders\u0000"] })) },
        { name: "signed, lone surrogate in a string", run: send({}, toJsonText({ ...payload, note: UNSTORABLE_STRINGS.loneHigh, current: name === "webhooks.$" ? undefined : ["read_orders\ud800"] })) },
        { name: "signed, NUL in a key", run: send({}, `{"no\\u0000te":1,${body.slice(1)}`) },
        { name: "signed, a JSON array", run: send({}, "[]") },
        { name: "signed, a JSON string", run: send({}, '"orders"') },
        { name: "signed, JSON null", run: send({}, "null") },
      );
    }
    if (name === "webhooks.app.scopes_update") {
      list.push(
        { name: "signed, current is a string", run: send({}, toJsonText({ ...payload, current: "read_orders" })) },
        { name: "signed, current holds numbers", run: send({}, toJsonText({ ...payload, current: [1, 2] })) },
        { name: "signed, current missing", run: send({}, toJsonText({ id: 1 })) },
      );
    }
    webhookCases.set(name, list);
  }

  const form = (value: string | string[]) => {
    const body = new URLSearchParams();
    for (const item of Array.isArray(value) ? value : [value]) body.append("shop", item);
    return body;
  };
  const shops: Array<[string, string | string[]]> = [
    ["empty", ""],
    ["NUL", `shop-a${UNSTORABLE_STRINGS.nul}.myshopify.com`],
    ["not a shop domain", "evil.example.com"],
    ["javascript URL", "javascript:alert(1)"],
    ["sql", "' OR '1'='1"],
    ["traversal", "../../etc/passwd"],
    ["html", HOSTILE_STRINGS.html],
    ["very long", `${"a".repeat(5_000)}.myshopify.com`],
    ["repeated", ["evil.example.com", "shop-a.myshopify.com"]],
  ];
  for (const [name, value] of shops) {
    loginCases.push({
      name: `POST /auth/login, shop = ${name}`,
      run: () => call(() => loginAction({ request: new Request(new URL("/auth/login", TEST_APP_URL), { method: "POST", body: form(value) }), params: {}, context: {} } as ActionFunctionArgs)),
    });
    const query = form(value).toString();
    if (name !== "empty") loginCases.push({ name: `GET /auth/login?shop = ${name}`, run: () => call(() => loginLoader({ request: new Request(new URL(`/auth/login?${query}`, TEST_APP_URL)), params: {}, context: {} } as LoaderFunctionArgs)) });
  }
  // A well-formed shop domain, however long, starts Shopify's install flow on that shop's admin.
  for (const loginCase of loginCases) if (loginCase.name.endsWith("very long")) loginCase.redirectTo = /^https:\/\/admin\.shopify\.com\/store\/a{5000}\/oauth\/install\?client_id=/;
  loginCases.push(
    { name: "POST /auth/login, no body", run: () => call(() => loginAction({ request: new Request(new URL("/auth/login", TEST_APP_URL), { method: "POST" }), params: {}, context: {} } as ActionFunctionArgs)) },
    {
      name: "POST /auth/login, JSON body",
      run: () => call(() => loginAction({ request: new Request(new URL("/auth/login", TEST_APP_URL), { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"shop":"shop-a.myshopify.com"}' }), params: {}, context: {} } as ActionFunctionArgs)),
    },
  );

  const login = /^\/auth\/login(\?|$)/;
  const bouncePage = (outcome: { status: number; body: unknown }) =>
    outcome.status === 200 && typeof outcome.body === "string" && !outcome.body.includes("javascript:") ? null : `answered ${outcome.status} ${String(outcome.body).slice(0, 200)}`;
  const authPaths: Array<[string, Partial<FuzzCase>]> = [
    ["/auth/session-token?shop=evil.example.com", { status: 400 }],
    [`/auth/session-token?shop=${encodeURIComponent(UNSTORABLE_STRINGS.nul)}`, { status: 400 }],
    [`/auth/session-token?shop=${encodeURIComponent("shop-a.myshopify.com https://evil.example.com")}`, { status: 400 }],
    // The bounce page itself: App Bridge fetches a token and reloads; the reload URL is not echoed.
    ["/auth/session-token?shop=shop-a.myshopify.com&shopify-reload=javascript:alert(1)", { check: bouncePage }],
    ["/auth/exit-iframe?shop=shop-a.myshopify.com&exitIframe=https://evil.example.com", { status: 400 }],
    ["/auth/exit-iframe?shop=shop-a.myshopify.com&exitIframe=javascript:alert(1)", { status: 400 }],
    ["/auth/exit-iframe?shop=shop-a.myshopify.com&exitIframe=//evil.example.com/x", { status: 400 }],
    ["/auth/callback?code=x&hmac=y&shop=shop-a.myshopify.com&state=z&timestamp=1", { redirectTo: login }],
    ["/auth/../../etc/passwd", { redirectTo: login }],
    ["/auth/%00", { redirectTo: login }],
  ];
  for (const [path, expectation] of authPaths) {
    authCases.push({ name: `GET ${path}`, run: () => call(() => authLoader({ request: new Request(new URL(path, TEST_APP_URL)), params: { "*": path.slice("/auth/".length) }, context: {} } as LoaderFunctionArgs)), ...expectation });
  }
}, 180_000);

describe("route inventory", () => {
  it("has cases in this file for each route the inventory assigns to it", () => {
    const mine = Object.entries(POST_ROUTE_COVERAGE)
      .filter(([, file]) => file === "fuzz-public.test.ts")
      .map(([route]) => route)
      .sort();
    expect(["api.intake.tickets", "auth.login", ...webhookCases.keys()].sort()).toEqual(mine);
  });
});

describe("the signed intake API: only 4xx with the error body, nothing written", () => {
  it("api.intake.tickets", async () => {
    expect(intakeCases.length).toBeGreaterThan(80);
    await expectNothingChanges("api.intake.tickets", intakeCases);
  }, 180_000);
});

describe("webhooks: only 4xx, nothing stored", () => {
  for (const name of ["webhooks.$", "webhooks.app.uninstalled", "webhooks.app.scopes_update"]) {
    it(name, async () => {
      const { own } = splitPending(webhookCases.get(name)!);
      await expectNothingChanges(name, own);
    }, 120_000);
  }
});

describe("auth and landing pages: never 5xx, nothing written, redirects only where the flow goes (our /auth/login, /app, the Shopify admin)", () => {
  it("auth.login refuses a bad shop with 400 and the field error", async () => {
    const outcomes = await expectNothingChanges("auth.login", loginCases);
    for (const outcome of outcomes.filter((item) => item.status === 400)) expect(outcome.body, outcome.case).toMatchObject({ errors: { shop: expect.any(String) } });
    expect(outcomes.filter((item) => item.status === 400).length).toBe(outcomes.length - 2);
  }, 60_000);

  it("the library's auth paths", async () => {
    await expectNothingChanges("auth.$", authCases);
  }, 60_000);

  it("the landing page passes ?shop= on to /app, never elsewhere", async () => {
    for (const value of ["https://evil.example.com", "javascript:alert(1)", "//evil.example.com", UNSTORABLE_STRINGS.nul, HOSTILE_STRINGS.crlf]) {
      const result = await call(() => landingLoader({ request: new Request(new URL(`/?shop=${encodeURIComponent(value)}`, TEST_APP_URL)), params: {}, context: {} } as LoaderFunctionArgs));
      expect(result.status).toBe(302);
      expect(result.headers.get("location")).toMatch(/^\/app\?shop=/);
    }
  });
});

describe("webhook cases fixed in the webhooks slice of issue 12", () => {
  for (const name of ["webhooks.$", "webhooks.app.uninstalled", "webhooks.app.scopes_update"]) {
    it(`${name}: a signed body that is malformed JSON, oversized or from a non-myshopify shop is a 400, nothing stored`, async () => {
      const pending = [...splitPending(webhookCases.get(name)!).pending.values()].flat();
      expect(pending.length).toBeGreaterThan(0);
      await expectNothingChanges(name, pending);
    }, 120_000);
  }
});

