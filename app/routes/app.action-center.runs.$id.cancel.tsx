import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { cancelRun } from "../actions/confirm-run.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput } from "../lib/http.server";
import { withStaff } from "../lib/route.server";

/** POST /app/action-center/runs/:id/cancel: the requester withdraws a held run. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: null }, async (ctx) => {
    const { id } = parseInput(z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed run id") }), params, "Malformed run id");
    return Response.json(await cancelRun(ctx, id), { headers: { [CORRELATION_HEADER]: ctx.correlationId } });
  });
