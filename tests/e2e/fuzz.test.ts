/**
 * The fuzz suite (issue 12, "Done when"), part 1: the route inventory, and every POST route of
 * the embedded app except the action runner (fuzz-actions.test.ts); the public endpoints are
 * in fuzz-public.test.ts and the list filters in fuzz-queries.test.ts.
 *
 * Each route gets a base request that passes validation and is then refused without a write
 * (a well-formed id that names nothing, or an Idempotency-Key already spent on another
 * request), and a seeded set of mutations of it: session tokens, route parameters,
 * Idempotency-Key headers, malformed / oversized / wrong-type / deeply nested bodies, unknown
 * and prototype-polluting fields, and every field replaced by NUL, lone surrogates, SQL-ish,
 * HTML, path traversal and values of the wrong type. Every answer must be a 4xx with the
 * standard error body, a NUL or lone surrogate must be refused naming its field, and no row
 * of any table may change (tests/helpers/fuzz.ts says what is excluded and why). The Owner
 * sends everything, so no request is refused for its role: no `authz.denied` audit row is
 * written, and the audit log must not change at all.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { ZPolicyUpdate } from "../../app/policy/schema";
import { validateInput } from "../../app/lib/http.server";
import { action as cancelRoute } from "../../app/routes/app.action-center.runs.$id.cancel";
import { action as confirmRoute } from "../../app/routes/app.action-center.runs.$id.confirm";
import { action as approveRoute } from "../../app/routes/app.approvals.$id.approve";
import { action as denyRoute } from "../../app/routes/app.approvals.$id.deny";
import { action as dismissRoute } from "../../app/routes/app.exceptions.$id.dismiss";
import { action as retryRoute } from "../../app/routes/app.exceptions.$id.retry";
import { action as refreshRoute } from "../../app/routes/app.orders.$id.refresh";
import { action as simulateRoute } from "../../app/routes/app.policy.simulate";
import { action as policyUpdateRoute } from "../../app/routes/app.policy.update";
import { action as revealRoute } from "../../app/routes/app.settings.intake-secret.reveal";
import { action as returnReasonsRoute } from "../../app/routes/app.return-reasons";
import { action as rotateRoute } from "../../app/routes/app.settings.intake-secret.rotate";
import { action as accessRoute } from "../../app/routes/app.staff.$id.access";
import { action as roleRoute } from "../../app/routes/app.staff.$id.role";
import { action as ticketUpdateRoute } from "../../app/routes/app.tickets.$id.update";
import { action as newTicketRoute } from "../../app/routes/app.tickets.new";
import { createTicket } from "../../app/tickets/create-ticket.server";
import { actionTestKit, AGENT, MANAGER, OWNER } from "../helpers/actions";
import prisma from "../../app/db.server";
import {
  changedTables,
  expectNothingChanges,
  fingerprint,
  FUZZ_SEED,
  LOADERS_WITHOUT_QUERY_INPUT,
  NO_SUCH_ID,
  POST_ROUTE_COVERAGE,
  QUERY_LOADERS,
  resetRateLimits,
  routeInventory,
  seeded,
  splitPending,
  staffPost,
  staffRouteCases,
  type FuzzCase,
  type StaffRouteSpec,
} from "../helpers/fuzz";
import { SHOP_A } from "../helpers/sandbox";
import { call } from "../helpers/shopify";

const kit = await actionTestKit();
const who = { shop: SHOP_A, userId: OWNER };

type Handler = StaffRouteSpec["handler"];
const handler = (route: (args: ActionFunctionArgs) => unknown) => route as unknown as Handler;

const specs: StaffRouteSpec[] = [];
const cases = new Map<string, FuzzCase[]>();

/** Sends one real request with `key`, so later requests with the same key and another input are a 409. */
async function spendKey(route: Handler, path: string, params: Record<string, string>, key: string, body: unknown = {}) {
  const result = await call(() => route({ request: staffPost(path, { ...who, body: JSON.stringify(body), key }), params, context: {} }));
  expect(result.status, JSON.stringify(result.body)).toBeLessThan(500);
}

beforeAll(async () => {
  const actor = { type: "staff" as const, id: null, label: "Fuzz" };
  const spentTicket = await createTicket({ db: kit.db(), shopId: kit.shopId, actor, correlationId: "fuzz", channel: "staff", input: { subject: "Spent key", priority: "normal" } });
  const ticket = await createTicket({ db: kit.db(), shopId: kit.shopId, actor, correlationId: "fuzz", channel: "staff", input: { subject: "Fuzzed", priority: "normal" } });
  const staffId = async (userId: number) => (await kit.db().staffMember.findFirstOrThrow({ where: { shopifyUserId: String(userId) } })).id;
  const agent = await staffId(AGENT);
  const manager = await staffId(MANAGER);

  // Keys spent on another request: the same key with the fuzzed input is IDEMPOTENCY_MISMATCH,
  // or, where the input is the id alone, the replay of a stored 404.
  await spendKey(handler(retryRoute), `/app/exceptions/${NO_SUCH_ID}/retry`, { id: NO_SUCH_ID }, "fuzz-spent-retry");
  await spendKey(handler(refreshRoute), `/app/orders/${NO_SUCH_ID}/refresh`, { id: NO_SUCH_ID }, "fuzz-spent-refresh");
  await spendKey(handler(rotateRoute), "/app/settings/intake-secret/rotate", {}, "fuzz-spent-rotate");
  await spendKey(handler(roleRoute), `/app/staff/${manager}/role`, { id: manager }, "fuzz-spent-role", { roleKey: "manager" });
  await spendKey(handler(accessRoute), `/app/staff/${manager}/access`, { id: manager }, "fuzz-spent-access", { active: true });
  await spendKey(handler(ticketUpdateRoute), `/app/tickets/${spentTicket.id}/update`, { id: spentTicket.id }, "fuzz-spent-ticket", { expectedUpdatedAt: spentTicket.updatedAt.toISOString(), priority: "high" });
  const current = await kit.db().ticket.findUniqueOrThrow({ where: { id: ticket.id } });

  const lookupOrderForm = { enabled: true, requiresConfirmation: false, approvalMode: "off", approvalThreshold: "", approvalExpiryHours: "24", maxAmount: "", maxPercentage: "", shopWindowCount: "", shopWindowHours: "", actorWindowCount: "", actorWindowHours: "" };
  specs.push(
    { route: "app.action-center.runs.$id.cancel", handler: handler(cancelRoute), path: (p) => `/app/action-center/runs/${p.id}/cancel`, params: { id: NO_SUCH_ID } },
    { route: "app.action-center.runs.$id.confirm", handler: handler(confirmRoute), path: (p) => `/app/action-center/runs/${p.id}/confirm`, params: { id: NO_SUCH_ID } },
    { route: "app.approvals.$id.approve", handler: handler(approveRoute), path: (p) => `/app/approvals/${p.id}/approve`, params: { id: NO_SUCH_ID }, body: { note: "Checked the photos" } },
    { route: "app.approvals.$id.deny", handler: handler(denyRoute), path: (p) => `/app/approvals/${p.id}/deny`, params: { id: NO_SUCH_ID }, body: { note: "Not eligible" } },
    { route: "app.exceptions.$id.dismiss", handler: handler(dismissRoute), path: (p) => `/app/exceptions/${p.id}/dismiss`, params: { id: NO_SUCH_ID }, body: { reason: "Handled by phone" } },
    { route: "app.exceptions.$id.retry", handler: handler(retryRoute), path: (p) => `/app/exceptions/${p.id}/retry`, params: { id: NO_SUCH_ID }, key: "fuzz-spent-retry" },
    { route: "app.orders.$id.refresh", handler: handler(refreshRoute), path: (p) => `/app/orders/${p.id}/refresh`, params: { id: NO_SUCH_ID }, key: "fuzz-spent-refresh" },
    {
      route: "app.policy.simulate",
      handler: handler(simulateRoute),
      path: () => "/app/policy/simulate",
      params: {},
      // No order #999999 in this store: a 400 after the schema, and the simulator writes nothing anyway.
      body: { order: "#999999", actionType: "process_refund", amount: "10.00", percentage: "5", actor: { type: "agent", label: "Refund bot" } },
    },
    {
      route: "app.policy.update",
      handler: handler(policyUpdateRoute),
      path: () => "/app/policy/update",
      params: {},
      // The form as saved: nothing refuses a valid form after the schema, so draws it accepts are not sent.
      body: { policies: { lookup_order: lookupOrderForm } },
      legitimate: (body) => validateInput(ZPolicyUpdate, body).ok,
    },
    // No body, no key: the token is the whole input. It runs every token case for this file.
    { route: "app.settings.intake-secret.reveal", handler: handler(revealRoute), path: () => "/app/settings/intake-secret/reveal", params: {}, allTokens: true },
    // A refresh from Shopify is all it does (no body, no key): only tokens that must not reach it.
    { route: "app.return-reasons", handler: handler(returnReasonsRoute), path: () => "/app/return-reasons", params: {}, allTokens: true },
    { route: "app.settings.intake-secret.rotate", handler: handler(rotateRoute), path: () => "/app/settings/intake-secret/rotate", params: {}, key: "fuzz-spent-rotate" },
    { route: "app.staff.$id.access", handler: handler(accessRoute), path: (p) => `/app/staff/${p.id}/access`, params: { id: agent }, key: "fuzz-spent-access", body: { active: false } },
    { route: "app.staff.$id.role", handler: handler(roleRoute), path: (p) => `/app/staff/${p.id}/role`, params: { id: agent }, key: "fuzz-spent-role", body: { roleKey: "support" } },
    {
      route: "app.tickets.$id.update",
      handler: handler(ticketUpdateRoute),
      path: (p) => `/app/tickets/${p.id}/update`,
      params: { id: ticket.id },
      key: "fuzz-spent-ticket",
      body: { expectedUpdatedAt: current.updatedAt.toISOString(), status: "pending", priority: "low", assigneeId: "me" },
    },
    // An order id that names nothing: createTicket refuses it in its transaction, after the schema.
    { route: "app.tickets.new", handler: handler(newTicketRoute), path: () => "/app/tickets/new", params: {}, form: { subject: "Parcel late", priority: "normal", category: "Shipping", customerEmail: "jane@example.com", customerName: "Jane", message: "Called the carrier", orderId: NO_SUCH_ID } },
  );
  const rng = seeded(FUZZ_SEED);
  for (const spec of specs) cases.set(spec.route, staffRouteCases(spec, who, rng));
}, 180_000);

describe("route inventory", () => {
  it("fuzzes every POST route under app/routes (a new route without fuzz coverage fails here)", async () => {
    const { actions } = await routeInventory();
    expect(actions.filter((route) => !(route in POST_ROUTE_COVERAGE))).toEqual([]);
    expect(Object.keys(POST_ROUTE_COVERAGE).filter((route) => !actions.includes(route))).toEqual([]);
  });

  it("fuzzes every loader's query string, or says why it has none", async () => {
    const { loaders } = await routeInventory();
    const accounted = new Set<string>([...QUERY_LOADERS, ...Object.keys(LOADERS_WITHOUT_QUERY_INPUT)]);
    expect(loaders.filter((route) => !accounted.has(route))).toEqual([]);
    expect([...accounted].filter((route) => !loaders.includes(route))).toEqual([]);
  });

  it("notices a change to one column of one row (what \"nothing written\" relies on), and excludes only what it says", async () => {
    const ticket = await kit.db().ticket.findFirstOrThrow({});
    const before = await fingerprint();
    await prisma.ticket.update({ where: { id: ticket.id }, data: { category: "changed by the fingerprint test" } });
    expect(changedTables(before, await fingerprint())).toEqual(["Ticket"]);
    await prisma.ticket.update({ where: { id: ticket.id }, data: { category: ticket.category, updatedAt: ticket.updatedAt } });
    expect(changedTables(before, await fingerprint())).toEqual([]);
    await resetRateLimits();
    await prisma.staffMember.updateMany({ where: { shopId: kit.shopId }, data: { lastSeenAt: new Date(0) } });
    expect(changedTables(before, await fingerprint())).toEqual([]);
  });

  it("has a spec in this file for each route the inventory assigns to it", () => {
    const mine = Object.entries(POST_ROUTE_COVERAGE)
      .filter(([, file]) => file === "fuzz.test.ts")
      .map(([route]) => route)
      .sort();
    expect(specs.map((spec) => spec.route).sort()).toEqual(mine);
  });
});

describe("POST routes of the embedded app: only 4xx with the error body, nothing written", () => {
  for (const route of Object.keys(POST_ROUTE_COVERAGE).filter((name) => POST_ROUTE_COVERAGE[name] === "fuzz.test.ts")) {
    it(route, async () => {
      const { own } = splitPending(cases.get(route)!);
      expect(own.length).toBeGreaterThan(5);
      await expectNothingChanges(route, own);
    }, 120_000);
  }
});

describe("session tokens fixed in other slices of issue 12 (no exp, a shop not ours in dest)", () => {
  it("refuses validly signed tokens without exp or naming a shop that is not this app's", async () => {
    const pending = [...cases.values()].flatMap((list) => [...splitPending(list).pending.values()].flat());
    expect(pending.length).toBeGreaterThan(0);
    await expectNothingChanges("tokens", pending);
  }, 120_000);
});
