/**
 * What the fuzz suites (tests/e2e/fuzz*.test.ts) share: a seeded generator, the hostile values
 * and bodies, the route inventory read from app/routes (so a new route without fuzz coverage
 * fails a test), a fingerprint of every table (so "nothing changed" means every row of every
 * table), and the checks every answer must pass.
 */
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import prisma from "../../app/db.server";
import { APP_ERROR_STATUS } from "../../app/lib/app-error";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET } from "../../sandbox/config";
import { signJwt } from "../../sandbox/session-token";
import { ROOT } from "../../server/paths";
import { TEST_APP_URL } from "../setup/app-env";
import { adminFetchRequest, call, type CallResult } from "./shopify";

const TEST_ORIGIN = new URL(TEST_APP_URL).origin;

// ---------------------------------------------------------------------------------------------
// Deterministic generation

/** mulberry32: a small, fast, seeded PRNG. The same seed gives the same cases on every run. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    /** `count` distinct items of `items`, in a seeded order. */
    sample<T>(items: readonly T[], count: number): T[] {
      const pool = [...items];
      for (let i = pool.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      return pool.slice(0, Math.min(count, pool.length));
    },
  };
}

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261012);

/**
 * A JSON literal that JSON.stringify cannot produce (1e400 parses to Infinity, a 30-digit
 * integer loses precision): spliced into the body text as is.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      raws.push(item.text);
      return `__raw_${raws.length - 1}__`;
    }
    return item;
  });
  return text.replace(/"__raw_(\d+)__"/g, (_match, index: string) => raws[Number(index)]);
}

/** Strings Postgres cannot store: each must be refused with 400 wherever text is accepted. */
export const UNSTORABLE_STRINGS: Record<string, string> = {
  nul: "before\u0000after",
  nulOnly: "\u0000",
  loneHigh: "half \ud83d emoji",
  loneLow: "\ude00 tail",
  swappedPair: "\ude00\ud83d",
};

/** Hostile text Postgres can store: refused where the field has a format, kept verbatim where it is free text. */
export const HOSTILE_STRINGS: Record<string, string> = {
  sql: "' OR '1'='1'; DROP TABLE \"Ticket\"; --",
  sqlUnion: "1 UNION SELECT \"accessToken\" FROM \"Session\"--",
  html: "<script>alert(1)</script><img src=x onerror=alert(1)>",
  traversal: "../../../../etc/passwd",
  traversalEncoded: "..%2F..%2F..%2Fetc%2Fpasswd",
  template: "{{7*7}}${7*7}%s%n%x",
  crlf: "a\r\nSet-Cookie: pwned=1",
  bidi: "\u202egnp.exe",
  zeroWidth: "\u200b\u200d\ufeff",
  proto: "__proto__",
  farDate: "99999-12-31",
  long: "x".repeat(20_000),
};

/** Values of the wrong type for a field that wants a string (or a number, or a boolean). */
export const WRONG_TYPES: Record<string, unknown> = {
  null: null,
  zero: 0,
  negative: -1,
  float: 1.5,
  huge: new RawJson("1e400"),
  hugeInteger: new RawJson("123456789012345678901234567890"),
  maxSafePlus: Number.MAX_SAFE_INTEGER + 2,
  true: true,
  false: false,
  emptyArray: [],
  array: ["a", "b"],
  emptyObject: {},
  object: { nested: "x" },
  protoObject: JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
};

/** Every field value the generator draws from, named for the failure messages. */
export const FIELD_VALUES: Array<[string, unknown]> = [
  ...Object.entries(UNSTORABLE_STRINGS),
  ...Object.entries(HOSTILE_STRINGS),
  ...Object.entries(WRONG_TYPES),
];

export interface BodyCase {
  name: string;
  /** The raw body: text, bytes, or form fields. */
  body: string | Uint8Array<ArrayBuffer>;
  contentType?: string | null;
  /** Every JSON body is strict: this case must be a 400 naming the field (`_`: the body itself). */
  field?: string;
}

/** Whole-body cases for a JSON endpoint, independent of its fields. */
export function jsonBodyCases(base: Record<string, unknown>): BodyCase[] {
  const valid = toJsonText(base);
  /** The base body with one more member written first, as raw JSON. */
  const withMember = (member: string) => (valid === "{}" ? `{${member}}` : `{${member},${valid.slice(1)}`);
  return [
    { name: "malformed: truncated", body: valid.slice(0, Math.max(1, valid.length - 2)) },
    { name: "malformed: trailing comma", body: '{"a":1,}' },
    { name: "malformed: single quotes", body: "{'a':1}" },
    { name: "malformed: NaN literal", body: '{"a":NaN}' },
    { name: "malformed: raw NUL byte in a string", body: '{"a":"x\u0000y"}' },
    { name: "malformed: empty", body: "" },
    { name: "malformed: invalid UTF-8", body: Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]) },
    { name: "wrong type: array", body: "[]" },
    { name: "wrong type: string", body: '"hello"' },
    { name: "wrong type: number", body: "42" },
    { name: "wrong type: null", body: "null" },
    { name: "wrong type: true", body: "true" },
    { name: "nesting 20,000 deep", body: `${"[".repeat(20_000)}${"]".repeat(20_000)}` },
    { name: "nesting 5,000 objects deep", body: `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}` },
    { name: "oversized: 70 KB", body: toJsonText({ ...base, padding: "p".repeat(70 * 1024) }) },
    { name: "oversized: 2 MB", body: toJsonText({ ...base, padding: "p".repeat(2 * 1024 * 1024) }) },
    { name: "content type: text/plain", body: valid, contentType: "text/plain" },
    { name: "content type: form", body: new URLSearchParams(Object.entries(base).map(([k, v]) => [k, String(v)])).toString(), contentType: "application/x-www-form-urlencoded" },
    { name: "content type: none", body: valid, contentType: null },
    { name: "unknown field", body: toJsonText({ ...base, unexpectedField: "x" }), field: "_" },
    { name: "prototype pollution: __proto__", body: withMember('"__proto__":{"polluted":true}'), field: "_" },
    { name: "prototype pollution: constructor.prototype", body: withMember('"constructor":{"prototype":{"polluted":true}}'), field: "_" },
    { name: "NUL in a field name", body: withMember('"fi\\u0000eld":"x"'), field: "_" },
    { name: "lone surrogate in a field name", body: withMember('"fi\\ud800eld":"x"'), field: "_" },
  ];
}

/**
 * Field cases for a JSON body: each field of `base` replaced by the unstorable strings (all of
 * them, always) and `perField` seeded draws from the other values; nested objects are walked.
 */
export interface FieldCase {
  name: string;
  body: Record<string, unknown>;
  /** The dotted path of the replaced field, as `fields` names it. */
  path: string;
  /** The value is a NUL or a lone surrogate: the answer must name `path`. */
  unstorable: boolean;
}

export function fieldCases(base: Record<string, unknown>, rng: ReturnType<typeof seeded>, perField = 4): FieldCase[] {
  const cases: FieldCase[] = [];
  const others = FIELD_VALUES.filter(([name]) => !(name in UNSTORABLE_STRINGS));
  const visit = (path: string[], value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) visit([...path, key], child);
      return;
    }
    // A list is a field (replaced whole) and its first item one too.
    if (Array.isArray(value) && value.length > 0) visit([...path, "0"], value[0]);
    const draws: Array<[string, unknown]> = [["nul", UNSTORABLE_STRINGS.nul], ["loneHigh", UNSTORABLE_STRINGS.loneHigh], ...rng.sample(others, perField)];
    for (const [name, replacement] of draws) {
      cases.push({ name: `${path.join(".")} = ${name}`, body: setPath(base, path, replacement), path: path.join("."), unstorable: name in UNSTORABLE_STRINGS });
    }
  };
  visit([], base);
  return cases;
}

function setPath(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path[path.length - 1]] = value;
  return copy;
}

/** Route parameter values ($id): none of them is one of our ids. */
export const PARAM_VALUES: Array<[string, string]> = [
  ["empty", ""],
  ["nul", "clxxxxxxxxxxxxxxxxxxxxxx\u0000"],
  ["replacement character", "\ufffd"],
  ["sql", "1' OR '1'='1"],
  ["traversal", "../../../../etc/passwd"],
  ["encoded traversal", "..%2F..%2Fapp"],
  ["html", "<script>alert(1)</script>"],
  ["uppercase cuid", "CLXXXXXXXXXXXXXXXXXXXXXX"],
  ["too long", "a".repeat(5_000)],
  ["__proto__", "__proto__"],
  ["constructor", "constructor"],
  ["gid", "gid://shopify/Order/1"],
];

/** Idempotency-Key header values that must be refused (NUL cannot be sent in a header at all). */
export const IDEMPOTENCY_KEY_VALUES: Array<[string, string | null]> = [
  ["missing", null],
  ["too short", "abc"],
  ["too long", "k".repeat(256)],
  ["spaces", "has spaces in it"],
  ["sql", "k' OR '1'='1"],
  ["traversal", "../../../etc/passwd"],
  // A header carries Latin-1 at most (the Fetch API refuses more): é is as far as a client gets.
  ["non-ASCII", "clé-idempotence"],
];

/** A well-formed id (a cuid's shape) that names nothing: the route validates, then finds nothing. */
export const NO_SUCH_ID = "cnosuchrow0000000000000a";

export interface TokenCase {
  name: string;
  token: string | null;
  /**
   * A request with no session token at all is not an API call gone wrong but a visit: the
   * Shopify library sends it to log in (a redirect to our own /auth/login), by design.
   */
  redirectTo?: RegExp;
  /** Fixed in another slice of issue 12 (kept apart so its cases are listed with the slice that fixed them). */
  pendingSlice?: string;
}

/**
 * Session tokens a route must refuse (401, or the library's bounce), for `shop` and staff
 * `userId`. The validly signed ones carry claims Shopify never issues (no exp, a `dest` that
 * is not this app's shop): only a leaked secret could make them, which is why they must still
 * be refused, not crash.
 */
export function tokenCases(shop: string, userId: number): TokenCase[] {
  const now = Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}, omit: string[] = []) => {
    const payload: Record<string, unknown> = { iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: SANDBOX_API_KEY, sub: String(userId), exp: now + 60, nbf: now, iat: now, jti: randomUUID(), sid: randomUUID(), ...overrides };
    for (const key of omit) delete payload[key];
    return payload;
  };
  const sign = (payload: Record<string, unknown>, secret = SANDBOX_API_SECRET) => signJwt(payload, secret);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return [
    { name: "no token", token: null, redirectTo: /^\/auth\/login(\?|$)/ },
    { name: "empty token", token: "" },
    { name: "not a JWT", token: "not-a-token" },
    { name: "three empty parts", token: ".." },
    { name: "forged signature", token: sign(claims(), "not-the-app-secret") },
    { name: "alg none", token: `${encode({ alg: "none", typ: "JWT" })}.${encode(claims())}.` },
    { name: "expired", token: sign(claims({ exp: now - 600, nbf: now - 660, iat: now - 660 })) },
    { name: "not valid yet", token: sign(claims({ nbf: now + 600, iat: now + 600, exp: now + 660 })) },
    { name: "another app's audience", token: sign(claims({ aud: "another-app" })) },
    { name: "16 KB of garbage", token: "a".repeat(16_000) },
    { name: "payload not JSON", token: `${encode({ alg: "HS256", typ: "JWT" })}.${Buffer.from("{not json").toString("base64url")}.sig` },
    { name: "no exp claim", token: sign(claims({}, ["exp"])), pendingSlice: "item 9 (tokens without exp refused)" },
    { name: "dest: a shop that never installed", token: sign(claims({ iss: "https://never-installed.myshopify.com/admin", dest: "https://never-installed.myshopify.com" })), pendingSlice: "intake (unknown shop in dest)" },
    { name: "dest: not a Shopify domain", token: sign(claims({ iss: "https://evil.example.com/admin", dest: "https://evil.example.com" })), pendingSlice: "intake (non-Shopify dest)" },
  ];
}

/** A JSON (or raw) POST from inside the app, with a session token, as App Bridge sends it. */
export function staffPost(path: string, options: { shop: string; userId: number; body?: BodyInit | null; contentType?: string | null; key?: string | null; token?: string | null }): Request {
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers["Content-Type"] = options.contentType ?? "application/json";
  if (options.key) headers["Idempotency-Key"] = options.key;
  return adminFetchRequest(path, { shop: options.shop, userId: options.userId, method: "POST", headers, body: options.body ?? null, token: options.token });
}

type RouteHandler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

/** A POST route of the embedded app, and a request it answers with a 4xx after validating it, writing nothing. */
export interface StaffRouteSpec {
  route: string;
  handler: RouteHandler;
  path: (params: Record<string, string>) => string;
  params: Record<string, string>;
  /** The JSON body; undefined for a route that reads none (only its token, path and key are input). */
  body?: Record<string, unknown>;
  /** An Idempotency-Key the route requires; the base uses one spent on another request (409). */
  key?: string;
  /** The form fields, for a form route (the body cases are then form cases). */
  form?: Record<string, string>;
  /** All token cases (otherwise a seeded sample of three): one route per file runs them all. */
  allTokens?: boolean;
  /**
   * For a route whose valid input always succeeds (nothing to refuse it after validation): a
   * draw the route's own schema accepts is a legitimate request, not fuzz, and is not sent.
   */
  legitimate?: (body: Record<string, unknown>) => boolean;
  /** Which kinds of case to make (default: all that apply). */
  parts?: ReadonlyArray<"tokens" | "params" | "key" | "body" | "fields">;
  /** Send only a seeded sample of this many field cases. */
  fieldSample?: number;
  /** The user who sends the requests (default: the caller's). */
  userId?: number;
}

export interface FuzzCase {
  name: string;
  run: () => Promise<CallResult>;
  /** The fuzzed field's path: a NUL or lone surrogate there must be named in `fields`. */
  field?: string;
  /** A redirect is the right answer here, to a Location matching this (same origin, a path). */
  redirectTo?: RegExp;
  /** This exact status, not just a 4xx (e.g. 403 before any validation for a role without the permission). */
  status?: number;
  /** For a page whose right answer is not a 4xx (the library's bounce page): why the outcome is wrong, or null. */
  check?: (outcome: FuzzOutcome) => string | null;
  pendingSlice?: string;
}

/** Every case for one staff route: tokens, route parameters, the Idempotency-Key, then the body. */
export function staffRouteCases(spec: StaffRouteSpec, caller: { shop: string; userId: number }, rng: ReturnType<typeof seeded>): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const who = { shop: caller.shop, userId: spec.userId ?? caller.userId };
  const wants = (part: "tokens" | "params" | "key" | "body" | "fields") => !spec.parts || spec.parts.includes(part);
  const send = (overrides: { params?: Record<string, string>; body?: BodyInit | null; contentType?: string | null; key?: string | null; token?: string | null }) => {
    const params = overrides.params ?? spec.params;
    const contentType = overrides.contentType !== undefined ? overrides.contentType : spec.form ? undefined : "application/json";
    const body = overrides.body !== undefined ? overrides.body : spec.form ? new URLSearchParams(spec.form) : spec.body ? toJsonText(spec.body) : null;
    const key = overrides.key !== undefined ? overrides.key : (spec.key ?? null);
    return () => call(() => spec.handler({ request: staffPost(spec.path(params), { ...who, body, contentType: spec.form && overrides.contentType === undefined ? null : contentType, key, token: overrides.token }), params, context: {} }));
  };
  if (wants("tokens")) {
    const tokens = tokenCases(who.shop, who.userId);
    for (const token of spec.allTokens ? tokens : rng.sample(tokens, 3)) cases.push({ name: `token: ${token.name}`, run: send({ token: token.token }), redirectTo: token.redirectTo, pendingSlice: token.pendingSlice });
  }
  if (wants("params")) {
    for (const name of Object.keys(spec.params)) {
      for (const [label, value] of PARAM_VALUES) cases.push({ name: `param ${name} = ${label}`, run: send({ params: { ...spec.params, [name]: value } }), field: label === "nul" ? name : undefined });
    }
  }
  if (spec.key && wants("key")) for (const [label, value] of IDEMPOTENCY_KEY_VALUES) cases.push({ name: `Idempotency-Key: ${label}`, run: send({ key: value }) });
  if (spec.body && wants("body")) {
    for (const bodyCase of jsonBodyCases(spec.body)) cases.push({ name: `body: ${bodyCase.name}`, run: send({ body: bodyCase.body, contentType: bodyCase.contentType }), field: bodyCase.field });
  }
  if (spec.body && wants("fields")) {
    const all = fieldCases(spec.body, rng).filter((fieldCase) => !spec.legitimate?.(fieldCase.body));
    for (const fieldCase of spec.fieldSample === undefined ? all : rng.sample(all, spec.fieldSample)) {
      cases.push({ name: `field ${fieldCase.name}`, run: send({ body: toJsonText(fieldCase.body) }), field: fieldCase.unstorable ? fieldCase.path : undefined });
    }
  }
  if (spec.form && wants("body")) for (const formCase of formCases(spec.form, rng)) cases.push({ name: `form: ${formCase.name}`, run: send({ body: formCase.body, contentType: formCase.contentType }), field: formCase.field });
  return cases;
}

/** A form's cases: each field as NUL and seeded hostile text, repeated or as a file, and bodies that are not a form. */
export function formCases(base: Record<string, string>, rng: ReturnType<typeof seeded>): Array<{ name: string; body: BodyInit; contentType?: string | null; field?: string }> {
  const cases: Array<{ name: string; body: BodyInit; contentType?: string | null; field?: string }> = [];
  const hostile = Object.entries(HOSTILE_STRINGS);
  for (const name of Object.keys(base)) {
    cases.push({ name: `${name} = nul`, body: new URLSearchParams({ ...base, [name]: UNSTORABLE_STRINGS.nul }), field: name });
    const multipart = new FormData();
    for (const [key, value] of Object.entries(base)) multipart.set(key, key === name ? UNSTORABLE_STRINGS.nulOnly : value);
    cases.push({ name: `${name} = nul (multipart)`, body: multipart, field: name });
    for (const [label, value] of rng.sample(hostile, 3)) cases.push({ name: `${name} = ${label}`, body: new URLSearchParams({ ...base, [name]: value }) });
    const repeated = new URLSearchParams(base);
    repeated.append(name, "second value");
    cases.push({ name: `${name} repeated`, body: repeated });
    const file = new FormData();
    for (const [key, value] of Object.entries(base)) if (key !== name) file.set(key, value);
    file.set(name, new Blob(["file contents"], { type: "text/plain" }), "../../etc/passwd");
    cases.push({ name: `${name} as a file upload`, body: file });
  }
  const valid = new URLSearchParams(base).toString();
  cases.push(
    { name: "JSON instead of a form", body: JSON.stringify(base), contentType: "application/json" },
    { name: "text/plain", body: valid, contentType: "text/plain" },
    { name: "multipart without a boundary", body: valid, contentType: "multipart/form-data" },
    { name: "multipart, broken", body: "--x\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nno end", contentType: "multipart/form-data; boundary=x" },
    { name: "oversized: 300 KB", body: new URLSearchParams({ ...base, message: "m".repeat(300 * 1024) }) },
    { name: "empty", body: "", contentType: "application/x-www-form-urlencoded" },
  );
  return cases;
}

/** Cases another slice of issue 12 fixes, apart: run in their own tests, which fail until that slice merges. */
export function splitPending(cases: FuzzCase[]): { own: FuzzCase[]; pending: Map<string, FuzzCase[]> } {
  const pending = new Map<string, FuzzCase[]>();
  for (const fuzzCase of cases) if (fuzzCase.pendingSlice) pending.set(fuzzCase.pendingSlice, [...(pending.get(fuzzCase.pendingSlice) ?? []), fuzzCase]);
  return { own: cases.filter((fuzzCase) => !fuzzCase.pendingSlice), pending };
}

// ---------------------------------------------------------------------------------------------
// Route inventory

export const ROUTES_DIR = join(ROOT, "app", "routes");

export interface RouteInventory {
  /** Route files (without .tsx) exporting an action: every one is a POST route to fuzz. */
  actions: string[];
  /** Route files exporting a loader. */
  loaders: string[];
}

/** Imports every route module under app/routes and lists which export an action or a loader. */
export async function routeInventory(): Promise<RouteInventory> {
  const files = readdirSync(ROUTES_DIR)
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .sort();
  const inventory: RouteInventory = { actions: [], loaders: [] };
  for (const file of files) {
    const module = (await import(/* @vite-ignore */ join(ROUTES_DIR, file))) as Record<string, unknown>;
    const name = file.replace(/\.tsx?$/, "");
    if (typeof module.action === "function") inventory.actions.push(name);
    if (typeof module.loader === "function") inventory.loaders.push(name);
  }
  return inventory;
}

/**
 * Which fuzz file covers each POST route. A route added under app/routes without an entry here
 * fails the inventory test; each fuzz file asserts that its own specs match its entries.
 */
export const POST_ROUTE_COVERAGE: Record<string, "fuzz.test.ts" | "fuzz-actions.test.ts" | "fuzz-public.test.ts"> = {
  "api.intake.tickets": "fuzz-public.test.ts",
  "auth.login": "fuzz-public.test.ts",
  "webhooks.$": "fuzz-public.test.ts",
  "webhooks.app.scopes_update": "fuzz-public.test.ts",
  "webhooks.app.uninstalled": "fuzz-public.test.ts",
  "app.action-center.orders.$id.actions.$type": "fuzz-actions.test.ts",
  "app.action-center.tickets.$id.actions.$type": "fuzz-actions.test.ts",
  "app.action-center.runs.$id.cancel": "fuzz.test.ts",
  "app.action-center.runs.$id.confirm": "fuzz.test.ts",
  "app.approvals.$id.approve": "fuzz.test.ts",
  "app.approvals.$id.deny": "fuzz.test.ts",
  "app.exceptions.$id.dismiss": "fuzz.test.ts",
  "app.exceptions.$id.retry": "fuzz.test.ts",
  "app.orders.$id.refresh": "fuzz.test.ts",
  "app.policy.simulate": "fuzz.test.ts",
  "app.policy.update": "fuzz.test.ts",
  "app.settings.intake-secret.reveal": "fuzz.test.ts",
  "app.settings.intake-secret.rotate": "fuzz.test.ts",
  "app.staff.$id.access": "fuzz.test.ts",
  "app.staff.$id.role": "fuzz.test.ts",
  "app.tickets.$id.update": "fuzz.test.ts",
  "app.tickets.new": "fuzz.test.ts",
  "app.return-reasons": "fuzz.test.ts",
};

/**
 * Loaders whose query string is input (filters, search, ids): fuzzed in fuzz-queries.test.ts.
 * The others read no query parameter of their own (only the library's shop/host/id_token):
 * their token and path are fuzzed with the public routes or not input at all.
 */
export const QUERY_LOADERS = [
  "app.approvals._index",
  "app.audit._index",
  "app.audit.export",
  "app.exceptions._index",
  "app.orders._index",
  "app.runs._index",
  "app.tickets._index",
  "app.tickets.new",
] as const;

export const LOADERS_WITHOUT_QUERY_INPUT: Record<string, string> = {
  _index: "redirects ?shop=... to /app unchanged (fuzzed in fuzz-public.test.ts)",
  "app._index": "Home: no query parameter of its own",
  "app.audit.$id": "path id only (parsed like every id)",
  "app.orders.$id": "path id only",
  "app.policy": "no query parameter of its own",
  "app.roles": "no query parameter of its own",
  "app.runs.$id": "path id only",
  "app.settings": "no query parameter of its own",
  "app.staff": "no query parameter of its own",
  "app.tickets.$id": "path id only",
  app: "the embedded shell: the library's shop/host/id_token only",
  "auth.$": "the library's auth paths (fuzzed in fuzz-public.test.ts)",
  "auth.login": "?shop=... (fuzzed in fuzz-public.test.ts)",
  "api.intake.tickets": "answers 405 to a GET",
  "app.return-reasons": "no query parameter of its own (the reason list for the return form)",
  "webhooks.$": "a GET is no delivery: 400 with the error body (app/webhooks/webhook-intake.test.ts)",
  "webhooks.app.scopes_update": "a GET is no delivery: 400 with the error body",
  "webhooks.app.uninstalled": "a GET is no delivery: 400 with the error body",
};

// ---------------------------------------------------------------------------------------------
// Nothing changed: a fingerprint of every table

/**
 * What the app changes on every authenticated request by design, excluded from the
 * fingerprint: write rate-limit counters count attempts (refused ones too: that is what a
 * limit on abuse is for); a staff member's lastSeenAt/updatedAt moves at most every 5 minutes;
 * an intake secret's lastUsedAt moves with every correctly signed request, before its body is
 * validated. pg-boss lives in its own schema and is not fingerprinted.
 */
const EXCLUDED_TABLES = new Set(["_prisma_migrations", "RateLimitCounter"]);
const EXCLUDED_COLUMNS: Record<string, string[]> = { StaffMember: ["lastSeenAt", "updatedAt"], IntakeSecret: ["lastUsedAt"] };

/**
 * Audit rows the app writes by design for requests that change nothing else: `authz.denied`
 * for a refused permission, committed even though the request fails
 * (app/rbac/require-permission.server.ts), and `audit.exported` for every CSV export. A batch
 * may allow them (`allowAudit`); it never allows any other row.
 */
export const DENIAL_AUDIT_ACTION = "authz.denied";
export const EXPORT_AUDIT_ACTION = "audit.exported";

let fingerprintTables: string[] | null = null;

export type Fingerprint = Record<string, { rows: number; hash: string }>;

/**
 * One query: per table, its row count and a checksum of its rows (order-independent). Audit rows
 * whose action is in `allowAudit` are left out (see DENIAL_AUDIT_ACTION).
 */
export async function fingerprint(options: { allowAudit?: readonly string[] } = {}): Promise<Fingerprint> {
  if (!fingerprintTables) {
    const tables = await prisma.$queryRaw<Array<{ tablename: string }>>`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`;
    fingerprintTables = tables.map(({ tablename }) => tablename).filter((table) => !EXCLUDED_TABLES.has(table));
  }
  const sql = fingerprintTables
    .map((table) => {
      const row = (EXCLUDED_COLUMNS[table] ?? []).reduce((expr, column) => `(${expr} - '${column}')`, "to_jsonb(t)");
      const allowed = table === "AuditLog" ? (options.allowAudit ?? []) : [];
      const where = allowed.length ? ` WHERE t.action NOT IN (${allowed.map((action) => `'${action.replace(/'/g, "''")}'`).join(", ")})` : "";
      // A sum of per-row hashes: independent of row order, and no sort of every row's text.
      return `SELECT '${table}' AS "table", count(*)::int AS rows, coalesce(sum(hashtextextended(${row}::text, 0)::numeric), 0)::text AS hash FROM "${table}" t${where}`;
    })
    .join(" UNION ALL ");
  const rows = await prisma.$queryRawUnsafe<Array<{ table: string; rows: number; hash: string }>>(sql);
  return Object.fromEntries(rows.map((row) => [row.table, { rows: row.rows, hash: row.hash }]));
}

/** The tables whose rows differ between two fingerprints. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => before[table]?.hash !== after[table]?.hash || before[table]?.rows !== after[table]?.rows);
}

/** The write limits count attempts: clear them so a fuzz run tests validation, not the limiter. */
export async function resetRateLimits() {
  await prisma.rateLimitCounter.deleteMany({});
}

// ---------------------------------------------------------------------------------------------
// The checks every answer passes

export interface FuzzOutcome {
  route: string;
  case: string;
  status: number;
  body: unknown;
  headers: Headers;
  /** A thrown non-Response error: Remix answers it with 500. */
  crash?: string;
}

/** Runs a loader/action like `call`, but a thrown error becomes a 500 outcome instead of a test crash. */
export async function attempt(route: string, name: string, fn: () => Promise<CallResult>): Promise<FuzzOutcome> {
  try {
    const result = await fn();
    return { route, case: name, status: result.status, body: result.body, headers: result.headers };
  } catch (error) {
    return { route, case: name, status: 500, body: null, headers: new Headers(), crash: error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error) };
  }
}

const CODES = Object.keys(APP_ERROR_STATUS);

/** Why an outcome breaks the contract, or null: a 4xx, and the standard error body when it is JSON. */
export function contractViolation(outcome: FuzzOutcome, options: { allowRedirect?: boolean } = {}): string | null {
  const { status, body, headers } = outcome;
  if (outcome.crash) return `threw ${outcome.crash}`;
  const redirect = options.allowRedirect && status >= 300 && status < 400;
  if (!redirect && (status < 400 || status >= 500)) return `answered ${status} ${preview(body)}`;
  if (status === 429) return "answered 429: the fuzz run hit a rate limit instead of validation";
  const isJson = typeof body === "object" && body !== null;
  if (!isJson) {
    // Only the Shopify library's own answers (401 with a retry header, auth bounces) are not JSON.
    const contentType = headers.get("content-type") ?? "";
    if (/json/.test(contentType)) return `answered JSON that does not parse: ${preview(body)}`;
    return null;
  }
  const error = (body as { error?: Record<string, unknown> }).error;
  if (!error || typeof error !== "object") return `answered ${status} without an error body: ${preview(body)}`;
  if (typeof error.code !== "string" || !CODES.includes(error.code)) return `error.code ${String(error.code)} is not an AppError code`;
  if (APP_ERROR_STATUS[error.code as keyof typeof APP_ERROR_STATUS] !== status) return `error.code ${error.code} with status ${status}`;
  if (typeof error.message !== "string" || error.message.length === 0) return "error.message is missing";
  if (typeof error.correlationId !== "string" || error.correlationId.length === 0) return "error.correlationId is missing";
  const header = headers.get("X-Request-Id");
  // A replay answers the stored original: its body keeps the first request's correlation id.
  if (header !== null && header !== error.correlationId && headers.get("Idempotent-Replayed") !== "true") return `X-Request-Id ${header} differs from correlationId ${String(error.correlationId)}`;
  if (error.fields !== undefined) {
    const fields = error.fields as Record<string, unknown>;
    if (typeof fields !== "object" || fields === null || Object.values(fields).some((messages) => !Array.isArray(messages) || messages.some((message) => typeof message !== "string"))) {
      return `error.fields is not { field: string[] }: ${preview(fields)}`;
    }
  }
  return null;
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return (text ?? String(value)).slice(0, 200);
}

/** Nothing on Object.prototype changed: a __proto__ body must not pollute the process. */
export function prototypeIntact(): string | null {
  const probe = {} as Record<string, unknown>;
  return probe.polluted !== undefined || Object.prototype.hasOwnProperty.call(Object.prototype, "polluted") ? "Object.prototype was polluted" : null;
}

/**
 * Runs a batch of cases against one route: every outcome must keep the contract, a NUL or lone
 * surrogate in a field must be a 400 naming it, and no table may change. The fingerprint is
 * taken around each case, so a failure names the case that wrote.
 */
export async function expectNothingChanges(route: string, cases: FuzzCase[], options: { allowRedirect?: boolean; allowAudit?: readonly string[] } = {}) {
  const problems: string[] = [];
  const outcomes: FuzzOutcome[] = [];
  let before = await fingerprint(options);
  for (const fuzzCase of cases) {
    await resetRateLimits();
    const outcome = await attempt(route, fuzzCase.name, fuzzCase.run);
    outcomes.push(outcome);
    const violation =
      (fuzzCase.check ? (outcome.crash ? `threw ${outcome.crash}` : fuzzCase.check(outcome)) : fuzzCase.redirectTo ? redirectViolation(outcome, fuzzCase.redirectTo) : contractViolation(outcome, options)) ??
      prototypeIntact() ??
      (fuzzCase.field !== undefined ? fieldNamed(outcome, fuzzCase.field) : null) ??
      (fuzzCase.status !== undefined && outcome.status !== fuzzCase.status ? `answered ${outcome.status}, not ${fuzzCase.status}: ${preview(outcome.body)}` : null);
    const after = await fingerprint(options);
    const changed = changedTables(before, after);
    if (violation) problems.push(`${fuzzCase.name}: ${violation}`);
    if (changed.length) problems.push(`${fuzzCase.name}: changed ${changed.join(", ")} (answered ${outcome.status})`);
    before = after;
  }
  expect(problems, `${route}: ${problems.length} problems in ${cases.length} cases`).toEqual([]);
  return outcomes;
}

function redirectViolation(outcome: FuzzOutcome, location: RegExp): string | null {
  if (outcome.crash) return `threw ${outcome.crash}`;
  if (outcome.status >= 400 && outcome.status < 500) return contractViolation(outcome);
  const target = outcome.headers.get("location") ?? "";
  // Relative, or our own origin: never somewhere a request parameter chose.
  const path = target.startsWith(TEST_ORIGIN) ? target.slice(TEST_ORIGIN.length) : target;
  if (outcome.status < 300 || outcome.status >= 400 || !location.test(path)) return `answered ${outcome.status} to ${target || "nowhere"}`;
  return null;
}

function fieldNamed(outcome: FuzzOutcome, field: string): string | null {
  const fields = (outcome.body as { error?: { fields?: Record<string, string[]> } } | null)?.error?.fields;
  if (outcome.status !== 400 || !fields?.[field]) return `answered ${outcome.status} without naming ${field}: ${preview(outcome.body)}`;
  return null;
}
