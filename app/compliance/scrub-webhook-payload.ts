/**
 * Stored webhook payloads (the inbox) of a redacted customer: REST-shaped JSON that names the
 * customer in known places (customer, billing/shipping/default addresses, destinations, email,
 * phone, notes). Read by shape, not by topic, so the many topics and their variations are all
 * covered; the ids stay, so the delivery still says what it was about. Pure.
 */
import type { RedactionSubject } from "./redaction-record.server";
import { identifiers, mergeIdentifiers, scrubJson, type CustomerIdentifiers } from "./customer-identifiers";

type Json = unknown;
type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => Boolean(value) && typeof value === "object" && !Array.isArray(value);
const text = (value: unknown) => (typeof value === "string" ? value : typeof value === "number" ? String(value) : null);

/** Objects about a person or their place: only their ids survive. */
const PERSON_KEYS = new Set(["customer", "billing_address", "shipping_address", "default_address", "destination", "client_details"]);
const PERSON_LIST_KEYS = new Set(["addresses"]);
/** Scalars that identify someone or are their own words. */
const PII_KEYS = new Set(["email", "contact_email", "phone", "first_name", "last_name", "browser_ip", "note", "customer_note", "return_reason_note"]);
/** Lists of the customer's own words (checkout attributes, line item properties such as an engraving). */
const FREE_TEXT_LIST_KEYS = new Set(["note_attributes", "properties"]);
const ID_KEYS = ["id", "admin_graphql_api_id", "customer_id"];

function keepIds(value: unknown): unknown {
  if (!isObject(value)) return null;
  const ids = Object.fromEntries(ID_KEYS.filter((key) => key in value).map((key) => [key, value[key]]));
  return Object.keys(ids).length ? ids : null;
}

function scrubShape(node: Json): Json {
  if (Array.isArray(node)) return node.map(scrubShape);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (PERSON_KEYS.has(key)) return [key, keepIds(value)];
      if (PERSON_LIST_KEYS.has(key)) return [key, Array.isArray(value) ? value.map(keepIds) : null];
      if (PII_KEYS.has(key)) return [key, value === null || value === undefined ? value : null];
      if (FREE_TEXT_LIST_KEYS.has(key)) return [key, Array.isArray(value) ? [] : null];
      return [key, scrubShape(value)];
    }),
  );
}

/** The names, emails, phones and streets a payload carries (to find them in its free text too). */
export function payloadIdentifiers(payload: Json): CustomerIdentifiers {
  const found: CustomerIdentifiers[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    const first = text(node.first_name);
    const last = text(node.last_name);
    found.push(
      identifiers({
        names: [[first, last].filter(Boolean).join(" "), "address1" in node || "first_name" in node ? text(node.name) : null],
        emails: [text(node.email), text(node.contact_email)],
        phones: [text(node.phone)],
        streets: [text(node.address1), text(node.address2)],
      }),
    );
    Object.values(node).forEach(walk);
  };
  walk(payload);
  return mergeIdentifiers(...found);
}

const gid = (type: "Order" | "Customer", value: unknown) => {
  const raw = text(value);
  if (!raw) return null;
  if (raw.startsWith(`gid://shopify/${type}/`)) return raw;
  return /^\d+$/.test(raw) ? `gid://shopify/${type}/${raw}` : null;
};

/** Which customers and orders a payload is about, by shape (what a redaction record is matched against). */
export function payloadReferences(topic: string, payload: Json): RedactionSubject {
  const customers = new Set<string>();
  const orders = new Set<string>();
  const emails: string[] = [];
  const phones: string[] = [];
  const add = (set: Set<string>, value: string | null) => value && set.add(value);
  if (isObject(payload)) {
    if (topic.startsWith("orders/")) add(orders, gid("Order", payload.admin_graphql_api_id) ?? gid("Order", payload.id));
    if (topic.startsWith("customers/") && !topic.endsWith("redact") && !topic.endsWith("data_request")) add(customers, gid("Customer", payload.admin_graphql_api_id) ?? gid("Customer", payload.id));
    for (const key of ["orders_to_redact", "orders_requested"]) {
      const list = payload[key];
      if (Array.isArray(list)) list.forEach((id) => add(orders, gid("Order", id)));
    }
  }
  const walk = (node: Json, parentKey: string | null) => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item, parentKey));
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "order_id") add(orders, gid("Order", value));
      if (key === "admin_graphql_api_id") {
        add(orders, typeof value === "string" && value.startsWith("gid://shopify/Order/") ? value : null);
        add(customers, typeof value === "string" && value.startsWith("gid://shopify/Customer/") ? value : null);
      }
      if (key === "id" && parentKey === "customer") add(customers, gid("Customer", value));
      if (key === "id" && parentKey === "order") add(orders, gid("Order", value));
      if ((key === "email" || key === "contact_email") && typeof value === "string") emails.push(value);
      if (key === "phone" && typeof value === "string") phones.push(value);
      walk(value, key);
    }
  };
  walk(payload, null);
  return { customerShopifyIds: [...customers], orderShopifyIds: [...orders], emails, phones };
}

/** The payload without the customer: their objects reduced to ids, their scalars nulled, their identifiers out of every other string. */
export function scrubWebhookPayload(payload: Json, known: CustomerIdentifiers): Json {
  const ids = mergeIdentifiers(known, payloadIdentifiers(payload));
  return scrubJson(scrubShape(payload), ids);
}
