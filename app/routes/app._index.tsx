import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Link, Page, ProgressBar, Text } from "@shopify/polaris";
import { getIngestionStatus, type IngestionStatus } from "../backfill/get-ingestion-status.server";
import { RunStatusBadge } from "../components/RunStatusBadge";
import { AppError } from "../lib/app-error";
import { formatMoney, humanizeEnum } from "../lib/format";
import { withStaff } from "../lib/route.server";
import { getActionCenterSummary, type ActionCenterSummary } from "../shops/get-action-center-summary.server";
import { getShopOverview } from "../shops/get-shop-overview.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: null }, async (ctx) => {
    const [ingestion, summary] = await Promise.all([
      getIngestionStatus({ db: ctx.db }),
      getActionCenterSummary({ db: ctx.db, staffId: ctx.staff.id, permissions: ctx.role.permissions }),
    ]);
    try {
      return { overview: await getShopOverview({ admin: ctx.admin }), error: null, ingestion, summary };
    } catch (error) {
      // Shopify being slow or throttled must not blank the page: say so and keep the shell.
      const message = error instanceof AppError ? error.message : "Shopify could not be reached.";
      return { overview: null, error: message, ingestion, summary };
    }
  });

export default function Home() {
  const { overview, error, ingestion, summary } = useLoaderData<typeof loader>();
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
        {/* From our database: shown even when Shopify cannot be reached. */}
        <ActionCenterSection summary={summary} />
      </BlockStack>
    </Page>
  );
}

const STATUS_FIGURES = [
  { status: "open", label: "Open" },
  { status: "pending", label: "Pending" },
  { status: "on_hold", label: "On hold" },
] as const;

function ActionCenterSection({ summary }: { summary: ActionCenterSummary }) {
  const { tickets, exceptions, approvals, runs } = summary;
  if (!tickets && !exceptions && !approvals && !runs) return null;
  const waiting = tickets ? tickets.byStatus.open + tickets.byStatus.pending + tickets.byStatus.on_hold : 0;
  return (
    <Layout>
      <Layout.Section>
        <Text as="h2" variant="headingLg">
          Action Center
        </Text>
      </Layout.Section>
      {tickets ? (
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h3" variant="headingMd">
                  Tickets waiting
                </Text>
                <Link url="/app/tickets">All tickets</Link>
              </InlineStack>
              {waiting === 0 ? (
                <Text as="p" tone="subdued">
                  No open tickets. Tickets from staff, workflows and the intake API appear here.
                </Text>
              ) : (
                <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
                  {STATUS_FIGURES.map(({ status, label }) => (
                    <CountLink key={status} label={label} noun="tickets" count={tickets.byStatus[status]} url={`/app/tickets?status=${status}`} />
                  ))}
                </InlineGrid>
              )}
              {tickets.mine === 0 ? (
                <Text as="p" tone="subdued">
                  Nothing assigned to you.
                </Text>
              ) : (
                // The same statuses as the count, so the list shows exactly these tickets.
                <CountLink label="My tickets" noun="" count={tickets.mine} url="/app/tickets?assignee=me&status=open,pending,on_hold" />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      ) : null}
      {exceptions ? (
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h3" variant="headingMd">
                Exceptions
              </Text>
              {exceptions.open === 0 ? (
                <Text as="p" tone="subdued">
                  No open exceptions: every action ran as asked.
                </Text>
              ) : (
                <CountLink label="Open" noun="exceptions" count={exceptions.open} url="/app/exceptions?status=open" tone="critical" />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      ) : null}
      {approvals ? (
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h3" variant="headingMd">
                Approvals
              </Text>
              {approvals.pending === 0 ? (
                <Text as="p" tone="subdued">
                  Nothing waits for approval.
                </Text>
              ) : (
                <CountLink label="Waiting" noun="approvals" count={approvals.pending} url="/app/approvals?status=pending" />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      ) : null}
      {runs ? (
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h3" variant="headingMd">
                    Latest runs
                  </Text>
                  <Link url="/app/runs">All runs</Link>
                </InlineStack>
              </div>
              {runs.length === 0 ? (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    Nothing has run yet: actions executed through the Action Center appear here.
                  </Text>
                </div>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text"]}
                  headings={["Action", "Status", "Time"]}
                  rows={runs.map((run) => [
                    <Link key="t" url={`/app/runs/${run.id}`}>
                      {humanizeEnum(run.type)}
                    </Link>,
                    <RunStatusBadge key="s" status={run.status} />,
                    new Date(run.createdAt).toLocaleString("en"),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      ) : null}
    </Layout>
  );
}

/** A count that opens the filtered list; its accessible name reads "Open tickets: 3". */
function CountLink({ label, noun, count, url, tone }: { label: string; noun: string; count: number; url: string; tone?: "critical" }) {
  const name = `${label}${noun ? ` ${noun}` : ""}: ${count}`;
  return (
    <BlockStack gap="100">
      <Text as="span" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Link url={url} accessibilityLabel={name} removeUnderline>
        <Text as="span" variant="heading2xl" tone={tone}>
          {count}
        </Text>
      </Link>
    </BlockStack>
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
