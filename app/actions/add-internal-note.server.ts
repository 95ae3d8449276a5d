/**
 * add_internal_note: a note in the ticket's thread that the customer never sees (the ticket
 * page's composer runs it). Markdown is stored as written and sanitized when rendered.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { MAX_MESSAGE_LENGTH } from "../tickets/schema";
import { targetLabel } from "./target-label";
import { defineAction } from "./types";

export const ZAddInternalNoteInput = z
  .object({ body: z.string().trim().min(1, "Write the note first").max(MAX_MESSAGE_LENGTH, `At most ${MAX_MESSAGE_LENGTH} characters`) })
  .strict();

export type AddInternalNoteInput = z.infer<typeof ZAddInternalNoteInput>;

export const addInternalNoteAction = defineAction<AddInternalNoteInput>({
  type: "add_internal_note",
  label: "Add internal note",
  description: "Adds a note to the ticket's thread, visible to staff only.",
  permission: "actions.add_internal_note",
  targets: ["ticket"],
  input: ZAddInternalNoteInput,
  preconditions: (target) => (target.ticket?.status === "closed" ? "The ticket is closed: open a new ticket instead" : null),
  preview: (target, input) => `Add an internal note (${input.body.length} characters) to ${targetLabel(target)}.`,
  // Free text about a customer: the audit log (append-only) keeps its length, the thread the words.
  auditInput: (input) => ({ bodyLength: input.body.length }),
  async execute({ tx, actor, input, target, rootRunId }) {
    const ticketId = target.ticket!.id;
    // One note per lineage: a retry finds the note its first attempt may have written.
    const existing = await tx.ticketEvent.findFirst({ where: { ticketId, type: "message.added", runId: rootRunId }, select: { detail: true } });
    let messageId = (existing?.detail as { messageId?: string } | null)?.messageId;
    if (!messageId) {
      const message = await tx.ticketMessage.create({
        data: { ticketId, kind: "internal_note", authorType: actor.type, authorId: actor.id, authorLabel: actor.label, body: input.body } as Prisma.TicketMessageUncheckedCreateInput,
      });
      messageId = message.id;
      await tx.ticketEvent.create({
        data: {
          ticketId,
          type: "message.added",
          actorType: actor.type,
          actorId: actor.id,
          actorLabel: actor.label,
          runId: rootRunId,
          detail: { messageId, kind: "internal_note" } as Prisma.InputJsonValue,
          occurredAt: message.createdAt,
        } as Prisma.TicketEventUncheckedCreateInput,
      });
      await tx.ticket.update({ where: { id: ticketId }, data: { lastActivityAt: message.createdAt } });
    }
    return { result: { messageId }, summary: "Internal note added" };
  },
});
