import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { RouteError } from "../components/RouteError";
import { AppError, errorBody, type ErrorBody } from "../lib/app-error";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readForm } from "../lib/http.server";
import { withStaff, type RequestContext } from "../lib/route.server";
import { ZOrderId } from "../orders/list-schema";
import { requirePermission } from "../rbac/require-permission.server";
import { createTicket } from "../tickets/create-ticket.server";
import { getNewTicketForm } from "../tickets/get-new-ticket-form.server";
import { MAX_MESSAGE_LENGTH, PRIORITY_LABELS, TICKET_PRIORITIES, ZCreateTicket } from "../tickets/schema";

/** GET /app/tickets/new[?orderId=<Order.id>] (tickets.create): the form, linked to the order when given. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "tickets.create" }, async (ctx) => {
    const raw = new URL(request.url).searchParams.get("orderId");
    const orderId = raw ? parseInput(z.object({ orderId: ZOrderId }), { orderId: raw }, "Malformed order id").orderId : null;
    const canSeePii = ctx.role.permissions.has("customers.pii");
    return {
      ...(await getNewTicketForm({ db: ctx.db, orderId, canSeePii })),
      me: ctx.staff.id,
      canAssign: ctx.role.permissions.has("tickets.assign"),
    };
  });

/** The longest note, URL-encoded at up to 12 bytes a character, with room for the other fields. */
const MAX_FORM_BYTES = 256 * 1024;

/**
 * POST /app/tickets/new (tickets.create; an assignee also needs tickets.assign), a form post
 * (subject, message, priority, category, customerEmail, customerName, assigneeId, orderId) ->
 * a redirect to the new ticket; invalid fields -> 400 with the standard error body, shown
 * beside the fields.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  withStaff(request, { permission: "tickets.create" }, async (ctx) => {
    try {
      const input = await readForm(request, ZCreateTicket, MAX_FORM_BYTES);
      // Opening a ticket for someone else's queue is assigning it.
      if (input.assigneeId) await requirePermission(ctx, "tickets.assign");
      // createTicket runs in its own transaction: number, ticket, note, event and audit row together.
      const ticket = await createTicket({ db: ctx.db, shopId: ctx.shop.id, actor: ctx.actor, correlationId: ctx.correlationId, input, channel: "staff" });
      return redirect(`/app/tickets/${ticket.id}`, { headers: { [CORRELATION_HEADER]: ctx.correlationId } });
    } catch (error) {
      // A bad form, or an order or assignee that is not this shop's: field errors like any other.
      if (error instanceof AppError && error.code === "VALIDATION") return invalid(ctx, error);
      throw error;
    }
  });

function invalid(ctx: RequestContext, error: AppError) {
  return data(errorBody(error, ctx.correlationId), { status: 400, headers: { [CORRELATION_HEADER]: ctx.correlationId } });
}

export default function NewTicket() {
  const { staff, order, me, canAssign } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ErrorBody | undefined;
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod?.toUpperCase() === "POST";
  const fields = result?.error?.fields ?? {};
  const error = (name: string) => fields[name]?.join(", ");

  const [subject, setSubject] = useState("");
  const [message, setMessage] = useState("");
  const [priority, setPriority] = useState("normal");
  const [category, setCategory] = useState("");
  const [customerEmail, setCustomerEmail] = useState("");
  const [customerName, setCustomerName] = useState("");
  const [assigneeId, setAssigneeId] = useState("");

  const orderCustomer = order ? [order.customerName, order.customerEmail].filter(Boolean).join(", ") : "";
  const fromOrder = order ? `Leave empty to use the order's customer${orderCustomer ? ` (${orderCustomer})` : ""}.` : undefined;

  return (
    <Page narrowWidth backAction={order ? { content: order.name, url: `/app/orders/${order.id}` } : { content: "Tickets", url: "/app/tickets" }} title="New ticket">
      <TitleBar title="New ticket" />
      <Form method="post" aria-label="New ticket">
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {result?.error ? (
                <Banner tone="critical" title="The ticket was not created">
                  <BlockStack gap="100">
                    <p>{result.error.message}</p>
                    {fields._ || fields.orderId ? <p>{[...(fields._ ?? []), ...(fields.orderId ?? [])].join(", ")}</p> : null}
                    <Text as="p" tone="subdued" variant="bodySm">
                      Correlation id: {result.error.correlationId}
                    </Text>
                  </BlockStack>
                </Banner>
              ) : null}
              {order ? (
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Linked order
                    </Text>
                    <InlineStack gap="200" blockAlign="center">
                      <Link to={`/app/orders/${order.id}`}>{order.name}</Link>
                      {orderCustomer ? (
                        <Text as="span" tone="subdued">
                          {orderCustomer}
                        </Text>
                      ) : null}
                    </InlineStack>
                    <input type="hidden" name="orderId" value={order.id} />
                    <InlineStack>
                      <Button url="/app/tickets/new" variant="plain">
                        Open a ticket without this order
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Card>
              ) : null}
              <Card>
                <FormLayout>
                  <TextField label="Subject" name="subject" value={subject} onChange={setSubject} autoComplete="off" maxLength={200} requiredIndicator error={error("subject")} />
                  <FormLayout.Group>
                    <Select
                      label="Priority"
                      name="priority"
                      options={TICKET_PRIORITIES.map((value) => ({ label: PRIORITY_LABELS[value], value }))}
                      value={priority}
                      onChange={setPriority}
                      error={error("priority")}
                    />
                    <TextField label="Category" name="category" value={category} onChange={setCategory} autoComplete="off" maxLength={80} placeholder="e.g. Shipping" error={error("category")} />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField
                      label="Customer email"
                      name="customerEmail"
                      type="email"
                      value={customerEmail}
                      onChange={setCustomerEmail}
                      autoComplete="off"
                      helpText={fromOrder}
                      error={error("customerEmail")}
                    />
                    <TextField label="Customer name" name="customerName" value={customerName} onChange={setCustomerName} autoComplete="off" error={error("customerName")} />
                  </FormLayout.Group>
                  <Select
                    label="Assignee"
                    name="assigneeId"
                    options={[
                      { label: "Unassigned", value: "" },
                      ...staff.map((member) => ({ label: member.id === me ? `${member.name} (me)` : member.name, value: member.id })),
                    ]}
                    value={assigneeId}
                    onChange={setAssigneeId}
                    disabled={!canAssign}
                    helpText={canAssign ? undefined : "Assigning needs the tickets.assign permission."}
                    error={error("assigneeId")}
                  />
                  <TextField
                    label="First internal note (optional)"
                    name="message"
                    value={message}
                    onChange={setMessage}
                    multiline={5}
                    autoComplete="off"
                    maxLength={MAX_MESSAGE_LENGTH}
                    helpText="Markdown. Visible to staff only."
                    error={error("message")}
                  />
                  <InlineStack align="end" gap="200">
                    <Button url={order ? `/app/orders/${order.id}` : "/app/tickets"}>Cancel</Button>
                    <Button submit variant="primary" loading={submitting} disabled={submitting}>
                      Create ticket
                    </Button>
                  </InlineStack>
                </FormLayout>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
