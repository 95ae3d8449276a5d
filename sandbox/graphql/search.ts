/**
 * A subset of Shopify's search syntax for the `query` argument:
 *
 *   financial_status:paid fulfillment_status:unshipped          (implicit AND)
 *   updated_at:>'2026-01-01T00:00:00Z' name:#1001 email:a@b.c   (comparators > >= < <=)
 *   -tag:gift  NOT status:closed  (a OR b)  "free text"
 *
 * Terms on fields a resource does not support are ignored (match everything) and reported
 * as warnings, which is what Shopify does too.
 */

export type Comparator = ":" | ">" | ">=" | "<" | "<=";

export type SearchNode =
  | { kind: "term"; field: string | null; comparator: Comparator; value: string; negated: boolean }
  | { kind: "and"; children: SearchNode[]; negated: boolean }
  | { kind: "or"; children: SearchNode[]; negated: boolean };

export interface SearchWarning {
  field: string;
  message: string;
}

export type TermMatcher<T> = (record: T, term: { comparator: Comparator; value: string }) => boolean;

export interface SearchFields<T> {
  /** Matchers by field name (lowercase). */
  fields: Readonly<Record<string, TermMatcher<T>>>;
  /** Matcher for terms without a field. */
  text: (record: T, value: string) => boolean;
}

type Token = { kind: "word"; text: string } | { kind: "open" } | { kind: "close" };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(") {
      tokens.push({ kind: "open" });
      i++;
      continue;
    }
    if (ch === ")") {
      tokens.push({ kind: "close" });
      i++;
      continue;
    }
    let text = "";
    let quote: string | null = null;
    while (i < query.length) {
      const c = query[i] as string;
      if (quote) {
        if (c === "\\" && i + 1 < query.length) {
          text += query[i + 1];
          i += 2;
          continue;
        }
        if (c === quote) quote = null;
        else text += c;
        i++;
        continue;
      }
      if (c === "'" || c === '"') {
        quote = c;
        i++;
        continue;
      }
      if (/\s/.test(c) || c === "(" || c === ")") break;
      text += c;
      i++;
    }
    tokens.push({ kind: "word", text });
  }
  return tokens;
}

function parseTerm(text: string, negated: boolean): SearchNode {
  let raw = text;
  let negate = negated;
  if (raw.startsWith("-") && raw.length > 1) {
    negate = !negate;
    raw = raw.slice(1);
  }
  const colon = raw.indexOf(":");
  // "name:#1001" has a field; a bare URL-ish value like "http://x" does not, but Shopify
  // treats any leading word followed by ':' as a field, so do the same.
  if (colon > 0 && /^[a-z_][a-z0-9_.]*$/i.test(raw.slice(0, colon))) {
    const field = raw.slice(0, colon).toLowerCase();
    let rest = raw.slice(colon + 1);
    let comparator: Comparator = ":";
    for (const op of [">=", "<=", ">", "<"] as const) {
      if (rest.startsWith(op)) {
        comparator = op;
        rest = rest.slice(op.length);
        break;
      }
    }
    return { kind: "term", field, comparator, value: rest, negated: negate };
  }
  return { kind: "term", field: null, comparator: ":", value: raw, negated: negate };
}

export function parseSearchQuery(query: string): SearchNode {
  const tokens = tokenize(query);
  let position = 0;

  const parseOr = (): SearchNode => {
    const groups: SearchNode[] = [parseAnd()];
    while (position < tokens.length) {
      const token = tokens[position] as Token;
      if (token.kind === "word" && token.text === "OR") {
        position++;
        groups.push(parseAnd());
      } else break;
    }
    return groups.length === 1 ? (groups[0] as SearchNode) : { kind: "or", children: groups, negated: false };
  };

  const parseAnd = (): SearchNode => {
    const children: SearchNode[] = [];
    let negateNext = false;
    while (position < tokens.length) {
      const token = tokens[position] as Token;
      if (token.kind === "close") break;
      if (token.kind === "word" && token.text === "OR") break;
      position++;
      if (token.kind === "open") {
        const inner = parseOr();
        if (tokens[position]?.kind === "close") position++;
        children.push(negateNext ? { ...inner, negated: !inner.negated } : inner);
        negateNext = false;
        continue;
      }
      if (token.text === "AND" || token.text === "") continue;
      if (token.text === "NOT") {
        negateNext = !negateNext;
        continue;
      }
      children.push(parseTerm(token.text, negateNext));
      negateNext = false;
    }
    return children.length === 1 ? (children[0] as SearchNode) : { kind: "and", children, negated: false };
  };

  const root = parseOr();
  // A stray closing parenthesis: keep what follows it instead of dropping it.
  if (position < tokens.length) {
    position++;
    return { kind: "and", children: [root, parseOr()], negated: false };
  }
  return root;
}

/** Builds a predicate for `query`; unknown fields are ignored and reported in `warnings`. */
export function compileSearch<T>(query: string | null | undefined, spec: SearchFields<T>, warnings: SearchWarning[] = []): (record: T) => boolean {
  if (!query || !query.trim()) return () => true;
  const root = parseSearchQuery(query);
  const reported = new Set<string>();
  const build = (node: SearchNode): ((record: T) => boolean) => {
    let predicate: (record: T) => boolean;
    if (node.kind === "term") {
      if (node.field === null) {
        const value = node.value;
        predicate = value === "" ? () => true : (record) => spec.text(record, value);
      } else {
        const matcher = spec.fields[node.field];
        if (!matcher) {
          if (!reported.has(node.field)) {
            reported.add(node.field);
            warnings.push({ field: node.field, message: "Invalid search field for this query." });
          }
          return () => true;
        }
        const term = { comparator: node.comparator, value: node.value };
        predicate = (record) => matcher(record, term);
      }
    } else {
      const children = node.children.map(build);
      predicate = node.kind === "and" ? (record) => children.every((c) => c(record)) : (record) => children.some((c) => c(record));
    }
    return node.negated ? (record) => !predicate(record) : predicate;
  };
  return build(root);
}

// ---- matcher helpers ----

/** Case-insensitive equality; a trailing `*` makes it a prefix match. */
export function matchText(actual: string | null | undefined, wanted: string): boolean {
  if (actual === null || actual === undefined) return false;
  const a = actual.toLowerCase();
  const w = wanted.toLowerCase();
  return w.endsWith("*") ? a.startsWith(w.slice(0, -1)) : a === w;
}

/** Parses ISO timestamps and plain dates (UTC midnight); returns null when unparseable. */
export function parseSearchDate(value: string): { start: number; end: number } | null {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const start = Date.parse(`${trimmed}T00:00:00Z`);
    return Number.isFinite(start) ? { start, end: start + 86_400_000 } : null;
  }
  const ms = Date.parse(trimmed);
  if (!Number.isFinite(ms)) return null;
  const start = Math.floor(ms / 1000) * 1000;
  return { start, end: start + 1000 };
}

/** Compares an ISO timestamp against a date term; a plain date covers its whole day. */
export function matchDate(actual: string | null | undefined, term: { comparator: Comparator; value: string }): boolean {
  if (!actual) return false;
  const range = parseSearchDate(term.value);
  if (!range) return false;
  const ms = Date.parse(actual);
  switch (term.comparator) {
    case ">":
      return ms >= range.end;
    case ">=":
      return ms >= range.start;
    case "<":
      return ms < range.start;
    case "<=":
      return ms < range.end;
    default:
      return ms >= range.start && ms < range.end;
  }
}

export function matchNumber(actual: number | null | undefined, term: { comparator: Comparator; value: string }): boolean {
  if (actual === null || actual === undefined) return false;
  const wanted = Number(term.value);
  if (!Number.isFinite(wanted)) return false;
  switch (term.comparator) {
    case ">":
      return actual > wanted;
    case ">=":
      return actual >= wanted;
    case "<":
      return actual < wanted;
    case "<=":
      return actual <= wanted;
    default:
      return actual === wanted;
  }
}
