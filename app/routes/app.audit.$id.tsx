import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, DataTable, InlineGrid, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { getAuditEntry } from "../audit/get-audit-entry.server";
import { RouteError } from "../components/RouteError";
import { parseInput } from "../lib/http.server";
import { withStaff } from "../lib/route.server";

const ZParams = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed audit entry id") });

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "audit.view" }, async (ctx) => ({
    entry: await getAuditEntry({ db: ctx.db, id: parseInput(ZParams, params, "Malformed audit entry id").id }),
  }));

const show = (value: unknown) => (value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));

export default function AuditEntry() {
  const { entry } = useLoaderData<typeof loader>();
  return (
    <Page backAction={{ content: "Audit log", url: "/app/audit" }} title={entry.action}>
      <TitleBar title={`Audit: ${entry.action}`} />
      <BlockStack gap="400">
        <Card>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
            <Fact label="Time" value={new Date(entry.createdAt).toLocaleString("en")} />
            <Fact label="Actor" value={`${entry.actorType}${entry.actorLabel ? `: ${entry.actorLabel}` : ""}`} />
            <Fact label="Entity" value={`${entry.entityType}${entry.entityId ? ` ${entry.entityId}` : ""}`} />
            <Fact label="Correlation id" value={entry.correlationId} />
          </InlineGrid>
        </Card>
        <Card padding="0">
          <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
            <Text as="h2" variant="headingMd">
              Changes
            </Text>
          </div>
          {entry.changes.length === 0 ? (
            <div style={{ padding: "var(--p-space-400)" }}>
              <Text as="p" tone="subdued">
                No before/after values recorded for this entry.
              </Text>
            </div>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text"]}
              headings={["Field", "Before", "After"]}
              rows={entry.changes.map((change) => [change.path, show(change.before), show(change.after)])}
            />
          )}
        </Card>
        {entry.metadata ? (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Details
              </Text>
              <pre style={{ whiteSpace: "pre-wrap", margin: 0 }}>{JSON.stringify(entry.metadata, null, 2)}</pre>
            </BlockStack>
          </Card>
        ) : null}
      </BlockStack>
    </Page>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span">{value}</Text>
    </BlockStack>
  );
}

export const ErrorBoundary = RouteError;
