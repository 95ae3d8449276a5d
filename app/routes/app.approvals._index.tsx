import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, type BadgeProps, Banner, BlockStack, Button, Card, IndexTable, InlineStack, Modal, Page, Pagination, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { ACTION_REGISTRY } from "../actions/registry.server";
import { listApprovals, type ApprovalRow } from "../approvals/list-approvals.server";
import { APPROVAL_STATUSES, ZApprovalFilters } from "../approvals/schema";
import { FilterBar } from "../components/FilterBar";
import { RouteError } from "../components/RouteError";
import type { ErrorBody } from "../lib/app-error";
import { invalidFiltersPage, parseFilters } from "../lib/filters.server";
import { postJson } from "../lib/post-json";
import { withStaff } from "../lib/route.server";

const FILTER_KEYS = ["status", "actionType", "cursor", "limit"];

/** The Approvals inbox: requests the store policy sent to a second person (approvals.decide). */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "approvals.decide" }, async (ctx) => {
    const actionTypes = [...ACTION_REGISTRY.values()].map((action) => ({ label: action.label, value: action.type }));
    const parsed = parseFilters(new URL(request.url), ZApprovalFilters, FILTER_KEYS, ctx.correlationId);
    if (!parsed.ok) return invalidFiltersPage({ rows: [] as ApprovalRow[], nextCursor: null as string | null, actionTypes }, parsed.error);
    return { ...(await listApprovals(ctx.db, parsed.filters, ctx.actor, ctx.correlationId)), error: null as ErrorBody["error"] | null, actionTypes };
  });

/** What approving did, kept on the page (a toast alone would vanish before it is read). */
type Outcome = { tone: "success" | "critical"; title: string; message: string; runId: string | null; exception: boolean };

const amountOf = (row: ApprovalRow) => (row.amount ? `${row.amount}${row.currencyCode ? ` ${row.currencyCode}` : ""}` : "—");

const STATUS_TONES: Record<string, BadgeProps["tone"]> = { pending: "attention", approved: "success", denied: "critical", expired: undefined, cancelled: undefined };

export default function Approvals() {
  const loaded = useLoaderData<typeof loader>();
  const { rows, nextCursor, actionTypes } = loaded;
  const error = "error" in loaded ? loaded.error : null;
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const [busy, setBusy] = useState<string | null>(null);
  const [approving, setApproving] = useState<ApprovalRow | null>(null);
  const [approveNote, setApproveNote] = useState("");
  const [approveError, setApproveError] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [denying, setDenying] = useState<ApprovalRow | null>(null);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string | undefined>();

  function closeApprove() {
    setApproving(null);
    setApproveNote("");
    setApproveError(undefined);
  }

  async function approve() {
    const row = approving;
    if (!row) return;
    setBusy(row.id);
    const result = await postJson<{ summary: string; run: { id: string } }>(`/app/approvals/${row.id}/approve`, approveNote.trim() ? { note: approveNote } : {});
    setBusy(null);
    if (!result.ok && result.error?.fields?.note) {
      setApproveError(result.error.fields.note.join(", "));
      return;
    }
    closeApprove();
    if (result.ok) {
      shopify.toast.show(`Approved: ${result.body.summary}`);
      setOutcome({ tone: "success", title: `Approved: ${row.actionLabel}`, message: result.body.summary, runId: result.body.run.id, exception: false });
    } else {
      const details = result.error?.details as { exceptionId?: string; runId?: string } | undefined;
      // Approved and executed, but Shopify (or the network) refused: the run failed into an
      // exception, where it can be retried once the cause is fixed.
      shopify.toast.show(details?.exceptionId ? "Approved, but the action failed: it is waiting in Exceptions" : `Not approved: ${result.message}`, { isError: true });
      setOutcome({
        tone: "critical",
        title: details?.exceptionId ? `Approved, but ${row.actionLabel} failed` : `Not approved: ${row.actionLabel}`,
        message: result.message,
        runId: details?.runId ?? null,
        exception: Boolean(details?.exceptionId),
      });
    }
    revalidator.revalidate();
  }

  async function deny() {
    if (!denying) return;
    setBusy(denying.id);
    const result = await postJson(`/app/approvals/${denying.id}/deny`, { note });
    setBusy(null);
    if (!result.ok) {
      setNoteError(result.error?.fields?.note?.join(", ") ?? result.message);
      return;
    }
    shopify.toast.show("Request denied");
    setDenying(null);
    setNote("");
    setNoteError(undefined);
    revalidator.revalidate();
  }

  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  const firstParams = new URLSearchParams(params);
  firstParams.delete("cursor");

  return (
    <Page fullWidth>
      <TitleBar title="Approvals" />
      <BlockStack gap="400">
        {outcome ? (
          <Banner tone={outcome.tone} title={outcome.title} onDismiss={() => setOutcome(null)}>
            <BlockStack gap="100">
              <p>{outcome.message}</p>
              <InlineStack gap="300">
                {outcome.runId ? <Link to={`/app/runs/${outcome.runId}`}>Open the run</Link> : null}
                {outcome.exception ? <Link to="/app/exceptions?status=open">Retry it from Exceptions</Link> : null}
              </InlineStack>
            </BlockStack>
          </Banner>
        ) : null}
        <Card>
          <FilterBar
            errors={error?.fields ?? {}}
            fields={[
              { name: "status", label: "Status", type: "select", defaultValue: "pending", options: [...APPROVAL_STATUSES.map((status) => ({ label: status, value: status })), { label: "all", value: "all" }] },
              { name: "actionType", label: "Action", type: "select", options: actionTypes },
            ]}
          />
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "approval request", plural: "approval requests" }}
            itemCount={rows.length}
            selectable={false}
            loading={navigation.state === "loading" || revalidator.state === "loading"}
            emptyState={
              <div style={{ padding: "var(--p-space-600)", textAlign: "center" }}>
                <Text as="p" tone="subdued">
                  {error ? "Fix the filters to see approval requests." : "Nothing waits for approval. Actions the store policy sends to a second person show up here."}
                </Text>
              </div>
            }
            headings={[{ title: "Requested" }, { title: "Action" }, { title: "What it does" }, { title: "Amount", alignment: "end" }, { title: "Why approval" }, { title: "By" }, { title: "On" }, { title: "Expires" }, { title: "Status" }, { title: "Decide" }]}
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>
                  <Link to={`/app/runs/${row.runId}`}>{new Date(row.createdAt).toLocaleString("en")}</Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.actionLabel}</IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ maxWidth: 320, whiteSpace: "normal" }}>
                    <Text as="span">{row.preview}</Text>
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {amountOf(row)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ maxWidth: 280, whiteSpace: "normal" }}>
                    <Text as="span" tone="subdued">
                      {row.reason}
                    </Text>
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.requestedBy}</IndexTable.Cell>
                <IndexTable.Cell>
                  {row.ticket ? <Link to={`/app/tickets/${row.ticket.id}`}>Ticket #{row.ticket.number}</Link> : null}
                  {row.ticket && row.order ? " · " : null}
                  {row.order ? <Link to={`/app/orders/${row.order.id}`}>Order {row.order.name}</Link> : null}
                </IndexTable.Cell>
                <IndexTable.Cell>{new Date(row.expiresAt).toLocaleString("en")}</IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack gap="100">
                    <Badge tone={STATUS_TONES[row.status]}>{row.status}</Badge>
                    {row.decidedBy ? (
                      <Text as="span" tone="subdued" variant="bodySm">
                        {row.decidedBy}
                        {row.decisionNote ? `: ${row.decisionNote}` : ""}
                      </Text>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {row.status === "pending" && row.mine ? (
                    <Text as="span" tone="subdued">
                      Your request — another staff member must approve
                    </Text>
                  ) : row.status === "pending" ? (
                    <InlineStack gap="200" wrap={false}>
                      <Button size="slim" variant="primary" loading={busy === row.id} onClick={() => setApproving(row)} accessibilityLabel={`Approve ${row.actionLabel} requested by ${row.requestedBy}`}>
                        Approve
                      </Button>
                      <Button size="slim" tone="critical" onClick={() => setDenying(row)} accessibilityLabel={`Deny ${row.actionLabel} requested by ${row.requestedBy}`}>
                        Deny
                      </Button>
                    </InlineStack>
                  ) : null}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="center">
          <Pagination hasPrevious={params.has("cursor")} previousURL={`?${firstParams}`} hasNext={!!nextCursor} nextURL={`?${nextParams}`} label="Approval pages" />
        </InlineStack>
      </BlockStack>
      <Modal
        open={approving !== null}
        onClose={closeApprove}
        title={`Approve: ${approving?.actionLabel ?? ""}`}
        primaryAction={{ content: "Approve and run", onAction: () => void approve(), loading: busy === approving?.id }}
        secondaryActions={[{ content: "Back", onAction: closeApprove }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">{approving?.preview}</Text>
            <Text as="p" tone="subdued">
              Requested by {approving?.requestedBy}. Why approval: {approving?.reason}. It runs at once, as their action, with you recorded as the approver.
            </Text>
            <TextField label="Approval note (optional)" value={approveNote} onChange={setApproveNote} autoComplete="off" multiline={2} error={approveError} />
          </BlockStack>
        </Modal.Section>
      </Modal>
      <Modal
        open={denying !== null}
        onClose={() => setDenying(null)}
        title="Deny this request?"
        primaryAction={{ content: "Deny", destructive: true, onAction: () => void deny(), loading: busy === denying?.id }}
        secondaryActions={[{ content: "Cancel", onAction: () => setDenying(null) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">{denying?.preview} It will not run. The reason is shown to the requester and kept in the audit log.</Text>
            <TextField label="Reason for denying" value={note} onChange={setNote} autoComplete="off" multiline={2} error={noteError} requiredIndicator />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
