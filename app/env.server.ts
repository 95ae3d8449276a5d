/**
 * The environment, validated once at boot. A missing or malformed variable stops the process
 * with one line naming it (see server/index.ts); nothing reads process.env elsewhere.
 */
import { z } from "zod";
import { parseKeyring } from "./lib/encryption.server";

const postgresUrl = z
  .string()
  .url()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgresql:// URL");

export const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "is required"),
  SHOPIFY_API_SECRET: z.string().min(1, "is required"),
  SHOPIFY_APP_URL: z.string().url(),
  SCOPES: z
    .string()
    .min(1)
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "must be a comma-separated list of scopes"),
  DATABASE_URL: postgresUrl,
  /** The tables' owner, for migrations only; the app never connects with it (docs/decisions/0015). */
  DATABASE_MIGRATION_URL: postgresUrl.optional(),
  /** The embedded database (PGlite) is one session: its launcher sets this to 1. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  /** Set only by the local sandbox: where the App Bridge stand-in is served. */
  APP_BRIDGE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * The keyring that encrypts secrets at rest (intake secrets): "<id>:<base64 32 bytes>,...",
   * the first encrypts, all decrypt (docs/decisions/0013). Required everywhere: the app never
   * invents a key. `npm run sandbox` and the tests set a development key themselves.
   */
  OAC_ENCRYPTION_KEYS: z.preprocess(
    // Empty is missing (`OAC_ENCRYPTION_KEYS=` in an env file is not a key).
    (value) => (value === "" ? undefined : value),
    z.string({ required_error: 'is required: a keyring "<id>:<base64 of 32 bytes>" (openssl rand -base64 32; README, Configuration)' }).transform((value, ctx) => {
      const parsed = parseKeyring(value);
      if (parsed.ok) return parsed.keyring;
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }),
  ),
});

export type Env = z.infer<typeof ZEnv>;

/** Returns the parsed env, or one human line per problem, each naming its variable. */
export function parseEnv(source: Record<string, string | undefined>): { ok: true; env: Env } | { ok: false; problems: string[] } {
  const result = ZEnv.safeParse(source);
  if (result.success) return { ok: true, env: result.data };
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    // zod's own "Required" becomes "is required"; a variable's own required_error is kept (it says how to make one).
    const message = issue.code === "invalid_type" && issue.received === "undefined" && issue.message === "Required" ? "is required" : issue.message;
    return `${name} ${message}`;
  });
  return { ok: false, problems };
}

let cached: Env | undefined;

/** The validated env. Throws (it never exits: the entry point decides) if it is invalid. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = parseEnv(process.env);
  if (!parsed.ok) throw new Error(`Invalid environment: ${parsed.problems.join("; ")}`);
  cached = parsed.env;
  return cached;
}
