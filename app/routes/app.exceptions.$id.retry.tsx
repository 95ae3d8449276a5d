import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { retryException } from "../exceptions/retry-exception.server";
import { ZExceptionId } from "../exceptions/schema";
import { ACTION_WRITE_LIMIT } from "../actions/run-action.server";
import { REPLAY_HEADER, withIdempotency } from "../idempotency/with-idempotency.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput } from "../lib/http.server";
import { withStaff, writeLimitRules } from "../lib/route.server";

/**
 * POST /app/exceptions/:id/retry with an Idempotency-Key header -> the new attempt's outcome
 * (200 and the run, or the failure's error body with the reopened exception).
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "exceptions.manage", rateLimit: false }, async (ctx) => {
    const { id } = parseInput(z.object({ id: ZExceptionId }), params, "Malformed exception id");
    const result = await withIdempotency({
      ctx,
      scope: `exception.retry:${id}`,
      input: { id },
      rateLimit: writeLimitRules(ctx, ACTION_WRITE_LIMIT),
      execute: () => retryException(ctx, id),
    });
    return Response.json(result.body, {
      status: result.status,
      headers: { [CORRELATION_HEADER]: ctx.correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
    });
  });
