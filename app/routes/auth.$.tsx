import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateAdmin } from "../lib/authenticate-admin.server";

// Handles /auth/session-token (the bounce page) and the other auth paths of the library,
// through the same door as every embedded route (tokens Shopify never issues are refused).
export async function loader({ request }: LoaderFunctionArgs) {
  await authenticateAdmin(request);
  return null;
}
