import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { ACTION_WRITE_LIMIT } from "../actions/run-action.server";
import { approveRequest } from "../approvals/decide-approval.server";
import { ZApprovalId, ZApproveInput } from "../approvals/schema";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readJson } from "../lib/http.server";
import { withStaff } from "../lib/route.server";

/** POST /app/approvals/:id/approve { note? }: approve and execute (never one's own request). */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "approvals.decide", rateLimit: ACTION_WRITE_LIMIT }, async (ctx) => {
    const { id } = parseInput(z.object({ id: ZApprovalId }), params, "Malformed approval id");
    const { note } = await readJson(request, ZApproveInput);
    const result = await approveRequest(ctx, id, note ?? null);
    return Response.json(result.body, { status: result.status, headers: { [CORRELATION_HEADER]: ctx.correlationId } });
  });
