import type { ActionFunctionArgs } from "@remix-run/node";
import { handleActionRequest } from "../actions/action-route.server";

/** POST /app/action-center/tickets/:id/actions/:type: the action runner on a ticket. */
export const action = ({ request, params }: ActionFunctionArgs) => handleActionRequest(request, params, "ticket");
