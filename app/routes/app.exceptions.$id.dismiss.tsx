import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { dismissException } from "../exceptions/dismiss-exception.server";
import { ZDismissInput, ZExceptionId } from "../exceptions/schema";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readJson } from "../lib/http.server";
import { withStaff } from "../lib/route.server";

/** POST /app/exceptions/:id/dismiss { reason } -> { id, status: "dismissed" }. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "exceptions.manage" }, async (ctx) => {
    const { id } = parseInput(z.object({ id: ZExceptionId }), params, "Malformed exception id");
    const { reason } = await readJson(request, ZDismissInput);
    return Response.json(await dismissException(ctx, id, reason), { headers: { [CORRELATION_HEADER]: ctx.correlationId } });
  });
