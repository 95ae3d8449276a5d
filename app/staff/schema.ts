import { z } from "zod";
import { ROLES } from "../rbac/permissions";

/** Our ids are cuids: lowercase letters and digits. */
export const ZStaffMemberId = z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed staff member id");

// Strict like every JSON body: a misspelt field is refused, not silently dropped.
export const ZRoleChange = z
  .object({
    roleKey: z.enum(ROLES.map((role) => role.key) as [string, ...string[]], { errorMap: () => ({ message: "Choose one of the roles" }) }),
  })
  .strict();

export const ZAccessChange = z.object({ active: z.boolean({ errorMap: () => ({ message: "Send true or false" }) }) }).strict();
