/**
 * Text PostgreSQL cannot store, found at the input boundary (every JSON body, form, route
 * parameter and query string goes through `validateInput` in http.server.ts, which calls this
 * before any schema), so a NUL byte or a broken UTF-16 character is a 400 naming the field
 * instead of a 500 from the database.
 *
 * What is refused, and why it is refused rather than stripped:
 * - U+0000 (NUL): `text` columns reject it ("invalid byte sequence") and `jsonb` rejects the
 *   `\u0000` escape, so it can reach neither a ticket nor an audit row nor a run's input.
 * - A lone surrogate (half of a UTF-16 pair, e.g. "\ud83d" without its partner): `jsonb`
 *   rejects it, and a `text` column silently gets U+FFFD instead, i.e. other text than sent.
 * Stripping would store something other than what the person typed or the sender signed
 * (the intake API signs the raw body), and would give two different inputs one idempotency
 * fingerprint. No honest client sends either character: refusing loses nothing, and the
 * message says which field to fix.
 *
 * The same walk refuses a field named `__proto__`: JSON.parse keeps it as an ordinary key, but
 * no code can copy it by assignment (that sets the prototype), so zod drops it silently where
 * every other unknown field is refused. Refused here, it is named like them.
 */

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- matching U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const NUL_MESSAGE = "Remove the invisible null character (U+0000): it cannot be saved";
export const BROKEN_CHARACTER_MESSAGE = "Contains a broken character (half of an emoji or symbol): retype or remove it";
export const FIELD_NAME_MESSAGE = "A field name contains a null or broken character";
export const PROTO_KEY_MESSAGE = "A field named __proto__ is not allowed";

/** At most this many fields are named: enough to fix the input, bounded for a hostile one. */
const MAX_ISSUES = 20;
/** A field deeper than this is named by its first segments: no real form nests so deep. */
const MAX_PATH_DEPTH = 32;

export interface TextIssue {
  path: Array<string | number>;
  message: string;
}

/** Why `value` cannot be stored, or null when it can. */
export function unstorableTextReason(value: string): string | null {
  const match = UNSTORABLE.exec(value);
  if (!match) return null;
  return match[0] === "\u0000" ? NUL_MESSAGE : BROKEN_CHARACTER_MESSAGE;
}

interface Node {
  value: unknown;
  parent: Node | null;
  key: string | number | null;
}

function pathOf(node: Node): Array<string | number> {
  const path: Array<string | number> = [];
  for (let at: Node | null = node; at && at.key !== null; at = at.parent) path.push(at.key);
  path.reverse();
  return path.length > MAX_PATH_DEPTH ? path.slice(0, MAX_PATH_DEPTH) : path;
}

/**
 * Every string and every object key in `raw` (parsed JSON, a form, route parameters) that
 * cannot be stored, with its path. Iterative and linear: a 64 KB body can nest arrays 30,000
 * deep, which would overflow a recursive walk's stack, and copying the path at every level
 * would be quadratic (seconds of CPU per request). Paths are built only for the issues.
 */
export function unstorableTextIssues(raw: unknown): TextIssue[] {
  const issues: TextIssue[] = [];
  const stack: Node[] = [{ value: raw, parent: null, key: null }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") {
      const message = unstorableTextReason(value);
      if (message) issues.push({ path: pathOf(node), message });
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) stack.push({ value: value[index], parent: node, key: index });
    } else if (value !== null && typeof value === "object") {
      const keys = Object.keys(value);
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index];
        // A bad key is reported on its parent: the key itself cannot be shown as a field name.
        if (unstorableTextReason(key)) issues.push({ path: pathOf(node), message: FIELD_NAME_MESSAGE });
        else if (key === "__proto__") issues.push({ path: pathOf(node), message: PROTO_KEY_MESSAGE });
        else stack.push({ value: (value as Record<string, unknown>)[key], parent: node, key });
      }
    }
  }
  return issues;
}
