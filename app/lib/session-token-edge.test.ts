/**
 * The embedded routes' edge (withStaff -> authenticate.admin) with session tokens that are
 * validly signed by the app secret but name something they must not: a shop we have never
 * seen, a host that is not a Shopify shop, or no expiry at all. Each must be refused as
 * unauthenticated (401 with the standard error body for a fetch request), never a 500, and
 * must write nothing (no shop, no session, no staff member).
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET } from "../../sandbox/config";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call, sessionToken } from "../../tests/helpers/shopify";
import { TEST_APP_URL } from "../../tests/setup/app-env";
import prisma from "../db.server";
import { loader as layoutLoader } from "../routes/app";
import { loader as authLoader } from "../routes/auth.$";
import { loader as homeLoader } from "../routes/app._index";
import { action as revealAction } from "../routes/app.settings.intake-secret.reveal";
import { loader as settingsLoader } from "../routes/app.settings";
import type { ErrorBody } from "./app-error";

const sandbox = await startTestSandbox();

async function footprint() {
  const [shops, sessions, staff] = await Promise.all([prisma.shop.count(), prisma.session.count(), prisma.staffMember.count()]);
  return { shops, sessions, staff };
}

function expectUnauthenticated(result: { status: number; headers: Headers; body: unknown }) {
  expect(result.status, JSON.stringify(result.body)).toBe(401);
  const body = result.body as ErrorBody;
  expect(body.error.code).toBe("UNAUTHENTICATED");
  expect(body.error.correlationId).toEqual(expect.any(String));
  expect(result.headers.get("X-Request-Id")).toBe(body.error.correlationId);
}

const now = () => Math.floor(Date.now() / 1000);

/** Tokens signed with the real app secret: only their claims are wrong (an undefined claim is left out of the JWT). */
const hostile: Array<[string, () => string]> = [
  ["an unknown shop in dest (and iss)", () => sessionToken("nobody-here.myshopify.com")],
  ["a non-Shopify host in dest", () => sessionToken(SHOP_A, { claims: { dest: "https://evil.example.com", iss: "https://evil.example.com/admin" } })],
  ["dest with a path and a port", () => sessionToken(SHOP_A, { claims: { dest: "https://shop-a.myshopify.com:8443/x" } })],
  ["dest that is not a URL", () => sessionToken(SHOP_A, { claims: { dest: "not a url" } })],
  ["dest missing", () => sessionToken(SHOP_A, { claims: { dest: undefined } })],
  ["dest that is a number", () => sessionToken(SHOP_A, { claims: { dest: 42 } })],
  ["iss naming another shop than dest", () => sessionToken(SHOP_A, { claims: { iss: "https://shop-b.myshopify.com/admin" } })],
  ["no exp claim", () => sessionToken(SHOP_A, { claims: { exp: undefined } })],
  ["an exp a year away (Shopify's tokens live a minute)", () => sessionToken(SHOP_A, { ttlSeconds: 365 * 86400 })],
  ["an exp that is not a number", () => sessionToken(SHOP_A, { claims: { exp: "tomorrow" } })],
  ["no sub claim", () => sessionToken(SHOP_A, { claims: { sub: undefined } })],
];

describe("session tokens signed by the app but naming the wrong thing", () => {
  it.each(hostile)("answers a fetch request carrying %s with 401 and the error body, writing nothing", async (_name, token) => {
    const before = await footprint();
    for (const handler of [
      () => layoutLoader({ request: adminFetchRequest("/app", { shop: SHOP_A, token: token() }), params: {}, context: {} }),
      () => homeLoader({ request: adminFetchRequest("/app", { shop: SHOP_A, token: token() }), params: {}, context: {} }),
      () => settingsLoader({ request: adminFetchRequest("/app/settings", { shop: SHOP_A, token: token() }), params: {}, context: {} }),
      () =>
        revealAction({
          request: adminFetchRequest("/app/settings/intake-secret/reveal", { shop: SHOP_A, token: token(), method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
          params: {},
          context: {},
        }),
    ]) {
      expectUnauthenticated(await call(handler));
    }
    expect(await footprint()).toEqual(before);
  });

  it.each(hostile)("refuses a document request carrying %s with 401 (no bounce: Shopify would never issue it), and writes nothing", async (_name, token) => {
    const before = await footprint();
    // A document request runs the layout's loader and the page's: both must refuse; so do the auth paths.
    for (const [path, loader] of [
      ["/app", layoutLoader],
      ["/app", homeLoader],
      ["/auth/login", authLoader],
    ] as const) {
      const result = await call(() => loader({ request: adminDocumentRequest(path, { shop: SHOP_A, token: token() }), params: {}, context: {} }));
      expectUnauthenticated(result);
    }
    expect(await footprint()).toEqual(before);
  });

  it("gives the library's own 401 (forged signature, expired token) the error body, keeping App Bridge's retry header", async () => {
    const forged = sessionToken(SHOP_A, { apiSecret: "not-the-app-secret" });
    const expired = sessionToken(SHOP_A, { now: now() - 3600 });
    for (const token of [forged, expired]) {
      const result = await call(() => settingsLoader({ request: adminFetchRequest("/app/settings", { shop: SHOP_A, token }), params: {}, context: {} }));
      expectUnauthenticated(result);
      expect(result.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
    }
    // A document request with an expired token is still bounced for a fresh one, as Shopify expects,
    // and the bounce page (no token) is still served.
    const bounced = await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, token: expired }), params: {}, context: {} }));
    expect(bounced.status).toBe(302);
    const bouncePage = await call<string>(() => authLoader({ request: new Request(new URL(bounced.headers.get("Location")!, TEST_APP_URL)), params: {}, context: {} }));
    expect(bouncePage.status).toBe(200);
    expect(bouncePage.body).toContain("app-bridge");
  });

  it("still accepts a valid token, with exp, for the same routes", async () => {
    expect((await call(() => layoutLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }))).status).toBe(200);
    expect((await call(() => homeLoader({ request: adminFetchRequest("/app", { shop: SHOP_A }), params: {}, context: {} }))).status).toBe(200);
    const token = sessionToken(SHOP_A, { now: now() - 10, ttlSeconds: 60 });
    expect((await call(() => settingsLoader({ request: adminFetchRequest("/app/settings", { shop: SHOP_A, token }), params: {}, context: {} }))).status).toBe(200);
  });
});

describe("the sandbox's token exchange, like Shopify's", () => {
  it("refuses to exchange a session token without exp", async () => {
    const exchange = (subjectToken: string) =>
      fetch(`${sandbox.url}/shops/${SHOP_A}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_id: SANDBOX_API_KEY,
          client_secret: SANDBOX_API_SECRET,
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token: subjectToken,
          subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
          requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
        }),
      });
    const refused = await exchange(sessionToken(SHOP_A, { claims: { exp: undefined } }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_subject_token" });
    expect((await exchange(sessionToken(SHOP_A))).status).toBe(200);
  });
});
