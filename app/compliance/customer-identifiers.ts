/**
 * What identifies one customer (names, emails, phones, street lines), and the one scrubber
 * that removes them from free text and JSON: shared by customers/redact (rows we already hold),
 * by every later ingest of a redacted customer's order (what Shopify sends again) and by the
 * webhook inbox. Pure: no database, no server.
 */
import { createHash } from "node:crypto";
import { redactText } from "../lib/redact";

export const REDACTED = "[redacted]";

export interface CustomerIdentifiers {
  names: string[];
  emails: string[];
  phones: string[];
  /** Street lines (address1, address2): replaced wherever they appear. */
  streets: string[];
}

export interface IdentifierInput {
  names?: Array<string | null | undefined>;
  emails?: Array<string | null | undefined>;
  phones?: Array<string | null | undefined>;
  streets?: Array<string | null | undefined>;
}

const clean = (values: Array<string | null | undefined> | undefined) => [...new Set((values ?? []).map((value) => value?.trim() ?? "").filter((value) => value.length > 0))];

/** Digits of a phone number long enough to be one (short numbers would match house numbers, amounts). */
const phoneDigits = (phone: string) => {
  const digits = phone.replace(/\D/g, "");
  return digits.length >= 7 ? digits : null;
};

export function identifiers(input: IdentifierInput): CustomerIdentifiers {
  return {
    names: clean(input.names),
    emails: clean(input.emails?.map((email) => email?.toLowerCase())),
    phones: clean(input.phones).filter((phone) => phoneDigits(phone) !== null),
    // A street line of a few characters ("1", "B") would replace far more than the address.
    streets: clean(input.streets).filter((street) => street.length >= 4),
  };
}

export function mergeIdentifiers(...sets: CustomerIdentifiers[]): CustomerIdentifiers {
  return identifiers({ names: sets.flatMap((set) => set.names), emails: sets.flatMap((set) => set.emails), phones: sets.flatMap((set) => set.phones), streets: sets.flatMap((set) => set.streets) });
}

export const isEmpty = (ids: CustomerIdentifiers) => ids.names.length + ids.emails.length + ids.phones.length + ids.streets.length === 0;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const wholeWord = (text: string) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(text)}(?![\\p{L}\\p{N}])`, "giu");
/** The same digits with any spacing or punctuation between them ("+49 30 123-4567"). */
const phonePattern = (digits: string) => new RegExp(`(?<!\\d)(?:\\+|00)?${digits.split("").join("[\\s().-]*")}(?!\\d)`, "g");

export interface ScrubOptions {
  /**
   * Also each part of a name ("Paul", "Klein") as a whole word. Right for rows that are about the
   * customer (their tickets, tasks, orders); too wide for a sweep of the whole shop, where
   * another "Paul" may be meant.
   */
  nameParts?: boolean;
  /**
   * Also any email address and phone-like number (lib/redact), known or not: for free text
   * (messages, titles, notes), never for JSON with ids in it (a GID's digits look like a phone).
   */
  anyContact?: boolean;
}

/** Replaces the customer's identifiers in free text by "[redacted]". */
export function scrubText(text: string, ids: CustomerIdentifiers, { nameParts = true, anyContact = false }: ScrubOptions = {}): string {
  let result = text;
  // Emails and phones first (a name part must not eat into an email), then the longest first,
  // so "Paul Klein" goes before "Paul".
  for (const email of [...ids.emails].sort((a, b) => b.length - a.length)) result = result.replace(new RegExp(escapeRegExp(email), "giu"), REDACTED);
  for (const digits of new Set(ids.phones.map(phoneDigits).filter((value): value is string => value !== null))) result = result.replace(phonePattern(digits), REDACTED);
  const parts = nameParts ? ids.names.flatMap((name) => name.split(/[\s,]+/)).filter((part) => part.length >= 2 && /[\p{L}\p{N}]/u.test(part)) : [];
  const words = [...new Set([...ids.streets, ...ids.names, ...parts])].sort((a, b) => b.length - a.length);
  for (const word of words) result = result.replace(wholeWord(word), REDACTED);
  return anyContact ? redactText(result) : result;
}

/** scrubText on every string of a JSON value (keys untouched); the same value when nothing changed. */
export function scrubJson<T>(value: T, ids: CustomerIdentifiers, options?: ScrubOptions): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return scrubText(node, ids, options);
    if (Array.isArray(node)) {
      const next = node.map(walk);
      return next.some((item, index) => item !== node[index]) ? next : node;
    }
    if (node && typeof node === "object") {
      const entries = Object.entries(node as Record<string, unknown>);
      const next = entries.map(([key, item]) => [key, walk(item)] as const);
      return next.some(([, item], index) => item !== entries[index][1]) ? Object.fromEntries(next) : node;
    }
    return node;
  };
  return walk(value) as T;
}

/**
 * ILIKE patterns that find a row holding any of the identifiers (as stored: names, emails,
 * street lines and the phone as written); the scrubber then decides what to replace.
 */
export function likePatterns(ids: CustomerIdentifiers): string[] {
  const escape = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
  return [...ids.emails, ...ids.names, ...ids.streets, ...ids.phones].map((value) => `%${escape(value)}%`);
}

/**
 * The digest a redaction record keeps of an email or a phone. The prefix makes it this app's
 * (a table of plain SHA-256 digests of known emails does not apply); it is still a digest of a
 * guessable value, which is why the record keeps nothing else about the person.
 */
export function identifierHash(kind: "email" | "phone", value: string | null | undefined): string | null {
  if (!value?.trim()) return null;
  const normalized = kind === "email" ? value.trim().toLowerCase() : phoneDigits(value);
  if (!normalized) return null;
  return createHash("sha256").update(`oac-customer-redaction:v1:${kind}:${normalized}`).digest("hex");
}
