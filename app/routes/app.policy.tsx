import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { SaveBar, TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { RouteError } from "../components/RouteError";
import { postJson } from "../lib/post-json";
import { withStaff } from "../lib/route.server";
import { getPolicySettings } from "../policy/get-policy-settings.server";
import type { ActionPolicyForm } from "../policy/schema";
import type { SimulationResult } from "../policy/simulate-policy.server";

/** The store's action policy: what each Shopify action may do, for staff, workflows and agents alike. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "policy.view" }, async (ctx) => {
    const settings = await getPolicySettings(ctx);
    const staff = await ctx.db.staffMember.findMany({ where: { active: true }, select: { id: true, firstName: true, lastName: true, roleKey: true }, orderBy: [{ firstName: "asc" }, { id: "asc" }] });
    const recentOrder = await ctx.db.order.findFirst({ orderBy: { shopifyCreatedAt: "desc" }, select: { name: true } });
    return {
      settings,
      staff: staff.map((member) => ({ id: member.id, name: [member.firstName, member.lastName].filter(Boolean).join(" ") || "Staff member", role: member.roleKey })),
      // null: no order imported yet, so the simulator has nothing to weigh amounts against.
      exampleOrder: recentOrder?.name ?? null,
      myStaffId: ctx.staff.id,
    };
  });

type Forms = Record<string, ActionPolicyForm>;
type FieldErrors = Record<string, string[]>;

export default function PolicyPage() {
  const { settings, staff, exampleOrder, myStaffId } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const saved = useMemo(() => Object.fromEntries(settings.actions.map((action) => [action.actionType, action.form])) as Forms, [settings]);
  const [forms, setForms] = useState<Forms>(saved);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => setForms(saved), [saved]);
  const dirty = JSON.stringify(forms) !== JSON.stringify(saved);
  const readOnly = !settings.canManage;

  const set = (actionType: string, patch: Partial<ActionPolicyForm>) => {
    setForms((current) => ({ ...current, [actionType]: { ...(current[actionType] as ActionPolicyForm), ...patch } }));
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !(key.startsWith(`policies.${actionType}.`) && Object.keys(patch).some((field) => key.endsWith(`.${field}`))))));
  };
  const save = async () => {
    setSaving(true);
    const changed = Object.fromEntries(Object.entries(forms).filter(([type, form]) => JSON.stringify(form) !== JSON.stringify(saved[type])));
    const result = await postJson<{ changed: string[] }>("/app/policy/update", { policies: changed });
    setSaving(false);
    if (result.ok) {
      setErrors({});
      setFailure(null);
      shopify.toast.show(result.body.changed.length ? `Action policy saved (${result.body.changed.length} action${result.body.changed.length === 1 ? "" : "s"} changed)` : "Nothing changed");
      revalidator.revalidate();
    } else {
      setErrors(result.error?.fields ?? {});
      setFailure(result.error?.fields ? "Some fields need attention: see the messages beside them." : result.message);
    }
  };
  const discard = () => {
    setForms(saved);
    setErrors({});
    setFailure(null);
  };
  const error = (actionType: string, field: keyof ActionPolicyForm) => errors[`policies.${actionType}.${field}`]?.join(" ");

  return (
    <Page>
      <TitleBar title="Action policy" />
      <SaveBar id="policy-save-bar" open={dirty && !readOnly}>
        <button variant="primary" onClick={save} disabled={saving}>
          Save
        </button>
        <button onClick={discard}>Discard</button>
      </SaveBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              What each Shopify action may do in this store. The same rules bind staff, workflows and AI agents: an action that is off here cannot run, whoever asks. Amounts are in {settings.currencyCode}.
            </Text>
            {readOnly ? (
              <Banner tone="info" title="Read only">
                <p>Changing the action policy needs the policy.manage permission (Owner or Admin).</p>
              </Banner>
            ) : null}
            {failure ? (
              <Banner tone="critical" title="The policy was not saved" onDismiss={() => setFailure(null)}>
                <p>{failure}</p>
              </Banner>
            ) : null}
            {settings.actions.map((action) => {
              const form = forms[action.actionType] as ActionPolicyForm;
              const id = action.actionType;
              return (
                <Card key={id}>
                  <BlockStack gap="300">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        {action.label}
                      </Text>
                      <Text as="span" tone={form.enabled ? "success" : "subdued"}>
                        {form.enabled ? "On" : "Off"}
                      </Text>
                    </InlineStack>
                    <Text as="p" tone="subdued">
                      {action.explanation}
                    </Text>
                    <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                      <Checkbox label={`${action.label}: enabled`} helpText="Off: nobody and nothing can run it." checked={form.enabled} disabled={readOnly} onChange={(value) => set(id, { enabled: value })} />
                      <Checkbox
                        label={`${action.label}: requires confirmation`}
                        helpText="The requester sees a preview and must confirm before it runs."
                        checked={form.requiresConfirmation}
                        disabled={readOnly}
                        onChange={(value) => set(id, { requiresConfirmation: value })}
                      />
                    </InlineGrid>
                    <FormLayout>
                      {action.money ? (
                        <FormLayout.Group>
                          <TextField label={`${action.label}: max amount (${settings.currencyCode})`} autoComplete="off" value={form.maxAmount} placeholder="No limit" error={error(id, "maxAmount")} disabled={readOnly} onChange={(value) => set(id, { maxAmount: value })} />
                          <TextField label={`${action.label}: max % of the order total`} autoComplete="off" value={form.maxPercentage} placeholder="No limit" suffix="%" error={error(id, "maxPercentage")} disabled={readOnly} onChange={(value) => set(id, { maxPercentage: value })} />
                        </FormLayout.Group>
                      ) : null}
                      <FormLayout.Group>
                        <TextField label={`${action.label}: at most (times, whole store)`} autoComplete="off" value={form.shopWindowCount} placeholder="No limit" error={error(id, "shopWindowCount")} disabled={readOnly} onChange={(value) => set(id, { shopWindowCount: value })} />
                        <TextField label={`${action.label}: per hours (whole store)`} autoComplete="off" value={form.shopWindowHours} placeholder="24" error={error(id, "shopWindowHours")} disabled={readOnly} onChange={(value) => set(id, { shopWindowHours: value })} />
                        <TextField label={`${action.label}: at most (times, per person or agent)`} autoComplete="off" value={form.actorWindowCount} placeholder="No limit" error={error(id, "actorWindowCount")} disabled={readOnly} onChange={(value) => set(id, { actorWindowCount: value })} />
                        <TextField label={`${action.label}: per hours (per person or agent)`} autoComplete="off" value={form.actorWindowHours} placeholder="24" error={error(id, "actorWindowHours")} disabled={readOnly} onChange={(value) => set(id, { actorWindowHours: value })} />
                      </FormLayout.Group>
                      <FormLayout.Group>
                        <Select
                          label={`${action.label}: approval by a second staff member`}
                          options={[
                            { label: "Not needed", value: "off" },
                            { label: "Always", value: "always" },
                            ...(action.money ? [{ label: "Above an amount", value: "above_amount" }] : []),
                          ]}
                          value={form.approvalMode}
                          error={error(id, "approvalMode")}
                          disabled={readOnly}
                          onChange={(value) => set(id, { approvalMode: value as ActionPolicyForm["approvalMode"] })}
                        />
                        {form.approvalMode === "above_amount" ? (
                          <TextField label={`${action.label}: approval above (${settings.currencyCode})`} autoComplete="off" value={form.approvalThreshold} error={error(id, "approvalThreshold")} disabled={readOnly} onChange={(value) => set(id, { approvalThreshold: value })} />
                        ) : null}
                        {form.approvalMode !== "off" ? (
                          <TextField label={`${action.label}: approval expires after (hours)`} autoComplete="off" value={form.approvalExpiryHours} error={error(id, "approvalExpiryHours")} disabled={readOnly} onChange={(value) => set(id, { approvalExpiryHours: value })} />
                        ) : null}
                      </FormLayout.Group>
                    </FormLayout>
                  </BlockStack>
                </Card>
              );
            })}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Simulator actions={settings.actions.map((action) => ({ value: action.actionType, label: action.label }))} staff={staff} exampleOrder={exampleOrder} myStaffId={myStaffId} currencyCode={settings.currencyCode} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Simulator(props: { actions: Array<{ value: string; label: string }>; staff: Array<{ id: string; name: string; role: string }>; exampleOrder: string | null; myStaffId: string; currencyCode: string }) {
  const [order, setOrder] = useState(props.exampleOrder ?? "");
  const [actionType, setActionType] = useState("process_refund");
  const [amount, setAmount] = useState("");
  const [percentage, setPercentage] = useState("");
  const [actor, setActor] = useState(`staff:${props.myStaffId}`);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const simulate = async () => {
    setBusy(true);
    const [type, value] = actor.split(":") as [string, string];
    const body = { order, actionType, amount, percentage, actor: type === "staff" ? { type, staffId: value } : { type, label: type === "agent" ? "AI agent" : "Workflow" } };
    const response = await postJson<SimulationResult>("/app/policy/simulate", body);
    setBusy(false);
    if (response.ok) {
      setResult(response.body);
      setErrors({});
      setFailure(null);
    } else {
      setResult(null);
      setErrors(response.error?.fields ?? {});
      setFailure(response.error?.fields ? null : response.message);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Simulator
        </Text>
        <Text as="p" tone="subdued">
          Would this be allowed? Uses the saved policy, exactly as the action runner does.
        </Text>
        {props.exampleOrder === null ? (
          <Banner tone="info" title="No orders yet">
            <p>The simulator weighs amounts against an order of this store. Orders appear here once they are imported from Shopify.</p>
          </Banner>
        ) : null}
        <TextField label="Order" autoComplete="off" value={order} onChange={setOrder} error={errors.order?.join(" ")} />
        <Select label="Action" options={props.actions} value={actionType} onChange={setActionType} error={errors.actionType?.join(" ")} />
        <TextField label={`Amount (${props.currencyCode})`} autoComplete="off" value={amount} onChange={setAmount} error={errors.amount?.join(" ")} placeholder="e.g. 120.00" />
        <TextField label="Percentage" autoComplete="off" value={percentage} onChange={setPercentage} error={errors.percentage?.join(" ")} suffix="%" helpText="Of the order total, or a discount's percentage. Left blank: computed from the amount." />
        <Select
          label="Who asks"
          options={[...props.staff.map((member) => ({ label: `${member.name} (${member.role})`, value: `staff:${member.id}` })), { label: "A workflow", value: "workflow:" }, { label: "An AI agent", value: "agent:" }]}
          value={actor}
          onChange={setActor}
          error={errors["actor.staffId"]?.join(" ")}
        />
        <Box>
          <Button onClick={simulate} loading={busy} disabled={order.trim() === ""}>
            Simulate
          </Button>
        </Box>
        {failure ? <Banner tone="critical">{failure}</Banner> : null}
        {result ? (
          <Banner tone={result.allowed ? (result.requiresApproval || result.requiresConfirmation ? "warning" : "success") : "critical"} title={result.allowed ? (result.requiresApproval ? "Allowed after approval" : result.requiresConfirmation ? "Allowed after confirmation" : "Allowed") : "Not allowed"}>
            <p>{result.rule}</p>
          </Banner>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export const ErrorBoundary = RouteError;
