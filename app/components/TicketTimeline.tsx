import { Link } from "@remix-run/react";
import { Badge, type BadgeProps, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { MergedTimelineItem, TimelineSource } from "../tickets/get-ticket-detail.server";

const SOURCES: Record<TimelineSource, { label: string; tone: BadgeProps["tone"] }> = {
  order: { label: "Order", tone: "info" },
  ticket: { label: "Ticket", tone: undefined },
  run: { label: "Run", tone: "magic" },
};

/**
 * The ticket's merged history: the linked order's events, the ticket's own events and the
 * runs on either, oldest first, in the order the server gives (occurredAt, then source, then
 * each source's own order): the same on every load. Each item names its source.
 */
export function TicketTimeline({ items }: { items: MergedTimelineItem[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Timeline
        </Text>
        {items.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing recorded yet.
          </Text>
        ) : (
          <ol aria-label="Ticket timeline" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {items.map((item) => (
              <li key={item.id} style={{ borderInlineStart: "2px solid var(--p-color-border)", padding: "0 0 var(--p-space-300) var(--p-space-300)" }}>
                <BlockStack gap="100">
                  <InlineStack gap="200" blockAlign="center" wrap>
                    <Text as="span" variant="bodySm" tone="subdued">
                      <time dateTime={item.occurredAt}>{new Date(item.occurredAt).toLocaleString("en")}</time>
                    </Text>
                    <Badge tone={SOURCES[item.source].tone}>{SOURCES[item.source].label}</Badge>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {item.type}
                    </Text>
                  </InlineStack>
                  <Text as="p">{item.runId && item.source === "run" ? <Link to={`/app/runs/${item.runId}`}>{item.title}</Link> : item.title}</Text>
                </BlockStack>
              </li>
            ))}
          </ol>
        )}
      </BlockStack>
    </Card>
  );
}
