import type { ActionFunctionArgs } from "@remix-run/node";
import { REPLAY_HEADER, withIdempotency } from "../idempotency/with-idempotency.server";
import { rotateIntakeSecret } from "../intake/rotate-intake-secret.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { withStaff, writeLimitRules } from "../lib/route.server";

/**
 * POST /app/settings/intake-secret/rotate  with an Idempotency-Key header (no body needed) ->
 * { fingerprint, rotatedAt, previous }. Idempotent because a doubled rotation would end the
 * old secret's grace period at once. The new secret is not in the answer (it would be stored
 * with the key): the page reveals it next.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  withStaff(request, { permission: "settings.manage", rateLimit: false }, async (ctx) => {
    const result = await withIdempotency({
      ctx,
      scope: "intake.rotate_secret",
      input: {},
      rateLimit: writeLimitRules(ctx, { perStaff: 10, perShop: 30 }),
      execute: async () => ({ status: 200, body: await rotateIntakeSecret({ db: ctx.db, shopId: ctx.shop.id, actor: ctx.actor, correlationId: ctx.correlationId }) }),
    });
    return Response.json(result.body, {
      status: result.status,
      headers: { [CORRELATION_HEADER]: ctx.correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
    });
  });
