import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Card, IndexTable, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { FilterBar } from "../components/FilterBar";
import { FinancialStatusBadge, FulfillmentStatusBadge } from "../components/OrderContextPanel";
import { RouteError } from "../components/RouteError";
import { AppError, errorBody, type ErrorBody } from "../lib/app-error";
import { invalidFiltersPage, parseFilters } from "../lib/filters.server";
import { formatMoney, humanizeEnum } from "../lib/format";
import { withStaff } from "../lib/route.server";
import { FINANCIAL_STATUSES, FULFILLMENT_STATUSES, ORDER_FILTER_KEYS, ZOrderFilters } from "../orders/list-schema";
import { listOrders, type ListOrdersResult } from "../orders/list-orders.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "orders.view" }, async (ctx) => {
    const canSeePii = ctx.role.permissions.has("customers.pii");
    const empty: ListOrdersResult & { canSeePii: boolean } = { rows: [], nextCursor: null, emailSearch: null, canSeePii };
    const parsed = parseFilters(new URL(request.url), ZOrderFilters, ORDER_FILTER_KEYS, ctx.correlationId);
    if (!parsed.ok) return invalidFiltersPage(empty, parsed.error);
    try {
      return { ...(await listOrders({ db: ctx.db, filters: parsed.filters, canSeePii })), canSeePii, error: null as ErrorBody["error"] | null };
    } catch (error) {
      // A cursor that decodes to nothing is a bad filter like any other: the page says so.
      if (error instanceof AppError && error.code === "VALIDATION") return invalidFiltersPage(empty, errorBody(error, ctx.correlationId).error);
      throw error;
    }
  });

export default function Orders() {
  const loaded = useLoaderData<typeof loader>();
  const { rows, nextCursor, emailSearch, canSeePii } = loaded;
  const error = "error" in loaded ? loaded.error : null;
  const [params] = useSearchParams();
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  // Keyset pages go forward; "previous" returns to the first page with the same filters.
  const firstParams = new URLSearchParams(params);
  firstParams.delete("cursor");
  const filtered = ORDER_FILTER_KEYS.some((key) => key !== "limit" && key !== "cursor" && params.get(key));

  return (
    <Page fullWidth>
      <TitleBar title="Orders" />
      <BlockStack gap="400">
        {emailSearch === "ignored" ? (
          <Banner tone="warning" title="Email search not applied">
            <p>Searching by customer email needs the customers.pii permission, so the email was ignored. Search by order number instead.</p>
          </Banner>
        ) : null}
        <Card>
          <BlockStack gap="200">
            <FilterBar
              errors={error?.fields ?? {}}
              fields={[
                { name: "q", label: canSeePii ? "Order number or customer email" : "Order number" },
                { name: "financialStatus", label: "Payment status", type: "select", options: FINANCIAL_STATUSES.map((value) => ({ label: humanizeEnum(value), value })) },
                { name: "fulfillmentStatus", label: "Fulfillment status", type: "select", options: FULFILLMENT_STATUSES.map((value) => ({ label: humanizeEnum(value), value })) },
              ]}
            />
            {!canSeePii ? (
              <Text as="p" tone="subdued" variant="bodySm">
                Customer names and emails are masked for your role, and search by email is off (both need customers.pii).
              </Text>
            ) : null}
          </BlockStack>
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "order", plural: "orders" }}
            itemCount={rows.length}
            selectable={false}
            emptyState={
              <div style={{ padding: "var(--p-space-600)", textAlign: "center" }}>
                <Text as="p" tone="subdued">
                  {error
                    ? "Fix the filters to see orders."
                    : filtered
                      ? "No orders match these filters."
                      : "No orders yet. Orders arrive through Shopify's webhooks as they are placed or change, and the backfill imports the store's history."}
                </Text>
              </div>
            }
            headings={[{ title: "Order" }, { title: "Date" }, { title: "Customer" }, { title: "Payment" }, { title: "Fulfillment" }, { title: "Total", alignment: "end" }]}
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>
                  <InlineStack gap="200" blockAlign="center" wrap={false}>
                    <Link to={`/app/orders/${row.id}`}>{row.name}</Link>
                    {row.cancelled ? <Badge tone="critical">Cancelled</Badge> : null}
                  </InlineStack>
                </IndexTable.Cell>
                <IndexTable.Cell>{new Date(row.createdAt).toLocaleString("en")}</IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span">{row.customerName ?? "No customer"}</Text>
                    {row.customerEmail ? (
                      <Text as="span" variant="bodySm" tone="subdued">
                        {row.customerEmail}
                      </Text>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <FinancialStatusBadge status={row.financialStatus} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <FulfillmentStatusBadge status={row.fulfillmentStatus} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack gap="050" inlineAlign="end">
                    <Text as="span" numeric>
                      {formatMoney(row.currentTotalAmount, row.currencyCode)}
                    </Text>
                    {row.currentTotalAmount !== row.totalAmount ? (
                      <Text as="span" variant="bodySm" tone="subdued" numeric>
                        {`was ${formatMoney(row.totalAmount, row.currencyCode)}`}
                      </Text>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="center">
          <Pagination hasPrevious={params.has("cursor")} previousURL={`?${firstParams}`} hasNext={!!nextCursor} nextURL={`?${nextParams}`} label="Order pages" />
        </InlineStack>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
