/**
 * Correlation ids: a well-formed incoming X-Request-Id is kept (error responses echo it in the
 * header and the body, audit rows carry it); anything else is replaced by a generated id.
 */
import { randomUUID } from "node:crypto";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { loader as auditEntryLoader } from "../routes/app.audit.$id";
import { loader as auditListLoader } from "../routes/app.audit._index";
import { loader as auditExportLoader } from "../routes/app.audit.export";
import { loader as runsLoader } from "../routes/app.runs._index";
import { action as changeRoleAction } from "../routes/app.staff.$id.role";
import { loader as staffLoader } from "../routes/app.staff";
import type { ErrorBody } from "./app-error";
import { CORRELATION_HEADER, correlationIdFrom } from "./correlation.server";

await startTestSandbox();

const OWNER = 9001;
const VIEWER = 9005;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;

const get = <T = ErrorBody>(loader: Loader, path: string, requestId: string | null, { userId = OWNER, params = {} }: { userId?: number; params?: Record<string, string> } = {}) =>
  call<T>(() =>
    loader({ request: adminFetchRequest(path, { shop: SHOP_A, userId, headers: requestId === null ? {} : { [CORRELATION_HEADER]: requestId } }), params, context: {} }),
  );

function changeRole(staffMemberId: string, roleKey: string, requestId: string | null) {
  const headers: Record<string, string> = { "Content-Type": "application/json", "Idempotency-Key": `corr-${randomUUID()}` };
  if (requestId !== null) headers[CORRELATION_HEADER] = requestId;
  return call<ErrorBody>(() =>
    changeRoleAction({
      request: adminFetchRequest(`/app/staff/${staffMemberId}/role`, { shop: SHOP_A, userId: OWNER, method: "POST", headers, body: JSON.stringify({ roleKey }) }),
      params: { id: staffMemberId },
      context: {},
    }),
  );
}

let shopId: string;
let viewerId: string;

beforeAll(async () => {
  for (const userId of [OWNER, VIEWER]) expect((await get(staffLoader, "/app/staff", null, { userId })).status).toBe(200);
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  viewerId = (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(VIEWER) } })).id;
});

describe("correlationIdFrom", () => {
  const from = (value: string | null) => correlationIdFrom(new Request("http://app.test/", { headers: value === null ? {} : { [CORRELATION_HEADER]: value } }));

  it.each(["req-12345678", "a1b2c3d4", "0af7651916cd43dd8448eb211c80319c", "trace:abc.def_ghi-01", `a${"b".repeat(127)}`])("keeps %s", (value) => {
    expect(from(value)).toBe(value);
  });

  it.each([
    ["none", null],
    ["empty", ""],
    ["with a space and !", "bad id!"],
    ["too short", "abc1234"],
    ["too long (129)", `a${"b".repeat(128)}`],
    ["500 characters", "x".repeat(500)],
    ["starting with punctuation", "-abcdefgh"],
    ["percent-encoded", "abcdefgh%0Ainjected"],
    ["with a slash", "abcd/efgh"],
  ])("replaces one that is %s with a generated id", (_name, value) => {
    const id = from(value);
    expect(id).toMatch(UUID);
    expect(id).not.toBe(value);
  });
});

describe("error responses", () => {
  it("echo a well-formed X-Request-Id on a 403 (header and body) and the authz.denied row carries it", async () => {
    const requestId = `req-${randomUUID()}`;
    const result = await get(auditListLoader, "/app/audit", requestId, { userId: VIEWER });
    expect(result.status).toBe(403);
    expect(result.headers.get(CORRELATION_HEADER)).toBe(requestId);
    expect(result.body.error.correlationId).toBe(requestId);
    const rows = await prisma.auditLog.findMany({ where: { shopId, correlationId: requestId } });
    expect(rows.map((row) => [row.action, row.actorId])).toEqual([["authz.denied", viewerId]]);
  });

  it("echo it on a 400 for bad filters (the page still renders its data)", async () => {
    for (const [loader, path] of [
      [auditListLoader, "/app/audit?actorType=robot"],
      [runsLoader, "/app/runs?status=exploded"],
    ] as const) {
      const requestId = `filters-${randomUUID()}`;
      const result = await get<{ error: ErrorBody["error"] }>(loader, path, requestId);
      expect(result.status).toBe(400);
      expect(result.headers.get(CORRELATION_HEADER)).toBe(requestId);
      expect(result.body.error.correlationId).toBe(requestId);
    }
  });

  it("echo it on a 404 and on a 400 from the role-change endpoint", async () => {
    const notFoundId = `nf-${randomUUID()}`;
    const missing = "c".repeat(25);
    const notFound = await get(auditEntryLoader, `/app/audit/${missing}`, notFoundId, { params: { id: missing } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get(CORRELATION_HEADER)).toBe(notFoundId);
    expect(notFound.body.error.correlationId).toBe(notFoundId);

    const invalidId = `inv-${randomUUID()}`;
    const invalid = await changeRole(viewerId, "superuser", invalidId);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get(CORRELATION_HEADER)).toBe(invalidId);
    expect(invalid.body.error.correlationId).toBe(invalidId);
  });

  it.each([
    ["bad id!", "bad id!"],
    ["500 characters", "r".repeat(500)],
  ])("replace a malformed one (%s) with a generated id, the same in header and body", async (_name, requestId) => {
    const result = await get(auditListLoader, "/app/audit", requestId, { userId: VIEWER });
    expect(result.status).toBe(403);
    const generated = result.headers.get(CORRELATION_HEADER);
    expect(generated).toMatch(UUID);
    expect(generated).not.toBe(requestId);
    expect(result.body.error.correlationId).toBe(generated);
    expect(await prisma.auditLog.count({ where: { correlationId: generated! } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { correlationId: requestId } })).toBe(0);
  });

  it("generate a fresh id per request when none is sent", async () => {
    const first = await get(auditListLoader, "/app/audit", null, { userId: VIEWER });
    const second = await get(auditListLoader, "/app/audit", null, { userId: VIEWER });
    expect(first.body.error.correlationId).toMatch(UUID);
    expect(second.body.error.correlationId).toMatch(UUID);
    expect(first.body.error.correlationId).not.toBe(second.body.error.correlationId);
  });
});

describe("audit rows carry the request's correlation id", () => {
  it("a role change: response header, audit row", async () => {
    const requestId = `change-${randomUUID()}`;
    const result = await changeRole(viewerId, "agent", requestId);
    expect(result.status).toBe(200);
    expect(result.headers.get(CORRELATION_HEADER)).toBe(requestId);
    const rows = await prisma.auditLog.findMany({ where: { correlationId: requestId } });
    expect(rows.map((row) => [row.action, row.entityId, row.actorType])).toEqual([["staff.role_changed", viewerId, "staff"]]);
    await prisma.staffMember.update({ where: { id: viewerId }, data: { roleKey: "viewer" } });
  });

  it("a role change without X-Request-Id: the generated id is the row's", async () => {
    const result = await changeRole(viewerId, "support", null);
    expect(result.status).toBe(200);
    const generated = result.headers.get(CORRELATION_HEADER);
    expect(generated).toMatch(UUID);
    const rows = await prisma.auditLog.findMany({ where: { correlationId: generated! } });
    expect(rows.map((row) => row.action)).toEqual(["staff.role_changed"]);
    await prisma.staffMember.update({ where: { id: viewerId }, data: { roleKey: "viewer" } });
  });

  it("an export: the audit.exported row and the response share the id", async () => {
    const requestId = `export-${randomUUID()}`;
    const result = await get<string>(auditExportLoader, "/app/audit/export", requestId);
    expect(result.status).toBe(200);
    expect(result.headers.get(CORRELATION_HEADER)).toBe(requestId);
    const rows = await prisma.auditLog.findMany({ where: { correlationId: requestId } });
    expect(rows.map((row) => row.action)).toEqual(["audit.exported"]);
  });

  it("a staff member's first request: the staff.joined row", async () => {
    const requestId = `joined-${randomUUID()}`;
    expect((await get(staffLoader, "/app/staff", requestId, { userId: 9003 })).status).toBe(200);
    const member = await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: "9003" } });
    const rows = await prisma.auditLog.findMany({ where: { correlationId: requestId } });
    expect(rows.map((row) => [row.action, row.entityId])).toEqual([["staff.joined", member.id]]);
  });
});
