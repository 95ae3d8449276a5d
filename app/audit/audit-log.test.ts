/**
 * The audit log: append-only in the database itself, atomic with the change it records,
 * purged per shop, paged without gaps or repeats, filtered, exported as safe CSV, validated,
 * and shown with a before/after diff.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import { ownerQuery } from "../../tests/setup/owner-db";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { scopedDb, TENANT_MODELS } from "../lib/tenancy.server";
import { loader as auditEntryLoader } from "../routes/app.audit.$id";
import { loader as auditListLoader } from "../routes/app.audit._index";
import { loader as auditExportLoader } from "../routes/app.audit.export";
import { action as changeRoleAction } from "../routes/app.staff.$id.role";
import { loader as staffLoader } from "../routes/app.staff";
import { createRun } from "../runs/create-run.server";
import { recordUninstall } from "../shops/record-uninstall.server";
import { csvCell } from "./export-audit-csv.server";
import type { AuditChange } from "./get-audit-entry.server";
import type { AuditRow } from "./list-audit.server";
import { purgeShopData } from "./purge-shop-data.server";
import { recordAudit } from "./record-audit.server";
import type { Actor } from "./types";

await startTestSandbox();

const OWNER = 9001;
const SYSTEM: Actor = { type: "system", id: null, label: "System" };
type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;
type ListBody = { rows: AuditRow[]; nextCursor: string | null; error: ErrorBody["error"] | null };

const get = <T = unknown>(loader: Loader, path: string, { shop = SHOP_A, params = {}, userId = OWNER }: { shop?: string; params?: Record<string, string>; userId?: number } = {}) =>
  call<T>(() => loader({ request: adminFetchRequest(path, { shop, userId }), params, context: {} }));

let shopA: string;
let shopB: string;

const rowsOf = (shopId: string) => prisma.auditLog.count({ where: { shopId } });

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) expect((await get(staffLoader, "/app/staff", { shop })).status).toBe(200);
  shopA = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  shopB = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).id;
});

describe("append-only in the database", () => {
  beforeAll(async () => {
    await recordAudit({ db: scopedDb(shopA), actor: SYSTEM, action: "test.immutable", entityType: "Test", correlationId: "immutable-0001" });
  });

  it.each([
    ["UPDATE", `UPDATE "AuditLog" SET "action" = 'tampered'`],
    ["UPDATE of one row", `UPDATE "AuditLog" SET "actorLabel" = 'x' WHERE "action" = 'test.immutable'`],
    ["DELETE", `DELETE FROM "AuditLog"`],
    ["DELETE of one row", `DELETE FROM "AuditLog" WHERE "action" = 'test.immutable'`],
    ["TRUNCATE", `TRUNCATE "AuditLog"`],
  ])("refuses %s", async (_name, sql) => {
    const before = await prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    // The app's role holds no such privilege (docs/decisions/0015); the trigger holds the owner.
    await expect(prisma.$executeRawUnsafe(sql)).rejects.toThrow(/permission denied/);
    await expect(ownerQuery(sql)).rejects.toThrow(/append-only/);
    expect(await prisma.auditLog.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("refuses the Prisma client's own update and delete too", async () => {
    const row = await prisma.auditLog.findFirstOrThrow({ where: { action: "test.immutable" } });
    await expect(prisma.auditLog.update({ where: { id: row.id }, data: { action: "tampered" } })).rejects.toThrow(/permission denied/);
    await expect(prisma.auditLog.deleteMany({ where: { id: row.id } })).rejects.toThrow(/permission denied/);
    await expect(scopedDb(shopA).auditLog.delete({ where: { id: row.id } })).rejects.toThrow(/permission denied/);
    expect(await prisma.auditLog.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });

  it("refuses UPDATE even on the purge path (only DELETE is let through there)", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL oac.audit_purge = 'on'`);
        await tx.$executeRawUnsafe(`UPDATE "AuditLog" SET "action" = 'tampered'`);
      }),
    ).rejects.toThrow(/permission denied/);
    await expect(ownerQuery(`BEGIN; SET LOCAL oac.audit_purge = 'on'; UPDATE "AuditLog" SET "action" = 'tampered'; COMMIT`)).rejects.toThrow(/append-only/);
    expect(await prisma.auditLog.count({ where: { action: "tampered" } })).toBe(0);
  });
});

describe("atomicity", () => {
  it("an audit row recorded in a transaction that then fails is not kept", async () => {
    const before = await rowsOf(shopA);
    await expect(
      scopedDb(shopA).$transaction(async (tx) => {
        await createRun({ db: tx, type: "atomic", input: {}, actor: SYSTEM, correlationId: "atomic-0001" });
        await recordAudit({ db: tx, actor: SYSTEM, action: "test.atomic", entityType: "Test", correlationId: "atomic-0001" });
        throw new Error("the change failed after its audit row was written");
      }),
    ).rejects.toThrow(/change failed/);
    expect(await rowsOf(shopA)).toBe(before);
    expect(await prisma.auditLog.count({ where: { action: "test.atomic" } })).toBe(0);
    expect(await prisma.run.count({ where: { type: "atomic" } })).toBe(0);
  });
});

describe("staff.joined", () => {
  it("is recorded exactly once for a staff member, even when their first requests arrive together", async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => get(staffLoader, "/app/staff", { userId: 9003 })));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    const staff = await prisma.staffMember.findMany({ where: { shopId: shopA, shopifyUserId: "9003" } });
    expect(staff).toHaveLength(1);
    expect(await prisma.auditLog.count({ where: { shopId: shopA, action: "staff.joined", entityId: staff[0].id } })).toBe(1);
  });
});

describe("list: pagination", () => {
  beforeAll(async () => {
    const db = scopedDb(shopA);
    for (let i = 0; i < 120; i++) {
      await recordAudit({ db, actor: SYSTEM, action: "test.page", entityType: "Page", entityId: String(i), correlationId: `page-${String(i).padStart(4, "0")}` });
    }
    // 60 rows sharing one timestamp: ties on createdAt across a page boundary, broken by id.
    const tied = new Date(Date.now() - 86_400_000);
    await db.auditLog.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        shopId: shopA,
        actorType: "system" as const,
        action: "test.page",
        entityType: "Page",
        entityId: `tied-${i}`,
        correlationId: `tied-${i}-0000`,
        createdAt: tied,
      })) as Prisma.AuditLogCreateManyInput[],
    });
  });

  it("walks every row exactly once, newest first, 50 at a time", async () => {
    const expected = (await prisma.auditLog.findMany({ where: { shopId: shopA }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } })).map(
      (row) => row.id,
    );
    expect(expected.length).toBeGreaterThanOrEqual(180);
    const seen: AuditRow[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/app/audit?limit=50${cursor ? `&cursor=${cursor}` : ""}`;
      const result = await get<ListBody>(auditListLoader, path);
      expect(result.status).toBe(200);
      expect(result.body.rows.length).toBeLessThanOrEqual(50);
      seen.push(...result.body.rows);
      cursor = result.body.nextCursor;
      pages++;
      expect(pages).toBeLessThan(20);
    } while (cursor);
    expect(pages).toBe(Math.ceil(expected.length / 50));
    expect(new Set(seen.map((row) => row.id)).size).toBe(seen.length);
    expect(seen.map((row) => row.id)).toEqual(expected);
    const times = seen.map((row) => row.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("walks a filtered list the same way (cursor and filters together)", async () => {
    const expected = await prisma.auditLog.count({ where: { shopId: shopA, action: "test.page" } });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/app/audit?action=test.page&limit=50${cursor ? `&cursor=${cursor}` : ""}`;
      const result = await get<ListBody>(auditListLoader, path);
      expect(result.body.rows.every((row) => row.action === "test.page")).toBe(true);
      ids.push(...result.body.rows.map((row) => row.id));
      cursor = result.body.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
  });
});

describe("list: filters", () => {
  let staffActorId: string;

  beforeAll(async () => {
    const db = scopedDb(shopA);
    staffActorId = (await prisma.staffMember.findFirstOrThrow({ where: { shopId: shopA, shopifyUserId: String(OWNER) } })).id;
    const rows = [
      { actorType: "staff", actorId: staffActorId, action: "filter.alpha", entityType: "Ticket", createdAt: new Date("2025-01-10T12:00:00Z") },
      { actorType: "workflow", actorId: "wf_1", action: "filter.beta", entityType: "Order", createdAt: new Date("2025-02-10T12:00:00Z") },
      { actorType: "webhook", actorId: null, action: "filter.alpha", entityType: "Order", createdAt: new Date("2025-03-10T12:00:00Z") },
    ];
    await db.auditLog.createMany({
      data: rows.map((row, i) => ({ ...row, shopId: shopA, correlationId: `filter-${i}-0000` })) as Prisma.AuditLogCreateManyInput[],
    });
  });

  const list = async (query: string) => {
    const result = await get<ListBody>(auditListLoader, `/app/audit?limit=100&${query}`);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return result.body.rows;
  };

  it("actorType", async () => {
    expect((await list("actorType=workflow")).map((row) => row.action)).toEqual(["filter.beta"]);
    const webhook = await list("actorType=webhook");
    expect(webhook.map((row) => row.correlationId)).toEqual(["filter-2-0000"]);
  });

  it("actorId", async () => {
    const rows = await list(`actorId=${staffActorId}&action=filter.alpha`);
    expect(rows.map((row) => row.correlationId)).toEqual(["filter-0-0000"]);
  });

  it("action", async () => {
    const rows = await list("action=filter.alpha");
    expect(rows.map((row) => row.correlationId)).toEqual(["filter-2-0000", "filter-0-0000"]);
  });

  it("entityType", async () => {
    const rows = await list("entityType=Order");
    expect(rows.map((row) => row.correlationId)).toEqual(["filter-2-0000", "filter-1-0000"]);
  });

  it("from/to (ISO timestamps and dates)", async () => {
    expect((await list("from=2025-02-01&to=2025-03-01")).map((row) => row.correlationId)).toEqual(["filter-1-0000"]);
    expect((await list("from=2025-01-01T00:00:00Z&to=2025-02-10T12:00:00Z")).map((row) => row.correlationId)).toEqual(["filter-1-0000", "filter-0-0000"]);
    expect((await list("to=2025-01-31")).map((row) => row.correlationId)).toEqual(["filter-0-0000"]);
    expect((await list("from=2025-03-01&entityType=Order")).map((row) => row.correlationId)).toEqual(["filter-2-0000"]);
  });

  it("a date-only `to` includes that whole day", async () => {
    // The page's To field is a date picker: "to 2025-02-10" must include 2025-02-10 12:00.
    expect((await list("from=2025-02-10&to=2025-02-10")).map((row) => row.correlationId)).toEqual(["filter-1-0000"]);
    expect((await list("from=2025-02-01&to=2025-02-10")).map((row) => row.correlationId)).toEqual(["filter-1-0000"]);
  });
});

describe("list: bad filters", () => {
  const writes = async () => ({
    audit: await prisma.auditLog.count(),
    keys: await prisma.idempotencyKey.count(),
    counters: await prisma.rateLimitCounter.count(),
  });

  it("answers 400 naming every bad field, and writes nothing", async () => {
    const before = await writes();
    const result = await get<ListBody>(auditListLoader, "/app/audit?actorType=robot&from=notadate&limit=1000&cursor=!!!");
    expect(result.status).toBe(400);
    expect(result.body.rows).toEqual([]);
    expect(result.body.error?.code).toBe("VALIDATION");
    expect(Object.keys(result.body.error?.fields ?? {}).sort()).toEqual(["actorType", "cursor", "from", "limit"]);
    expect(result.body.error?.correlationId).toEqual(expect.any(String));
    expect(await writes()).toEqual(before);
  });

  it.each([
    ["actorType", "actorType=robot"],
    ["from", "from=notadate"],
    ["to", "to=notadate"],
    ["limit", "limit=1000"],
    ["limit", "limit=0"],
    ["cursor", "cursor=!!!"],
    ["action", "action=DROP%20TABLE"],
    ["to", "from=2025-03-01&to=2025-01-01"],
  ])("names %s (%s)", async (field, query) => {
    const before = await writes();
    const result = await get<ListBody>(auditListLoader, `/app/audit?${query}`);
    expect(result.status).toBe(400);
    expect(Object.keys(result.body.error?.fields ?? {})).toEqual([field]);
    expect(await writes()).toEqual(before);
  });

  it("answers 400 for a cursor that looks right but does not decode", async () => {
    const before = await writes();
    const result = await get<ErrorBody>(auditListLoader, "/app/audit?cursor=abcdef");
    expect(result.status).toBe(400);
    expect(result.body.error.fields).toHaveProperty("cursor");
    expect(await writes()).toEqual(before);
  });

  it("the export answers 400 for bad filters too, and records no export", async () => {
    const before = await writes();
    const result = await get<ErrorBody>(auditExportLoader, "/app/audit/export?actorType=robot&from=notadate");
    expect(result.status).toBe(400);
    expect(Object.keys(result.body.error.fields ?? {}).sort()).toEqual(["actorType", "from"]);
    expect(await writes()).toEqual(before);
  });
});

describe("CSV export", () => {
  const HEADER = "createdAt,actorType,actorId,actorLabel,action,entityType,entityId,correlationId,before,after";

  beforeAll(async () => {
    const db = scopedDb(shopA);
    await recordAudit({ db, actor: { type: "staff", id: "s1", label: '=HYPERLINK("http://evil.example","click")' }, action: "csv.row", entityType: "Test", entityId: "+1", correlationId: "csv-0001" });
    await recordAudit({ db, actor: { type: "agent", id: "a1", label: "Agent, with comma" }, action: "csv.row", entityType: "Test", entityId: "@x", before: { note: 'say "hi"' }, after: { note: "-1" }, correlationId: "csv-0002" });
    await recordAudit({ db, actor: SYSTEM, action: "csv.row", entityType: "Test", entityId: "-2", correlationId: "csv-0003" });
  });

  it("csvCell quotes, escapes and defuses formulas", () => {
    expect(csvCell("=1+1")).toBe(`"'=1+1"`);
    expect(csvCell("+1")).toBe(`"'+1"`);
    expect(csvCell("-1")).toBe(`"'-1"`);
    expect(csvCell("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvCell("\tx")).toBe(`"'\tx"`);
    expect(csvCell('a "quote"')).toBe(`"a ""quote"""`);
    expect(csvCell(null)).toBe(`""`);
    expect(csvCell({ a: 1 })).toBe(`"{""a"":1}"`);
  });

  it("has the header and one line per row, newest first, with dangerous cells defused", async () => {
    const result = await get<string>(auditExportLoader, "/app/audit/export?action=csv.row");
    expect(result.status).toBe(200);
    expect(result.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(result.headers.get("Content-Disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(result.body.endsWith("\r\n")).toBe(true);
    const lines = result.body.split("\r\n").slice(0, -1);
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(1 + 3);
    const line = (correlationId: string) => lines.find((candidate) => candidate.includes(`"${correlationId}"`)) ?? "";
    expect(lines.indexOf(line("csv-0003"))).toBe(1);
    expect(line("csv-0003")).toContain(`"'-2"`);
    expect(line("csv-0002")).toContain(`"Agent, with comma"`);
    expect(line("csv-0002")).toContain(`"'@x"`);
    expect(line("csv-0002")).toContain(`"{""note"":""say \\""hi\\""""}"`);
    expect(line("csv-0001")).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(line("csv-0001")).toContain(`"'+1"`);
    // No cell starts with a formula character once unquoted.
    for (const line of lines.slice(1)) {
      for (const cell of line.match(/"(?:[^"]|"")*"/g) ?? []) expect(cell.slice(1)).not.toMatch(/^[=+\-@]/);
    }
  });

  it("exports every row the filter matches", async () => {
    const expected = await prisma.auditLog.count({ where: { shopId: shopA, action: "test.page" } });
    const result = await get<string>(auditExportLoader, "/app/audit/export?action=test.page");
    expect(result.body.split("\r\n").slice(1, -1)).toHaveLength(expected);
  });

  it("is itself audited with the export's correlation id", async () => {
    const result = await get<string>(auditExportLoader, "/app/audit/export?action=csv.row");
    const correlationId = result.headers.get("X-Request-Id");
    const row = await prisma.auditLog.findFirstOrThrow({ where: { shopId: shopA, action: "audit.exported", correlationId: correlationId ?? "" } });
    expect(row.metadata).toMatchObject({ filters: { action: "csv.row" } });
  });
});

describe("detail view", () => {
  it("shows the before/after diff of a staff.role_changed entry", async () => {
    expect((await get(staffLoader, "/app/staff", { userId: 9005 })).status).toBe(200);
    const target = await prisma.staffMember.findFirstOrThrow({ where: { shopId: shopA, shopifyUserId: "9005" } });
    const change = await call(() =>
      changeRoleAction({
        request: adminFetchRequest(`/app/staff/${target.id}/role`, {
          shop: SHOP_A,
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": `detail-${randomUUID()}` },
          body: JSON.stringify({ roleKey: "agent" }),
        }),
        params: { id: target.id },
        context: {},
      }),
    );
    expect(change.status).toBe(200);
    const row = await prisma.auditLog.findFirstOrThrow({ where: { shopId: shopA, action: "staff.role_changed", entityId: target.id } });

    const result = await get<{ entry: { action: string; entityId: string; before: unknown; after: unknown; changes: AuditChange[]; correlationId: string } }>(
      auditEntryLoader,
      `/app/audit/${row.id}`,
      { params: { id: row.id } },
    );
    expect(result.status).toBe(200);
    expect(result.body.entry).toMatchObject({
      action: "staff.role_changed",
      entityId: target.id,
      before: { roleKey: "viewer" },
      after: { roleKey: "agent" },
      correlationId: change.headers.get("X-Request-Id"),
    });
    expect(result.body.entry.changes).toEqual([{ path: "roleKey", before: "viewer", after: "agent" }]);
  });

  it("answers 400 to a malformed id and 404 to an unknown one", async () => {
    const malformed = await get<ErrorBody>(auditEntryLoader, "/app/audit/not-an-id!", { params: { id: "not-an-id!" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields).toHaveProperty("id");
    const unknown = "c".repeat(25);
    const missing = await get<ErrorBody>(auditEntryLoader, `/app/audit/${unknown}`, { params: { id: unknown } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("NOT_FOUND");
  });
});

// Last: it deletes shop A.
describe("purgeShopData", () => {
  it("deletes every row of shop A, audit log included, and leaves shop B alone", async () => {
    const dbB = scopedDb(shopB);
    await recordAudit({ db: dbB, actor: SYSTEM, action: "test.keep", entityType: "Test", correlationId: "keep-0001" });
    await createRun({ db: dbB, type: "keep", input: {}, actor: SYSTEM, correlationId: "keep-0001" });
    await createRun({ db: scopedDb(shopA), type: "purge_me", input: {}, actor: SYSTEM, correlationId: "purge-0001" });
    await dbB.idempotencyKey.createMany({ data: [{ shopId: shopB, scope: "t", key: "keep-key", requestHash: "h" }] });
    await scopedDb(shopA).idempotencyKey.createMany({ data: [{ shopId: shopA, scope: "t", key: "purge-key", requestHash: "h" }] });

    type Delegate = { count: (args: { where: { shopId: string } }) => Promise<number> };
    const delegate = (model: string) => (prisma as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)];
    const countsOf = async (shopId: string) =>
      Object.fromEntries(await Promise.all([...TENANT_MODELS].map(async (model) => [model, await delegate(model).count({ where: { shopId } })] as const)));

    const ofA = await countsOf(shopA);
    const ofB = await countsOf(shopB);
    expect(ofA.AuditLog).toBeGreaterThan(100);
    expect(ofA.StaffMember).toBeGreaterThan(0);
    expect(ofA.Role).toBe(8);
    expect(ofA.Run).toBeGreaterThan(0);
    expect(ofA.IdempotencyKey).toBeGreaterThan(0);
    const auditOfB = await prisma.auditLog.findMany({ where: { shopId: shopB }, orderBy: { id: "asc" } });

    // A shop still installed is never purged (shop/redact comes 48 hours after an uninstall).
    expect(await purgeShopData({ shopDomain: SHOP_B })).toMatchObject({ purged: false, reason: "installed" });
    await recordUninstall({ shop: SHOP_A });
    const result = await purgeShopData({ shopDomain: SHOP_A });
    expect(result.purged && result.deleted).toBeGreaterThanOrEqual(Object.values(ofA).reduce((sum, n) => sum + n, 0) + 1);

    expect(Object.values(await countsOf(shopA)).every((n) => n === 0)).toBe(true);
    expect(await prisma.shop.findUnique({ where: { domain: SHOP_A } })).toBeNull();
    expect(await prisma.session.count({ where: { shop: SHOP_A } })).toBe(0);

    expect(await countsOf(shopB)).toEqual(ofB);
    expect(await prisma.auditLog.findMany({ where: { shopId: shopB }, orderBy: { id: "asc" } })).toEqual(auditOfB);
    expect(await prisma.shop.findUnique({ where: { domain: SHOP_B } })).not.toBeNull();
    expect(await prisma.session.count({ where: { shop: SHOP_B } })).toBeGreaterThan(0);

    // The purge switch was for that transaction only: the log is append-only again, and the
    // app's role never may delete audit rows itself.
    await expect(prisma.$executeRawUnsafe(`DELETE FROM "AuditLog" WHERE "shopId" = $1`, shopB)).rejects.toThrow(/permission denied/);
    await expect(ownerQuery(`DELETE FROM "AuditLog" WHERE "shopId" = $1`, [shopB])).rejects.toThrow(/append-only/);
    // And purging again is a no-op.
    expect(await purgeShopData({ shopDomain: SHOP_A })).toEqual({ purged: true, deleted: 0 });
  });
});
