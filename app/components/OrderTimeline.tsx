import { Badge, type BadgeProps, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

export interface TimelineEntry {
  id: string;
  type: string;
  occurredAt: string;
  title: string;
}

function toneOf(type: string): BadgeProps["tone"] {
  if (type === "payment.failed" || type === "order.cancelled" || type === "action.failed") return "critical";
  if (type === "action.succeeded") return "success";
  if (type.endsWith("on_hold")) return "warning";
  if (type.startsWith("refund.") || type.startsWith("return.") || type === "payment.refunded") return "attention";
  if (type.startsWith("payment.")) return "success";
  if (type.startsWith("fulfillment")) return "info";
  return undefined;
}

/**
 * The order's history, oldest first, in the order the server gives (occurredAt, then the
 * event's dedupe key): the same on every load.
 */
export function OrderTimeline({ events }: { events: TimelineEntry[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Timeline
        </Text>
        {events.length === 0 ? (
          <Text as="p" tone="subdued">
            No events recorded yet.
          </Text>
        ) : (
          <ol aria-label="Order timeline" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {events.map((event) => (
              <li key={event.id} style={{ borderInlineStart: "2px solid var(--p-color-border)", padding: "0 0 var(--p-space-300) var(--p-space-300)" }}>
                <BlockStack gap="100">
                  <InlineStack gap="200" blockAlign="center" wrap>
                    <Text as="span" variant="bodySm" tone="subdued">
                      <time dateTime={event.occurredAt}>{new Date(event.occurredAt).toLocaleString("en")}</time>
                    </Text>
                    <Badge tone={toneOf(event.type)}>{event.type}</Badge>
                  </InlineStack>
                  <Text as="p">{event.title}</Text>
                </BlockStack>
              </li>
            ))}
          </ol>
        )}
      </BlockStack>
    </Card>
  );
}
