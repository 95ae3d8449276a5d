import { Badge, BlockStack, Box, Card, InlineStack, Text } from "@shopify/polaris";
import type { TicketMessageView } from "../tickets/get-ticket-detail.server";
import { MESSAGE_KIND_LABELS } from "../tickets/schema";

const BACKGROUNDS = {
  customer: "bg-surface-secondary",
  reply: "bg-surface",
  internal_note: "bg-surface-warning",
} as const;

/**
 * The ticket's conversation, oldest first: customer messages, replies and internal notes.
 * Each body is HTML the server rendered from markdown through the sanitizer
 * (app/tickets/markdown.ts); nothing else is ever inserted as HTML.
 */
export function TicketThread({ messages }: { messages: TicketMessageView[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Conversation
        </Text>
        {messages.length === 0 ? (
          <Text as="p" tone="subdued">
            No messages yet.
          </Text>
        ) : (
          <ol aria-label="Ticket thread" style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "var(--p-space-300)" }}>
            {messages.map((message) => (
              <li key={message.id}>
                <Box background={BACKGROUNDS[message.kind] ?? "bg-surface"} borderColor="border" borderWidth="025" borderRadius="200" padding="300">
                  <BlockStack gap="200">
                    <InlineStack gap="200" blockAlign="center" wrap>
                      <Badge tone={message.kind === "internal_note" ? "warning" : message.kind === "customer" ? "info" : undefined}>{MESSAGE_KIND_LABELS[message.kind] ?? message.kind}</Badge>
                      <Text as="span" fontWeight="semibold">
                        {message.authorLabel ?? (message.kind === "customer" ? "Customer" : "Staff")}
                      </Text>
                      <Text as="span" variant="bodySm" tone="subdued">
                        <time dateTime={message.createdAt}>{new Date(message.createdAt).toLocaleString("en")}</time>
                      </Text>
                    </InlineStack>
                    {/* Sanitized on the server (markdown-it without raw HTML, then sanitize-html). */}
                    <div className="oac-message-body" style={{ overflowWrap: "anywhere" }} dangerouslySetInnerHTML={{ __html: message.html }} />
                  </BlockStack>
                </Box>
              </li>
            ))}
          </ol>
        )}
      </BlockStack>
    </Card>
  );
}
