import type { ActionFunctionArgs } from "@remix-run/node";
import { REPLAY_HEADER, withIdempotency } from "../idempotency/with-idempotency.server";
import { acceptIntakeSignature } from "../intake/accept-intake-signature.server";
import { authenticateIntakeRequest } from "../intake/authenticate-intake-request.server";
import { createIntakeTicket, INTAKE_ACTOR } from "../intake/create-intake-ticket.server";
import { ZIntakeTicket } from "../intake/schema";
import { CORRELATION_HEADER, correlationIdFrom } from "../lib/correlation.server";
import { guard, parseInput, parseJsonBytes, readJsonBytes } from "../lib/http.server";
import type { RateLimitRule } from "../ratelimit/consume-rate-limit.server";

/** Per shop, counted per execution (replays of a stored answer are free). */
export const INTAKE_RATE_LIMIT: RateLimitRule = { bucket: "intake", limit: 120, windowSeconds: 60 };

/**
 * POST /api/intake/tickets: external channels (chat widget, email parser, AI agent) open a
 * ticket. Outside /app: no session token; the sender proves the shop with a signature
 * (README, "Intake API"). In order: body type and size -> signature over timestamp,
 * Idempotency-Key and body (401, nothing written) -> body schema (400 with fields) -> the
 * signature accepted once (a replay is 401, nothing written) -> Idempotency-Key (required;
 * replay or 409) -> per-shop rate limit (429) -> the ticket, 201.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const correlationId = correlationIdFrom(request);
  if (request.method.toUpperCase() !== "POST") return methodNotAllowed();
  return guard(
    correlationId,
    async () => {
      const body = await readJsonBytes(request);
      const sender = await authenticateIntakeRequest({ request, body });
      const input = parseInput(ZIntakeTicket, parseJsonBytes(body));
      const result = await acceptIntakeSignature({
        sender,
        // withIdempotency throws only when the request did nothing (a bad or busy key, the rate
        // limit, a failure it rolled back): then the same signed bytes may be sent again.
        run: () =>
          withIdempotency({
            ctx: { db: sender.db, shop: sender.shop, actor: INTAKE_ACTOR, request, correlationId },
            scope: "intake.create_ticket",
            input,
            rateLimit: [INTAKE_RATE_LIMIT],
            transactional: true,
            execute: async (db) => ({ status: 201, body: await createIntakeTicket({ db, shopId: sender.shop.id, correlationId, input }) }),
          }),
      });
      return Response.json(result.body, {
        status: result.status,
        headers: { [CORRELATION_HEADER]: correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
      });
    },
    { path: new URL(request.url).pathname },
  );
};

export const loader = () => methodNotAllowed();

function methodNotAllowed() {
  return new Response(null, { status: 405, headers: { Allow: "POST" } });
}
