import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, IndexTable, Page, Select, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { RouteError } from "../components/RouteError";
import type { ErrorBody } from "../lib/app-error";
import { postJson } from "../lib/post-json";
import { withStaff } from "../lib/route.server";
import { ROLES } from "../rbac/permissions";
import { listStaff } from "../staff/list-staff.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "staff.view" }, async (ctx) => ({
    staff: await listStaff({ db: ctx.db }),
    me: { id: ctx.staff.id, rank: ctx.role.rank },
    canManage: ctx.role.permissions.has("staff.manage"),
  }));

export default function Staff() {
  const { staff, me, canManage } = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title="Staff" />
      <BlockStack gap="400">
        {!canManage ? (
          <Banner tone="info">
            <p>You can see staff and their roles. Changing roles needs the staff.manage permission (Owner or Admin).</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "staff member", plural: "staff members" }}
            itemCount={staff.length}
            selectable={false}
            emptyState={<Text as="p">Staff appear here the first time they open the app.</Text>}
            headings={[{ title: "Name" }, { title: "Email" }, { title: "Role" }, { title: "Last seen" }, { title: "Access" }]}
          >
            {staff.map((member, index) => (
              <IndexTable.Row id={member.id} key={member.id} position={index}>
                <IndexTable.Cell>
                  <Text as="span" fontWeight="semibold">
                    {member.name}
                  </Text>{" "}
                  {member.accountOwner ? <Badge tone="info">Store owner</Badge> : null}
                </IndexTable.Cell>
                <IndexTable.Cell>{member.email ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <RoleCell member={member} canManage={canManage && !member.accountOwner} myRank={me.rank} />
                </IndexTable.Cell>
                <IndexTable.Cell>{member.lastSeenAt ? new Date(member.lastSeenAt).toLocaleString("en") : "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <AccessCell member={member} canManage={canManage && !member.accountOwner && member.id !== me.id} />
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}

function RoleCell({ member, canManage, myRank }: { member: { id: string; name: string; roleKey: string }; canManage: boolean; myRank: number }) {
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [value, setValue] = useState(member.roleKey);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setValue(member.roleKey), [member.roleKey]);
  const roleName = ROLES.find((role) => role.key === member.roleKey)?.name ?? member.roleKey;
  if (!canManage) return <Text as="span">{roleName}</Text>;

  async function change(next: string) {
    setValue(next);
    setSaving(true);
    setError(null);
    try {
      // App Bridge adds the session token to this fetch. One key per intended change, so a
      // retried or doubled request executes once.
      const response = await fetch(`/app/staff/${member.id}/role`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `role-${member.id}-${next}-${crypto.randomUUID()}` },
        body: JSON.stringify({ roleKey: next }),
      });
      const body = (await response.json()) as Partial<ErrorBody>;
      if (!response.ok || body.error) {
        const message = body.error ? `${body.error.message} (correlation id ${body.error.correlationId})` : `Request failed (${response.status})`;
        setError(message);
        setValue(member.roleKey);
        shopify.toast.show("Role not changed", { isError: true });
      } else {
        shopify.toast.show(`${member.name} is now ${ROLES.find((role) => role.key === next)?.name}`);
        revalidator.revalidate();
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <BlockStack gap="100">
      <Select
        label={`Role of ${member.name}`}
        labelHidden
        value={value}
        disabled={saving}
        options={ROLES.map((role) => ({ label: role.name, value: role.key, disabled: role.rank > myRank }))}
        onChange={(next) => void change(next)}
        error={error ?? undefined}
      />
    </BlockStack>
  );
}

/** Deactivate a member who left the store (no access, not assignable); reactivate on return. */
function AccessCell({ member, canManage }: { member: { id: string; name: string; active: boolean }; canManage: boolean }) {
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [saving, setSaving] = useState(false);
  const badge = member.active ? <Badge tone="success">Active</Badge> : <Badge tone="critical">Deactivated</Badge>;
  if (!canManage) return badge;

  async function toggle() {
    setSaving(true);
    const result = await postJson(`/app/staff/${member.id}/access`, { active: !member.active }, `access-${member.id}-${crypto.randomUUID()}`);
    setSaving(false);
    shopify.toast.show(result.ok ? `${member.name} ${member.active ? "deactivated" : "reactivated"}` : `Access not changed: ${result.message}`, { isError: !result.ok });
    revalidator.revalidate();
  }

  return (
    <BlockStack gap="100" inlineAlign="start">
      {badge}
      <Button size="slim" loading={saving} onClick={() => void toggle()} accessibilityLabel={`${member.active ? "Deactivate" : "Reactivate"} ${member.name}`}>
        {member.active ? "Deactivate" : "Reactivate"}
      </Button>
    </BlockStack>
  );
}

export const ErrorBoundary = RouteError;
