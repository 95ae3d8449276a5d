/**
 * Intake secrets at rest (docs/decisions/0013): the database never holds a secret, only
 * AES-256-GCM ciphertexts under the keyring's first key, bound to their shop. Read from the raw
 * columns and decrypted here with node:crypto (not with the app's helper). Plaintext rows from
 * before encryption and rows under an older key are re-encrypted at start-up and when used;
 * an old key keeps decrypting until it is dropped.
 */
import { createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { DEVELOPMENT_ENCRYPTION_KEYS } from "../../sandbox/development-keys";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import { TEST_APP_URL } from "../../tests/setup/app-env";
import prisma from "../db.server";
import { startBackgroundWork, stopBackgroundWork } from "../entry.server";
import { IDEMPOTENCY_HEADER } from "../idempotency/with-idempotency.server";
import { DecryptionError, parseKeyring, type Keyring } from "../lib/encryption.server";
import { action as intakeAction } from "../routes/api.intake.tickets";
import { loader as homeLoader } from "../routes/app._index";
import { action as revealAction } from "../routes/app.settings.intake-secret.reveal";
import { action as rotateAction } from "../routes/app.settings.intake-secret.rotate";
import { scopedDb } from "../lib/tenancy.server";
import { signIntakeRequest } from "./intake-crypto.server";
import { encryptStoredIntakeSecrets, openIntakeSecret, readIntakeSecret } from "./intake-secret-store.server";
import { INTAKE_PATH, SHOP_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./schema";

await startTestSandbox();

const shopIds = new Map<string, string>();
const ring = (value: string): Keyring => {
  const parsed = parseKeyring(value);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.keyring;
};
const devRing = ring(DEVELOPMENT_ENCRYPTION_KEYS);
const devKey = devRing.current.key;

interface RawRow {
  shopId: string;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
}

/** The columns exactly as PostgreSQL holds them. */
async function rawRows(): Promise<RawRow[]> {
  return prisma.$queryRawUnsafe<RawRow[]>(`SELECT "shopId", "secretCiphertext", "previousSecretCiphertext" FROM "IntakeSecret" ORDER BY "shopId"`);
}
async function rawRow(shop: string): Promise<RawRow> {
  return (await rawRows()).find((row) => row.shopId === shopIds.get(shop))!;
}

/** AES-256-GCM by hand: enc1:<key id>:<iv>:<ciphertext>:<tag>, base64url, AAD IntakeSecret:<shopId>. */
function decryptByHand(stored: string, shopId: string, key: Buffer): string {
  const [prefix, , iv, ciphertext, tag] = stored.split(":");
  expect(prefix).toBe("enc1");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(`IntakeSecret:${shopId}`));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** Every spelling of a secret that must not be in the database. */
const spellings = (secret: string) => [secret, secret.slice(7), Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("hex"), secret.slice(7, 27)];

async function expectNoPlaintext(secrets: string[]) {
  const everything = JSON.stringify(await prisma.$queryRawUnsafe(`SELECT * FROM "IntakeSecret"`));
  for (const secret of secrets) for (const spelling of spellings(secret)) expect(everything).not.toContain(spelling);
}

async function reveal(shop: string): Promise<string> {
  const result = await call<{ secret: string }>(() =>
    revealAction({ request: adminFetchRequest("/app/settings/intake-secret/reveal", { shop, method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }), params: {}, context: {} }),
  );
  expect(result.status).toBe(200);
  return result.body.secret;
}

async function rotate(shop: string) {
  const result = await call(() =>
    rotateAction({
      request: adminFetchRequest("/app/settings/intake-secret/rotate", {
        shop,
        method: "POST",
        headers: { "Content-Type": "application/json", [IDEMPOTENCY_HEADER]: `rotate-${randomUUID()}` },
        body: "{}",
      }),
      params: {},
      context: {},
    }),
  );
  expect(result.status).toBe(200);
}

async function sendSigned(shop: string, secret: string) {
  const raw = JSON.stringify({ subject: "At rest", message: "Is my secret safe?", customer: { email: "rest@example.com" } });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = `rest-${randomUUID()}`;
  const headers = {
    "Content-Type": "application/json",
    [SHOP_HEADER]: shop,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signIntakeRequest(secret, { timestamp, idempotencyKey: key, rawBody: raw }),
    [IDEMPOTENCY_HEADER]: key,
  };
  return call(() => intakeAction({ request: new Request(new URL(INTAKE_PATH, TEST_APP_URL), { method: "POST", headers, body: raw }), params: {}, context: {} }));
}

/** Puts a row back as a version of the app before encryption left it: plaintext in the columns. */
async function makeLegacy(shop: string, secret: string, previous: string | null) {
  await prisma.$executeRawUnsafe(
    `UPDATE "IntakeSecret" SET "secretCiphertext" = $1, "previousSecretCiphertext" = $2, "previousExpiresAt" = $3 WHERE "shopId" = $4`,
    secret,
    previous,
    previous ? new Date(Date.now() + 3_600_000) : null,
    shopIds.get(shop)!,
  );
}

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) {
    expect((await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }))).status).toBe(200);
    shopIds.set(shop, (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id);
  }
});

describe("the database never holds an intake secret", () => {
  it("stores a created and a rotated secret as AES-256-GCM under the current key, bound to the shop", async () => {
    const first = await reveal(SHOP_A);
    let row = await rawRow(SHOP_A);
    expect(row.secretCiphertext).toMatch(/^enc1:dev-1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
    expect(decryptByHand(row.secretCiphertext, shopIds.get(SHOP_A)!, devKey)).toBe(first);
    await expectNoPlaintext([first]);

    await rotate(SHOP_A);
    const second = await reveal(SHOP_A);
    row = await rawRow(SHOP_A);
    expect(decryptByHand(row.secretCiphertext, shopIds.get(SHOP_A)!, devKey)).toBe(second);
    expect(decryptByHand(row.previousSecretCiphertext!, shopIds.get(SHOP_A)!, devKey)).toBe(first);
    await expectNoPlaintext([first, second]);
    // Both secrets sign (the previous one during its grace period).
    expect((await sendSigned(SHOP_A, second)).status).toBe(201);
    expect((await sendSigned(SHOP_A, first)).status).toBe(201);
  });

  it("encrypts the same secret differently each time (a fresh IV), and a ciphertext moved to another shop does not decrypt", async () => {
    const secretB = await reveal(SHOP_B);
    const [a, b] = [await rawRow(SHOP_A), await rawRow(SHOP_B)];
    expect(a.secretCiphertext).not.toBe(b.secretCiphertext);
    // Shop A's ciphertext in shop B's row: authenticated decryption refuses it.
    const moved = { ...(await prisma.intakeSecret.findUniqueOrThrow({ where: { shopId: shopIds.get(SHOP_B)! } })), secretCiphertext: a.secretCiphertext };
    expect(() => openIntakeSecret(moved, devRing)).toThrow(DecryptionError);
    expect(() => decryptByHand(a.secretCiphertext, shopIds.get(SHOP_B)!, devKey)).toThrow();
    expect(openIntakeSecret(await prisma.intakeSecret.findUniqueOrThrow({ where: { shopId: shopIds.get(SHOP_B)! } }), devRing).secret).toBe(secretB);
  });
});

describe("secrets stored before encryption (plaintext rows)", () => {
  it("are encrypted at start-up, before the app serves (startBackgroundWork), and keep signing", async () => {
    const [secretA, secretB] = [await reveal(SHOP_A), await reveal(SHOP_B)];
    const previousA = openIntakeSecret(await prisma.intakeSecret.findUniqueOrThrow({ where: { shopId: shopIds.get(SHOP_A)! } })).previous!.secret;
    await makeLegacy(SHOP_A, secretA, previousA);
    await makeLegacy(SHOP_B, secretB, null);
    expect((await rawRow(SHOP_A)).secretCiphertext).toBe(secretA);

    // The real start-up hook (it also starts the job worker, stopped right after).
    await startBackgroundWork();
    await stopBackgroundWork();

    const [a, b] = [await rawRow(SHOP_A), await rawRow(SHOP_B)];
    expect(decryptByHand(a.secretCiphertext, shopIds.get(SHOP_A)!, devKey)).toBe(secretA);
    expect(decryptByHand(a.previousSecretCiphertext!, shopIds.get(SHOP_A)!, devKey)).toBe(previousA);
    expect(decryptByHand(b.secretCiphertext, shopIds.get(SHOP_B)!, devKey)).toBe(secretB);
    expect(b.previousSecretCiphertext).toBeNull();
    await expectNoPlaintext([secretA, previousA, secretB]);
    expect((await sendSigned(SHOP_A, secretA)).status).toBe(201);
    expect((await sendSigned(SHOP_B, secretB)).status).toBe(201);
    // Nothing stale is left: a second start re-encrypts nothing.
    expect(await encryptStoredIntakeSecrets()).toEqual({ reencrypted: 0 });
  });

  it("are upgraded when used (a row an older instance wrote after start-up): the request is served, the row encrypted", async () => {
    const secret = await reveal(SHOP_B);
    await makeLegacy(SHOP_B, secret, null);
    // A refused request (wrong signature) writes nothing, not even the upgrade.
    expect((await sendSigned(SHOP_B, `${secret}x`)).status).toBe(401);
    expect((await rawRow(SHOP_B)).secretCiphertext).toBe(secret);
    expect((await sendSigned(SHOP_B, secret)).status).toBe(201);
    expect(decryptByHand((await rawRow(SHOP_B)).secretCiphertext, shopIds.get(SHOP_B)!, devKey)).toBe(secret);
    await expectNoPlaintext([secret]);

    // Revealing (which writes an audit row anyway) upgrades too.
    await makeLegacy(SHOP_B, secret, null);
    expect(await reveal(SHOP_B)).toBe(secret);
    expect((await rawRow(SHOP_B)).secretCiphertext).toMatch(/^enc1:dev-1:/);
  });
});

describe("rotating the encryption key", () => {
  it("reads old values with the old key listed second, re-encrypts everything with the new key at start-up, then works without the old key", async () => {
    const newKey = randomBytes(32).toString("base64");
    const rotated = ring(`2027-01:${newKey},${DEVELOPMENT_ENCRYPTION_KEYS}`);
    const newOnly = ring(`2027-01:${newKey}`);
    const before = new Map<string, string>();
    for (const shop of [SHOP_A, SHOP_B]) before.set(shop, (await readIntakeSecret({ db: scopedDb(shopIds.get(shop)!), keyring: devRing }))!.secret);

    // The new keyring still reads what the old key wrote, and calls it stale.
    const stale = (await readIntakeSecret({ db: scopedDb(shopIds.get(SHOP_A)!), keyring: rotated }))!;
    expect(stale.secret).toBe(before.get(SHOP_A));
    expect(stale.stale).toBe(true);
    // Without the old key it cannot be read: that is why the old key stays until after a start.
    await expect(readIntakeSecret({ db: scopedDb(shopIds.get(SHOP_A)!), keyring: newOnly })).rejects.toThrow(DecryptionError);
    await expect(encryptStoredIntakeSecrets({ keyring: newOnly })).rejects.toThrow(/cannot read the intake secret of shop .+ key "dev-1", which OAC_ENCRYPTION_KEYS no longer lists/);

    try {
      expect(await encryptStoredIntakeSecrets({ keyring: rotated })).toEqual({ reencrypted: 2 });
      for (const shop of [SHOP_A, SHOP_B]) {
        const row = await rawRow(shop);
        expect(row.secretCiphertext).toMatch(/^enc1:2027-01:/);
        if (row.previousSecretCiphertext) expect(row.previousSecretCiphertext).toMatch(/^enc1:2027-01:/);
        expect(decryptByHand(row.secretCiphertext, shopIds.get(shop)!, Buffer.from(newKey, "base64"))).toBe(before.get(shop));
        // The old key is no longer needed.
        expect((await readIntakeSecret({ db: scopedDb(shopIds.get(shop)!), keyring: newOnly }))!.secret).toBe(before.get(shop));
      }
    } finally {
      // Back to the key the rest of this file's app runs with (the env's development key).
      await encryptStoredIntakeSecrets({ keyring: ring(`${DEVELOPMENT_ENCRYPTION_KEYS},2027-01:${newKey}`) });
    }
    expect((await rawRow(SHOP_A)).secretCiphertext).toMatch(/^enc1:dev-1:/);
    expect((await sendSigned(SHOP_A, before.get(SHOP_A)!)).status).toBe(201);
  });
});

describe("OAC_ENCRYPTION_KEYS", () => {
  it("parses a keyring: the first key encrypts, all decrypt; refuses malformed ones without echoing key material", () => {
    const key = randomBytes(32).toString("base64");
    const parsed = parseKeyring(` new:${key} , old:${randomBytes(32).toString("base64url")} `);
    expect(parsed.ok && parsed.keyring.current.id).toBe("new");
    expect(parsed.ok && [...parsed.keyring.byId.keys()]).toEqual(["new", "old"]);
    const short = randomBytes(16).toString("base64");
    for (const [value, message] of [
      ["", /at least one key/],
      [key, /key 1 must be "<id>:<base64 key>"/],
      [`k1:${short}`, /key "k1" must be 32 bytes/],
      [`k1:${key},k1:${key}`, /listed twice/],
      [`bad id!:${key}`, /key 1 must be/],
      [`k1:not base64 at all!`, /must be 32 bytes/],
    ] as Array<[string, RegExp]>) {
      const result = parseKeyring(value);
      expect(result.ok).toBe(false);
      const text = result.ok ? "" : result.message;
      expect(text).toMatch(message);
      expect(text).not.toContain(key);
      expect(text).not.toContain(short);
    }
  });
});
