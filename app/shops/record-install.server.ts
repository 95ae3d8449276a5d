import type { Session } from "@shopify/shopify-api";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "../db.server";
import { logger } from "../lib/logger.server";
import { scopedDb } from "../lib/tenancy.server";
import { ensureDefaultPolicy } from "../policy/ensure-default-policy.server";
import { seedRoles } from "../rbac/seed-roles.server";
import { enqueue } from "../jobs/enqueue.server";
import { workerStarted } from "../jobs/worker-state";
import type { ShopDetailsQuery } from "../shopify/admin.generated";
import { SHOP_DETAILS_QUERY } from "../shopify/documents";

export interface RecordInstallOptions {
  session: Session;
  admin: AdminApiContext;
}

interface ShopDetailsResponse {
  data?: ShopDetailsQuery;
}

/**
 * Runs after every token exchange (Shopify's afterAuth hook): creates the Shop on first
 * install, reactivates it after a reinstall, and refreshes its name, plan and currency.
 * The shop details are best effort: install must not fail because a detail query did.
 */
export async function recordInstall({ session, admin }: RecordInstallOptions): Promise<void> {
  let details: NonNullable<ShopDetailsResponse["data"]>["shop"] | undefined;
  try {
    const response = await admin.graphql(SHOP_DETAILS_QUERY);
    const body = (await response.json()) as ShopDetailsResponse;
    details = body.data?.shop;
  } catch (error) {
    logger.warn({ shop: session.shop, err: error instanceof Error ? error.message : String(error) }, "shop details unavailable at install");
  }

  const fields = {
    scopes: session.scope ?? null,
    ...(details
      ? { name: details.name, plan: details.plan.publicDisplayName, currencyCode: details.currencyCode }
      : {}),
  };
  const existing = await prisma.shop.findUnique({ where: { domain: session.shop } });
  if (!existing) {
    const shop = await prisma.shop.upsert({ where: { domain: session.shop }, create: { domain: session.shop, ...fields }, update: fields });
    await seedRoles({ db: scopedDb(shop.id) });
    await ensureDefaultPolicy({ db: scopedDb(shop.id) });
    logger.info({ shop: session.shop }, "shop installed");
    await startBackfill(shop.id, session.shop);
  } else {
    await prisma.shop.update({
      where: { domain: session.shop },
      data: {
        ...fields,
        ...(existing.uninstalledAt ? { uninstalledAt: null, installedAt: new Date() } : {}),
      },
    });
  }
}

/** The first install imports the store's orders (app/backfill); best effort, retried by hand from Home. */
async function startBackfill(shopId: string, shopDomain: string): Promise<void> {
  if (!workerStarted()) {
    logger.info({ shop: shopDomain }, "no job worker in this process: backfill not started");
    return;
  }
  try {
    // Queued is visible at once: Home shows the import waiting and follows it from there.
    await scopedDb(shopId).ingestionState.upsert({ where: { shopId }, create: { shopId, backfillStatus: "queued" }, update: {} });
    await enqueue("backfill", { shopDomain }, { singletonKey: shopDomain });
  } catch (error) {
    logger.warn({ shop: shopDomain, err: (error as Error).message }, "backfill not started");
  }
}
