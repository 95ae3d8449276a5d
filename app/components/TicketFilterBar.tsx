import { Form, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Checkbox, InlineError, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { AGE_BUCKETS, AGE_LABELS, SORT_LABELS, TICKET_SORTS } from "../tickets/list-schema";
import { PRIORITY_LABELS, STATUS_LABELS, TICKET_PRIORITIES, TICKET_STATUSES } from "../tickets/schema";

/**
 * The Tickets list's filters, like FilterBar (a GET form: the state lives in the URL, a view
 * can be shared) plus what FilterBar has no field for: several statuses at once (checkboxes,
 * sent as repeated `status` parameters) and a sort order without an "Any". Field errors from
 * the loader appear beside their field. Key it by the query string so "Clear" resets it.
 */
export function TicketFilterBar({
  staff,
  canSeePii,
  errors = {},
}: {
  staff: Array<{ id: string; name: string }>;
  canSeePii: boolean;
  errors?: Record<string, string[]>;
}) {
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const [statuses, setStatuses] = useState<Set<string>>(() => new Set(params.getAll("status").flatMap((value) => value.split(","))));
  const [assignee, setAssignee] = useState(params.get("assignee") ?? "");
  const [priority, setPriority] = useState(params.get("priority") ?? "");
  const [age, setAge] = useState(params.get("age") ?? "");
  const [sort, setSort] = useState(params.get("sort") ?? "newest");
  const error = (name: string) => errors[name]?.join(", ");
  const toggle = (status: string) => (checked: boolean) =>
    setStatuses((current) => {
      const next = new Set(current);
      if (checked) next.add(status);
      else next.delete(status);
      return next;
    });

  return (
    <Form method="get" role="search" aria-label="Filters">
      <BlockStack gap="300">
        <InlineStack gap="300" blockAlign="end" wrap>
          <div style={{ minWidth: 240 }}>
            <TextField
              label="Search"
              name="q"
              value={q}
              onChange={setQ}
              autoComplete="off"
              placeholder={canSeePii ? "#12, subject or customer email" : "#12 or subject"}
              error={error("q")}
            />
          </div>
          <div style={{ minWidth: 160 }}>
            <Select
              label="Assignee"
              name="assignee"
              options={[{ label: "Anyone", value: "" }, { label: "Me", value: "me" }, { label: "Unassigned", value: "unassigned" }, ...staff.map((member) => ({ label: member.name, value: member.id }))]}
              value={assignee}
              onChange={setAssignee}
              error={error("assignee")}
            />
          </div>
          <div style={{ minWidth: 140 }}>
            <Select
              label="Priority"
              name="priority"
              options={[{ label: "Any", value: "" }, ...TICKET_PRIORITIES.map((value) => ({ label: PRIORITY_LABELS[value], value }))]}
              value={priority}
              onChange={setPriority}
              error={error("priority")}
            />
          </div>
          <div style={{ minWidth: 160 }}>
            <Select
              label="Age"
              name="age"
              options={[{ label: "Any", value: "" }, ...AGE_BUCKETS.map((value) => ({ label: AGE_LABELS[value], value }))]}
              value={age}
              onChange={setAge}
              error={error("age")}
            />
          </div>
          <div style={{ minWidth: 180 }}>
            <Select label="Sort by" name="sort" options={TICKET_SORTS.map((value) => ({ label: SORT_LABELS[value], value }))} value={sort} onChange={setSort} error={error("sort")} />
          </div>
        </InlineStack>
        <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
          <legend>
            <Text as="span" variant="bodyMd">
              Status
            </Text>
          </legend>
          <InlineStack gap="400" blockAlign="center" wrap>
            {TICKET_STATUSES.map((status) => (
              <Checkbox key={status} label={STATUS_LABELS[status]} name="status" value={status} checked={statuses.has(status)} onChange={toggle(status)} />
            ))}
          </InlineStack>
          {error("status") ? <InlineError message={error("status")!} fieldID="status" /> : null}
        </fieldset>
        {error("cursor") || error("limit") ? <InlineError message={[error("cursor"), error("limit")].filter(Boolean).join(", ")} fieldID="cursor" /> : null}
        <InlineStack gap="200">
          <Button submit variant="primary">
            Apply filters
          </Button>
          <Button url="?">Clear</Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}
