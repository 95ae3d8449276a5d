/**
 * The sandbox Admin GraphQL endpoint: Shopify's official 2026-10 schema executed with
 * graphql-js over the in-memory store, with Shopify's cost calculation, single-query cost
 * limit and per-shop leaky-bucket throttling.
 */
import { orderMutationResolvers } from "./mutations";
import {
  GraphQLError,
  execute,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { normalizeDomain, type SandboxStore } from "../store/store";
import { LeakyBucket, type ThrottleStatus } from "./bucket";
import { BulkOperations, type BulkOptions } from "./bulk";
import { MAX_QUERY_COST, analyzeRequestedCost, calculateActualCost, maxCostExceededError, type FieldCost } from "./cost";
import {
  createDefaultResolvers,
  defaultFieldResolver,
  typeResolver,
  type Args,
  type RequestContext,
  type ResolverMap,
  type SearchExtension,
} from "./resolvers";
import { loadAdminSchema } from "./schema";

export interface AdminApiOptions {
  store: SandboxStore;
  restoreRate?: number;
  maximumAvailable?: number;
  /** Milliseconds since the epoch, for the buckets; inject a frozen clock in tests. */
  now?: () => number;
  /** Added or replacing resolvers keyed "Type.field" (this is where mutations plug in). */
  resolvers?: ResolverMap;
  /** Bulk operation timing, result files and limits (see graphql/bulk.ts). */
  bulk?: BulkOptions;
}

export interface GraphqlRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface ExecuteOptions {
  /** Set by the `Shopify-GraphQL-Cost-Debug: 1` header: adds per-field costs. */
  costDebug?: boolean;
}

export interface AdminApiResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
  fields?: FieldCost[];
}

export interface AdminApi {
  execute(shopDomain: string, body: GraphqlRequestBody, opts?: ExecuteOptions): Promise<AdminApiResponse>;
  bucket(shopDomain: string): LeakyBucket;
  readonly schema: GraphQLSchema;
  /** The shops' bulk operations (run, inspect, wait for, dispose of result files). */
  readonly bulk: BulkOperations;
}

export const THROTTLED_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits";

interface ParsedDocument {
  document: DocumentNode | null;
  errors: readonly GraphQLFormattedError[];
}

const DOCUMENT_CACHE_LIMIT = 500;

export function createAdminApi(options: AdminApiOptions): AdminApi {
  const schema = loadAdminSchema();
  const store = options.store;
  let resolvers: ResolverMap = {};
  const bulk = new BulkOperations({ store, schema, resolvers: () => resolvers, options: options.bulk });
  resolvers = { ...createDefaultResolvers(), ...bulk.resolvers(), ...orderMutationResolvers(schema.getMutationType()?.name ?? "Mutation", schema.getQueryType()?.name ?? "QueryRoot"), ...(options.resolvers ?? {}) };
  const buckets = new Map<string, LeakyBucket>();
  // Clients send the same few documents over and over; parsing and validating against
  // the 3 MB schema is the expensive part, so remember the outcome per query text.
  const documents = new Map<string, ParsedDocument>();
  const mutationType = schema.getMutationType();

  const bucket = (shopDomain: string): LeakyBucket => {
    const domain = normalizeDomain(shopDomain);
    let existing = buckets.get(domain);
    if (!existing) {
      existing = new LeakyBucket({ maximumAvailable: options.maximumAvailable, restoreRate: options.restoreRate, now: options.now });
      buckets.set(domain, existing);
    }
    return existing;
  };

  const parseAndValidate = (query: string): ParsedDocument => {
    const cached = documents.get(query);
    if (cached) return cached;
    let outcome: ParsedDocument;
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      outcome = errors.length > 0 ? { document: null, errors: errors.map((e) => e.toJSON()) } : { document, errors: [] };
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      outcome = { document: null, errors: [error.toJSON()] };
    }
    if (documents.size >= DOCUMENT_CACHE_LIMIT) documents.delete(documents.keys().next().value as string);
    documents.set(query, outcome);
    return outcome;
  };

  const fieldResolver: GraphQLFieldResolver<unknown, RequestContext, Args> = (source, args, ctx, info) => {
    if (info.parentType === mutationType && !ctx.resolvers[`${info.parentType.name}.${info.fieldName}`]) {
      throw new GraphQLError(`The sandbox does not implement the mutation '${info.fieldName}' yet.`, {
        extensions: { code: "NOT_IMPLEMENTED" },
      });
    }
    return defaultFieldResolver(source, args, ctx, info);
  };

  const executeRequest = async (shopDomain: string, body: GraphqlRequestBody, opts: ExecuteOptions = {}): Promise<AdminApiResponse> => {
    const data = store.getShop(shopDomain);
    if (!data) return { status: 404, body: { errors: "Not Found" } };
    if (typeof body?.query !== "string" || body.query.trim() === "") {
      return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
    }
    const variables = normalizeVariables(body.variables);
    const operationName = body.operationName ?? undefined;

    const parsed = parseAndValidate(body.query);
    if (!parsed.document) return { status: 200, body: { errors: parsed.errors } };
    const document = parsed.document;

    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName ? `Unknown operation named "${operationName}".` : "Must provide operation name if query contains multiple operations.";
      return { status: 200, body: { errors: [{ message }] } };
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { status: 200, body: { errors: coerced.errors.map((e) => e.toJSON()) } };

    const shopBucket = bucket(shopDomain);
    const analysis = analyzeRequestedCost(schema, document, variables, operationName);
    const requested = analysis.requestedQueryCost;
    const cost = (actual: number | null): CostExtension => ({
      requestedQueryCost: requested,
      actualQueryCost: actual,
      throttleStatus: shopBucket.status(),
      ...(opts.costDebug ? { fields: analysis.fields } : {}),
    });

    if (analysis.errors.length > 0) {
      return { status: 200, body: { errors: analysis.errors.map((e) => e.toJSON()), extensions: { cost: cost(null) } } };
    }
    if (requested > MAX_QUERY_COST) {
      return { status: 200, body: { errors: [maxCostExceededError(requested)], extensions: { cost: cost(null) } } };
    }
    if (!shopBucket.take(requested)) {
      return {
        status: 200,
        body: {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOCUMENTATION } }],
          extensions: { cost: cost(null) },
        },
      };
    }

    const context: RequestContext = { store, domain: normalizeDomain(shopDomain), data, schema, resolvers, search: [] as SearchExtension[] };
    const rootTypeName = operation.operation === "mutation" ? mutationType?.name : schema.getQueryType()?.name;
    const result = await execute({
      schema,
      document,
      rootValue: { __typename: rootTypeName },
      contextValue: context,
      variableValues: variables,
      operationName,
      fieldResolver,
      typeResolver,
    });
    const actual = Math.min(requested, calculateActualCost(schema, document, variables, operationName, result.data ?? null));
    shopBucket.refund(requested - actual);

    const extensions: Record<string, unknown> = { cost: cost(actual) };
    if (context.search.length > 0) extensions["search"] = context.search;
    const responseBody: Record<string, unknown> = {};
    if (result.errors && result.errors.length > 0) responseBody["errors"] = result.errors.map((e) => e.toJSON());
    responseBody["data"] = result.data ?? null;
    responseBody["extensions"] = extensions;
    return { status: 200, body: responseBody };
  };

  return { execute: executeRequest, bucket, schema, bulk };
}

function normalizeVariables(raw: unknown): Record<string, unknown> {
  if (typeof raw === "string") {
    // Some clients send variables as a JSON string; Shopify accepts that too.
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}
