import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppShell } from "../components/AppShell";
import { RouteError } from "../components/RouteError";
import { getEnv } from "../env.server";
import { authenticateAdmin } from "../lib/authenticate-admin.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticateAdmin(request);
  const env = getEnv();
  // APP_BRIDGE_URL is set only in the local sandbox, where Shopify's CDN is replaced by a stand-in.
  return { apiKey: env.SHOPIFY_API_KEY, appBridgeUrl: env.APP_BRIDGE_URL ?? null };
}

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppShell apiKey={apiKey} appBridgeUrl={appBridgeUrl}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/tickets">Tickets</Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/exceptions">Exceptions</Link>
        <Link to="/app/approvals">Approvals</Link>
        <Link to="/app/policy">Action policy</Link>
        <Link to="/app/runs">Runs</Link>
        <Link to="/app/audit">Audit log</Link>
        <Link to="/app/staff">Staff</Link>
        <Link to="/app/roles">Roles</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <Outlet />
    </AppShell>
  );
}

// Shopify needs Remix to catch thrown responses (auth bounces) and forward their headers;
// our own error bodies get the error page with the correlation id.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && typeof error.data === "object" && error.data && "error" in error.data) return <RouteError />;
  return boundary.error(error);
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
