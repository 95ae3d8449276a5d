import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, type BadgeProps, BlockStack, Button, Card, IndexTable, InlineStack, Modal, Page, Pagination, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { REASON_CODES, REASON_LABELS, type ReasonCode } from "../actions/reason-code";
import { ACTION_REGISTRY } from "../actions/registry.server";
import { FilterBar } from "../components/FilterBar";
import { RouteError } from "../components/RouteError";
import { listExceptions, type ExceptionRow } from "../exceptions/list-exceptions.server";
import { EXCEPTION_STATUSES, ZExceptionFilters } from "../exceptions/schema";
import type { ErrorBody } from "../lib/app-error";
import { invalidFiltersPage, parseFilters } from "../lib/filters.server";
import { postJson } from "../lib/post-json";
import { withStaff } from "../lib/route.server";

const FILTER_KEYS = ["status", "reasonCode", "actionType", "cursor", "limit"];

export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "exceptions.view" }, async (ctx) => {
    const actionTypes = [...ACTION_REGISTRY.values()].map((action) => ({ label: action.label, value: action.type }));
    const canManage = ctx.role.permissions.has("exceptions.manage");
    const parsed = parseFilters(new URL(request.url), ZExceptionFilters, FILTER_KEYS, ctx.correlationId);
    if (!parsed.ok) return invalidFiltersPage({ rows: [] as ExceptionRow[], nextCursor: null as string | null, actionTypes, canManage }, parsed.error);
    return { ...(await listExceptions(ctx.db, parsed.filters)), error: null as ErrorBody["error"] | null, actionTypes, canManage };
  });

const STATUS_TONES: Record<string, BadgeProps["tone"]> = { open: "critical", retrying: "attention", resolved: "success", dismissed: undefined };

export default function Exceptions() {
  const loaded = useLoaderData<typeof loader>();
  const { rows, nextCursor, actionTypes, canManage } = loaded;
  const error = "error" in loaded ? loaded.error : null;
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [params] = useSearchParams();
  const [busy, setBusy] = useState<string | null>(null);
  const [dismissing, setDismissing] = useState<ExceptionRow | null>(null);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();

  async function retry(row: ExceptionRow) {
    setBusy(row.id);
    // One key per click: a double click or a network retry still makes one attempt.
    const result = await postJson<{ summary: string }>(`/app/exceptions/${row.id}/retry`, {}, `exception-retry-${row.id}-${crypto.randomUUID()}`);
    setBusy(null);
    shopify.toast.show(result.ok ? `Retry succeeded: ${result.body.summary}` : `Retry failed: ${result.message}`, { isError: !result.ok });
    revalidator.revalidate();
  }

  async function dismiss() {
    if (!dismissing) return;
    setBusy(dismissing.id);
    const result = await postJson(`/app/exceptions/${dismissing.id}/dismiss`, { reason });
    setBusy(null);
    if (!result.ok) {
      setReasonError(result.error?.fields?.reason?.join(", ") ?? result.message);
      return;
    }
    shopify.toast.show("Exception dismissed");
    setDismissing(null);
    setReason("");
    setReasonError(undefined);
    revalidator.revalidate();
  }

  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  const firstParams = new URLSearchParams(params);
  firstParams.delete("cursor");

  return (
    <Page fullWidth>
      <TitleBar title="Exceptions" />
      <BlockStack gap="400">
        <Card>
          <FilterBar
            errors={error?.fields ?? {}}
            fields={[
              {
                name: "status",
                label: "Status",
                type: "select",
                defaultValue: "open",
                options: [...EXCEPTION_STATUSES.map((status) => ({ label: status, value: status })), { label: "all", value: "all" }],
              },
              { name: "reasonCode", label: "Reason", type: "select", options: REASON_CODES.map((code) => ({ label: REASON_LABELS[code], value: code })) },
              { name: "actionType", label: "Action", type: "select", options: actionTypes },
            ]}
          />
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "exception", plural: "exceptions" }}
            itemCount={rows.length}
            selectable={false}
            emptyState={
              <div style={{ padding: "var(--p-space-600)", textAlign: "center" }}>
                <Text as="p" tone="subdued">
                  {error ? "Fix the filters to see exceptions." : "No exceptions here. When an action fails, it waits here for a retry or a dismissal."}
                </Text>
              </div>
            }
            headings={[{ title: "Opened" }, { title: "Action" }, { title: "Reason" }, { title: "Message" }, { title: "On" }, { title: "Attempts" }, { title: "Status" }, { title: "Actions" }]}
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>
                  <Link to={`/app/runs/${row.lastRunId}`}>{new Date(row.createdAt).toLocaleString("en")}</Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.actionLabel}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone="warning">{REASON_LABELS[row.reasonCode as ReasonCode] ?? row.reasonCode}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ maxWidth: 360, whiteSpace: "normal" }}>
                    <Text as="span">{row.message}</Text>
                    {row.dismissedReason ? (
                      <Text as="p" tone="subdued" variant="bodySm">
                        Dismissed: {row.dismissedReason}
                      </Text>
                    ) : null}
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {row.ticket ? <Link to={`/app/tickets/${row.ticket.id}`}>Ticket #{row.ticket.number}</Link> : null}
                  {row.ticket && row.order ? " · " : null}
                  {row.order ? <Link to={`/app/orders/${row.order.id}`}>Order {row.order.name}</Link> : null}
                </IndexTable.Cell>
                <IndexTable.Cell>{row.attempts}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={STATUS_TONES[row.status]}>{row.status}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {canManage && row.status === "open" ? (
                    <InlineStack gap="200" wrap={false}>
                      <Button size="slim" variant="primary" loading={busy === row.id} onClick={() => void retry(row)} accessibilityLabel={`Retry ${row.actionLabel}`}>
                        Retry
                      </Button>
                      <Button size="slim" onClick={() => setDismissing(row)} accessibilityLabel={`Dismiss ${row.actionLabel}`}>
                        Dismiss
                      </Button>
                    </InlineStack>
                  ) : null}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="center">
          <Pagination hasPrevious={params.has("cursor")} previousURL={`?${firstParams}`} hasNext={!!nextCursor} nextURL={`?${nextParams}`} label="Exception pages" />
        </InlineStack>
      </BlockStack>
      <Modal
        open={dismissing !== null}
        onClose={() => setDismissing(null)}
        title="Dismiss this exception?"
        primaryAction={{ content: "Dismiss", destructive: true, onAction: () => void dismiss(), loading: busy === dismissing?.id }}
        secondaryActions={[{ content: "Cancel", onAction: () => setDismissing(null) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">Nobody will retry {dismissing?.actionLabel.toLowerCase()} after this. The reason is kept in the audit log.</Text>
            <TextField label="Reason" value={reason} onChange={setReason} autoComplete="off" multiline={2} error={reasonError} requiredIndicator />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
