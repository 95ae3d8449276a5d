/**
 * The fuzz suite, part 4: the query strings of the list pages (searches and filters) and of
 * the new-ticket form, on a shop with tickets, orders, runs, an exception and an approval.
 * Every parameter gets a NUL, bytes that are not UTF-8, hostile text, odd numbers, repeats.
 * The answer is never a 5xx: a value its filter schema refuses is a 400 with the standard
 * error body naming the parameter (a NUL always is, item 6); a value it accepts is a 200 whose
 * rows, where the parameter is matched against stored text, are empty (hostile text matches
 * nothing: a search for `' OR '1'='1` does not widen to every row). No row changes, except the `audit.exported` row each CSV export writes by design.
 * Unknown parameters are ignored by design (shared links keep working), so they are not fuzzed.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import type { ZodType, ZodTypeDef } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { ZApprovalFilters } from "../../app/approvals/schema";
import { ZAuditFilters } from "../../app/audit/schema";
import { ZExceptionFilters } from "../../app/exceptions/schema";
import { validateInput } from "../../app/lib/http.server";
import { NUL_MESSAGE } from "../../app/lib/storable-text";
import { ORDER_FILTER_KEYS, ZOrderFilters } from "../../app/orders/list-schema";
import { loader as approvalsLoader } from "../../app/routes/app.approvals._index";
import { loader as auditLoader } from "../../app/routes/app.audit._index";
import { loader as exportLoader } from "../../app/routes/app.audit.export";
import { loader as exceptionsLoader } from "../../app/routes/app.exceptions._index";
import { loader as ordersLoader } from "../../app/routes/app.orders._index";
import { loader as runsLoader } from "../../app/routes/app.runs._index";
import { loader as ticketsLoader } from "../../app/routes/app.tickets._index";
import { loader as newTicketLoader } from "../../app/routes/app.tickets.new";
import { ZRunFilters } from "../../app/runs/schema";
import { rawTicketFilters, TICKET_FILTER_KEYS, ZTicketFilters } from "../../app/tickets/list-schema";
import { createTicket } from "../../app/tickets/create-ticket.server";
import prisma from "../../app/db.server";
import { actionTestKit, AGENT, MANAGER, OWNER, type Json } from "../helpers/actions";
import { contractViolation, EXPORT_AUDIT_ACTION, expectNothingChanges, FUZZ_SEED, HOSTILE_STRINGS, QUERY_LOADERS, seeded, type FuzzCase, type FuzzOutcome } from "../helpers/fuzz";
import { SHOP_A } from "../helpers/sandbox";
import { adminFetchRequest, call } from "../helpers/shopify";

const kit = await actionTestKit();
const rng = seeded(FUZZ_SEED + 3);

interface QuerySpec {
  route: (typeof QUERY_LOADERS)[number];
  loader: (args: LoaderFunctionArgs) => Promise<unknown>;
  path: string;
  keys: string[];
  schema: ZodType<unknown, ZodTypeDef, unknown>;
  /** The raw input the loader hands its schema (the tickets list joins repeated values). */
  raw?: (url: URL) => Record<string, string>;
  /** The rows of a 200 answer. */
  rows: (body: Json) => unknown[];
  /** Parameters matched against stored text: hostile text they accept must match no row. */
  text: string[];
}

const SPECS: QuerySpec[] = [
  { route: "app.tickets._index", loader: ticketsLoader, path: "/app/tickets", keys: TICKET_FILTER_KEYS, schema: ZTicketFilters, raw: rawTicketFilters, rows: (body) => body.rows, text: ["q"] },
  { route: "app.orders._index", loader: ordersLoader, path: "/app/orders", keys: ORDER_FILTER_KEYS, schema: ZOrderFilters, rows: (body) => body.rows, text: ["q"] },
  { route: "app.audit._index", loader: auditLoader, path: "/app/audit", keys: ["actorType", "actorId", "action", "entityType", "from", "to", "cursor", "limit"], schema: ZAuditFilters, rows: (body) => body.rows, text: ["actorId", "action", "entityType"] },
  // The CSV: its header line, then one line per row.
  { route: "app.audit.export", loader: exportLoader, path: "/app/audit/export", keys: ["actorType", "actorId", "action", "entityType", "from", "to"], schema: ZAuditFilters, rows: (body: string) => body.trim().split("\n").slice(1), text: ["actorId", "action", "entityType"] },
  { route: "app.runs._index", loader: runsLoader, path: "/app/runs", keys: ["type", "status", "actorType", "actorId", "from", "to", "cursor", "limit"], schema: ZRunFilters, rows: (body) => body.rows, text: ["type", "actorId"] },
  { route: "app.approvals._index", loader: approvalsLoader, path: "/app/approvals", keys: ["status", "actionType", "cursor", "limit"], schema: ZApprovalFilters, rows: (body) => body.rows, text: ["actionType"] },
  { route: "app.exceptions._index", loader: exceptionsLoader, path: "/app/exceptions", keys: ["status", "reasonCode", "actionType", "cursor", "limit"], schema: ZExceptionFilters, rows: (body) => body.rows, text: ["actionType"] },
];

/** Query values as a URL carries them (already percent-encoded where they must be). */
const VALUES: Array<[string, string]> = [
  ["NUL", "a%00b"],
  ["NUL only", "%00"],
  ["not UTF-8 (a surrogate's bytes)", "%ED%A0%80"],
  ["not UTF-8 (FF)", "x%FFy"],
  ...Object.entries(HOSTILE_STRINGS).map(([name, value]): [string, string] => [name, encodeURIComponent(value)]),
  ["negative", "-1"],
  ["exponent", "1e400"],
  ["hex", "0x10"],
  ["NaN", "NaN"],
  ["Infinity", "Infinity"],
];

const cases = new Map<string, { valid: FuzzCase[]; invalid: FuzzCase[] }>();

function expectation(spec: QuerySpec, key: string, query: string): { valid: boolean; nul: boolean } {
  const url = new URL(`http://app.test${spec.path}?${query}`);
  const raw = spec.raw ? spec.raw(url) : Object.fromEntries(spec.keys.flatMap((name) => (url.searchParams.has(name) ? [[name, url.searchParams.get(name)]] : [])));
  return { valid: validateInput(spec.schema, raw).ok, nul: (raw[key] ?? "").includes("\u0000") };
}

beforeAll(async () => {
  const actor = { type: "staff" as const, id: null, label: "Fuzz" };
  const orders = kit.sandbox.store.orders(SHOP_A).slice(0, 3);
  const orderIds: string[] = [];
  for (const order of orders) orderIds.push(await kit.importOrder(order.id as string));
  const ticket = await createTicket({ db: kit.db(), shopId: kit.shopId, actor, correlationId: "fuzz", channel: "staff", input: { subject: "Parcel late", priority: "high", orderId: orderIds[0], customerEmail: "jane@example.com" } });
  await createTicket({ db: kit.db(), shopId: kit.shopId, actor, correlationId: "fuzz", channel: "staff", input: { subject: "Refund asked", priority: "low" } });
  // A failed run and its exception, and a held run waiting for approval.
  const agent = await kit.db().staffMember.findFirstOrThrow({ where: { shopifyUserId: String(AGENT) } });
  await prisma.staffMember.update({ where: { id: agent.id }, data: { active: false } });
  const { action: ticketActionRoute } = await import("../../app/routes/app.action-center.tickets.$id.actions.$type");
  const failed = await call<Json>(() =>
    ticketActionRoute({ request: kit.post(`/app/action-center/tickets/${ticket.id}/actions/create_task`, { title: "Call", assigneeId: agent.id }), params: { id: ticket.id, type: "create_task" }, context: {} } as never),
  );
  await prisma.staffMember.update({ where: { id: agent.id }, data: { active: true } });
  expect(failed.status).toBe(409);
  await kit.setPolicy("tag_order", { enabled: true, approvalMode: "always" });
  expect((await kit.runAction(orderIds[1], "tag_order", { tags: ["vip"] }, { userId: MANAGER })).status).toBe(202);

  for (const spec of SPECS) {
    const valid: FuzzCase[] = [];
    const invalid: FuzzCase[] = [];
    const add = (name: string, query: string, key: string) => {
      const expected = expectation(spec, key, query);
      const request = () => adminFetchRequest(`${spec.path}?${query}`, { shop: SHOP_A, userId: OWNER });
      const run = () => call(() => spec.loader({ request: request(), params: {}, context: {} } as LoaderFunctionArgs));
      if (expected.valid) valid.push({ name, run, check: (outcome) => acceptedPage(spec, key, outcome) });
      else invalid.push({ name, run, status: 400, field: key, check: expected.nul ? (outcome) => contractViolation(outcome) ?? nulNamed(outcome, key) : undefined });
    };
    for (const key of spec.keys) {
      // Every value for the search, the NULs and a seeded draw for the other parameters.
      const draws = key === "q" ? VALUES : [...VALUES.slice(0, 4), ...rng.sample(VALUES.slice(4), 5)];
      // Dates outside what the database stores (a year 99999 filter answered 500).
      if (key === "from" || key === "to") draws.push(["year 99999", "99999-12-31"], ["year -1", "-000001-01-01T00:00:00Z"]);
      for (const [label, value] of draws) add(`${key} = ${label}`, `${key}=${value}`, key);
      add(`${key} repeated`, `${key}=a%00&${key}=b`, key);
    }
    cases.set(spec.route, { valid, invalid });
  }
  const newTicket: FuzzCase[] = VALUES.map(([label, value]) => ({
    name: `orderId = ${label}`,
    run: () => call(() => newTicketLoader({ request: adminFetchRequest(`/app/tickets/new?orderId=${value}`, { shop: SHOP_A, userId: OWNER }), params: {}, context: {} } as LoaderFunctionArgs)),
    status: 400,
    field: "orderId",
  }));
  cases.set("app.tickets.new", { valid: [], invalid: newTicket });
}, 180_000);

/**
 * A value the filter schema accepts: the page (200), or a refusal after the schema that names
 * the parameter (a cursor that passes the format check but decodes to nothing).
 */
function acceptedPage(spec: QuerySpec, key: string, outcome: FuzzOutcome): string | null {
  if (outcome.status === 400) {
    const fields = (outcome.body as Json)?.error?.fields;
    return contractViolation(outcome) ?? (fields?.[key] ? null : `answered 400 without naming ${key}: ${JSON.stringify(outcome.body).slice(0, 200)}`);
  }
  if (outcome.status !== 200) return `answered ${outcome.status} to a value the filters accept: ${JSON.stringify(outcome.body).slice(0, 200)}`;
  if (!spec.text.includes(key)) return null;
  const rows = spec.rows(outcome.body);
  return rows.length === 0 ? null : `hostile text matched ${rows.length} rows`;
}

function nulNamed(outcome: FuzzOutcome, key: string): string | null {
  const error = (outcome.body as Json)?.error;
  if (outcome.status !== 400 || !error?.fields?.[key]?.includes(NUL_MESSAGE)) return `answered ${outcome.status} without the NUL message on ${key}: ${JSON.stringify(outcome.body).slice(0, 200)}`;
  return error.correlationId ? null : "no correlationId";
}

describe("list pages and the new-ticket form: bad query values are a 400 naming the parameter, accepted ones match nothing", () => {
  it("covers every loader the inventory says reads a query string", () => {
    expect([...cases.keys()].sort()).toEqual([...QUERY_LOADERS].sort());
  });

  for (const route of QUERY_LOADERS) {
    it(route, async () => {
      const { valid, invalid } = cases.get(route)!;
      expect(invalid.length).toBeGreaterThan(10);
      await expectNothingChanges(route, invalid);
      if (valid.length === 0) return;
      const exports = route === "app.audit.export";
      const before = await prisma.auditLog.count({ where: { action: EXPORT_AUDIT_ACTION } });
      await expectNothingChanges(route, valid, exports ? { allowAudit: [EXPORT_AUDIT_ACTION] } : {});
      // Each accepted export writes its one audit row, and nothing else writes one.
      expect(await prisma.auditLog.count({ where: { action: EXPORT_AUDIT_ACTION } })).toBe(before + (exports ? valid.length : 0));
    }, 120_000);
  }
});
