/**
 * The official Admin API schema, built from the committed introspection dump.
 * Building it takes a few hundred milliseconds, so it is built once per process.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-10";

export const ADMIN_SCHEMA_PATH = fileURLToPath(
  new URL(`../../shopify-schema/admin_${ADMIN_API_VERSION}.json.gz`, import.meta.url),
);

let cached: GraphQLSchema | undefined;

export function loadAdminSchema(): GraphQLSchema {
  if (!cached) {
    const parsed = JSON.parse(gunzipSync(readFileSync(ADMIN_SCHEMA_PATH)).toString("utf8")) as
      | { data: IntrospectionQuery }
      | IntrospectionQuery;
    const introspection = "data" in parsed ? parsed.data : parsed;
    // assumeValid: the dump is Shopify's own; re-validating every type costs time, not safety.
    cached = buildClientSchema(introspection, { assumeValid: true });
  }
  return cached;
}
