/**
 * The fuzz suite, part 2: the action runner's two routes (POST /app/action-center/{tickets,
 * orders}/:id/actions/:type) with every registered action. The base request names a target
 * that does not exist: the input is validated, the permission checked, then the target is not
 * found (404) before any run, key or row is written. Route parameters, tokens, the
 * Idempotency-Key and whole-body cases are sent once per route; every field of every action's
 * input is fuzzed on the action's main target, with a seeded sample on the other.
 * Also the cases the lead's slice fixes (RBAC before input validation): a Viewer sending bad
 * input to an action must get 403, not a 400 that lists the action's fields.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { ACTION_REGISTRY } from "../../app/actions/registry.server";
import type { ActionTargetKind } from "../../app/actions/types";
import { validateInput } from "../../app/lib/http.server";
import { action as orderActionRoute } from "../../app/routes/app.action-center.orders.$id.actions.$type";
import { action as ticketActionRoute } from "../../app/routes/app.action-center.tickets.$id.actions.$type";
import { actionTestKit, AGENT, OWNER } from "../helpers/actions";
import {
  DENIAL_AUDIT_ACTION,
  expectNothingChanges,
  FUZZ_SEED,
  NO_SUCH_ID,
  POST_ROUTE_COVERAGE,
  seeded,
  splitPending,
  staffPost,
  staffRouteCases,
  toJsonText,
  UNSTORABLE_STRINGS,
  type FuzzCase,
  type StaffRouteSpec,
} from "../helpers/fuzz";
import { SHOP_A } from "../helpers/sandbox";
import { adminDocumentRequest, call } from "../helpers/shopify";
import { libraryReasonId } from "../../sandbox/store/return-reasons";

const kit = await actionTestKit();
const who = { shop: SHOP_A, userId: OWNER };
/** A staff member who never got a role: Viewer, with no action permission. */
const VIEWER = 9005;

const ROUTES: Record<ActionTargetKind, { route: string; handler: StaffRouteSpec["handler"]; path: (p: Record<string, string>) => string }> = {
  ticket: { route: "app.action-center.tickets.$id.actions.$type", handler: ticketActionRoute as unknown as StaffRouteSpec["handler"], path: (p) => `/app/action-center/tickets/${p.id}/actions/${p.type}` },
  order: { route: "app.action-center.orders.$id.actions.$type", handler: orderActionRoute as unknown as StaffRouteSpec["handler"], path: (p) => `/app/action-center/orders/${p.id}/actions/${p.type}` },
};

/** A valid input for each registered action (checked against its schema below). */
let inputs: Record<string, Record<string, unknown>>;
const cases = new Map<string, FuzzCase[]>();

beforeAll(async () => {
  const agent = (await kit.db().staffMember.findFirstOrThrow({ where: { shopifyUserId: String(AGENT) } })).id;
  const { loader: homeLoader } = await import("../../app/routes/app._index");
  await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, userId: VIEWER }), params: {}, context: {} }));
  inputs = {
    create_task: { title: "Call the carrier", body: "Ask where the parcel is", assigneeId: agent, dueAt: "2030-01-01T10:00:00Z" },
    add_internal_note: { body: "The customer called twice" },
    lookup_order: {},
    tag_order: { tags: ["vip", "follow-up"] },
    add_order_note: { note: "Customer called about the delivery" },
    send_tracking: { fulfillmentId: "gid://shopify/Fulfillment/1", company: "DHL", number: "00340434161094042557", url: "https://carrier.example/track/123" },
    update_address: { firstName: "Louis", lastName: "Durand", company: "Durand SARL", address1: "1 Rue de Rivoli", address2: "Apt 2", city: "Paris", provinceCode: "IDF", zip: "75001", countryCode: "FR", phone: "+33 1 23 45 67 89" },
    cancel_order: { reason: "CUSTOMER", restock: true, refund: true, notifyCustomer: false, staffNote: "Asked by phone" },
    initiate_return: { lineItems: [{ fulfillmentLineItemId: "gid://shopify/FulfillmentLineItem/1", quantity: 1 }], returnReasonDefinitionId: libraryReasonId("too-small"), note: "Too small" },
    process_refund: { amount: "10.00", note: "Late delivery", notify: true },
    apply_discount: { percentage: "10", code: "SORRY10", endsAt: "2030-01-01T00:00:00Z" },
  };

  const rng = seeded(FUZZ_SEED + 1);
  for (const kind of ["ticket", "order"] as const) {
    const { route, handler, path } = ROUTES[kind];
    const list: FuzzCase[] = [];
    const baseType = kind === "ticket" ? "add_internal_note" : "tag_order";
    // Once per route: tokens, parameters, key, whole bodies.
    list.push(...staffRouteCases({ route, handler, path, params: { id: NO_SUCH_ID, type: baseType }, key: "fuzz-action-key", body: inputs[baseType], parts: ["tokens", "params", "key", "body"], allTokens: true }, who, rng));
    for (const [label, value] of [["nul", "1\u0000"], ["html", "<b>1</b>"], ["long", "1".repeat(5_000)]] as const) {
      const params = { id: NO_SUCH_ID, type: baseType };
      list.push({
        name: `query preview = ${label}`,
        run: () => call(() => handler({ request: staffPost(`${path(params)}?preview=${encodeURIComponent(value)}`, { ...who, body: toJsonText(inputs[baseType]), key: "fuzz-action-key" }), params, context: {} })),
      });
    }
    // Every action's fields, fully on its main target (an order, unless it only runs on tickets).
    for (const [type, action] of ACTION_REGISTRY) {
      if (!action.targets.includes(kind)) continue;
      const main = action.targets.includes("order") ? "order" : "ticket";
      list.push(
        ...staffRouteCases(
          { route, handler, path, params: { id: NO_SUCH_ID, type }, key: "fuzz-action-key", body: inputs[type], parts: ["fields"], fieldSample: kind === main ? undefined : 5 },
          who,
          rng,
        ).map((fuzzCase) => ({ ...fuzzCase, name: `${type}: ${fuzzCase.name}` })),
      );
    }
    // A Viewer may run no action: refused before the input is read, and the denial audited.
    for (const [label, body] of [
      ["missing fields", "{}"],
      ["a NUL", toJsonText({ ...inputs[baseType], [Object.keys(inputs[baseType])[0]]: UNSTORABLE_STRINGS.nul })],
      ["an unknown field", toJsonText({ ...inputs[baseType], unexpectedField: 1 })],
    ] as const) {
      const params = { id: NO_SUCH_ID, type: baseType };
      list.push({
        name: `Viewer, ${label}`,
        run: () => call(() => handler({ request: staffPost(path(params), { shop: SHOP_A, userId: VIEWER, body, key: "fuzz-viewer-key" }), params, context: {} })),
        status: 403,
        pendingSlice: "lead (RBAC before input validation on action routes)",
      });
    }
    cases.set(route, list);
  }
}, 180_000);

describe("route inventory", () => {
  it("has a spec in this file for each route the inventory assigns to it", () => {
    const mine = Object.entries(POST_ROUTE_COVERAGE)
      .filter(([, file]) => file === "fuzz-actions.test.ts")
      .map(([route]) => route)
      .sort();
    expect([...cases.keys()].sort()).toEqual(mine);
  });

  it("has a valid input for every registered action (a new action without one fails here)", () => {
    expect([...ACTION_REGISTRY.keys()].sort()).toEqual(Object.keys(inputs).sort());
    for (const [type, action] of ACTION_REGISTRY) expect(validateInput(action.input, inputs[type]), type).toMatchObject({ ok: true });
  });
});

describe("the action runner's routes: only 4xx with the error body, nothing written", () => {
  for (const kind of ["ticket", "order"] as const) {
    it(ROUTES[kind].route, async () => {
      const { own } = splitPending(cases.get(ROUTES[kind].route)!);
      expect(own.length).toBeGreaterThan(100);
      await expectNothingChanges(ROUTES[kind].route, own);
    }, 180_000);
  }
});

describe("a date the database cannot store", () => {
  it("is refused naming the field: a task due in the year 99999 answered 500 (the timestamp serializes as +099999-...)", async () => {
    const actor = { type: "staff" as const, id: null, label: "Fuzz" };
    const { createTicket } = await import("../../app/tickets/create-ticket.server");
    const ticket = await createTicket({ db: kit.db(), shopId: kit.shopId, actor, correlationId: "fuzz", channel: "staff", input: { subject: "Dates", priority: "normal" } });
    const params = { id: ticket.id, type: "create_task" };
    const send = (dueAt: string) => () => call(() => ticketActionRoute({ request: staffPost(ROUTES.ticket.path(params), { ...who, body: toJsonText({ title: "Call back", dueAt }), key: `fuzz-date-${dueAt}` }), params, context: {} } as ActionFunctionArgs));
    const outcomes = await expectNothingChanges("dates", [
      { name: "year 99999", run: send("99999-12-31"), field: "dueAt" },
      { name: "year -1", run: send("-000001-01-01T00:00:00Z"), field: "dueAt" },
    ]);
    for (const outcome of outcomes) expect(outcome.body).toMatchObject({ error: { fields: { dueAt: ["Use a date between the years 1000 and 9999"] } } });
  });
});

describe("a field named __proto__", () => {
  it("is refused like any unknown field, not silently dropped (the runner's z.record skipped it and ran the action)", async () => {
    const actor = { type: "staff" as const, id: null, label: "Fuzz" };
    const { createTicket } = await import("../../app/tickets/create-ticket.server");
    const ticket = await createTicket({ db: kit.db(), shopId: kit.shopId, actor, correlationId: "fuzz", channel: "staff", input: { subject: "Proto", priority: "normal" } });
    const params = { id: ticket.id, type: "add_internal_note" };
    const body = '{"__proto__":{"polluted":true},"body":"A note"}';
    const [outcome] = await expectNothingChanges("__proto__", [
      { name: "__proto__ beside a valid body", run: () => call(() => ticketActionRoute({ request: staffPost(ROUTES.ticket.path(params), { ...who, body, key: "fuzz-proto" }), params, context: {} } as ActionFunctionArgs)), field: "_" },
    ]);
    expect(outcome.body).toMatchObject({ error: { fields: { _: ["A field named __proto__ is not allowed"] } } });
    expect(await kit.db().ticketMessage.count({ where: { ticketId: ticket.id } })).toBe(0);
  });
});

describe("fixed in other slices of issue 12 (RBAC before validation)", () => {
  it("answers a Viewer's bad input to an action with 403 (RBAC before validation), writing only the authz.denied audit row", async () => {
    const pending = [...cases.values()].flatMap((list) => splitPending(list).pending.get("lead (RBAC before input validation on action routes)") ?? []);
    expect(pending).toHaveLength(6);
    await expectNothingChanges("Viewer on actions", pending, { allowAudit: [DENIAL_AUDIT_ACTION] });
  }, 60_000);

  it("refuses validly signed tokens without exp or naming a shop that is not this app's", async () => {
    const pending = [...cases.values()].flatMap((list) => [...splitPending(list).pending.entries()].filter(([slice]) => !slice.startsWith("lead")).flatMap(([, list2]) => list2));
    expect(pending).toHaveLength(6);
    await expectNothingChanges("tokens on actions", pending);
  }, 60_000);
});
