import type { Session } from "@shopify/shopify-api";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { claimBackfill } from "../backfill/claim-backfill.server";
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
 * Runs after every token exchange (Shopify's afterAuth hook): records the Shop, reactivates it
 * after a reinstall, refreshes its name, plan and currency, and starts the first order import.
 * The shop details are best effort: install must not fail because a detail query did.
 *
 * "Install starts the import exactly once" does not depend on who created the Shop row: the
 * embedded app's parallel first loads race, and a load that finds the session another one just
 * stored records the shop itself (resolveStaff) before this hook reads it. The import is
 * claimed in the install's transaction instead (claimBackfill), and only the winner enqueues it
 * (docs/decisions/0016). A claim whose enqueue never happened is picked up by the workers'
 * sweep (app/backfill/resume-stalled-backfills.server.ts).
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
  // INSERT ... ON CONFLICT DO NOTHING: concurrent installs and first loads never collide here.
  await prisma.shop.createMany({ data: [{ domain: session.shop, ...fields }], skipDuplicates: true });
  const { id: shopId } = await prisma.shop.findUniqueOrThrow({ where: { domain: session.shop }, select: { id: true } });

  const claimed = await scopedDb(shopId).$transaction(async (tx) => {
    const shop = await tx.shop.findUniqueOrThrow({ where: { id: shopId } });
    await tx.shop.update({
      where: { id: shopId },
      data: { ...fields, ...(shop.uninstalledAt ? { uninstalledAt: null, installedAt: new Date() } : {}) },
    });
    if (shop.uninstalledAt) logger.info({ shop: session.shop }, "shop reinstalled");
    await seedRoles({ db: tx });
    await ensureDefaultPolicy({ db: tx });
    return claimBackfill({ db: tx, shopId });
  });
  if (claimed) {
    logger.info({ shop: session.shop }, "shop installed: order import claimed");
    await startBackfill(session.shop);
  }
}

/** Enqueues the claimed import; if that cannot happen here, the workers' sweep does it. */
async function startBackfill(shopDomain: string): Promise<void> {
  // Without a worker in this process (tests that only call loaders), the claim stays "queued"
  // and the sweep of whichever process runs the worker enqueues it.
  if (!workerStarted()) {
    logger.info({ shop: shopDomain }, "no job worker in this process: backfill left queued for the sweep");
    return;
  }
  try {
    await enqueue("backfill", { shopDomain });
  } catch (error) {
    logger.warn({ shop: shopDomain, err: (error as Error).message }, "backfill claimed but not enqueued; the sweep will");
  }
}
