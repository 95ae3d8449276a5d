import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "read_orders,write_orders",
  DATABASE_URL: "postgresql://u:p@localhost:5432/db",
  OAC_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
};

describe("parseEnv", () => {
  it("accepts a complete environment and applies defaults", () => {
    const parsed = parseEnv(valid);
    expect(parsed.ok && parsed.env.DATABASE_POOL_MAX).toBe(10);
  });

  it("names each missing or malformed variable", () => {
    const parsed = parseEnv({ ...valid, SHOPIFY_API_KEY: undefined, SHOPIFY_APP_URL: "not a url", DATABASE_URL: "mysql://x/y" });
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems;
    expect(problems).toContain("SHOPIFY_API_KEY is required");
    expect(problems.some((line) => line.startsWith("SHOPIFY_APP_URL "))).toBe(true);
    expect(problems).toContain("DATABASE_URL must be a postgresql:// URL");
  });

  it("requires OAC_ENCRYPTION_KEYS (an empty value is missing) and says how to make one", () => {
    for (const value of [undefined, ""]) {
      const parsed = parseEnv({ ...valid, OAC_ENCRYPTION_KEYS: value });
      expect(parsed.ok ? [] : parsed.problems).toEqual(['OAC_ENCRYPTION_KEYS is required: a keyring "<id>:<base64 of 32 bytes>" (openssl rand -base64 32; README, Configuration)']);
    }
  });

  it("refuses a malformed keyring in one line that never shows the key", () => {
    const short = Buffer.alloc(16, 9).toString("base64");
    const parsed = parseEnv({ ...valid, OAC_ENCRYPTION_KEYS: `k2:${short}` });
    expect(parsed.ok ? [] : parsed.problems).toEqual(['OAC_ENCRYPTION_KEYS key "k2" must be 32 bytes in base64 (openssl rand -base64 32)']);
  });

  it("gives the keyring parsed: the first key encrypts", () => {
    const parsed = parseEnv({ ...valid, OAC_ENCRYPTION_KEYS: `${valid.OAC_ENCRYPTION_KEYS},k0:${Buffer.alloc(32, 1).toString("base64")}` });
    expect(parsed.ok && parsed.env.OAC_ENCRYPTION_KEYS.current.id).toBe("k1");
    expect(parsed.ok && parsed.env.OAC_ENCRYPTION_KEYS.byId.size).toBe(2);
  });

  it("refuses a scope list that is not comma-separated scope names", () => {
    const parsed = parseEnv({ ...valid, SCOPES: "read_orders write_orders" });
    expect(parsed.ok ? [] : parsed.problems).toEqual(["SCOPES must be a comma-separated list of scopes"]);
  });
});
