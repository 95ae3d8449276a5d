import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Card, DataTable, InlineGrid, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { getIngestionStatus, type IngestionStatus } from "../backfill/get-ingestion-status.server";
import { AppError } from "../lib/app-error";
import { formatMoney, humanizeEnum } from "../lib/format";
import { withStaff } from "../lib/route.server";
import { getShopOverview } from "../shops/get-shop-overview.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: null }, async (ctx) => {
    const ingestion = await getIngestionStatus({ db: ctx.db });
    try {
      return { overview: await getShopOverview({ admin: ctx.admin }), error: null, ingestion };
    } catch (error) {
      // Shopify being slow or throttled must not blank the page: say so and keep the shell.
      const message = error instanceof AppError ? error.message : "Shopify could not be reached.";
      return { overview: null, error: message, ingestion };
    }
  });

export default function Home() {
  const { overview, error, ingestion } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const importing = ["queued", "running", "importing"].includes(ingestion.backfill.status);
  useEffect(() => {
    // While the backfill runs, refresh its progress every few seconds.
    if (!importing) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [importing, revalidator]);
  return (
    <Page>
      <TitleBar title="Ops Action Center" />
      <BlockStack gap="500">
        {error ? (
          <Banner tone="critical" title="Store figures unavailable">
            <p>{error}</p>
          </Banner>
        ) : null}
        {overview ? (
          <Layout>
            <Layout.Section>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingLg">
                    {overview.name}
                  </Text>
                  <Text as="p" tone="subdued">
                    {overview.domain} · {overview.plan} plan · {overview.currencyCode}
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, sm: 2 }} gap="400">
                <Figure label="Orders" value={`${overview.orderCount}${overview.orderCountIsExact ? "" : "+"}`} />
                <Figure label="Unfulfilled orders" value={String(overview.unfulfilledCount)} />
              </InlineGrid>
            </Layout.Section>
            <Layout.Section>
              <IngestionCard ingestion={ingestion} />
            </Layout.Section>
            <Layout.Section>
              <Card padding="0">
                <BlockStack gap="200">
                  <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                    <Text as="h3" variant="headingMd">
                      Recent orders
                    </Text>
                  </div>
                  {overview.recentOrders.length === 0 ? (
                    <div style={{ padding: "var(--p-space-400)" }}>
                      <Text as="p" tone="subdued">
                        No orders yet.
                      </Text>
                    </div>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "text", "text", "text", "numeric"]}
                      headings={["Order", "Date", "Payment", "Fulfillment", "Total"]}
                      rows={overview.recentOrders.map((order) => [
                        order.name,
                        new Date(order.createdAt).toLocaleDateString("en", { dateStyle: "medium" }),
                        order.financialStatus ? <Badge key="p">{humanizeEnum(order.financialStatus)}</Badge> : "—",
                        <Badge key="f">{humanizeEnum(order.fulfillmentStatus)}</Badge>,
                        formatMoney(order.total.amount, order.total.currencyCode),
                      ])}
                    />
                  )}
                </BlockStack>
              </Card>
            </Layout.Section>
          </Layout>
        ) : null}
      </BlockStack>
    </Page>
  );
}

function IngestionCard({ ingestion }: { ingestion: IngestionStatus }) {
  const { backfill } = ingestion;
  const progress = backfill.total > 0 ? Math.min(100, Math.round((backfill.ordersDone / backfill.total) * 100)) : 0;
  const label: Record<string, string> = {
    idle: "Not started",
    queued: "Waiting to start",
    running: "Shopify is preparing the export",
    importing: "Importing orders",
    completed: "Complete",
    failed: "Failed",
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h3" variant="headingMd">
          Order import
        </Text>
        <Text as="p">
          {label[backfill.status] ?? backfill.status} · {ingestion.ordersStored} orders stored
          {backfill.total ? ` · ${backfill.ordersDone} of ${backfill.total} imported` : ""}
        </Text>
        {["queued", "running", "importing"].includes(backfill.status) ? (
          <ProgressBar progress={backfill.status === "importing" ? progress : backfill.status === "running" ? 5 : 0} ariaLabelledBy="backfill-progress-label" tone="primary" />
        ) : null}
        <span id="backfill-progress-label" hidden>
          Order import progress
        </span>
        {backfill.error ? (
          <Banner tone="critical" title="The import stopped">
            <p>{backfill.error}</p>
          </Banner>
        ) : null}
        <Text as="p" tone="subdued" variant="bodySm">
          Orders stay current through webhooks{ingestion.lastReconciledAt ? `; last reconciled ${new Date(ingestion.lastReconciledAt).toLocaleString("en")}` : ""}.
        </Text>
      </BlockStack>
    </Card>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}
