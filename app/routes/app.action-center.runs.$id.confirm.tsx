import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { confirmRun } from "../actions/confirm-run.server";
import { ACTION_WRITE_LIMIT } from "../actions/run-action.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput } from "../lib/http.server";
import { withStaff } from "../lib/route.server";

/**
 * POST /app/action-center/runs/:id/confirm: the requester confirms a run the policy held for
 * confirmation. Answers like a run (200 with the outcome, the failure's error body, or 202 when
 * the policy now asks for approval). The action's own permission is checked by confirmRun.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: null, rateLimit: ACTION_WRITE_LIMIT }, async (ctx) => {
    const { id } = parseInput(z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed run id") }), params, "Malformed run id");
    const result = await confirmRun(ctx, id);
    return Response.json(result.body, { status: result.status, headers: { [CORRELATION_HEADER]: ctx.correlationId } });
  });
