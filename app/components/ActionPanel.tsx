import { Link, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, Checkbox, Divider, FormLayout, InlineError, InlineStack, Modal, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { ErrorBody } from "../lib/app-error";
import { COUNTRY_OPTIONS } from "../lib/countries";
import { getJson, postJson } from "../lib/post-json";
import type { SnapshotContent } from "../orders/build-snapshot";
import { returnableItems, type ReturnableItems } from "../orders/returnable-items";
import type { ReturnReasonList } from "../returns/schema";

export interface PanelAction {
  type: string;
  label: string;
  description: string;
  permitted: boolean;
  permission: string;
  shopify?: boolean;
  policy?: { enabled: boolean; requiresConfirmation: boolean; approval: string; approvalThreshold?: string | null } | null;
}

/** A run the store policy held: waiting for the requester's confirmation or for an approval. */
export interface HeldRun {
  runId: string;
  label: string;
  status: "pending_confirmation" | "pending_approval";
  preview: string | null;
  rule: string | null;
  expiresAt: string | null;
}

export interface ActionPanelProps {
  target: { kind: "tickets" | "orders"; id: string };
  actions: PanelAction[];
  assignees: Array<{ id: string; name: string }>;
  held?: HeldRun[];
  /** Shopify actions need an order (a ticket without one offers only the internal actions). */
  hasOrder?: boolean;
  /** What the order's forms start from (send_tracking, update_address, initiate_return). */
  order?: PanelOrder;
}

/** The facts of the order's snapshot that the Shopify action forms need. */
export interface PanelOrder {
  fulfillments: Array<{ id: string; name: string; status: string }>;
  /** The address the address form starts from; null when masked (no customers.pii) or missing. */
  address: Record<string, string | null> | null;
  returnable: ReturnableItems;
}

export function panelOrder(context: SnapshotContent | null, piiMasked: boolean): PanelOrder {
  return {
    fulfillments: context?.fulfillments.map((f) => ({ id: f.id, name: f.name, status: f.status })) ?? [],
    address: piiMasked ? null : (context?.shippingAddress ?? null),
    returnable: returnableItems(context),
  };
}

type HeldAnswer = { run: { id: string; status: HeldRun["status"] }; preview: string; decision: { rule: string }; approval: { id: string; expiresAt: string } | null };

type Failure = { message: string; error: ErrorBody["error"] | null };

const newKey = (type: string) => `${type}-${crypto.randomUUID()}`;

/** Sends one action to the runner; the key is kept until the input changes or it succeeds. */
function useActionRunner(target: ActionPanelProps["target"], type: string) {
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [key, setKey] = useState(() => newKey(type));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const url = `/app/action-center/${target.kind}/${target.id}/actions/${type}`;

  return {
    busy,
    failure,
    preview,
    /** Called on every input change: a new intent gets a new key, and stale messages go. */
    changed() {
      setKey(newKey(type));
      setFailure(null);
      setPreview(null);
    },
    async showPreview(input: unknown) {
      const result = await postJson<{ preview: string; decision: { governed: boolean; rule: string; requiresConfirmation: boolean; requiresApproval: boolean } }>(`${url}?preview=1`, input);
      if (result.ok) setPreview(result.body.decision.governed ? `${result.body.preview} ${result.body.decision.requiresApproval ? "Needs approval" : result.body.decision.requiresConfirmation ? "You will confirm it next" : "Runs at once"}: ${result.body.decision.rule}.` : result.body.preview);
      else setFailure(result);
    },
    async run(input: unknown, onHeld?: (held: HeldRun) => void): Promise<boolean> {
      setBusy(true);
      const result = await postJson<{ summary: string } | HeldAnswer>(url, input, key);
      setBusy(false);
      if (result.ok && "run" in result.body && (result.body.run.status === "pending_confirmation" || result.body.run.status === "pending_approval")) {
        const answer = result.body as HeldAnswer;
        onHeld?.({ runId: answer.run.id, label: type, status: answer.run.status, preview: answer.preview, rule: answer.decision.rule, expiresAt: answer.approval?.expiresAt ?? null });
        setKey(newKey(type));
        setPreview(null);
        revalidator.revalidate();
        return true;
      }
      if (result.ok) {
        shopify.toast.show((result.body as { summary: string }).summary);
        setKey(newKey(type));
        setFailure(null);
        setPreview(null);
      } else {
        setFailure(result);
        // A failed run still changed things (a run, an exception): show them.
        if (result.error?.details?.exceptionId) shopify.toast.show("The action failed: it is waiting in Exceptions", { isError: true });
      }
      revalidator.revalidate();
      return result.ok;
    },
  };
}

function FailureBanner({ failure }: { failure: Failure }) {
  return (
    <Banner tone="critical" title="The action did not complete">
      <BlockStack gap="100">
        <p>{failure.message}</p>
        {failure.error?.details?.exceptionId ? (
          <p>
            It was recorded as an exception: <Link to="/app/exceptions">retry it from Exceptions</Link> once the cause is fixed.
          </p>
        ) : null}
      </BlockStack>
    </Banner>
  );
}

function CreateTaskForm({ target, assignees }: Pick<ActionPanelProps, "target" | "assignees">) {
  const runner = useActionRunner(target, "create_task");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [assigneeId, setAssigneeId] = useState("");
  const [dueAt, setDueAt] = useState("");
  const fields = runner.failure?.error?.fields ?? {};
  const change = (setter: (value: string) => void) => (value: string) => {
    setter(value);
    runner.changed();
  };
  const input = { title, body, assigneeId, dueAt };

  return (
    <form
      aria-label="Create task"
      onSubmit={(event) => {
        event.preventDefault();
        void runner.run(input).then((ok) => {
          if (ok) [setTitle, setBody, setAssigneeId, setDueAt].forEach((setter) => setter(""));
        });
      }}
    >
      <FormLayout>
        <TextField label="Task title" value={title} onChange={change(setTitle)} autoComplete="off" error={fields.title?.join(", ")} requiredIndicator />
        <TextField label="Details" value={body} onChange={change(setBody)} autoComplete="off" multiline={2} error={fields.body?.join(", ")} />
        <FormLayout.Group condensed>
          <Select
            label="Task assignee"
            options={[{ label: "Unassigned", value: "" }, ...assignees.map((member) => ({ label: member.name, value: member.id }))]}
            value={assigneeId}
            onChange={change(setAssigneeId)}
            error={fields.assigneeId?.join(", ")}
          />
          <TextField label="Task due date" type="date" value={dueAt} onChange={change(setDueAt)} autoComplete="off" error={fields.dueAt?.join(", ")} />
        </FormLayout.Group>
        {runner.preview ? <Banner tone="info">{runner.preview}</Banner> : null}
        {runner.failure ? <FailureBanner failure={runner.failure} /> : null}
        <InlineStack gap="200" align="end">
          <Button onClick={() => void runner.showPreview(input)} disabled={runner.busy}>
            Preview
          </Button>
          <Button submit variant="primary" loading={runner.busy}>
            Create task
          </Button>
        </InlineStack>
      </FormLayout>
    </form>
  );
}

type FormValues = Record<string, string | boolean>;

interface CatalogForm {
  fields: Array<{ name: string; label: string; kind: "text" | "multiline" | "checkbox" | "fulfillment" | "select" | "country" | "returnItems" | "returnReason"; helpText?: string; options?: Array<{ label: string; value: string }> }>;
  /** The values a form starts from (and returns to after a run), from the order when it needs it. */
  initial: FormValues | ((order: PanelOrder) => FormValues);
  submit: string;
  toInput: (values: FormValues) => unknown;
}

/** Quantities to return are kept per fulfillment line item, under `return:<id>`. */
const RETURN_KEY = "return:";

const text = (values: FormValues, name: string) => String(values[name] ?? "");

/** The form of each Shopify action: its inputs as staff type them, and the runner's input. */
const CATALOG_FORMS: Record<string, CatalogForm> = {
  lookup_order: { fields: [], initial: {}, submit: "Look up order", toInput: () => ({}) },
  tag_order: {
    fields: [{ name: "tags", label: "Tags to add", kind: "text", helpText: "Separate tags with commas." }],
    initial: { tags: "" },
    submit: "Add tags",
    toInput: (values) => ({ tags: text(values, "tags").split(",").map((tag) => tag.trim()).filter(Boolean) }),
  },
  add_order_note: {
    fields: [{ name: "note", label: "Order note", kind: "multiline", helpText: "Replaces the order's note in Shopify." }],
    initial: { note: "" },
    submit: "Save order note",
    toInput: (values) => ({ note: text(values, "note") }),
  },
  apply_discount: {
    fields: [
      { name: "percentage", label: "Discount percentage", kind: "text", helpText: "For example 15. Or leave empty and enter an amount." },
      { name: "amount", label: "Discount amount", kind: "text" },
      { name: "code", label: "Discount code (optional)", kind: "text", helpText: "Left empty: a code is made for you." },
    ],
    initial: { percentage: "", amount: "", code: "" },
    submit: "Create discount code",
    toInput: (values) => ({ percentage: text(values, "percentage"), amount: text(values, "amount"), code: text(values, "code") }),
  },
  send_tracking: {
    fields: [
      { name: "fulfillmentId", label: "Fulfillment", kind: "fulfillment" },
      { name: "company", label: "Carrier", kind: "text" },
      { name: "number", label: "Tracking number", kind: "text" },
      { name: "url", label: "Tracking URL", kind: "text" },
    ],
    initial: { fulfillmentId: "", company: "", number: "", url: "" },
    submit: "Send tracking",
    toInput: (values) => ({ fulfillmentId: text(values, "fulfillmentId"), company: text(values, "company"), number: text(values, "number"), url: text(values, "url") }),
  },
  cancel_order: {
    fields: [
      {
        name: "reason",
        label: "Cancellation reason",
        kind: "select",
        options: [
          { label: "Choose a reason", value: "" },
          { label: "Customer changed or cancelled the order", value: "CUSTOMER" },
          { label: "Payment declined", value: "DECLINED" },
          { label: "Fraudulent order", value: "FRAUD" },
          { label: "Items unavailable", value: "INVENTORY" },
          { label: "Staff error", value: "STAFF" },
          { label: "Other", value: "OTHER" },
        ],
      },
      { name: "refund", label: "Refund the payment to the original payment method", kind: "checkbox" },
      { name: "restock", label: "Restock the items", kind: "checkbox" },
      { name: "notifyCustomer", label: "Email the customer", kind: "checkbox" },
      { name: "staffNote", label: "Staff note (optional)", kind: "text", helpText: "Kept on the order in Shopify; the customer does not see it." },
    ],
    initial: { reason: "", refund: true, restock: true, notifyCustomer: true, staffNote: "" },
    submit: "Cancel order",
    toInput: (values) => ({
      reason: text(values, "reason"),
      refund: values.refund !== false,
      restock: values.restock !== false,
      notifyCustomer: values.notifyCustomer !== false,
      staffNote: text(values, "staffNote"),
    }),
  },
  update_address: {
    fields: [
      { name: "firstName", label: "Recipient first name", kind: "text" },
      { name: "lastName", label: "Recipient last name", kind: "text" },
      { name: "company", label: "Company (optional)", kind: "text" },
      { name: "address1", label: "Street and house number", kind: "text" },
      { name: "address2", label: "Apartment, suite, floor (optional)", kind: "text" },
      { name: "zip", label: "Postal code", kind: "text" },
      { name: "city", label: "City", kind: "text" },
      { name: "provinceCode", label: "Region code (optional)", kind: "text", helpText: "State or province code where the country uses one, like CA or BY." },
      { name: "countryCode", label: "Country", kind: "country" },
      { name: "phone", label: "Phone for the carrier (optional)", kind: "text", helpText: "International format, like +49 30 1234567." },
    ],
    // Starts from the current address when the staff member may see it; the whole address is
    // sent, since Shopify replaces it as a whole.
    initial: ({ address }) => {
      const [first = "", ...rest] = (address?.name ?? "").split(" ");
      return {
        firstName: first,
        lastName: rest.join(" "),
        company: "",
        address1: address?.address1 ?? "",
        address2: address?.address2 ?? "",
        zip: address?.zip ?? "",
        city: address?.city ?? "",
        provinceCode: address?.provinceCode ?? "",
        countryCode: address?.countryCode ?? "",
        phone: address?.phone ?? "",
      };
    },
    submit: "Update address",
    toInput: (values) => Object.fromEntries(["firstName", "lastName", "company", "address1", "address2", "zip", "city", "provinceCode", "countryCode", "phone"].map((name) => [name, text(values, name)])),
  },
  initiate_return: {
    fields: [
      { name: "lineItems", label: "Items to return", kind: "returnItems" },
      { name: "returnReasonDefinitionId", label: "Return reason", kind: "returnReason" },
      { name: "note", label: "Note on the return (optional)", kind: "text", helpText: "Kept on the return in Shopify." },
    ],
    initial: { returnReasonDefinitionId: "", note: "" },
    submit: "Start return",
    toInput: (values) => ({
      lineItems: Object.entries(values)
        .filter(([key, quantity]) => key.startsWith(RETURN_KEY) && String(quantity).trim() !== "" && String(quantity).trim() !== "0")
        .map(([key, quantity]) => ({ fulfillmentLineItemId: key.slice(RETURN_KEY.length), quantity: String(quantity).trim() })),
      returnReasonDefinitionId: text(values, "returnReasonDefinitionId"),
      note: text(values, "note"),
    }),
  },
  process_refund: {
    fields: [
      { name: "amount", label: "Refund amount", kind: "text", helpText: "To the original payment method." },
      { name: "note", label: "Refund reason", kind: "text" },
      { name: "notify", label: "Email the customer", kind: "checkbox" },
    ],
    initial: { amount: "", note: "", notify: true },
    submit: "Refund",
    toInput: (values) => ({ amount: text(values, "amount"), note: text(values, "note"), notify: values.notify !== false }),
  },
};

/** What the store policy will ask before this action runs, so nobody is surprised by a modal. */
function policyHint(action: PanelAction): string | null {
  const policy = action.policy;
  if (!policy) return null;
  const confirm = policy.requiresConfirmation ? "You confirm it before it runs" : "It runs at once";
  if (policy.approval === "always") return "A second staff member with approvals.decide must approve it before it runs (store policy).";
  if (policy.approval === "above_amount" && policy.approvalThreshold) return `${confirm}; above ${policy.approvalThreshold} a second staff member must approve it (store policy).`;
  return policy.requiresConfirmation ? `${confirm} (store policy).` : null;
}

/** Field errors for a form field, including nested ones (tags.0, tags.1 ...). */
const fieldError = (fields: Record<string, string[]>, name: string) =>
  Object.entries(fields)
    .filter(([key]) => key === name || key.startsWith(`${name}.`))
    .flatMap(([, messages]) => messages)
    .join(", ") || undefined;

/** The shipped units still returnable, each with how many of them to return. */
function ReturnItemsField({ returnable, values, set, error }: { returnable: ReturnableItems; values: FormValues; set: (name: string) => (value: string) => void; error?: string }) {
  if (!returnable.complete) {
    return (
      <Banner tone="warning">
        The shipped items of this order are not imported yet. Run <strong>Look up order</strong> first, then start the return.
      </Banner>
    );
  }
  if (returnable.items.length === 0) {
    return (
      <Text as="p" tone="subdued">
        Nothing on this order can be returned: nothing shipped yet, or every shipped item was refunded or is in a return.
      </Text>
    );
  }
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodyMd" fontWeight="semibold">
        Items to return
      </Text>
      {returnable.items.map((item) => (
        <TextField
          key={item.fulfillmentLineItemId}
          label={`${item.title}${item.sku ? ` (${item.sku})` : ""}, ${item.fulfillmentName}: how many to return`}
          type="number"
          min={0}
          max={item.quantity}
          value={text(values, `${RETURN_KEY}${item.fulfillmentLineItemId}`)}
          onChange={set(`${RETURN_KEY}${item.fulfillmentLineItemId}`)}
          autoComplete="off"
          helpText={`Up to ${item.quantity}`}
        />
      ))}
      {error ? <InlineError message={error} fieldID="return-items" /> : null}
    </BlockStack>
  );
}

const RETURN_REASONS_URL = "/app/return-reasons";

type ReasonsState = { list: ReturnReasonList | null; failure: string | null; busy: boolean };

/**
 * The store's return reasons (Shopify's library, as the app stored it): read when the form
 * opens, refreshed from Shopify on request. Their ids are what returnCreate takes.
 */
function ReturnReasonField({ label, value, onChange, error }: { label: string; value: string; onChange: (value: string) => void; error?: string }) {
  const [state, setState] = useState<ReasonsState>({ list: null, failure: null, busy: true });
  const load = async (refresh: boolean) => {
    setState((current) => ({ ...current, busy: true }));
    const result = refresh ? await postJson<ReturnReasonList>(RETURN_REASONS_URL, {}) : await getJson<ReturnReasonList>(RETURN_REASONS_URL);
    setState((current) => (result.ok ? { list: result.body, failure: null, busy: false } : { list: current.list, failure: result.message, busy: false }));
  };
  useEffect(() => {
    void load(false);
  }, []);
  const { list, failure, busy } = state;
  const asOf = list ? new Date(list.fetchedAt).toLocaleDateString("en", { day: "numeric", month: "short", year: "numeric" }) : null;
  return (
    <BlockStack gap="100">
      <Select
        label={label}
        options={[{ label: list ? "Choose a reason" : busy ? "Loading the store's return reasons..." : "No return reasons loaded", value: "" }, ...(list?.reasons.map((reason) => ({ label: reason.name, value: reason.id })) ?? [])]}
        value={value}
        onChange={onChange}
        disabled={!list}
        error={error}
        helpText={list ? `Shopify's return reasons as of ${asOf}${list.stale ? " (Shopify could not be reached for a newer list)" : ""}.` : undefined}
      />
      {failure ? <InlineError message={`The return reasons could not be loaded: ${failure}`} fieldID="return-reasons" /> : null}
      <InlineStack>
        <Button variant="plain" onClick={() => void load(true)} loading={busy && list !== null} disabled={busy}>
          {list ? "Refresh reasons from Shopify" : "Try again"}
        </Button>
      </InlineStack>
    </BlockStack>
  );
}

const NO_ORDER: PanelOrder = { fulfillments: [], address: null, returnable: { items: [], complete: true } };

function ShopifyActionForm({ target, action, onHeld, order }: { target: ActionPanelProps["target"]; action: PanelAction; onHeld: (held: HeldRun) => void; order: PanelOrder }) {
  const form = CATALOG_FORMS[action.type] as CatalogForm;
  const runner = useActionRunner(target, action.type);
  const initial = typeof form.initial === "function" ? form.initial(order) : form.initial;
  const [values, setValues] = useState<FormValues>(initial);
  const fulfillments = order.fulfillments;
  const fields = runner.failure?.error?.fields ?? {};
  const set = (name: string) => (value: string | boolean) => {
    setValues((current) => ({ ...current, [name]: value }));
    runner.changed();
  };
  const input = form.toInput(values);
  return (
    <form
      aria-label={action.label}
      onSubmit={(event) => {
        event.preventDefault();
        // A form that starts from the order (the address) keeps what was entered: it is what the
        // order now holds. The others start over.
        void runner.run(input, (held) => onHeld({ ...held, label: action.label })).then((ok) => ok && typeof form.initial !== "function" && setValues(initial));
      }}
    >
      <FormLayout>
        <Text as="p" tone="subdued">
          {action.description}
        </Text>
        {policyHint(action) ? (
          <Text as="p" tone="subdued">
            {policyHint(action)}
          </Text>
        ) : null}
        {form.fields.map((field) =>
          field.kind === "checkbox" ? (
            <Checkbox key={field.name} label={field.label} checked={values[field.name] !== false} onChange={set(field.name)} />
          ) : field.kind === "select" ? (
            <Select key={field.name} label={field.label} options={field.options ?? []} value={text(values, field.name)} onChange={set(field.name)} error={fieldError(fields, field.name)} />
          ) : field.kind === "country" ? (
            <Select key={field.name} label={field.label} options={[{ label: "Choose a country", value: "" }, ...COUNTRY_OPTIONS]} value={text(values, field.name)} onChange={set(field.name)} error={fieldError(fields, field.name)} />
          ) : field.kind === "returnReason" ? (
            <ReturnReasonField key={field.name} label={field.label} value={text(values, field.name)} onChange={set(field.name)} error={fieldError(fields, field.name)} />
          ) : field.kind === "returnItems" ? (
            <ReturnItemsField key={field.name} returnable={order.returnable} values={values} set={set} error={fieldError(fields, field.name) ?? fieldError(fields, "returnLineItems")} />
          ) : field.kind === "fulfillment" ? (
            <Select
              key={field.name}
              label={field.label}
              options={[{ label: fulfillments.length ? "Choose a fulfillment" : "No fulfillments yet", value: "" }, ...fulfillments.map((f) => ({ label: `${f.name} (${f.status.toLowerCase()})`, value: f.id, disabled: f.status === "CANCELLED" }))]}
              value={text(values, field.name)}
              onChange={set(field.name)}
              error={fieldError(fields, field.name)}
            />
          ) : (
            <TextField
              key={field.name}
              label={field.label}
              value={text(values, field.name)}
              onChange={set(field.name)}
              autoComplete="off"
              multiline={field.kind === "multiline" ? 3 : undefined}
              helpText={field.helpText}
              error={fieldError(fields, field.name)}
            />
          ),
        )}
        {runner.preview ? <Banner tone="info">{runner.preview}</Banner> : null}
        {runner.failure ? <FailureBanner failure={runner.failure} /> : null}
        <InlineStack gap="200" align="end">
          <Button onClick={() => void runner.showPreview(input)} disabled={runner.busy}>
            Preview
          </Button>
          <Button submit variant="primary" loading={runner.busy}>
            {form.submit}
          </Button>
        </InlineStack>
      </FormLayout>
    </form>
  );
}

/** Runs held by the store policy: confirm or cancel one's own; an approval shows until decided. */
function HeldRuns({ held, confirming, setConfirming }: { held: HeldRun[]; confirming: HeldRun | null; setConfirming: (run: HeldRun | null) => void }) {
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const act = async (run: HeldRun, step: "confirm" | "cancel") => {
    setBusy(run.runId);
    const result = await postJson<{ summary?: string; run?: { status: string } }>(`/app/action-center/runs/${run.runId}/${step}`, {});
    setBusy(null);
    setConfirming(null);
    if (result.ok) {
      setFailure(null);
      shopify.toast.show(step === "cancel" ? `${run.label} cancelled` : result.body.run?.status === "pending_approval" ? `${run.label} now needs approval` : (result.body.summary ?? `${run.label} done`));
    } else {
      setFailure(result);
      if (result.error?.details?.exceptionId) shopify.toast.show("The action failed: it is waiting in Exceptions", { isError: true });
    }
    revalidator.revalidate();
  };
  return (
    <BlockStack gap="200">
      {failure ? <FailureBanner failure={failure} /> : null}
      {held.map((run) =>
        run.status === "pending_approval" ? (
          <Banner key={run.runId} tone="warning" title={`${run.label}: waiting for approval`}>
            <BlockStack gap="200">
              <p>
                A second staff member with the approvals.decide permission must approve it{run.expiresAt ? ` before ${new Date(run.expiresAt).toLocaleString("en")}` : ""}.
                {run.preview ? ` ${run.preview}` : ""}
              </p>
              <InlineStack>
                <Button size="slim" loading={busy === run.runId} onClick={() => void act(run, "cancel")}>
                  Cancel request
                </Button>
              </InlineStack>
            </BlockStack>
          </Banner>
        ) : (
          <Banner key={run.runId} tone="info" title={`${run.label}: waiting for your confirmation`}>
            <InlineStack gap="200">
              <Button size="slim" variant="primary" onClick={() => setConfirming(run)}>
                Review and confirm
              </Button>
              <Button size="slim" loading={busy === run.runId} onClick={() => void act(run, "cancel")}>
                Cancel
              </Button>
            </InlineStack>
          </Banner>
        ),
      )}
      <Modal
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        title={`Confirm: ${confirming?.label ?? ""}`}
        primaryAction={{ content: "Confirm", onAction: () => confirming && void act(confirming, "confirm"), loading: busy === confirming?.runId }}
        secondaryActions={[{ content: "Cancel the action", destructive: true, onAction: () => confirming && void act(confirming, "cancel") }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">{confirming?.preview ?? "Confirm to run this action now."}</Text>
            {confirming?.rule ? (
              <Text as="p" tone="subdued">
                Why you are asked: {confirming.rule}.
              </Text>
            ) : null}
          </BlockStack>
        </Modal.Section>
      </Modal>
    </BlockStack>
  );
}

/**
 * The action panel of a ticket or an order page: every action the registry offers for the
 * target, each through the one runner. Actions the role may not run, or the store policy has
 * turned off, are listed with the reason, not hidden, so staff know whom to ask.
 */
const NO_HELD: HeldRun[] = [];

export function ActionPanel({ target, actions, assignees, held = NO_HELD, hasOrder = true, order = NO_ORDER }: ActionPanelProps) {
  const createTask = actions.find((action) => action.type === "create_task");
  const shopifyActions = actions.filter((action) => action.shopify && action.permitted && action.policy?.enabled !== false && CATALOG_FORMS[action.type]);
  const unavailable = actions.filter((action) => !action.permitted);
  const switchedOff = actions.filter((action) => action.permitted && action.policy?.enabled === false);
  const [selected, setSelected] = useState(shopifyActions[0]?.type ?? "");
  const [fresh, setFresh] = useState<HeldRun[]>([]);
  const [confirming, setConfirming] = useState<HeldRun | null>(null);
  // The loader's list is the truth once the page revalidates; until then a run held a moment
  // ago shows at once.
  useEffect(() => setFresh([]), [held]);
  const waiting = [...held, ...fresh.filter((run) => !held.some((known) => known.runId === run.runId))];
  const onHeld = (run: HeldRun) => {
    setFresh((current) => [run, ...current]);
    if (run.status === "pending_confirmation") setConfirming(run);
  };
  const current = shopifyActions.find((action) => action.type === selected);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Actions
        </Text>
        {waiting.length ? <HeldRuns held={waiting} confirming={confirming} setConfirming={setConfirming} /> : null}
        {createTask?.permitted ? <CreateTaskForm target={target} assignees={assignees} /> : null}
        {hasOrder && shopifyActions.length > 0 ? (
          <>
            <Divider />
            <Text as="h3" variant="headingSm">
              In Shopify
            </Text>
            <Select label="Order action" options={shopifyActions.map((action) => ({ label: action.label, value: action.type }))} value={selected} onChange={setSelected} />
            {current ? <ShopifyActionForm key={current.type} target={target} action={current} onHeld={onHeld} order={order} /> : null}
          </>
        ) : null}
        {!hasOrder && actions.some((action) => action.shopify) ? (
          <Text as="p" tone="subdued">
            Link this ticket to an order to act on it in Shopify.
          </Text>
        ) : null}
        {unavailable.length > 0 || switchedOff.length > 0 ? (
          <BlockStack gap="100">
            {switchedOff.map((action) => (
              <Text as="p" tone="subdued" key={action.type}>
                {action.label}: turned off in this store's action policy.
              </Text>
            ))}
            {unavailable.map((action) => (
              <Text as="p" tone="subdued" key={action.type}>
                {action.label}: needs the {action.permission} permission.
              </Text>
            ))}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

/** The ticket thread's composer: internal notes go through the runner's add_internal_note. */
export function NoteComposer({ ticketId, permitted }: { ticketId: string; permitted: boolean }) {
  const runner = useActionRunner({ kind: "tickets", id: ticketId }, "add_internal_note");
  const [body, setBody] = useState("");
  if (!permitted) {
    return (
      <Text as="p" tone="subdued">
        Writing internal notes needs the actions.add_internal_note permission.
      </Text>
    );
  }
  return (
    <form
      aria-label="Write an internal note"
      onSubmit={(event) => {
        event.preventDefault();
        void runner.run({ body }).then((ok) => ok && setBody(""));
      }}
    >
      <BlockStack gap="200">
        <TextField
          label="Internal note"
          helpText="Staff only; Markdown supported."
          value={body}
          onChange={(value) => {
            setBody(value);
            runner.changed();
          }}
          autoComplete="off"
          multiline={3}
          error={runner.failure?.error?.fields?.body?.join(", ")}
        />
        {runner.failure && !runner.failure.error?.fields?.body ? <FailureBanner failure={runner.failure} /> : null}
        <InlineStack align="end">
          <Button submit variant="primary" loading={runner.busy}>
            Add note
          </Button>
        </InlineStack>
      </BlockStack>
    </form>
  );
}
