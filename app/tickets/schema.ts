/**
 * Ticket vocabulary and input shapes, shared by the server and the pages (no server code).
 */
import { z } from "zod";

export const TICKET_STATUSES = ["open", "pending", "on_hold", "solved", "closed"] as const;
export const TICKET_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const TICKET_CHANNELS = ["staff", "email", "chat", "api", "workflow", "agent"] as const;
export const MESSAGE_KINDS = ["customer", "reply", "internal_note"] as const;

export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: "Open",
  pending: "Pending",
  on_hold: "On hold",
  solved: "Solved",
  closed: "Closed",
};

export const PRIORITY_LABELS: Record<TicketPriority, string> = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" };

/**
 * Allowed status transitions. Closed is final (a new message on a closed ticket opens a new
 * ticket, as help desks do); solved can be reopened.
 */
export const STATUS_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ["pending", "on_hold", "solved", "closed"],
  pending: ["open", "on_hold", "solved", "closed"],
  on_hold: ["open", "pending", "solved", "closed"],
  solved: ["open", "closed"],
  closed: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/** Our Ticket.id (a cuid), as in /app/tickets/:id. */
export const ZTicketId = z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed ticket id");

export const MAX_MESSAGE_LENGTH = 20_000;

const trimmed = (max: number, label: string) => z.string().trim().min(1, `${label} is required`).max(max, `At most ${max} characters`);
const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().trim().max(max, `At most ${max} characters`).optional());

/** What any creator (staff form, intake API, workflow, agent) provides for a new ticket. */
export const ZCreateTicket = z.object({
  subject: trimmed(200, "Subject"),
  /** The first message: the customer's words for external channels, a note for staff. */
  message: optionalText(MAX_MESSAGE_LENGTH),
  priority: z.enum(TICKET_PRIORITIES, { errorMap: () => ({ message: "Choose low, normal, high or urgent" }) }).default("normal"),
  category: optionalText(80),
  customerEmail: z.preprocess(
    (value) => (typeof value === "string" ? (value.trim() === "" ? undefined : value.trim().toLowerCase()) : value),
    z.string().email("Enter a valid email address").max(254).optional(),
  ),
  customerName: optionalText(200),
  /** Our Order.id; the order's customer fills the ticket's customer when none is given. */
  orderId: z.preprocess((value) => (value === "" || value === null ? undefined : value), z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed order id").optional()),
  /** StaffMember.id */
  assigneeId: z.preprocess((value) => (value === "" || value === null ? undefined : value), z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed staff id").optional()),
});

export type CreateTicketInput = z.infer<typeof ZCreateTicket>;

export const STATUS_TONES: Record<TicketStatus, "info" | "attention" | "warning" | "success" | undefined> = {
  open: "info",
  pending: "attention",
  on_hold: "warning",
  solved: "success",
  closed: undefined,
};

export const PRIORITY_TONES: Record<TicketPriority, "critical" | "warning" | "info" | undefined> = { low: undefined, normal: "info", high: "warning", urgent: "critical" };

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = { customer: "Customer", reply: "Reply", internal_note: "Internal note" };

/**
 * A change of status, priority and/or assignee (POST /app/tickets/:id/update). The client
 * sends the ticket's updatedAt as it saw it: if the ticket changed since, the request is a
 * 409 instead of silently overwriting someone else's change.
 */
export const ZUpdateTicket = z
  .object({
    expectedUpdatedAt: z
      .string({ required_error: "Send the updatedAt of the ticket you are changing", invalid_type_error: "Send the updatedAt as an ISO timestamp" })
      .datetime({ offset: true, message: "Send the updatedAt as an ISO timestamp" }),
    status: z.enum(TICKET_STATUSES, { errorMap: () => ({ message: "Choose open, pending, on hold, solved or closed" }) }).optional(),
    priority: z.enum(TICKET_PRIORITIES, { errorMap: () => ({ message: "Choose low, normal, high or urgent" }) }).optional(),
    /** A StaffMember.id, "me" (the caller), or null to unassign. */
    assigneeId: z.union([z.literal("me"), z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed staff id"), z.null()], { errorMap: () => ({ message: "Choose a staff member, \"me\" or null" }) }).optional(),
  })
  .strict("Only expectedUpdatedAt, status, priority and assigneeId can be sent")
  .refine((value) => value.status !== undefined || value.priority !== undefined || value.assigneeId !== undefined, {
    message: "Change the status, the priority or the assignee",
    path: ["_"],
  });

export type UpdateTicketInput = z.infer<typeof ZUpdateTicket>;
