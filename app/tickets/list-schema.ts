/**
 * Filters of the Tickets list (query string), shared by the loader and the page. Status and
 * priority take several values, repeated (`status=open&status=pending`, what a form's
 * checkboxes send) or comma-separated (`status=open,pending`, short enough to share).
 */
import { z } from "zod";
import { blankOrSpaces as blank } from "../lib/blank";
import { TICKET_PRIORITIES, TICKET_STATUSES } from "./schema";

export const AGE_BUCKETS = ["lt_1d", "1_3d", "3_7d", "gt_7d"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];
export const AGE_LABELS: Record<AgeBucket, string> = { lt_1d: "Less than a day", "1_3d": "1 to 3 days", "3_7d": "3 to 7 days", gt_7d: "More than 7 days" };

export const TICKET_SORTS = ["newest", "oldest", "priority", "last_activity"] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];
export const SORT_LABELS: Record<TicketSort, string> = { newest: "Newest first", oldest: "Oldest first", priority: "Priority (urgent first)", last_activity: "Last activity" };

export const TICKET_FILTER_KEYS = ["q", "status", "assignee", "priority", "age", "sort", "cursor", "limit"];
const MULTI_KEYS = ["status", "priority"];


/**
 * "open,pending" -> ["open", "pending"]; blank -> undefined (no filter). An unknown value is
 * reported on the field itself ("status"), where the page shows it, naming the bad values.
 */
const list = <T extends string>(values: readonly T[], message: string) =>
  z.preprocess(
    (value) => {
      if (typeof value !== "string") return blank(value);
      const parts = value
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== "");
      return parts.length === 0 ? undefined : [...new Set(parts)];
    },
    z
      .array(z.string())
      .max(values.length, message)
      .superRefine((parts, ctx) => {
        const unknown = parts.filter((part) => !(values as readonly string[]).includes(part));
        const named = unknown.slice(0, 3).map((part) => (part.length > 20 ? `${part.slice(0, 20)}…` : part));
        if (unknown.length) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${message} (not ${named.join(", ")})` });
      })
      .transform((parts) => parts as T[])
      .optional(),
  );

export const ZTicketFilters = z.object({
  q: z.preprocess((value) => (typeof value === "string" ? blank(value.trim()) : blank(value)), z.string().max(254, "At most 254 characters").optional()),
  status: list(TICKET_STATUSES, "Choose statuses from the list"),
  priority: list(TICKET_PRIORITIES, "Choose priorities from the list"),
  /** "me", "unassigned", or a StaffMember.id. */
  assignee: z.preprocess(
    blank,
    z
      .string()
      .regex(/^(?:me|unassigned|[a-z0-9]{20,40})$/, "Choose me, unassigned or a staff member")
      .optional(),
  ),
  age: z.preprocess(blank, z.enum(AGE_BUCKETS, { errorMap: () => ({ message: "Choose an age from the list" }) }).optional()),
  sort: z.preprocess(blank, z.enum(TICKET_SORTS, { errorMap: () => ({ message: "Choose a sort order from the list" }) }).default("newest")),
  cursor: z.preprocess(blank, z.string().max(300).regex(/^[A-Za-z0-9_-]+$/, "Malformed cursor").optional()),
  limit: z.preprocess(blank, z.coerce.number({ invalid_type_error: "Enter a number" }).int().min(1).max(100).default(50)),
});

export type TicketFilters = z.infer<typeof ZTicketFilters>;

/** The query string as one raw value per key: repeated status/priority values joined with commas. */
export function rawTicketFilters(url: URL): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const key of TICKET_FILTER_KEYS) {
    if (!url.searchParams.has(key)) continue;
    raw[key] = MULTI_KEYS.includes(key) ? url.searchParams.getAll(key).join(",") : (url.searchParams.get(key) ?? "");
  }
  return raw;
}

export type TicketQuery = { kind: "number"; number: number; exact: boolean; text: string } | { kind: "email"; email: string } | { kind: "text"; text: string };

/**
 * What a search means: "#12" is ticket number 12; "12" is ticket 12 or a subject containing
 * "12"; anything with an "@" a customer email (exact, any case); anything else a subject
 * fragment (any case).
 */
export function classifyTicketQuery(q: string): TicketQuery {
  const text = q.trim();
  const number = /^(#)?\s*(\d{1,9})$/.exec(text);
  if (number) return { kind: "number", number: Number(number[2]), exact: number[1] === "#", text };
  if (text.includes("@")) return { kind: "email", email: text.toLowerCase() };
  return { kind: "text", text };
}
