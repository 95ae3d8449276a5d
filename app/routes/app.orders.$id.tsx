import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { listAvailableActions } from "../actions/list-available-actions.server";
import { ActionPanel, panelOrder } from "../components/ActionPanel";
import { FinancialStatusBadge, FulfillmentStatusBadge, OrderContextPanel } from "../components/OrderContextPanel";
import { OrderTimeline } from "../components/OrderTimeline";
import { RouteError } from "../components/RouteError";
import type { ErrorBody } from "../lib/app-error";
import { parseInput } from "../lib/http.server";
import { withStaff } from "../lib/route.server";
import { getOrderDetail } from "../orders/get-order-detail.server";
import { ZOrderId } from "../orders/list-schema";
import type { RefreshResult } from "../orders/refresh-order.server";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "orders.view" }, async (ctx) => {
    const id = parseInput(z.object({ id: ZOrderId }), params, "Malformed order id").id;
    return {
      ...(await getOrderDetail({ db: ctx.db, id, canSeePii: ctx.role.permissions.has("customers.pii") })),
      canRefresh: ctx.role.permissions.has("orders.refresh"),
      canCreateTicket: ctx.role.permissions.has("tickets.create"),
      actionPanel: await listAvailableActions(ctx, "order", id),
    };
  });

const OUTCOME_MESSAGES: Record<RefreshResult["outcome"], (version: number) => string> = {
  created: (version) => `Order stored (version ${version})`,
  updated: (version) => `Order refreshed: now version ${version}`,
  unchanged: (version) => `Already up to date (version ${version})`,
  stale: (version) => `Shopify sent older data; kept version ${version}`,
  missing: () => "Shopify no longer has this order",
};

export default function OrderPage() {
  const { order, context, timeline, piiMasked, canRefresh, actionPanel, canCreateTicket } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [refreshing, setRefreshing] = useState(false);

  async function refresh() {
    setRefreshing(true);
    try {
      // App Bridge adds the session token; one key per click, so a retried request runs once.
      const response = await fetch(`/app/orders/${order.id}/refresh`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `order-refresh-${order.id}-${crypto.randomUUID()}` },
        body: "{}",
      });
      const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody> & Partial<RefreshResult>;
      if (!response.ok || body.error || !body.outcome) {
        const message = body.error ? `${body.error.message} (correlation id ${body.error.correlationId})` : `Request failed (${response.status})`;
        shopify.toast.show(`Refresh failed: ${message}`, { isError: true });
      } else {
        shopify.toast.show(OUTCOME_MESSAGES[body.outcome](body.version ?? order.snapshotVersion), { isError: body.outcome === "missing" });
      }
      revalidator.revalidate();
    } catch {
      shopify.toast.show("Refresh failed: the app could not be reached", { isError: true });
    } finally {
      setRefreshing(false);
    }
  }

  return (
    <Page
      backAction={{ content: "Orders", url: "/app/orders" }}
      title={order.name}
      titleMetadata={
        <InlineStack gap="100">
          <FinancialStatusBadge status={order.financialStatus} />
          <FulfillmentStatusBadge status={order.fulfillmentStatus} />
          {order.cancelled ? <Badge tone="critical">Cancelled</Badge> : null}
        </InlineStack>
      }
      subtitle={`Placed ${new Date(order.createdAt).toLocaleString("en")} · snapshot version ${order.snapshotVersion}, stored ${new Date(order.lastIngestedAt).toLocaleString("en")}`}
      primaryAction={canRefresh ? { content: "Refresh from Shopify", onAction: () => void refresh(), loading: refreshing, disabled: refreshing } : undefined}
      secondaryActions={canCreateTicket ? [{ content: "Create ticket", url: `/app/tickets/new?orderId=${order.id}` }] : undefined}
    >
      <TitleBar title={`Order ${order.name}`} />
      <Layout>
        <Layout.Section>
          {context ? (
            <OrderContextPanel context={context} piiMasked={piiMasked} />
          ) : (
            <Banner tone="info" title="No snapshot yet">
              <p>This order has no stored context yet. It appears after the next ingestion{canRefresh ? " or a refresh from Shopify" : ""}.</p>
            </Banner>
          )}
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <ActionPanel target={{ kind: "orders", id: order.id }} actions={actionPanel.actions} assignees={actionPanel.assignees} held={actionPanel.held} hasOrder order={panelOrder(context, piiMasked)} />
            <OrderTimeline events={timeline} />
            <Text as="p" tone="subdued" variant="bodySm">
              Shopify id {order.shopifyId}
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
