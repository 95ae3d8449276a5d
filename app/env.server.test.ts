import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "read_orders,write_orders",
  DATABASE_URL: "postgresql://u:p@localhost:5432/db",
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

  it("refuses a scope list that is not comma-separated scope names", () => {
    const parsed = parseEnv({ ...valid, SCOPES: "read_orders write_orders" });
    expect(parsed.ok ? [] : parsed.problems).toEqual(["SCOPES must be a comma-separated list of scopes"]);
  });
});
