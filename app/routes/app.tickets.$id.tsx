import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { listAvailableActions } from "../actions/list-available-actions.server";
import { ActionPanel, NoteComposer, panelOrder } from "../components/ActionPanel";
import { FinancialStatusBadge, FulfillmentStatusBadge, OrderContextPanel } from "../components/OrderContextPanel";
import { RouteError } from "../components/RouteError";
import { TicketThread } from "../components/TicketThread";
import { TicketTimeline } from "../components/TicketTimeline";
import type { ErrorBody } from "../lib/app-error";
import { humanizeEnum } from "../lib/format";
import { parseInput } from "../lib/http.server";
import { withStaff } from "../lib/route.server";
import { listStaff } from "../staff/list-staff.server";
import { formatTime } from "../tickets/format";
import { getTicketDetail } from "../tickets/get-ticket-detail.server";
import { PRIORITY_LABELS, PRIORITY_TONES, STATUS_LABELS, STATUS_TONES, TICKET_PRIORITIES, ZTicketId, type TicketPriority, type TicketStatus } from "../tickets/schema";
import type { UpdateTicketResult } from "../tickets/update-ticket.server";

/** GET /app/tickets/:id (tickets.view): header, thread, order panel, tasks, merged timeline. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "tickets.view" }, async (ctx) => {
    const id = parseInput(z.object({ id: ZTicketId }), params, "Malformed ticket id").id;
    const [detail, staff, actionPanel] = await Promise.all([
      getTicketDetail({ db: ctx.db, id, canSeePii: ctx.role.permissions.has("customers.pii") }),
      listStaff({ db: ctx.db }),
      listAvailableActions(ctx, "ticket", id),
    ]);
    return {
      ...detail,
      // Who can be assigned: active members only (the current assignee shows even if not).
      staff: staff.filter((member) => member.active).map((member) => ({ id: member.id, name: member.name })),
      me: ctx.staff.id,
      canUpdate: ctx.role.permissions.has("tickets.update"),
      canAssign: ctx.role.permissions.has("tickets.assign"),
      actionPanel,
    };
  });

type Change = { status: TicketStatus } | { priority: TicketPriority } | { assigneeId: string | null };

export default function TicketPage() {
  const { ticket, messages, order, context, tasks, timeline, piiMasked, staff, me, canUpdate, canAssign, actionPanel } = useLoaderData<typeof loader>();
  const canNote = actionPanel.actions.some((action) => action.type === "add_internal_note" && action.permitted);
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<{ message: string; correlationId: string | null } | null>(null);
  const busy = saving || revalidator.state !== "idle";

  async function change(body: Change, done: string) {
    setSaving(true);
    setFailure(null);
    try {
      // App Bridge adds the session token; one key per change, so a retried request runs once.
      const response = await fetch(`/app/tickets/${ticket.id}/update`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `ticket-update-${ticket.id}-${crypto.randomUUID()}` },
        body: JSON.stringify({ expectedUpdatedAt: ticket.updatedAt, ...body }),
      });
      const result = (await response.json().catch(() => ({}))) as Partial<ErrorBody> & Partial<UpdateTicketResult>;
      if (!response.ok || result.error || !result.ticket) {
        const message = result.error?.message ?? `Request failed (${response.status})`;
        setFailure({ message, correlationId: result.error?.correlationId ?? null });
        shopify.toast.show(`Not saved: ${message}`, { isError: true });
      } else {
        shopify.toast.show(result.changes?.length ? done : "Nothing to change");
      }
    } catch {
      setFailure({ message: "The app could not be reached. Check your connection and try again.", correlationId: null });
      shopify.toast.show("Not saved: the app could not be reached", { isError: true });
    } finally {
      setSaving(false);
      // Fresh data either way: after a conflict it shows the other person's change.
      revalidator.revalidate();
    }
  }

  const staffName = (id: string | null) => (id ? (staff.find((member) => member.id === id)?.name ?? ticket.assignee?.name ?? "Staff member") : null);
  const assigneeOptions = [
    { label: "Unassigned", value: "" },
    ...staff.map((member) => ({ label: member.id === me ? `${member.name} (me)` : member.name, value: member.id })),
    // A former (inactive) assignee still shows as the current value.
    ...(ticket.assignee && !staff.some((member) => member.id === ticket.assignee!.id) ? [{ label: `${ticket.assignee.name} (inactive)`, value: ticket.assignee.id, disabled: true }] : []),
  ];

  return (
    <Page
      backAction={{ content: "Tickets", url: "/app/tickets" }}
      title={`#${ticket.number} ${ticket.subject}`}
      titleMetadata={
        <InlineStack gap="100">
          <Badge tone={STATUS_TONES[ticket.status]}>{STATUS_LABELS[ticket.status]}</Badge>
          <Badge tone={PRIORITY_TONES[ticket.priority]}>{`${PRIORITY_LABELS[ticket.priority]} priority`}</Badge>
        </InlineStack>
      }
      subtitle={`Opened ${formatTime(ticket.createdAt)} via ${ticket.channel}${ticket.createdBy.label ? ` by ${ticket.createdBy.label}` : ""}`}
      fullWidth
    >
      <TitleBar title={`Ticket #${ticket.number}`} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {failure ? (
              <Banner tone="critical" title="The change was not saved" onDismiss={() => setFailure(null)}>
                <BlockStack gap="100">
                  <p>{failure.message}</p>
                  {failure.correlationId ? (
                    <Text as="p" tone="subdued" variant="bodySm">
                      Correlation id: {failure.correlationId}
                    </Text>
                  ) : null}
                </BlockStack>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="400">
                <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
                  <Select
                    label="Status"
                    options={[ticket.status, ...ticket.nextStatuses].map((value) => ({ label: STATUS_LABELS[value], value }))}
                    value={ticket.status}
                    onChange={(value) => void change({ status: value as TicketStatus }, `Status changed to ${STATUS_LABELS[value as TicketStatus]}`)}
                    disabled={!canUpdate || busy || ticket.nextStatuses.length === 0}
                    helpText={!canUpdate ? "Needs tickets.update" : ticket.nextStatuses.length === 0 ? "A closed ticket stays closed" : undefined}
                  />
                  <Select
                    label="Priority"
                    options={TICKET_PRIORITIES.map((value) => ({ label: PRIORITY_LABELS[value], value }))}
                    value={ticket.priority}
                    onChange={(value) => void change({ priority: value as TicketPriority }, `Priority changed to ${PRIORITY_LABELS[value as TicketPriority]}`)}
                    disabled={!canUpdate || busy}
                    helpText={!canUpdate ? "Needs tickets.update" : undefined}
                  />
                  <BlockStack gap="100">
                    <Select
                      label="Assignee"
                      options={assigneeOptions}
                      value={ticket.assignee?.id ?? ""}
                      onChange={(value) => void change({ assigneeId: value || null }, value ? `Assigned to ${staffName(value)}` : "Unassigned")}
                      disabled={!canAssign || busy}
                      helpText={!canAssign ? "Needs tickets.assign" : undefined}
                    />
                    {canAssign && ticket.assignee?.id !== me ? (
                      <InlineStack>
                        <Button variant="plain" onClick={() => void change({ assigneeId: me }, "Assigned to you")} disabled={busy}>
                          Assign to me
                        </Button>
                      </InlineStack>
                    ) : null}
                  </BlockStack>
                </InlineGrid>
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                  <Fact label="Customer" value={[ticket.customerName, ticket.customerEmail].filter(Boolean).join(" · ") || "—"} />
                  <Fact label="Channel" value={humanizeEnum(ticket.channel)} />
                  <Fact label="Category" value={ticket.category ?? "—"} />
                  <Fact label="Created" value={formatTime(ticket.createdAt)} />
                  <Fact label="First response" value={formatTime(ticket.firstResponseAt)} />
                  <Fact label="Solved" value={formatTime(ticket.solvedAt)} />
                  <Fact label="Closed" value={formatTime(ticket.closedAt)} />
                  <Fact label="Last activity" value={formatTime(ticket.lastActivityAt)} />
                </InlineGrid>
                {piiMasked ? (
                  <Text as="p" tone="subdued" variant="bodySm">
                    Customer details are masked for your role (needs customers.pii), in the thread too.
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            <TicketThread messages={messages} />
            {ticket.status === "closed" ? null : (
              <Card>
                <NoteComposer ticketId={ticket.id} permitted={canNote} />
              </Card>
            )}
            <TicketTimeline items={timeline} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            {/* First in the column: the runner's actions (the internal note has its composer under the thread). */}
            <ActionPanel
              target={{ kind: "tickets", id: ticket.id }}
              actions={actionPanel.actions.filter((action) => action.type !== "add_internal_note")}
              assignees={actionPanel.assignees}
              held={actionPanel.held}
              hasOrder={order !== null}
              order={panelOrder(context, piiMasked)}
            />

            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Tasks
                </Text>
                {tasks.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No tasks on this ticket{order ? " or its order" : ""}.
                  </Text>
                ) : (
                  <ul aria-label="Tasks" style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "var(--p-space-200)" }}>
                    {tasks.map((task) => (
                      <li key={task.id}>
                        <BlockStack gap="050">
                          <InlineStack gap="200" blockAlign="center">
                            <Badge tone={task.status === "done" ? "success" : task.status === "cancelled" ? undefined : "attention"}>{humanizeEnum(task.status)}</Badge>
                            <Text as="span">{task.title}</Text>
                          </InlineStack>
                          <Text as="span" variant="bodySm" tone="subdued">
                            {[task.assignee ?? "Unassigned", task.dueAt ? `due ${formatTime(task.dueAt)}` : null, task.linkedTo === "order" ? "on the order" : null].filter(Boolean).join(" · ")}
                          </Text>
                        </BlockStack>
                      </li>
                    ))}
                  </ul>
                )}
              </BlockStack>
            </Card>
            {order ? (
              <BlockStack gap="400">
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Order <Link to={`/app/orders/${order.id}`}>{order.name}</Link>
                    </Text>
                    <InlineStack gap="100">
                      <FinancialStatusBadge status={order.financialStatus} />
                      <FulfillmentStatusBadge status={order.fulfillmentStatus} />
                      {order.cancelled ? <Badge tone="critical">Cancelled</Badge> : null}
                    </InlineStack>
                    <Text as="p" tone="subdued" variant="bodySm">
                      {`From our stored snapshot (version ${order.snapshotVersion}, ${formatTime(order.lastIngestedAt)}).`}
                    </Text>
                  </BlockStack>
                </Card>
                {context ? (
                  <OrderContextPanel context={context} piiMasked={piiMasked} />
                ) : (
                  <Banner tone="info" title="No snapshot yet">
                    <p>This order has no stored context yet. It appears after the next ingestion.</p>
                  </Banner>
                )}
              </BlockStack>
            ) : (
              <Card>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    Order
                  </Text>
                  <Text as="p" tone="subdued">
                    No order is linked to this ticket.
                  </Text>
                </BlockStack>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
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

export const ErrorBoundary = RouteError;
