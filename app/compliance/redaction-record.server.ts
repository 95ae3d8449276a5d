/**
 * The redaction record (CustomerRedaction): what customers/redact leaves behind so that
 * nothing Shopify sends later writes the customer back (docs/decisions/0014). Matching is by
 * Shopify customer id, by the order ids the request named (and those we held), or by the
 * digest of the email or phone; only orders placed before the request are covered.
 *
 * Ingest and redaction serialize on advisory locks derived from those same identifiers: an
 * ingest takes them shared (ingests never wait for each other), customers/redact exclusive.
 * So an ingest that read "no record" has committed before the redaction reads the rows, and
 * an ingest after it sees the record.
 */
import type { CustomerRedaction, Prisma } from "@prisma/client";
import type { DbClient } from "../lib/tenancy.server";
import { identifierHash } from "./customer-identifiers";

export interface RedactionSubject {
  customerShopifyIds: string[];
  orderShopifyIds: string[];
  emails: Array<string | null | undefined>;
  phones: Array<string | null | undefined>;
}

const hashes = (kind: "email" | "phone", values: Array<string | null | undefined>) => [...new Set(values.map((value) => identifierHash(kind, value)).filter((hash): hash is string => hash !== null))];

/** Lock keys: no shop id needed (GIDs are global; a digest shared by two shops only costs a wait). */
export function redactionLockKeys(subject: RedactionSubject): string[] {
  return [
    ...subject.customerShopifyIds.map((id) => `customer:${id}`),
    ...subject.orderShopifyIds.map((id) => `order:${id}`),
    ...hashes("email", subject.emails).map((hash) => `email:${hash}`),
    ...hashes("phone", subject.phones).map((hash) => `phone:${hash}`),
  ].map((key) => `oac:redaction:${key}`);
}

/** Takes the keys in one statement, sorted, so two holders never wait for each other in a cycle. */
export async function lockRedactionKeys(tx: DbClient, keys: string[], mode: "shared" | "exclusive"): Promise<void> {
  if (keys.length === 0) return;
  const keyList = [...new Set(keys)];
  if (mode === "shared") {
    await tx.$queryRaw`SELECT count(pg_advisory_xact_lock_shared(k))::int AS n FROM (SELECT hashtextextended(x, 0) AS k FROM unnest(${keyList}::text[]) AS x ORDER BY 1) AS s`;
  } else {
    await tx.$queryRaw`SELECT count(pg_advisory_xact_lock(k))::int AS n FROM (SELECT hashtextextended(x, 0) AS k FROM unnest(${keyList}::text[]) AS x ORDER BY 1) AS s`;
  }
}

/** The record that covers an order placed at `placedAt`, if any (the caller holds the locks). */
export async function findRedaction(tx: DbClient, subject: RedactionSubject, placedAt: Date): Promise<CustomerRedaction | null> {
  const emailHashes = hashes("email", subject.emails);
  const phoneHashes = hashes("phone", subject.phones);
  return tx.customerRedaction.findFirst({
    where: {
      requestedAt: { gte: placedAt },
      OR: [
        ...(subject.customerShopifyIds.length ? [{ customerShopifyId: { in: subject.customerShopifyIds } }] : []),
        ...subject.orderShopifyIds.map((id) => ({ orderShopifyIds: { has: id } })),
        ...(emailHashes.length ? [{ emailHash: { in: emailHashes } }] : []),
        ...(phoneHashes.length ? [{ phoneHash: { in: phoneHashes } }] : []),
      ],
    },
    orderBy: { requestedAt: "desc" },
  });
}

/** Any record of the shop naming one of these identifiers, whenever the order was placed (the webhook inbox). */
export async function findAnyRedaction(tx: DbClient, subject: RedactionSubject): Promise<CustomerRedaction | null> {
  return findRedaction(tx, subject, new Date(0));
}

/**
 * Stores (or widens) the record of one customers/redact request. A repeated delivery for the
 * same customer adds the orders it names to the record already there.
 */
export async function recordRedaction(tx: DbClient, subject: RedactionSubject & { requestedAt: Date }): Promise<CustomerRedaction> {
  const customerShopifyId = subject.customerShopifyIds[0] ?? null;
  const emailHash = hashes("email", subject.emails)[0] ?? null;
  const phoneHash = hashes("phone", subject.phones)[0] ?? null;
  const existing = await tx.customerRedaction.findFirst({ where: { customerShopifyId, emailHash, phoneHash } });
  if (existing) {
    const orders = [...new Set([...existing.orderShopifyIds, ...subject.orderShopifyIds])];
    if (orders.length === existing.orderShopifyIds.length) return existing;
    return tx.customerRedaction.update({ where: { id: existing.id }, data: { orderShopifyIds: orders } });
  }
  return tx.customerRedaction.create({
    data: { customerShopifyId, orderShopifyIds: subject.orderShopifyIds, emailHash, phoneHash, requestedAt: subject.requestedAt } as Prisma.CustomerRedactionUncheckedCreateInput,
  });
}
