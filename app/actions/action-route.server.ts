import { z } from "zod";
import { REPLAY_HEADER } from "../idempotency/with-idempotency.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readJson } from "../lib/http.server";
import { withStaff } from "../lib/route.server";
import { authorizeAction, previewAction, runAction } from "./run-action.server";
import type { ActionTargetKind } from "./types";

const ZParams = z.object({
  id: z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed id"),
  type: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "Malformed action type"),
});

/**
 * POST /app/action-center/{tickets|orders}/:id/actions/:type with a JSON body (the action's
 * input) and an Idempotency-Key header. `?preview=1` answers what running it would do, writing
 * nothing. Seeing the target needs tickets.view / orders.view; the action's own permission is
 * checked next, before the body is read or validated.
 */
export function handleActionRequest(request: Request, params: Record<string, string | undefined>, kind: ActionTargetKind) {
  return withStaff(request, { permission: kind === "ticket" ? "tickets.view" : "orders.view", rateLimit: false }, async (ctx) => {
    const { id, type } = parseInput(ZParams, params, "Malformed action request");
    await authorizeAction(ctx, type);
    const input = await readJson(request, z.record(z.unknown()));
    if (new URL(request.url).searchParams.get("preview") === "1") {
      return Response.json(await previewAction(ctx, type, kind, id, input), { headers: { [CORRELATION_HEADER]: ctx.correlationId } });
    }
    const result = await runAction(ctx, type, kind, id, input);
    return Response.json(result.body, {
      status: result.status,
      headers: { [CORRELATION_HEADER]: ctx.correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
    });
  });
}
