import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { denyRequest } from "../approvals/decide-approval.server";
import { ZApprovalId, ZDenyInput } from "../approvals/schema";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readJson } from "../lib/http.server";
import { withStaff } from "../lib/route.server";

/** POST /app/approvals/:id/deny { note }: deny with a reason; the run is closed, never executed. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "approvals.decide" }, async (ctx) => {
    const { id } = parseInput(z.object({ id: ZApprovalId }), params, "Malformed approval id");
    const { note } = await readJson(request, ZDenyInput);
    return Response.json(await denyRequest(ctx, id, note), { headers: { [CORRELATION_HEADER]: ctx.correlationId } });
  });
