import type { ActionFunctionArgs } from "@remix-run/node";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { readJson } from "../lib/http.server";
import { withStaff } from "../lib/route.server";
import { ZSimulateInput } from "../policy/schema";
import { simulatePolicy } from "../policy/simulate-policy.server";

/** POST /app/policy/simulate { order, actionType, amount?, percentage?, actor } -> the decision. Writes nothing. */
export const action = ({ request }: ActionFunctionArgs) =>
  withStaff(request, { permission: "policy.view", rateLimit: false }, async (ctx) => {
    const input = await readJson(request, ZSimulateInput);
    return Response.json(await simulatePolicy(ctx, input), { headers: { [CORRELATION_HEADER]: ctx.correlationId } });
  });
