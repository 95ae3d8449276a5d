/**
 * The signed intake API's contract, shared by the server, the Settings page and the tests (no
 * server code): header names, limits, and the body schema.
 */
import { z } from "zod";
import { MAX_MESSAGE_LENGTH, TICKET_PRIORITIES } from "../tickets/schema";

export const INTAKE_PATH = "/api/intake/tickets";
export const SHOP_HEADER = "X-OAC-Shop-Domain";
export const TIMESTAMP_HEADER = "X-OAC-Timestamp";
export const SIGNATURE_HEADER = "X-OAC-Signature";

/** A timestamp further than this from our clock is refused: a captured request cannot be replayed later. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** How long the previous secret keeps working after a rotation. */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;
export const SECRET_PREFIX = "oac_is_";

/** The channels an external sender may claim; staff and workflow tickets are made inside the app. */
export const INTAKE_CHANNELS = ["email", "chat", "api", "agent"] as const;

const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().trim().max(max, `At most ${max} characters`).optional());

/** 1042 or "1042" (also "#1042"). */
const orderNumber = z.preprocess(
  (value) => (typeof value === "string" && /^\s*#?\d{1,12}\s*$/.test(value) ? Number(value.replace(/[#\s]/g, "")) : value),
  z
    .number({ invalid_type_error: "An order number such as 1042" })
    .int("An order number such as 1042")
    .positive("An order number such as 1042")
    .max(2_147_483_647, "An order number such as 1042"),
);

export const ZIntakeTicket = z
  .object({
    subject: z.string({ required_error: "Subject is required" }).trim().min(1, "Subject is required").max(200, "At most 200 characters"),
    /** The customer's words: the ticket's first message. */
    message: z.string({ required_error: "Message is required" }).trim().min(1, "Message is required").max(MAX_MESSAGE_LENGTH, `At most ${MAX_MESSAGE_LENGTH} characters`),
    customer: z
      .object(
        {
          email: z
            .string({ required_error: "The customer's email is required" })
            .trim()
            .toLowerCase()
            .email("Enter a valid email address")
            .max(254, "At most 254 characters"),
          name: optionalText(200),
        },
        { required_error: "The customer (email, name) is required" },
      )
      .strict("Unknown field"),
    /** As the customer knows it: "#1042" (the store's own prefix or suffix included). */
    orderName: optionalText(60),
    orderNumber: z.preprocess((value) => (value === "" || value === null ? undefined : value), orderNumber.optional()),
    priority: z.enum(TICKET_PRIORITIES, { errorMap: () => ({ message: "Choose low, normal, high or urgent" }) }).default("normal"),
    category: optionalText(80),
    channel: z.enum(INTAKE_CHANNELS, { errorMap: () => ({ message: "Choose email, chat, api or agent" }) }).default("api"),
    /** The sender's own id for the conversation (chat id, email Message-ID): kept on the ticket's history. */
    externalId: optionalText(200),
  })
  // Unknown fields are refused rather than dropped: a misspelt "ordrName" must not lose the order.
  .strict("Unknown field");

export type IntakeTicketInput = z.infer<typeof ZIntakeTicket>;

export interface IntakeTicketResponse {
  ticket: { id: string; number: number; status: string; orderLinked: boolean };
}
