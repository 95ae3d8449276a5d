/**
 * The app's one way to call the Admin API, for requests (admin from authenticate.admin) and
 * jobs (unauthenticated.admin with the offline session). It paces itself from the
 * `extensions.cost.throttleStatus` Shopify returns so it rarely gets throttled, retries
 * THROTTLED and transient failures with backoff, turns GraphQL errors into AppErrors, and logs
 * each operation's cost.
 */
import { AppError } from "../lib/app-error";
import { logger } from "../lib/logger.server";

type GraphqlFn = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
  observedAt: number;
}

interface CostExtension {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

interface GraphqlBody<T> {
  data?: T;
  /** Shopify sends a list (or a string for HTTP-level errors); the client library wraps it. */
  errors?: GraphqlError[] | string | { message?: string; graphQLErrors?: GraphqlError[] };
  extensions?: { cost?: CostExtension };
}

function normalizeErrors(errors: GraphqlBody<unknown>["errors"]): GraphqlError[] {
  if (!errors) return [];
  if (typeof errors === "string") return [{ message: errors }];
  if (Array.isArray(errors)) return errors;
  if (errors.graphQLErrors?.length) return errors.graphQLErrors;
  return [{ message: errors.message ?? "unknown error" }];
}

/** Last known bucket per shop, shared by every client in this process. */
const buckets = new Map<string, ThrottleStatus>();

export interface AdminClientOptions {
  shop: string;
  graphql: GraphqlFn;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
}

export interface AdminClient {
  request<T>(operation: string, query: string, variables?: Record<string, unknown>, estimatedCost?: number): Promise<T>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function adminClient({ shop, graphql, sleep = defaultSleep, maxAttempts = 5 }: AdminClientOptions): AdminClient {
  return {
    async request<T>(operation: string, query: string, variables?: Record<string, unknown>, estimatedCost = 50): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        await sleep(waitBeforeRequest(shop, estimatedCost));
        let body: GraphqlBody<T>;
        try {
          body = await send<T>(graphql, query, variables);
        } catch (error) {
          if (attempt < maxAttempts && isTransient(error)) {
            await sleep(backoff(attempt));
            continue;
          }
          throw error instanceof AppError ? error : new AppError("UPSTREAM", "Shopify could not be reached", { cause: error });
        }
        const cost = body.extensions?.cost;
        if (cost?.throttleStatus) buckets.set(shop, { ...cost.throttleStatus, observedAt: Date.now() });
        logger.debug({ shop, operation, requested: cost?.requestedQueryCost, actual: cost?.actualQueryCost, available: cost?.throttleStatus?.currentlyAvailable }, "admin api");

        const errors = normalizeErrors(body.errors);
        if (errors.some((error) => error.extensions?.code === "THROTTLED")) {
          if (attempt >= maxAttempts) throw new AppError("THROTTLED", "Shopify is rate limiting this store; try again shortly");
          // Shopify documents one second as the minimum back-off; wait for the points we need.
          const status = buckets.get(shop);
          const needed = status ? Math.max(0, (cost?.requestedQueryCost ?? estimatedCost) - status.currentlyAvailable) / Math.max(status.restoreRate, 1) : 1;
          await sleep(Math.max(1000, Math.ceil(needed * 1000)));
          continue;
        }
        if (errors.length > 0) {
          throw new AppError("UPSTREAM", `Shopify rejected ${operation}: ${errors.map((error) => error.message).join("; ")}`, {
            details: { codes: errors.map((error) => error.extensions?.code ?? null) },
          });
        }
        if (!body.data) throw new AppError("UPSTREAM", `Shopify returned no data for ${operation}`);
        return body.data;
      }
    },
  };
}

async function send<T>(graphql: GraphqlFn, query: string, variables?: Record<string, unknown>): Promise<GraphqlBody<T>> {
  try {
    const response = await graphql(query, variables ? { variables } : undefined);
    return (await response.json()) as GraphqlBody<T>;
  } catch (error) {
    // The Shopify library throws on GraphQL errors with the parsed body attached; keep it.
    const attached = (error as { body?: GraphqlBody<T> }).body;
    if (attached && typeof attached === "object" && ("errors" in attached || "data" in attached)) return attached;
    throw error;
  }
}

/** Milliseconds to wait so the bucket holds `cost` points, projected from the last status. */
export function waitBeforeRequest(shop: string, cost: number, now = Date.now()): number {
  const status = buckets.get(shop);
  if (!status) return 0;
  const restored = Math.min(status.maximumAvailable, status.currentlyAvailable + ((now - status.observedAt) / 1000) * status.restoreRate);
  if (restored >= cost) return 0;
  return Math.ceil(((cost - restored) / Math.max(status.restoreRate, 1)) * 1000);
}

function isTransient(error: unknown): boolean {
  const status = (error as { response?: { code?: number; status?: number } }).response?.status ?? (error as { response?: { code?: number } }).response?.code;
  if (typeof status === "number") return status === 429 || status >= 500;
  const code = (error as NodeJS.ErrnoException).code ?? (error as { cause?: NodeJS.ErrnoException }).cause?.code;
  return ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "UND_ERR_SOCKET", "EAI_AGAIN"].includes(code ?? "");
}

const backoff = (attempt: number) => Math.min(8000, 250 * 2 ** attempt);

/**
 * Mutation payloads report business failures in userErrors with HTTP 200: they are failures.
 * `fieldPrefix` is the path of the action's input inside the mutation's (["input",
 * "shippingAddress"]): without it the fields read as our own form's, so errors land beside them.
 */
export function assertNoUserErrors(
  operation: string,
  payload: { userErrors?: Array<{ field?: string[] | null; message: string; code?: string | null }> } | null | undefined,
  fieldPrefix: string[] = [],
) {
  const userErrors = payload?.userErrors ?? [];
  if (userErrors.length === 0) return;
  const fields: Record<string, string[]> = {};
  const formField = (field: string[] | null | undefined) => {
    if (!field?.length) return "_";
    const inside = fieldPrefix.length > 0 && fieldPrefix.every((part, index) => field[index] === part);
    return (inside ? field.slice(fieldPrefix.length) : field).join(".") || "_";
  };
  for (const error of userErrors) (fields[formField(error.field)] ??= []).push(error.message);
  throw new AppError("SHOPIFY_USER_ERROR", `Shopify refused ${operation}: ${userErrors.map((error) => error.message).join("; ")}`, {
    fields,
    details: { codes: userErrors.map((error) => error.code ?? null) },
  });
}

/** Test hook: forget learned bucket states. */
export function resetThrottleState(): void {
  buckets.clear();
}
