import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, DataTable, Page, Text } from "@shopify/polaris";
import { RouteError } from "../components/RouteError";
import { withStaff } from "../lib/route.server";
import { listRoles } from "../rbac/list-roles.server";

export const loader = ({ request }: LoaderFunctionArgs) => withStaff(request, { permission: "staff.view" }, (ctx) => listRoles({ db: ctx.db }));

export default function Roles() {
  const { roles, permissions } = useLoaderData<typeof loader>();
  const rows = permissions.map((permission) => [
    <BlockStack key={permission.key} gap="050">
      <Text as="span" fontWeight="semibold">
        {permission.key}
      </Text>
      <Text as="span" tone="subdued" variant="bodySm">
        {permission.description}
      </Text>
    </BlockStack>,
    ...roles.map((role) =>
      role.permissions.includes(permission.key) ? (
        <span key={role.key} aria-label={`${role.name} has ${permission.key}`}>
          ✓
        </span>
      ) : (
        <span key={role.key} aria-label={`${role.name} lacks ${permission.key}`} style={{ opacity: 0.3 }}>
          —
        </span>
      ),
    ),
  ]);
  return (
    <Page fullWidth>
      <TitleBar title="Roles" />
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          Roles are hierarchical: each includes what the roles below it may do. The store owner is always an Owner. Change a staff member&apos;s role
          on the Staff page.
        </Text>
        <Card padding="0">
          <DataTable
            columnContentTypes={["text", ...roles.map(() => "text" as const)]}
            headings={["Permission", ...roles.map((role) => role.name)]}
            rows={rows}
            stickyHeader
          />
        </Card>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
