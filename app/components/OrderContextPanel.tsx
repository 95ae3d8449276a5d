import { Badge, type BadgeProps, Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Link, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { formatMoney, humanizeEnum } from "../lib/format";
import type { Money, SnapshotContent } from "../orders/build-snapshot";

type Tone = BadgeProps["tone"];

const FINANCIAL_TONES: Record<string, Tone> = {
  PAID: "success",
  PARTIALLY_PAID: "warning",
  AUTHORIZED: "attention",
  PENDING: "attention",
  PARTIALLY_REFUNDED: "info",
  REFUNDED: undefined,
  VOIDED: undefined,
  EXPIRED: "critical",
};

const FULFILLMENT_TONES: Record<string, Tone> = {
  FULFILLED: "success",
  UNFULFILLED: "attention",
  PARTIALLY_FULFILLED: "warning",
  IN_PROGRESS: "info",
  ON_HOLD: "warning",
  OPEN: "attention",
  PENDING_FULFILLMENT: "attention",
  SCHEDULED: "info",
  REQUEST_DECLINED: "critical",
};

export function FinancialStatusBadge({ status }: { status: string | null }) {
  if (!status) return <Badge>No payment status</Badge>;
  return <Badge tone={FINANCIAL_TONES[status]}>{humanizeEnum(status)}</Badge>;
}

export function FulfillmentStatusBadge({ status }: { status: string }) {
  return <Badge tone={FULFILLMENT_TONES[status]}>{humanizeEnum(status)}</Badge>;
}

const money = (value: Money | null | undefined) => (value ? formatMoney(value.amount, value.currencyCode) : "—");
const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString("en") : "—");

const TOTALS: Array<[keyof SnapshotContent["totals"], string]> = [
  ["subtotal", "Subtotal"],
  ["shipping", "Shipping"],
  ["tax", "Tax"],
  ["discounts", "Discounts"],
  ["total", "Original total"],
  ["currentTotal", "Current total"],
  ["received", "Received"],
  ["refunded", "Refunded"],
  ["outstanding", "Outstanding"],
];

/**
 * Everything we know about one order, from its latest snapshot: customer, payment (totals and
 * transactions), fulfillment (orders per location, holds, shipments with tracking), line
 * items, refunds and returns. The content arrives already masked for staff without
 * customers.pii; `piiMasked` only changes what the page says about it.
 */
export function OrderContextPanel({ context, piiMasked }: { context: SnapshotContent; piiMasked: boolean }) {
  const { order, customer, shippingAddress, totals } = context;
  const shopCurrency = order.currencyCode;
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Customer
            </Text>
            {piiMasked ? <Badge tone="info">Masked</Badge> : null}
          </InlineStack>
          {piiMasked ? (
            <Text as="p" tone="subdued" variant="bodySm">
              Customer details are masked for your role (needs customers.pii).
            </Text>
          ) : null}
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
            <Fact label="Name" value={customer.name ?? (customer.id ? "—" : "Guest")} />
            <Fact label="Email" value={customer.email ?? "—"} />
            <Fact label="Phone" value={customer.phone ?? "—"} />
            <Fact label="Shipping address" value={shippingAddress ? formatAddress(shippingAddress) : "No shipping address"} />
          </InlineGrid>
        </BlockStack>
      </Card>

      <Card>
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Payment
            </Text>
            <FinancialStatusBadge status={order.financialStatus} />
          </InlineStack>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["Total", `Shop (${shopCurrency})`, "Customer's currency"]}
            rows={TOTALS.map(([key, label]) => {
              const value = totals[key];
              const presentment = value && value.presentment.currencyCode !== value.shop.currencyCode ? money(value.presentment) : "—";
              return [label, money(value?.shop), presentment];
            })}
          />
          <Text as="h3" variant="headingSm">
            Transactions
          </Text>
          {context.transactions.length === 0 ? (
            <Text as="p" tone="subdued">
              No transactions.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "numeric"]}
              headings={["Time", "Kind", "Status", "Gateway", "Amount"]}
              rows={context.transactions.map((transaction) => [
                when(transaction.createdAt),
                humanizeEnum(transaction.kind),
                <TransactionStatus key={transaction.id} status={transaction.status} errorCode={transaction.errorCode} />,
                transaction.gateway ?? "—",
                money(transaction.amount),
              ])}
            />
          )}
        </BlockStack>
      </Card>

      <Card>
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Fulfillment
            </Text>
            <FulfillmentStatusBadge status={order.fulfillmentStatus} />
          </InlineStack>
          {context.fulfillmentOrders.length === 0 ? (
            <Text as="p" tone="subdued">
              No fulfillment orders.
            </Text>
          ) : (
            context.fulfillmentOrders.map((fo) => (
              <BlockStack key={fo.id} gap="200">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h3" variant="headingSm">
                    {fo.location}
                  </Text>
                  <Badge tone={fo.status === "CLOSED" ? "success" : fo.status === "ON_HOLD" ? "warning" : undefined}>{humanizeEnum(fo.status)}</Badge>
                  {fo.requestStatus !== "UNSUBMITTED" ? <Badge>{`Request ${humanizeEnum(fo.requestStatus).toLowerCase()}`}</Badge> : null}
                </InlineStack>
                {fo.holds.map((hold) => (
                  <Banner key={hold.id} tone="warning" title={`On hold: ${humanizeEnum(hold.reason).toLowerCase()}`}>
                    {hold.notes ? <p>{hold.notes}</p> : null}
                  </Banner>
                ))}
                {fo.lineItems.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No line items recorded for this fulfillment order.
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "numeric"]}
                    headings={["Item", "SKU", "Quantity", "Remaining"]}
                    rows={fo.lineItems.map((item) => [item.title, item.sku ?? "—", item.quantity, item.remaining])}
                  />
                )}
              </BlockStack>
            ))
          )}
          <Text as="h3" variant="headingSm">
            Shipments
          </Text>
          {context.fulfillments.length === 0 ? (
            <Text as="p" tone="subdued">
              Nothing shipped yet.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["Shipment", "Status", "Shipped / delivered", "Tracking"]}
              rows={context.fulfillments.map((fulfillment) => [
                fulfillment.name,
                humanizeEnum(fulfillment.displayStatus ?? fulfillment.status),
                `${when(fulfillment.createdAt)}${fulfillment.deliveredAt ? ` / ${when(fulfillment.deliveredAt)}` : ""}`,
                <Tracking key={fulfillment.id} tracking={fulfillment.tracking} />,
              ])}
            />
          )}
        </BlockStack>
      </Card>

      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Line items
          </Text>
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric"]}
            headings={["Item", "SKU", "Quantity (now / ordered)", "Unit price"]}
            rows={context.lineItems.map((item) => [
              item.variantTitle ? `${item.title} — ${item.variantTitle}` : item.title,
              item.sku ?? "—",
              `${item.currentQuantity} / ${item.quantity}`,
              money(item.unitPrice),
            ])}
          />
        </BlockStack>
      </Card>

      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Refunds and returns
          </Text>
          {context.refunds.length === 0 ? (
            <Text as="p" tone="subdued">
              No refunds.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "numeric", "text"]}
              headings={["Refunded", "Amount", "Note"]}
              rows={context.refunds.map((refund) => [when(refund.createdAt), money(refund.amount), refund.note ?? "—"])}
            />
          )}
          {context.returns.length === 0 ? (
            <Text as="p" tone="subdued">
              No returns.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={["Return", "Status", "Items", "Requested", "Closed"]}
              rows={context.returns.map((ret) => [ret.name, humanizeEnum(ret.status), ret.quantity, when(ret.createdAt), when(ret.closedAt)])}
            />
          )}
        </BlockStack>
      </Card>

      {order.note || order.tags.length > 0 || order.cancelledAt ? (
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Notes and tags
            </Text>
            {order.cancelledAt ? (
              <Fact label="Cancelled" value={`${when(order.cancelledAt)}${order.cancelReason ? ` (${humanizeEnum(order.cancelReason).toLowerCase()})` : ""}`} />
            ) : null}
            {order.note ? <Fact label="Note" value={order.note} /> : null}
            {order.tags.length > 0 ? (
              <Fact
                label="Tags"
                value={
                  <InlineStack gap="100">
                    {order.tags.map((tag) => (
                      <Badge key={tag}>{tag}</Badge>
                    ))}
                  </InlineStack>
                }
              />
            ) : null}
          </BlockStack>
        </Card>
      ) : null}
    </BlockStack>
  );
}

function TransactionStatus({ status, errorCode }: { status: string; errorCode: string | null }) {
  const failed = status === "FAILURE" || status === "ERROR";
  return (
    <Badge tone={failed ? "critical" : status === "SUCCESS" ? "success" : status === "PENDING" ? "attention" : undefined}>
      {`${humanizeEnum(status)}${errorCode ? ` (${humanizeEnum(errorCode).toLowerCase()})` : ""}`}
    </Badge>
  );
}

function Tracking({ tracking }: { tracking: SnapshotContent["fulfillments"][number]["tracking"] }) {
  if (tracking.length === 0) return <>—</>;
  return (
    <BlockStack gap="100">
      {tracking.map((info, index) => {
        const label = [info.company, info.number].filter(Boolean).join(" ") || "Tracking";
        return info.url && /^https?:\/\//i.test(info.url) ? (
          <Link key={index} url={info.url} target="_blank" accessibilityLabel={`Track ${label} (opens in a new tab)`}>
            {label}
          </Link>
        ) : (
          <Text key={index} as="span">
            {label}
          </Text>
        );
      })}
    </BlockStack>
  );
}

function formatAddress(address: Record<string, string | null>): string {
  const lines = [address.name, address.address1, address.address2, [address.zip, address.city].filter(Boolean).join(" "), address.province, address.country];
  return lines.filter((line) => line && line.trim() !== "").join(", ") || "—";
}

function Fact({ label, value }: { label: string; value: ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      {typeof value === "string" ? <Text as="span">{value}</Text> : value}
    </BlockStack>
  );
}
