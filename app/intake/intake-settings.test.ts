/**
 * The Settings page and its secret endpoints through the real loader/actions: who sees what
 * (settings.manage), generation on first use, rotation (idempotent, audited by fingerprint),
 * 403 with an authz.denied row for other roles, and two-shop isolation.
 */
import { createHash, randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { IDEMPOTENCY_HEADER, REPLAY_HEADER } from "../idempotency/with-idempotency.server";
import type { ErrorBody } from "../lib/app-error";
import { ROLES } from "../rbac/permissions";
import { action as revealAction } from "../routes/app.settings.intake-secret.reveal";
import { action as rotateAction } from "../routes/app.settings.intake-secret.rotate";
import { loader as settingsLoader } from "../routes/app.settings";
import type { IntakeSettings } from "./get-intake-settings.server";
import { openIntakeSecret } from "./intake-secret-store.server";
import type { RotationResult } from "./rotate-intake-secret.server";

await startTestSandbox();

const OWNER = 9001;
const ADMIN = 9002;
const SUPPORT = 9004;

type SettingsBody = { endpoint: string; shopDomain: string; intake: IntakeSettings; canManage: boolean } & Partial<ErrorBody>;

const shopIds = new Map<string, string>();
const fingerprint = (secret: string) => createHash("sha256").update(secret).digest("hex").slice(0, 8);

const settings = (shop: string, userId: number) =>
  call<SettingsBody>(() => settingsLoader({ request: adminFetchRequest("/app/settings", { shop, userId }), params: {}, context: {} }));

const reveal = (shop: string, userId: number) =>
  call<{ secret: string; fingerprint: string } & Partial<ErrorBody>>(() =>
    revealAction({
      request: adminFetchRequest("/app/settings/intake-secret/reveal", { shop, userId, method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
      params: {},
      context: {},
    }),
  );

const rotate = (shop: string, userId: number, key = `rotate-${randomUUID()}`) =>
  call<RotationResult & Partial<ErrorBody>>(() =>
    rotateAction({
      request: adminFetchRequest("/app/settings/intake-secret/rotate", {
        shop,
        userId,
        method: "POST",
        headers: { "Content-Type": "application/json", [IDEMPOTENCY_HEADER]: key },
        body: "{}",
      }),
      params: {},
      context: {},
    }),
  );

/** The stored row with its secrets decrypted (the raw columns are checked in "secrets at rest"). */
async function secretRow(shop: string) {
  const row = await prisma.intakeSecret.findUnique({ where: { shopId: shopIds.get(shop)! } });
  if (!row) return null;
  const opened = openIntakeSecret(row);
  return { ...row, secret: opened.secret, previousSecret: opened.previous?.secret ?? null };
}
const audit = (shop: string, action: string) => prisma.auditLog.findMany({ where: { shopId: shopIds.get(shop)!, action }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) {
    for (const userId of [OWNER, ADMIN, SUPPORT]) expect((await settings(shop, userId)).status).toBe(200);
    shopIds.set(shop, (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id);
    await prisma.staffMember.updateMany({ where: { shopId: shopIds.get(shop)!, shopifyUserId: String(ADMIN) }, data: { roleKey: "admin" } });
    await prisma.staffMember.updateMany({ where: { shopId: shopIds.get(shop)!, shopifyUserId: String(SUPPORT) }, data: { roleKey: "support" } });
  }
});

beforeEach(async () => {
  await prisma.rateLimitCounter.deleteMany({});
});

describe("Settings page before any secret exists", () => {
  it("shows the endpoint and the shop header to everyone, with no secret yet; loading it creates nothing", async () => {
    for (const userId of [OWNER, SUPPORT]) {
      const result = await settings(SHOP_A, userId);
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({
        endpoint: "http://127.0.0.1:3999/api/intake/tickets",
        shopDomain: SHOP_A,
        intake: { configured: false, lastUsedAt: null, secret: null },
        canManage: userId === OWNER,
      });
    }
    expect(await secretRow(SHOP_A)).toBeNull();
  });

  it("creates the secret on the first reveal, once, even when two managers reveal at the same time", async () => {
    const [first, second] = await Promise.all([reveal(SHOP_A, OWNER), reveal(SHOP_A, ADMIN)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.secret).toMatch(/^oac_is_[A-Za-z0-9_-]{43}$/);
    expect(second.body.secret).toBe(first.body.secret);
    expect(first.body.fingerprint).toBe(fingerprint(first.body.secret));
    expect(first.headers.get("Cache-Control")).toBe("no-store");
    expect((await secretRow(SHOP_A))?.secret).toBe(first.body.secret);
    const created = await audit(SHOP_A, "intake.secret_created");
    expect(created).toHaveLength(1);
    expect(created[0].after).toEqual({ fingerprint: first.body.fingerprint });
    expect(await audit(SHOP_A, "intake.secret_revealed")).toHaveLength(2);
  });
});

describe("who sees and changes the secret", () => {
  it("gives managers the fingerprint but never the secret in the page data", async () => {
    const secret = (await secretRow(SHOP_A))!.secret;
    const result = await settings(SHOP_A, ADMIN);
    expect(result.body.canManage).toBe(true);
    expect(result.body.intake).toMatchObject({ configured: true, secret: { fingerprint: fingerprint(secret), previous: null } });
    expect(JSON.stringify(result.body)).not.toContain(secret);
  });

  it("tells other staff the API exists, without the secret or its fingerprint", async () => {
    const secret = (await secretRow(SHOP_A))!.secret;
    const result = await settings(SHOP_A, SUPPORT);
    expect(result.body).toMatchObject({ canManage: false, intake: { configured: true, secret: null }, endpoint: expect.stringContaining("/api/intake/tickets") });
    expect(JSON.stringify(result.body)).not.toContain(secret);
    expect(JSON.stringify(result.body)).not.toContain(fingerprint(secret));
  });

  it("opens for every role; only roles with settings.manage get the secret's details", async () => {
    const MEMBER = 9003;
    expect((await settings(SHOP_A, MEMBER)).status).toBe(200);
    for (const role of ROLES) {
      await prisma.staffMember.updateMany({ where: { shopId: shopIds.get(SHOP_A)!, shopifyUserId: String(MEMBER) }, data: { roleKey: role.key } });
      const result = await settings(SHOP_A, MEMBER);
      const canManage = role.permissions.includes("settings.manage");
      expect(result.status, role.key).toBe(200);
      expect(result.body.canManage, role.key).toBe(canManage);
      expect(result.body.intake.secret === null, role.key).toBe(!canManage);
    }
  });

  it.each([
    ["reveal", () => reveal(SHOP_A, SUPPORT)],
    ["rotate", () => rotate(SHOP_A, SUPPORT)],
  ])("refuses %s without settings.manage: 403, an authz.denied row, the secret unchanged", async (_name, invoke) => {
    const before = await secretRow(SHOP_A);
    const denied = (await audit(SHOP_A, "authz.denied")).length;
    const result = await invoke();
    expect(result.status).toBe(403);
    expect(result.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "settings.manage", role: "support" } });
    expect(JSON.stringify(result.body)).not.toContain(before!.secret);
    const rows = await audit(SHOP_A, "authz.denied");
    expect(rows).toHaveLength(denied + 1);
    expect(rows.at(-1)).toMatchObject({ entityType: "Permission", entityId: "settings.manage", correlationId: result.body.error!.correlationId });
    expect(await secretRow(SHOP_A)).toEqual(before);
  });
});

describe("rotation", () => {
  it("replaces the secret, keeps the old one for 24 hours, and audits fingerprints only", async () => {
    const old = (await secretRow(SHOP_A))!;
    const result = await rotate(SHOP_A, OWNER);
    expect(result.status).toBe(200);
    const row = (await secretRow(SHOP_A))!;
    expect(row.secret).not.toBe(old.secret);
    expect(row.previousSecret).toBe(old.secret);
    expect(row.previousExpiresAt!.getTime() - row.rotatedAt.getTime()).toBe(24 * 3600 * 1000);
    expect(result.body).toEqual({
      fingerprint: fingerprint(row.secret),
      rotatedAt: row.rotatedAt.toISOString(),
      previous: { fingerprint: fingerprint(old.secret), expiresAt: row.previousExpiresAt!.toISOString() },
    });
    // The answer (stored with the Idempotency-Key) holds no secret.
    expect(JSON.stringify(result.body)).not.toContain(row.secret);
    const stored = await prisma.idempotencyKey.findMany({ where: { shopId: shopIds.get(SHOP_A)! } });
    expect(JSON.stringify(stored)).not.toContain(row.secret);

    const rotations = await audit(SHOP_A, "intake.secret_rotated");
    expect(rotations).toHaveLength(1);
    expect(rotations[0]).toMatchObject({
      actorType: "staff",
      correlationId: result.headers.get("X-Request-Id"),
      before: { fingerprint: fingerprint(old.secret) },
      after: { fingerprint: fingerprint(row.secret), previousFingerprint: fingerprint(old.secret) },
    });
    const everything = JSON.stringify(await prisma.auditLog.findMany({ where: { shopId: shopIds.get(SHOP_A)! } }));
    expect(everything).not.toContain(row.secret);
    expect(everything).not.toContain(old.secret);

    const page = await settings(SHOP_A, OWNER);
    expect(page.body.intake.secret).toEqual({ fingerprint: fingerprint(row.secret), previous: { fingerprint: fingerprint(old.secret), expiresAt: row.previousExpiresAt!.toISOString() } });
    expect((await reveal(SHOP_A, OWNER)).body.secret).toBe(row.secret);
  });

  it("rotates once for a doubled click (same Idempotency-Key): the replay changes nothing", async () => {
    const key = `double-${randomUUID()}`;
    const rotations = (await audit(SHOP_A, "intake.secret_rotated")).length;
    const [first, second] = [await rotate(SHOP_A, OWNER, key), await rotate(SHOP_A, OWNER, key)];
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get(REPLAY_HEADER)).toBe("true");
    expect(await audit(SHOP_A, "intake.secret_rotated")).toHaveLength(rotations + 1);
    expect(fingerprint((await secretRow(SHOP_A))!.secret)).toBe(first.body.fingerprint);
  });

  it("says so in the audit row when a rotation ends an earlier grace period", async () => {
    const before = (await secretRow(SHOP_A))!;
    expect(before.previousExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    const result = await rotate(SHOP_A, ADMIN);
    expect(result.status).toBe(200);
    const row = (await audit(SHOP_A, "intake.secret_rotated")).at(-1)!;
    expect(row.metadata).toEqual({ endedGracePeriodOf: fingerprint(before.previousSecret!) });
    expect((await secretRow(SHOP_A))!.previousSecret).toBe(before.secret);
  });

  it("creates the first secret when a shop without one rotates", async () => {
    const shop = SHOP_B;
    expect(await secretRow(shop)).toBeNull();
    const result = await rotate(shop, OWNER);
    expect(result.status).toBe(200);
    const row = (await secretRow(shop))!;
    expect(result.body).toEqual({ fingerprint: fingerprint(row.secret), rotatedAt: row.rotatedAt.toISOString(), previous: null });
    expect(await audit(shop, "intake.secret_created")).toHaveLength(1);
    expect(await audit(shop, "intake.secret_rotated")).toHaveLength(0);
  });
});

describe("two shops", () => {
  it("never show or rotate each other's secret", async () => {
    const [a, b] = [(await secretRow(SHOP_A))!, (await secretRow(SHOP_B))!];
    expect(a.secret).not.toBe(b.secret);

    const revealedA = await reveal(SHOP_A, OWNER);
    expect(revealedA.body.secret).toBe(a.secret);
    const pageA = await settings(SHOP_A, OWNER);
    expect(pageA.body.shopDomain).toBe(SHOP_A);
    expect(pageA.body.intake.secret?.fingerprint).toBe(fingerprint(a.secret));
    expect(JSON.stringify(pageA.body)).not.toContain(fingerprint(b.secret));

    // Shop A's owner rotates: only shop A's secret changes, and the audit row is shop A's.
    const rotationsOfB = (await audit(SHOP_B, "intake.secret_rotated")).length;
    expect((await rotate(SHOP_A, OWNER)).status).toBe(200);
    expect((await secretRow(SHOP_A))!.secret).not.toBe(a.secret);
    expect(await secretRow(SHOP_B)).toEqual(b);
    expect(await audit(SHOP_B, "intake.secret_rotated")).toHaveLength(rotationsOfB);

    // The same Idempotency-Key in shop B is shop B's own request.
    const key = `shared-${randomUUID()}`;
    expect((await rotate(SHOP_A, OWNER, key)).headers.get(REPLAY_HEADER)).toBeNull();
    const ofB = await rotate(SHOP_B, OWNER, key);
    expect(ofB.headers.get(REPLAY_HEADER)).toBeNull();
    expect(ofB.body.fingerprint).toBe(fingerprint((await secretRow(SHOP_B))!.secret));
    expect((await reveal(SHOP_B, OWNER)).body.secret).toBe((await secretRow(SHOP_B))!.secret);
  });
});
