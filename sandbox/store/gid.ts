/** Shopify global IDs: `gid://shopify/<Type>/<numeric id>[?query]`. */
import type { Gid, Ref } from "./types";

const GID_PATTERN = /^gid:\/\/shopify\/([A-Za-z0-9]+)\/([^/?#]+)(?:\?.*)?$/;

export function toGid(type: string, id: number | string): Gid {
  return `gid://shopify/${type}/${id}`;
}

export function parseGid(gid: string): { type: string; id: string } | null {
  const match = GID_PATTERN.exec(gid);
  return match ? { type: match[1] as string, id: match[2] as string } : null;
}

/** The numeric tail of a GID, or null when the GID is malformed or not numeric. */
export function legacyIdOf(gid: string): number | null {
  const parsed = parseGid(gid);
  if (!parsed || !/^\d+$/.test(parsed.id)) return null;
  const value = Number(parsed.id);
  return Number.isSafeInteger(value) ? value : null;
}

export function ref(gid: Gid): Ref {
  return { __ref: gid };
}

export function isRef(value: unknown): value is Ref {
  return typeof value === "object" && value !== null && typeof (value as { __ref?: unknown }).__ref === "string";
}
