import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { AppError } from "../lib/app-error";
import type { ShopOverviewQuery } from "../shopify/admin.generated";
import { SHOP_OVERVIEW_QUERY } from "../shopify/documents";

export interface ShopOverview {
  name: string;
  domain: string;
  currencyCode: string;
  plan: string;
  orderCount: number;
  orderCountIsExact: boolean;
  unfulfilledCount: number;
  recentOrders: Array<{
    id: string;
    name: string;
    createdAt: string;
    financialStatus: string | null;
    fulfillmentStatus: string;
    total: { amount: string; currencyCode: string };
  }>;
}

interface ShopOverviewResponse {
  data?: ShopOverviewQuery;
  errors?: unknown;
}

/**
 * The home page's live figures, fetched through the Admin API: the proof that session-token
 * auth, token exchange and admin.graphql work end to end (later pages render from our DB).
 */
export async function getShopOverview({ admin }: { admin: AdminApiContext }): Promise<ShopOverview> {
  const response = await admin.graphql(SHOP_OVERVIEW_QUERY);
  const body = (await response.json()) as ShopOverviewResponse;
  if (!body.data) throw new AppError("UPSTREAM", "Shopify did not return the shop overview");
  const { shop, ordersCount, unfulfilled, recentOrders } = body.data;
  return {
    name: shop.name,
    domain: shop.myshopifyDomain,
    currencyCode: shop.currencyCode,
    plan: shop.plan.publicDisplayName,
    orderCount: ordersCount?.count ?? 0,
    orderCountIsExact: ordersCount?.precision !== "AT_LEAST",
    unfulfilledCount: unfulfilled?.count ?? 0,
    recentOrders: recentOrders.nodes.map((order) => ({
      id: order.id,
      name: order.name,
      createdAt: order.createdAt,
      financialStatus: order.displayFinancialStatus,
      fulfillmentStatus: order.displayFulfillmentStatus,
      total: order.totalPriceSet.shopMoney,
    })),
  };
}
