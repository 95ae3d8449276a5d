import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { REPLAY_HEADER, withIdempotency } from "../idempotency/with-idempotency.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readJson } from "../lib/http.server";
import { withStaff, writeLimitRules } from "../lib/route.server";
import { ZAccessChange, ZStaffMemberId } from "../staff/schema";
import { setStaffAccess } from "../staff/set-staff-access.server";

/** POST /app/staff/:id/access  { active }  with an Idempotency-Key header. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "staff.manage", rateLimit: false }, async (ctx) => {
    const staffMemberId = parseInput(z.object({ id: ZStaffMemberId }), params, "Malformed staff member id").id;
    const input = await readJson(request, ZAccessChange);
    const result = await withIdempotency({
      ctx,
      scope: "staff.set_access",
      input: { staffMemberId, ...input },
      rateLimit: writeLimitRules(ctx, { perStaff: 30, perShop: 300 }),
      execute: async () => ({ status: 200, body: await setStaffAccess({ ctx, staffMemberId, active: input.active }) }),
    });
    return Response.json(result.body, {
      status: result.status,
      headers: { [CORRELATION_HEADER]: ctx.correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
    });
  });
