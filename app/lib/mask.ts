/**
 * Masking of customers' personal data for staff without customers.pii: keep just enough to
 * recognise a customer on the phone ("j***@e***.com", "J. D.", "***91", the city), never
 * enough to contact them. Pure and shared by the server (loaders mask before anything leaves)
 * and the pages. Masking happens on the server: a masked page's data never holds the original.
 */

const STARS = "***";

/** "jane.doe@example.com" -> "j***@e***.com"; anything that is not an email -> "***". */
export function maskEmail(email: string | null | undefined): string | null {
  if (email === null || email === undefined || email.trim() === "") return null;
  const text = email.trim();
  const at = text.lastIndexOf("@");
  if (at <= 0 || at === text.length - 1) return STARS;
  const local = text.slice(0, at);
  const labels = text.slice(at + 1).split(".");
  const tld = labels.length > 1 ? labels.pop()! : null;
  return `${firstChar(local)}${STARS}@${firstChar(labels[0] ?? "")}${STARS}${tld ? `.${tld}` : ""}`;
}

/** "+49 30 1234567" -> "***67": the last two digits, only for numbers long enough to hide the rest. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined || phone.trim() === "") return null;
  const digits = phone.replace(/\D/g, "");
  return digits.length >= 7 ? `${STARS}${digits.slice(-2)}` : STARS;
}

/** "Jane Doe" -> "J. D.", "jane" -> "J.". */
export function maskName(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  const parts = nameParts(name);
  if (parts.length === 0) return null;
  return parts.map((part) => `${firstChar(part).toLocaleUpperCase("en")}.`).join(" ");
}

export interface AddressLike {
  name?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  zip?: string | null;
  country?: string | null;
  countryCode?: string | null;
  phone?: string | null;
  [key: string]: string | null | undefined;
}

/** Only the region survives (city, province, country); name, street, zip and phone are null. */
export function maskAddress<T extends AddressLike>(address: T | null | undefined): T | null {
  if (!address) return null;
  const kept = new Set(["city", "province", "country", "countryCode"]);
  return Object.fromEntries(Object.entries(address).map(([key, value]) => [key, kept.has(key) ? (value ?? null) : null])) as T;
}

/** What is known about one customer, to find in free text (timeline titles, notes). */
export interface KnownPii {
  names?: Array<string | null | undefined>;
  emails?: Array<string | null | undefined>;
  phones?: Array<string | null | undefined>;
  /** Street lines, zips: replaced by "[address]". */
  addressParts?: Array<string | null | undefined>;
}

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * Masks a customer's known personal data inside free text (Shopify's event messages say
 * "Order confirmation email was sent to Jane Doe (jane@example.com)"): known emails and phones,
 * any other email address, then street lines, full names and each name part as whole words.
 */
export function maskText(text: string | null | undefined, known: KnownPii): string | null {
  if (text === null || text === undefined) return null;
  const literal: Array<[string, string]> = [
    ...clean(known.emails).map((email): [string, string] => [email, maskEmail(email) ?? STARS]),
    ...clean(known.phones).map((phone): [string, string] => [phone, maskPhone(phone) ?? STARS]),
  ];
  const names = clean(known.names);
  const words: Array<[string, string]> = [
    ...clean(known.addressParts).map((part): [string, string] => [part, "[address]"]),
    ...names.map((name): [string, string] => [name, maskName(name) ?? STARS]),
    ...[...new Set(names.flatMap(nameParts))].filter((part) => part.length >= 2).map((part): [string, string] => [part, maskName(part) ?? STARS]),
  ];
  // Emails and phones first (a name part must not eat into an email), then the longest first,
  // so "Jane Doe" goes before "Jane".
  const byLength = (a: [string, string], b: [string, string]) => b[0].length - a[0].length;
  let result = text;
  for (const [needle, replacement] of literal.sort(byLength)) result = result.replace(new RegExp(escapeRegExp(needle), "giu"), replacement);
  result = result.replace(EMAIL_PATTERN, (email) => maskEmail(email) ?? STARS);
  for (const [needle, replacement] of words.sort(byLength)) {
    result = result.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(needle)}(?![\\p{L}\\p{N}])`, "giu"), replacement);
  }
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function clean(values: Array<string | null | undefined> | undefined): string[] {
  return [...new Set((values ?? []).map((value) => value?.trim() ?? "").filter((value) => value.length > 0))];
}

function nameParts(name: string): string[] {
  return name
    .trim()
    .split(/[\s,]+/)
    .filter((part) => /[\p{L}\p{N}]/u.test(part));
}

/** The first character (a whole code point, so "Ömer" keeps its Ö). */
function firstChar(text: string): string {
  return Array.from(text)[0] ?? "";
}
