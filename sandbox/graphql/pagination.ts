/**
 * Relay connections over in-memory arrays, with Shopify-like opaque cursors.
 *
 * Cursors are keyset cursors (base64 of `{"last_id":…,"last_value":…}`, the shape Shopify
 * uses) rather than offsets, so a page boundary survives records being added or updated
 * between requests, as it does against the real API.
 */
import { GraphQLError } from "graphql";
import { legacyIdOf } from "../store/gid";

export type SortValue = string | number | boolean | null;

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Edge<T> {
  __typename?: string;
  cursor: string;
  node: T;
}

export interface PageInfo {
  __typename: "PageInfo";
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  __typename?: string;
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
}

export interface PaginateOptions<T> {
  /** Value to sort by (ascending before `reverse`); omit to keep the array order. */
  sortValue?: (item: T, index: number) => SortValue;
  /** Tie-breaker and cursor id; defaults to the numeric tail of `item.id`, else the index. */
  idOf?: (item: T, index: number) => number;
  connectionTypeName?: string;
  edgeTypeName?: string;
  /** Shopify rejects connections queried without `first` or `last`. */
  requireWindow?: boolean;
}

interface CursorKey {
  id: number;
  value: SortValue;
}

export function isConnection(value: unknown): value is Connection<unknown> {
  return typeof value === "object" && value !== null && "pageInfo" in value && ("edges" in value || "nodes" in value);
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ last_id: key.id, last_value: key.value }), "utf8").toString("base64");
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown; last_value?: unknown };
    const value = parsed.last_value;
    if (
      typeof parsed.last_id === "number" &&
      (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    ) {
      return { id: parsed.last_id, value };
    }
  } catch {
    // Fall through to the API error below.
  }
  throw new GraphQLError("Invalid cursor for current pagination sort.", { extensions: { code: "BAD_REQUEST" } });
}

export function compareSortValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareKeys(a: CursorKey, b: CursorKey): number {
  return compareSortValues(a.value, b.value) || a.id - b.id;
}

function defaultId(item: unknown, index: number): number {
  if (typeof item === "object" && item !== null) {
    const id = (item as { id?: unknown }).id;
    if (typeof id === "string") {
      const numeric = legacyIdOf(id);
      if (numeric !== null) return numeric;
    }
  }
  return index;
}

export function paginate<T>(items: readonly T[], args: PageArgs, options: PaginateOptions<T> = {}): Connection<T> {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (options.requireWindow !== false && first === null && last === null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  const idOf = options.idOf ?? defaultId;
  const sortValue = options.sortValue;
  const keyed = items.map((item, index) => ({
    item,
    key: { id: idOf(item, index), value: sortValue ? sortValue(item, index) : index } as CursorKey,
  }));
  if (sortValue) keyed.sort((a, b) => compareKeys(a.key, b.key));
  const direction = args.reverse ? -1 : 1;
  if (direction < 0) keyed.reverse();
  const inOrder = (a: CursorKey, b: CursorKey) => direction * compareKeys(a, b);

  let start = 0;
  let end = keyed.length;
  if (args.after) {
    const key = decodeCursor(args.after);
    start = lowerBound(keyed, (entry) => inOrder(entry.key, key) > 0);
  }
  if (args.before) {
    const key = decodeCursor(args.before);
    end = Math.max(start, lowerBound(keyed, (entry) => inOrder(entry.key, key) >= 0));
  }
  let from = start;
  let to = end;
  if (first !== null) to = Math.min(to, from + Math.max(0, first));
  if (last !== null) from = Math.max(from, to - Math.max(0, last));

  const page = keyed.slice(from, to);
  const edges = page.map((entry) => ({
    ...(options.edgeTypeName ? { __typename: options.edgeTypeName } : {}),
    cursor: encodeCursor(entry.key),
    node: entry.item,
  }));
  return {
    ...(options.connectionTypeName ? { __typename: options.connectionTypeName } : {}),
    edges,
    nodes: page.map((entry) => entry.item),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: to < keyed.length,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** First index whose entry satisfies a predicate that is monotone over the sorted array. */
function lowerBound<E>(entries: readonly E[], predicate: (entry: E) => boolean): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (predicate(entries[mid] as E)) high = mid;
    else low = mid + 1;
  }
  return low;
}
