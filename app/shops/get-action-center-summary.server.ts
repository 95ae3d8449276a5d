/**
 * The Home page's Action Center figures, from our database only: tickets waiting by status,
 * the viewer's own open tickets, open exceptions and the latest runs. A section the viewer's
 * role may not see is null (the page leaves it out) rather than a zero that would mislead.
 */
import type { DbClient } from "../lib/tenancy.server";
import type { Permission } from "../rbac/permissions";

export interface GetActionCenterSummaryOptions {
  db: DbClient;
  /** StaffMember.id of the viewer, for "my tickets". */
  staffId: string;
  permissions: ReadonlySet<Permission>;
}

/** The statuses that still need someone; solved and closed are done. */
export const WAITING_STATUSES = ["open", "pending", "on_hold"] as const;
export type WaitingStatus = (typeof WAITING_STATUSES)[number];

export interface ActionCenterSummary {
  tickets: { byStatus: Record<WaitingStatus, number>; mine: number } | null;
  exceptions: { open: number } | null;
  /** Requests waiting for a second person, for those who may decide them. */
  approvals: { pending: number } | null;
  runs: Array<{ id: string; type: string; status: string; createdAt: string }> | null;
}

export async function getActionCenterSummary({ db, staffId, permissions }: GetActionCenterSummaryOptions): Promise<ActionCenterSummary> {
  const [tickets, exceptions, approvals, runs] = await Promise.all([
    permissions.has("tickets.view") ? ticketCounts(db, staffId) : null,
    permissions.has("exceptions.view") ? db.actionException.count({ where: { status: "open" } }).then((open) => ({ open })) : null,
    // Read-only: a request past its expiry is not pending even before the inbox closes it.
    permissions.has("approvals.decide") ? db.approvalRequest.count({ where: { status: "pending", expiresAt: { gt: new Date() } } }).then((pending) => ({ pending })) : null,
    permissions.has("runs.view")
      ? db.run
          .findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 5, select: { id: true, type: true, status: true, createdAt: true } })
          .then((rows) => rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })))
      : null,
  ]);
  return { tickets, exceptions, approvals, runs };
}

async function ticketCounts(db: DbClient, staffId: string) {
  const [groups, mine] = await Promise.all([
    db.ticket.groupBy({ by: ["status"], where: { status: { in: [...WAITING_STATUSES] } }, _count: { _all: true } }),
    db.ticket.count({ where: { assigneeId: staffId, status: { notIn: ["solved", "closed"] } } }),
  ]);
  const byStatus: Record<WaitingStatus, number> = { open: 0, pending: 0, on_hold: 0 };
  for (const group of groups) byStatus[group.status as WaitingStatus] = group._count._all;
  return { byStatus, mine };
}
