/**
 * What the New ticket form needs: the active staff to assign to and, when opened from an
 * order (?orderId=...), that order with its customer (masked without customers.pii), whom the
 * ticket takes when the form leaves the customer empty (createTicket).
 */
import { AppError } from "../lib/app-error";
import { maskEmail, maskName } from "../lib/mask";
import type { DbClient } from "../lib/tenancy.server";
import { listStaff } from "../staff/list-staff.server";

export interface NewTicketForm {
  staff: Array<{ id: string; name: string }>;
  order: { id: string; name: string; customerName: string | null; customerEmail: string | null } | null;
}

export async function getNewTicketForm({ db, orderId, canSeePii }: { db: DbClient; orderId: string | null; canSeePii: boolean }): Promise<NewTicketForm> {
  const [staff, order] = await Promise.all([
    listStaff({ db }),
    orderId ? db.order.findUnique({ where: { id: orderId }, select: { id: true, name: true, email: true, customerName: true } }) : null,
  ]);
  if (orderId && !order) throw new AppError("NOT_FOUND", "No such order in this store");
  return {
    // Active members only (a deactivated one cannot be assigned); names only, no emails.
    staff: staff.filter((member) => member.active).map((member) => ({ id: member.id, name: member.name })),
    order: order
      ? {
          id: order.id,
          name: order.name,
          customerName: canSeePii ? order.customerName : maskName(order.customerName),
          customerEmail: canSeePii ? order.email : maskEmail(order.email),
        }
      : null,
  };
}
