import { Link, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { ErrorBody } from "../lib/app-error";
import { postJson } from "../lib/post-json";

export interface ActionPanelProps {
  target: { kind: "tickets" | "orders"; id: string };
  actions: Array<{ type: string; label: string; description: string; permitted: boolean; permission: string }>;
  assignees: Array<{ id: string; name: string }>;
}

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
      const result = await postJson<{ preview: string }>(`${url}?preview=1`, input);
      if (result.ok) setPreview(result.body.preview);
      else setFailure(result);
    },
    async run(input: unknown): Promise<boolean> {
      setBusy(true);
      const result = await postJson<{ summary: string }>(url, input, key);
      setBusy(false);
      if (result.ok) {
        shopify.toast.show(result.body.summary);
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

/**
 * The action panel of a ticket or an order page: every action the registry offers for the
 * target, each through the one runner. Actions the role may not run are listed with the
 * permission they need, not hidden, so staff know whom to ask.
 */
export function ActionPanel({ target, actions, assignees }: ActionPanelProps) {
  const createTask = actions.find((action) => action.type === "create_task");
  const unavailable = actions.filter((action) => !action.permitted);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Actions
        </Text>
        {createTask?.permitted ? <CreateTaskForm target={target} assignees={assignees} /> : null}
        {unavailable.length > 0 ? (
          <BlockStack gap="100">
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
