import type { ActionFunctionArgs } from "@remix-run/node";
import { handleActionRequest } from "../actions/action-route.server";

/** POST /app/action-center/orders/:id/actions/:type: the same runner, on an order page. */
export const action = ({ request, params }: ActionFunctionArgs) => handleActionRequest(request, params, "order");
