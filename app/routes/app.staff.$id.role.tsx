import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { REPLAY_HEADER, withIdempotency } from "../idempotency/with-idempotency.server";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { parseInput, readJson } from "../lib/http.server";
import { withStaff, writeLimitRules } from "../lib/route.server";
import type { RoleKey } from "../rbac/permissions";
import { changeStaffRole } from "../staff/change-staff-role.server";
import { ZRoleChange, ZStaffMemberId } from "../staff/schema";

/**
 * POST /app/staff/:id/role  application/json { roleKey }  with an Idempotency-Key header.
 * JSON API (resource route): the Staff page calls it with fetch; so can any client.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  withStaff(request, { permission: "staff.manage", rateLimit: false }, async (ctx) => {
    const staffMemberId = parseInput(z.object({ id: ZStaffMemberId }), params, "Malformed staff member id").id;
    const input = await readJson(request, ZRoleChange);
    const result = await withIdempotency({
      ctx,
      scope: "staff.change_role",
      input: { staffMemberId, ...input },
      rateLimit: writeLimitRules(ctx, { perStaff: 30, perShop: 300 }),
      execute: async () => ({ status: 200, body: await changeStaffRole({ ctx, staffMemberId, roleKey: input.roleKey as RoleKey }) }),
    });
    return Response.json(result.body, {
      status: result.status,
      headers: { [CORRELATION_HEADER]: ctx.correlationId, ...(result.replayed ? { [REPLAY_HEADER]: "true" } : {}) },
    });
  });
