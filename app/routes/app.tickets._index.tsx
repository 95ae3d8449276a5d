import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Card, IndexTable, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { RouteError } from "../components/RouteError";
import { TicketFilterBar } from "../components/TicketFilterBar";
import { AppError, errorBody, type ErrorBody } from "../lib/app-error";
import { invalidFiltersPage, parseFilters } from "../lib/filters.server";
import { withStaff } from "../lib/route.server";
import { listStaff } from "../staff/list-staff.server";
import { formatAge } from "../tickets/format";
import { rawTicketFilters, TICKET_FILTER_KEYS, ZTicketFilters } from "../tickets/list-schema";
import { listTickets, type ListTicketsResult } from "../tickets/list-tickets.server";
import { PRIORITY_LABELS, PRIORITY_TONES, STATUS_LABELS, STATUS_TONES } from "../tickets/schema";

/** GET /app/tickets?q&status&assignee&priority&age&sort&cursor&limit (tickets.view). */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "tickets.view" }, async (ctx) => {
    const canSeePii = ctx.role.permissions.has("customers.pii");
    // Deactivated members can still hold tickets: they stay in the assignee filter, marked.
    const staff = (await listStaff({ db: ctx.db })).map((member) => ({ id: member.id, name: member.active ? member.name : `${member.name} (inactive)` }));
    const page = { canSeePii, canCreate: ctx.role.permissions.has("tickets.create"), staff, now: new Date().toISOString() };
    const empty: ListTicketsResult & typeof page = { rows: [], nextCursor: null, emailSearch: null, ...page };
    // Repeated status/priority parameters become one comma-separated value for the schema.
    const url = new URL(request.url);
    const normalized = new URL(url.pathname, url.origin);
    normalized.search = new URLSearchParams(rawTicketFilters(url)).toString();
    const parsed = parseFilters(normalized, ZTicketFilters, TICKET_FILTER_KEYS, ctx.correlationId);
    if (!parsed.ok) return invalidFiltersPage(empty, parsed.error);
    try {
      const result = await listTickets({ db: ctx.db, filters: parsed.filters, staffId: ctx.staff.id, canSeePii });
      return { ...result, ...page, error: null as ErrorBody["error"] | null };
    } catch (error) {
      // A cursor that decodes to nothing (or belongs to another sort) is a bad filter like any other.
      if (error instanceof AppError && error.code === "VALIDATION") return invalidFiltersPage(empty, errorBody(error, ctx.correlationId).error);
      throw error;
    }
  });

export default function Tickets() {
  const loaded = useLoaderData<typeof loader>();
  const { rows, nextCursor, emailSearch, canSeePii, canCreate, staff, now } = loaded;
  const error = "error" in loaded ? loaded.error : null;
  const [params] = useSearchParams();
  const location = useLocation();
  // A filter or page change in flight: the table says so instead of showing stale rows as current.
  const loading = useNavigation().state === "loading";
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  // Keyset pages go forward; "previous" returns to the first page with the same filters.
  const firstParams = new URLSearchParams(params);
  firstParams.delete("cursor");
  const filtered = ["q", "status", "assignee", "priority", "age"].some((key) => params.getAll(key).some((value) => value !== ""));

  return (
    <Page fullWidth title="Tickets" primaryAction={canCreate ? { content: "New ticket", url: "/app/tickets/new" } : undefined}>
      <TitleBar title="Tickets" />
      <BlockStack gap="400">
        {error ? (
          <Banner tone="critical" title="Some filters are invalid">
            <BlockStack gap="100">
              <p>{error.message}. Fix the fields marked below.</p>
              <Text as="p" tone="subdued" variant="bodySm">
                Correlation id: {error.correlationId}
              </Text>
            </BlockStack>
          </Banner>
        ) : null}
        {emailSearch === "ignored" ? (
          <Banner tone="warning" title="Email search not applied">
            <p>Searching by customer email needs the customers.pii permission, so the email was ignored. Search by ticket number or subject instead.</p>
          </Banner>
        ) : null}
        <Card>
          <BlockStack gap="200">
            <TicketFilterBar key={location.search} staff={staff} canSeePii={canSeePii} errors={error?.fields ?? {}} />
            {!canSeePii ? (
              <Text as="p" tone="subdued" variant="bodySm">
                Customer names and emails are masked for your role, and search by email is off (both need customers.pii).
              </Text>
            ) : null}
          </BlockStack>
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "ticket", plural: "tickets" }}
            itemCount={rows.length}
            selectable={false}
            loading={loading}
            emptyState={
              <div style={{ padding: "var(--p-space-600)", textAlign: "center" }}>
                <Text as="p" tone="subdued">
                  {error
                    ? "Fix the filters to see tickets."
                    : filtered
                      ? "No tickets match these filters."
                      : "No tickets yet. Staff open them here or from an order; the intake API and workflows add them too."}
                </Text>
              </div>
            }
            headings={[
              { title: "Ticket" },
              { title: "Subject" },
              { title: "Status" },
              { title: "Priority" },
              { title: "Assignee" },
              { title: "Customer" },
              { title: "Order" },
              { title: "Age / last activity" },
            ]}
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>
                  <Link to={`/app/tickets/${row.id}`}>{`#${row.number}`}</Link>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ maxWidth: 360, whiteSpace: "normal" }}>
                    <Text as="span">{row.subject}</Text>
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={STATUS_TONES[row.status]}>{STATUS_LABELS[row.status]}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={PRIORITY_TONES[row.priority]}>{PRIORITY_LABELS[row.priority]}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {row.assignee ? (
                    row.assignee.name
                  ) : (
                    <Text as="span" tone="subdued">
                      Unassigned
                    </Text>
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span">{row.customerName ?? "—"}</Text>
                    {row.customerEmail ? (
                      <Text as="span" variant="bodySm" tone="subdued">
                        {row.customerEmail}
                      </Text>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.order ? <Link to={`/app/orders/${row.order.id}`}>{row.order.name}</Link> : "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span">
                      <time dateTime={row.createdAt}>{formatAge(row.createdAt, now)}</time>
                    </Text>
                    <Text as="span" variant="bodySm" tone="subdued">
                      active <time dateTime={row.lastActivityAt}>{formatAge(row.lastActivityAt, now)}</time>
                    </Text>
                  </BlockStack>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="center">
          <Pagination hasPrevious={params.has("cursor")} previousURL={`?${firstParams}`} hasNext={!!nextCursor} nextURL={`?${nextParams}`} label="Ticket pages" />
        </InlineStack>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
