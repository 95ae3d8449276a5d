import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { REPLAY_HEADER, withIdempotency } from "../idempotency/with-idempotency.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput } from "../lib/http.server";
import { withStaff, writeLimitRules } from "../lib/route.server";
import { ZOrderId } from "../orders/list-schema";
import { refreshOrder } from "../orders/refresh-order.server";

/**
 * POST /app/orders/:id/refresh  with an Idempotency-Key header (no body needed) ->
 * { outcome, version }. JSON API (resource route): the order page calls it with fetch.
 * Each execution costs one Admin API request, so it is rate limited per execution.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "orders.refresh", rateLimit: false }, async (ctx) => {
    const orderId = parseInput(z.object({ id: ZOrderId }), params, "Malformed order id").id;
    const result = await withIdempotency({
      ctx,
      scope: "order.refresh",
      input: { orderId },
      rateLimit: writeLimitRules(ctx, { perStaff: 30, perShop: 300 }),
      execute: async () => ({ status: 200, body: await refreshOrder({ ctx, orderId }) }),
    });
    return Response.json(result.body, {
      status: result.status,
      headers: { [CORRELATION_HEADER]: ctx.correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
    });
  });
