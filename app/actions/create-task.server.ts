/**
 * create_task: a follow-up for a person, on a ticket or an order. No Shopify side effect.
 * The task carries the lineage's root run id (unique), so a retry after a failure that
 * happened after the insert can never create a second task.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { AppError } from "../lib/app-error";
import { blank } from "../lib/blank";
import { storableDate } from "../lib/storable-date";
import { targetLabel } from "./target-label";
import { defineAction } from "./types";

const ZStaffId = z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed staff id");

export const ZCreateTaskInput = z
  .object({
    title: z.string().trim().min(1, "Title is required").max(200, "At most 200 characters"),
    body: z.preprocess(blank, z.string().trim().max(5000, "At most 5000 characters").optional()),
    assigneeId: z.preprocess(blank, ZStaffId.optional()),
    dueAt: z.preprocess(blank, storableDate("Enter a valid date").optional()),
  })
  .strict();

export type CreateTaskInput = z.infer<typeof ZCreateTaskInput>;

export const createTaskAction = defineAction<CreateTaskInput>({
  type: "create_task",
  label: "Create task",
  description: "Adds a follow-up task for a staff member, linked to this ticket and its order.",
  permission: "actions.create_task",
  targets: ["ticket", "order"],
  input: ZCreateTaskInput,
  // Title and body are free text that names people ("Call Paul Klein back"). The preview goes to
  // the audit log, which is append-only (customers/redact could not take it back): lengths only.
  auditInput: ({ title, body, ...input }) => ({ ...input, titleLength: title.length, bodyLength: body?.length ?? 0 }),
  preview: (target, input) =>
    `Create a task (title of ${input.title.length} characters) on ${targetLabel(target)}${input.assigneeId ? ", assigned" : ", unassigned"}${input.dueAt ? `, due ${input.dueAt.toISOString().slice(0, 10)}` : ""}.`,
  async execute({ tx, actor, input, target, rootRunId }) {
    let assigneeLabel: string | null = null;
    if (input.assigneeId) {
      // Checked at execution, not only in the form: the assignee may have left since.
      const assignee = await tx.staffMember.findUnique({ where: { id: input.assigneeId }, select: { active: true, firstName: true, lastName: true } });
      if (!assignee) throw new AppError("CONFLICT", "The assignee is not a staff member of this store", { fields: { assigneeId: ["Choose a staff member of this store"] } });
      if (!assignee.active) throw new AppError("CONFLICT", "The assignee is no longer active in this store", { fields: { assigneeId: ["Choose an active staff member"] } });
      assigneeLabel = [assignee.firstName, assignee.lastName].filter(Boolean).join(" ") || "Staff member";
    }
    const existing = await tx.task.findUnique({ where: { sourceRunId: rootRunId } });
    const task =
      existing ??
      (await tx.task.create({
        data: {
          title: input.title,
          body: input.body ?? null,
          assigneeId: input.assigneeId ?? null,
          dueAt: input.dueAt ?? null,
          ticketId: target.ticket?.id ?? null,
          orderId: target.order?.id ?? null,
          sourceRunId: rootRunId,
          createdByType: actor.type,
          createdById: actor.id,
          createdByLabel: actor.label,
        } as Prisma.TaskUncheckedCreateInput,
      }));
    return {
      result: { taskId: task.id, title: task.title, assigneeId: task.assigneeId, dueAt: task.dueAt?.toISOString() ?? null },
      summary: `Task “${task.title}” created${assigneeLabel ? ` for ${assigneeLabel}` : ""}`,
      // What the audit row keeps (not the result, which has the title).
      after: { taskId: task.id, assigneeId: task.assigneeId, dueAt: task.dueAt?.toISOString() ?? null, titleLength: task.title.length },
    };
  },
});
