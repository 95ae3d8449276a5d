import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { REPLAY_HEADER, withIdempotency } from "../idempotency/with-idempotency.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readJson } from "../lib/http.server";
import { withStaff, writeLimitRules } from "../lib/route.server";
import { requirePermission } from "../rbac/require-permission.server";
import { ZTicketId, ZUpdateTicket } from "../tickets/schema";
import { updateTicket } from "../tickets/update-ticket.server";

/**
 * POST /app/tickets/:id/update  application/json
 *   { expectedUpdatedAt, status?, priority?, assigneeId?: staff id | "me" | null }
 * with an Idempotency-Key header -> { ticket, changes }. JSON API (resource route): the ticket
 * page calls it with fetch. Needs tickets.view to reach the ticket, then tickets.update for a
 * status or priority and tickets.assign for an assignee (each one requested, even if it turns
 * out to be the current value: the request asked to change it).
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "tickets.view", rateLimit: false }, async (ctx) => {
    const ticketId = parseInput(z.object({ id: ZTicketId }), params, "Malformed ticket id").id;
    const input = await readJson(request, ZUpdateTicket);
    // Before the idempotency key is claimed: a refusal is audited once per attempt, not stored.
    if (input.status !== undefined || input.priority !== undefined) await requirePermission(ctx, "tickets.update");
    if (input.assigneeId !== undefined) await requirePermission(ctx, "tickets.assign");
    const assigneeId = input.assigneeId === "me" ? ctx.staff.id : input.assigneeId;
    const result = await withIdempotency({
      ctx,
      scope: "ticket.update",
      input: { ticketId, ...input, assigneeId },
      rateLimit: writeLimitRules(ctx),
      // The change and the stored answer commit together: a retry never applies it twice.
      transactional: true,
      execute: async (tx) => ({
        status: 200,
        body: await updateTicket({
          db: tx,
          actor: ctx.actor,
          correlationId: ctx.correlationId,
          ticketId,
          expectedUpdatedAt: new Date(input.expectedUpdatedAt),
          status: input.status,
          priority: input.priority,
          assigneeId,
        }),
      }),
    });
    return Response.json(result.body, {
      status: result.status,
      headers: { [CORRELATION_HEADER]: ctx.correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
    });
  });
