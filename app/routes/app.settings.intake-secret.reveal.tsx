import type { ActionFunctionArgs } from "@remix-run/node";
import { revealIntakeSecret } from "../intake/reveal-intake-secret.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { withStaff } from "../lib/route.server";

/**
 * POST /app/settings/intake-secret/reveal -> { secret, fingerprint }. A POST, not a GET: it is
 * audited, rate limited like any write, creates the secret on first use, and keeps the secret
 * out of URLs and caches. JSON API (resource route): the Settings page calls it with fetch.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  withStaff(request, { permission: "settings.manage" }, async (ctx) =>
    Response.json(await revealIntakeSecret({ db: ctx.db, shopId: ctx.shop.id, actor: ctx.actor, correlationId: ctx.correlationId }), {
      headers: { [CORRELATION_HEADER]: ctx.correlationId, "Cache-Control": "no-store" },
    }),
  );
