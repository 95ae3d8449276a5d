import type { ActionFunctionArgs } from "@remix-run/node";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { readJson } from "../lib/http.server";
import { withStaff } from "../lib/route.server";
import { ZPolicyUpdate } from "../policy/schema";
import { updateActionPolicy } from "../policy/update-action-policy.server";

/** POST /app/policy/update { policies: { <actionType>: form } } -> { changed }. */
export const action = ({ request }: ActionFunctionArgs) =>
  withStaff(request, { permission: "policy.manage" }, async (ctx) => {
    const { policies } = await readJson(request, ZPolicyUpdate);
    return Response.json(await updateActionPolicy(ctx, policies), { headers: { [CORRELATION_HEADER]: ctx.correlationId } });
  });
