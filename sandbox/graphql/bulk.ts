/**
 * Bulk query operations (`bulkOperationRunQuery`) with Shopify's semantics:
 *
 *   - the query is checked like Shopify checks it (a query operation, at least one and at
 *     most five connections, nested at most two levels, no top-level `node`/`nodes`, a parent
 *     node selecting `id` for every nested connection, no connection inside a list field,
 *     `edges { node }` rather than `nodes`) and refused with `userErrors`;
 *   - at most five query operations run at once per shop (API 2026-01 and later);
 *   - it runs in the background (CREATED -> RUNNING -> COMPLETED, or CANCELING -> CANCELED, or
 *     FAILED) with the ordinary resolvers but no page sizes or cost limit: the top-level
 *     connection is fed to graphql-js in chunks and every nested connection returns all its
 *     items;
 *   - the result is JSONL written incrementally to a file under os.tmpdir(): one line per
 *     object, nested connection items as their own lines after their parent with
 *     `"__parentId"`, everything else inline; `url` serves it (sandbox/server.ts);
 *   - finishing notifies listeners (the server sends `bulk_operations/finish`).
 *
 * On a lazily seeded shop the top-level `orders` connection streams the generated orders
 * without materializing them, so a 100,000-order export runs in constant memory.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GraphQLError,
  Kind,
  execute,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
  typeFromAST,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { parseGid } from "../store/gid";
import { isoSeconds } from "../store/generator";
import type { SandboxStore, VirtualOrders } from "../store/store";
import type { OrderRecord } from "../store/types";
import { isConnectionType } from "./cost";
import { compareSortValues, paginate, type Connection, type SortValue } from "./pagination";
import {
  connectionTypeNames,
  defaultFieldResolver,
  orderSearchFields,
  sortValueFor,
  sortedConnection,
  typeResolver,
  type Args,
  type BulkConnections,
  type FieldResolver,
  type RequestContext,
  type ResolverMap,
} from "./resolvers";
import { compileSearch, matchDate, matchNumber, type SearchFields } from "./search";

export const BULK_MAX_CONNECTIONS = 5;
export const BULK_MAX_CONNECTION_DEPTH = 2;
/** Query operations that may run at once per shop (API 2026-01 and later). */
export const BULK_MAX_CONCURRENT = 5;
export const BULK_DEFAULT_CHUNK_SIZE = 250;

export type BulkOperationStatus = "CANCELED" | "CANCELING" | "COMPLETED" | "CREATED" | "EXPIRED" | "FAILED" | "RUNNING";
export type BulkOperationErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

/** A BulkOperation as the schema has it (counts are UnsignedInt64 strings). */
export interface BulkOperationRecord {
  __typename: "BulkOperation";
  id: string;
  status: BulkOperationStatus;
  type: "QUERY" | "MUTATION";
  errorCode: BulkOperationErrorCode | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
}

export interface BulkUserError {
  __typename: "BulkOperationUserError";
  field: string[] | null;
  message: string;
  code: "INVALID" | "LIMIT_REACHED" | "OPERATION_IN_PROGRESS" | null;
}

export interface BulkOptions {
  /** Directory for result files; a fresh directory under os.tmpdir() by default. */
  directory?: string;
  /** An operation stays RUNNING at least this long (default 0: as fast as it can write). */
  delayMs?: number;
  /** New operations stay CREATED until `runPending()` (for tests that need them in flight). */
  manual?: boolean;
  /** Top-level objects per graphql-js execution (default 250). */
  chunkSize?: number;
  /** Shopify refuses `nodes` in bulk queries; `true` accepts it like `edges { node }`. */
  allowNodes?: boolean;
  /** Concurrent query operations per shop (default 5). */
  maxConcurrent?: number;
  /** The download URL of a result file; the server points this at itself. */
  resultUrl?: (token: string) => string;
}

export type BulkFinishListener = (operation: BulkOperationRecord, domain: string) => void;

// ---------------------------------------------------------------------------------------
// Query analysis: Shopify's restrictions, and the plan for flattening results to JSONL
// ---------------------------------------------------------------------------------------

export interface ObjectPlan {
  /** Connection fields by response key: their items become lines of their own. */
  connections: Map<string, ConnectionPlan>;
  /** Plain object fields (by response key) that contain connections further down. */
  objects: Map<string, ObjectPlan>;
}

export interface ConnectionPlan {
  edgesKeys: string[];
  nodeKeys: string[];
  nodesKeys: string[];
  node: ObjectPlan;
}

export interface RootPlan {
  key: string;
  fieldName: string;
  fieldNodes: FieldNode[];
  connection: ConnectionPlan | null;
  object: ObjectPlan | null;
}

export interface BulkQueryAnalysis {
  errors: BulkUserError[];
  document: DocumentNode | null;
  roots: RootPlan[];
}

function userError(message: string, field: string[] | null = ["query"], code: BulkUserError["code"] = "INVALID"): BulkUserError {
  return { __typename: "BulkOperationUserError", field, message, code };
}

interface Entry {
  name: string;
  nodes: FieldNode[];
  field: GraphQLField<unknown, unknown> | undefined;
}

interface Analysis {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  connections: number;
  maxDepth: number;
  topLevelNode: string[];
  nodesSelections: string[];
  missingParentId: string[];
  connectionInList: boolean;
  allowNodes: boolean;
}

/** Fields by response key across fragments, whatever their type conditions. */
function collect(analysis: Analysis, type: GraphQLCompositeType, sets: readonly SelectionSetNode[]): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode, parent: GraphQLCompositeType) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        const entry = entries.get(key);
        if (entry) {
          entry.nodes.push(selection);
          entry.field ??= field;
        } else entries.set(key, { name: selection.name.value, nodes: [selection], field });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? typeFromAST(analysis.schema, selection.typeCondition) : parent;
        visit(selection.selectionSet, condition && isCompositeType(condition) ? condition : parent);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = analysis.fragments.get(selection.name.value);
        const condition = fragment ? typeFromAST(analysis.schema, fragment.typeCondition) : undefined;
        if (fragment) visit(fragment.selectionSet, condition && isCompositeType(condition) ? condition : parent);
      }
    }
  };
  for (const set of sets) visit(set, type);
  return entries;
}

function selectionSets(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

interface WalkScope {
  depth: number;
  inList: boolean;
  /** The nearest enclosing connection (field name) and whether its node selects `id`. */
  parentConnection: string | null;
  parentHasId: boolean;
}

function walkObject(analysis: Analysis, type: GraphQLCompositeType, sets: readonly SelectionSetNode[], scope: WalkScope): ObjectPlan {
  const plan: ObjectPlan = { connections: new Map(), objects: new Map() };
  for (const [key, entry] of collect(analysis, type, sets)) {
    if (!entry.field) continue;
    const named = getNamedType(entry.field.type);
    if (!isCompositeType(named)) continue;
    if (isObjectType(named) && isConnectionType(named)) {
      plan.connections.set(key, walkConnection(analysis, named, entry, scope));
      continue;
    }
    const isList = isListType(getNullableType(entry.field.type));
    const child = walkObject(analysis, named, selectionSets(entry.nodes), { ...scope, inList: scope.inList || isList });
    if (child.connections.size > 0 || child.objects.size > 0) plan.objects.set(key, child);
  }
  return plan;
}

function walkConnection(analysis: Analysis, type: GraphQLObjectType, entry: Entry, scope: WalkScope): ConnectionPlan {
  analysis.connections++;
  const depth = scope.depth + 1;
  analysis.maxDepth = Math.max(analysis.maxDepth, depth);
  if (scope.inList) analysis.connectionInList = true;
  if (scope.parentConnection !== null && !scope.parentHasId && !analysis.missingParentId.includes(scope.parentConnection)) {
    analysis.missingParentId.push(scope.parentConnection);
  }
  const plan: ConnectionPlan = { edgesKeys: [], nodeKeys: [], nodesKeys: [], node: { connections: new Map(), objects: new Map() } };
  const nodeSets: SelectionSetNode[] = [];
  let nodeType: GraphQLCompositeType | null = null;
  for (const [key, child] of collect(analysis, type, selectionSets(entry.nodes))) {
    if (child.name === "edges" && child.field) {
      plan.edgesKeys.push(key);
      const edgeType = getNamedType(child.field.type);
      if (!isObjectType(edgeType)) continue;
      for (const [nodeKey, node] of collect(analysis, edgeType, selectionSets(child.nodes))) {
        if (node.name !== "node" || !node.field) continue;
        const named = getNamedType(node.field.type);
        if (!isCompositeType(named)) continue;
        if (!plan.nodeKeys.includes(nodeKey)) plan.nodeKeys.push(nodeKey);
        nodeType = named;
        nodeSets.push(...selectionSets(node.nodes));
      }
    } else if (child.name === "nodes" && child.field) {
      if (!analysis.allowNodes && !analysis.nodesSelections.includes(entry.name)) analysis.nodesSelections.push(entry.name);
      plan.nodesKeys.push(key);
      const named = getNamedType(child.field.type);
      if (!isCompositeType(named)) continue;
      nodeType = named;
      nodeSets.push(...selectionSets(child.nodes));
    }
  }
  if (nodeType) {
    const id = collect(analysis, nodeType, nodeSets).get("id");
    const hasId = id !== undefined && id.name === "id";
    plan.node = walkObject(analysis, nodeType, nodeSets, { depth, inList: scope.inList, parentConnection: entry.name, parentHasId: hasId });
  }
  return plan;
}

/** Parses and checks a bulk query like Shopify does; `errors` are the mutation's userErrors. */
export function analyzeBulkQuery(schema: GraphQLSchema, query: string, options: { allowNodes?: boolean } = {}): BulkQueryAnalysis {
  const fail = (...errors: BulkUserError[]): BulkQueryAnalysis => ({ errors, document: null, roots: [] });
  if (query.trim() === "") return fail(userError("Invalid bulk query: syntax error, unexpected end of file"));
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return fail(userError(`Invalid bulk query: ${error.message}`));
    throw error;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return fail(userError("Invalid bulk query: a bulk query must contain exactly one operation."));
  const operation = getOperationAST(document) as OperationDefinitionNode;
  if (operation.operation !== "query") return fail(userError("Invalid operation type. Only `query` operations are supported."));
  const invalid = validate(schema, document);
  if (invalid.length > 0) return fail(...invalid.map((error) => userError(`Invalid bulk query: ${error.message}`)));
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], {});
  if (variables.errors) return fail(...variables.errors.map((error) => userError(`Invalid bulk query: ${error.message}`)));

  const analysis: Analysis = {
    schema,
    fragments: new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d])),
    connections: 0,
    maxDepth: 0,
    topLevelNode: [],
    nodesSelections: [],
    missingParentId: [],
    connectionInList: false,
    allowNodes: options.allowNodes === true,
  };
  const queryType = schema.getQueryType() as GraphQLObjectType;
  const roots: RootPlan[] = [];
  const scope: WalkScope = { depth: 0, inList: false, parentConnection: null, parentHasId: false };
  for (const [key, entry] of collect(analysis, queryType, [operation.selectionSet])) {
    if (entry.name === "node" || entry.name === "nodes") {
      if (!analysis.topLevelNode.includes(entry.name)) analysis.topLevelNode.push(entry.name);
      continue;
    }
    if (!entry.field || entry.name.startsWith("__")) continue;
    const named = getNamedType(entry.field.type);
    if (!isCompositeType(named)) continue;
    const root: RootPlan = { key, fieldName: entry.name, fieldNodes: entry.nodes, connection: null, object: null };
    if (isObjectType(named) && isConnectionType(named)) root.connection = walkConnection(analysis, named, entry, scope);
    else root.object = walkObject(analysis, named, selectionSets(entry.nodes), { ...scope, inList: isListType(getNullableType(entry.field.type)) });
    roots.push(root);
  }

  const errors: BulkUserError[] = [];
  if (analysis.nodesSelections.length > 0) {
    const names = analysis.nodesSelections;
    errors.push(
      userError(
        `All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: '${names[0]} { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: '${names.join("', '")}'.`,
      ),
    );
  }
  for (const name of analysis.topLevelNode) errors.push(userError(`Bulk queries cannot contain a top level \`${name}\` field.`));
  if (analysis.maxDepth > BULK_MAX_CONNECTION_DEPTH) {
    errors.push(userError(`Bulk queries cannot contain connections with a nesting depth greater than ${BULK_MAX_CONNECTION_DEPTH}.`));
  }
  if (analysis.connections > BULK_MAX_CONNECTIONS) errors.push(userError(`Bulk queries cannot contain more than ${BULK_MAX_CONNECTIONS} connections.`));
  if (analysis.missingParentId.length > 0) {
    errors.push(
      userError(
        `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${analysis.missingParentId.join(", ")}.`,
      ),
    );
  }
  if (analysis.connectionInList) errors.push(userError("Queries that contain a connection field within a list field are not currently supported."));
  if (analysis.connections === 0 && (errors.length === 0 || errors.length === analysis.topLevelNode.length)) {
    errors.push(userError("Bulk queries must contain at least one connection."));
  }
  return errors.length > 0 ? { errors, document: null, roots: [] } : { errors, document, roots };
}

// ---------------------------------------------------------------------------------------
// Flattening results into JSONL lines
// ---------------------------------------------------------------------------------------

type Data = Record<string, unknown>;

function isData(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function connectionItems(value: unknown, plan: ConnectionPlan): Data[] {
  if (!isData(value)) return [];
  const items: Data[] = [];
  for (const edgesKey of plan.edgesKeys) {
    const edges = value[edgesKey];
    if (!Array.isArray(edges)) continue;
    for (const edge of edges) {
      if (!isData(edge)) continue;
      for (const nodeKey of plan.nodeKeys) if (isData(edge[nodeKey])) items.push(edge[nodeKey] as Data);
    }
  }
  if (plan.edgesKeys.length === 0) {
    for (const nodesKey of plan.nodesKeys) {
      const nodes = value[nodesKey];
      if (Array.isArray(nodes)) for (const node of nodes) if (isData(node)) items.push(node);
    }
  }
  return items;
}

interface Pending {
  plan: ConnectionPlan;
  value: unknown;
}

/** A copy of `value` without its connection fields, which are queued in `pending`. */
function withoutConnections(value: Data, plan: ObjectPlan, pending: Pending[]): Data {
  const out: Data = {};
  for (const key of Object.keys(value)) {
    const connection = plan.connections.get(key);
    if (connection) {
      pending.push({ plan: connection, value: value[key] });
      continue;
    }
    const child = plan.objects.get(key);
    const field = value[key];
    out[key] = child && isData(field) ? withoutConnections(field, child, pending) : field;
  }
  return out;
}

class LineWriter {
  lines = 0;
  roots = 0;
  bytes = 0;
  private buffer: string[] = [];

  constructor(private readonly stream: WriteStream) {}

  /** One object and, after it, the items of its nested connections (depth first). */
  emit(value: Data, plan: ObjectPlan, parentId: unknown): void {
    const pending: Pending[] = [];
    const line = plan.connections.size === 0 && plan.objects.size === 0 ? { ...value } : withoutConnections(value, plan, pending);
    if (parentId !== undefined) line["__parentId"] = parentId;
    this.buffer.push(`${JSON.stringify(line)}\n`);
    this.lines++;
    for (const { plan: connection, value: connectionValue } of pending) {
      for (const item of connectionItems(connectionValue, connection)) this.emit(item, connection.node, value["id"]);
    }
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    this.buffer = [];
    this.bytes += Buffer.byteLength(text, "utf8");
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
  }
}

// ---------------------------------------------------------------------------------------
// Running the query: connections without pages, the top-level one in chunks
// ---------------------------------------------------------------------------------------

interface RootSource {
  next(count: number): { items: unknown[]; done: boolean };
}

function arraySource(items: readonly unknown[]): RootSource {
  let position = 0;
  return {
    next(count) {
      const slice = items.slice(position, position + count);
      position += slice.length;
      return { items: slice, done: position >= items.length };
    },
  };
}

/** The generated orders of a lazy shop (and its other orders), sorted and filtered on the fly. */
function lazyOrderSource(virtual: VirtualOrders, args: Args, ctx: RequestContext): RootSource {
  const sortKey = typeof args["sortKey"] === "string" ? args["sortKey"] : "PROCESSED_AT";
  const cheap = (index: number): SortValue | undefined => {
    switch (sortKey) {
      case "PROCESSED_AT":
      case "CREATED_AT":
        return virtual.processedAt(index);
      case "ID":
        return virtual.legacyId(index);
      case "ORDER_NUMBER":
        return 1001 + index;
      case "RELEVANCE":
        return index;
      default:
        return undefined;
    }
  };
  const extras = ctx.data.orders.filter((order) => virtual.indexOf(order.id) === null);
  interface SortEntry {
    key: SortValue;
    id: number;
    index: number;
    record: OrderRecord | null;
  }
  const entries: SortEntry[] = [];
  for (let index = 0; index < virtual.count; index++) {
    const key = (virtual.isMaterialized(index) ? undefined : cheap(index)) ?? sortValueFor(sortKey, virtual.order(index), ctx);
    entries.push({ key, id: virtual.legacyId(index), index, record: null });
  }
  for (const record of extras) {
    const id = Number(record.legacyResourceId);
    entries.push({ key: sortKey === "RELEVANCE" ? Number.MAX_SAFE_INTEGER : sortValueFor(sortKey, record, ctx), id, index: -1, record });
  }
  entries.sort((a, b) => compareSortValues(a.key, b.key) || a.id - b.id);
  if (args["reverse"] === true) entries.reverse();
  const matches = compileSearch(typeof args["query"] === "string" ? args["query"] : null, orderSearchFields(ctx));
  let position = 0;
  return {
    next(count) {
      const items: OrderRecord[] = [];
      while (items.length < count && position < entries.length) {
        const entry = entries[position++] as SortEntry;
        const order = entry.record ?? virtual.order(entry.index);
        if (matches(order)) items.push(order);
      }
      return { items, done: position >= entries.length };
    },
  };
}

class BulkRun implements BulkConnections {
  root: RootSource | null = null;
  rootDone = false;
  rootTouched = false;

  constructor(private readonly chunkSize: number) {}

  connection<T>(items: readonly T[], args: Args, ctx: RequestContext, info: GraphQLResolveInfo, defaultSortKey?: string): Connection<T> {
    if (info.path.prev !== undefined) return sortedConnection(items, args, ctx, info, defaultSortKey, false);
    this.rootTouched = true;
    if (!this.root) {
      const virtual = info.parentType === ctx.schema.getQueryType() && info.fieldName === "orders" ? ctx.store.virtualOrders(ctx.domain) : null;
      this.root = virtual ? lazyOrderSource(virtual, args, ctx) : arraySource(sortedConnection(items, args, ctx, info, defaultSortKey, false).nodes);
    }
    const chunk = this.root.next(this.chunkSize);
    this.rootDone = chunk.done;
    const names = connectionTypeNames(info);
    const page = chunk.items as T[];
    return {
      ...(names.connectionTypeName ? { __typename: names.connectionTypeName } : {}),
      edges: page.map((node) => ({ ...(names.edgeTypeName ? { __typename: names.edgeTypeName } : {}), cursor: "", node })),
      nodes: page,
      pageInfo: { __typename: "PageInfo", hasNextPage: !chunk.done, hasPreviousPage: false, startCursor: null, endCursor: null },
    };
  }
}

/** After the first chunk, the top-level field skips its own filtering and reads the next chunk. */
const nextChunk: FieldResolver = (_source, args, ctx, info) => (ctx.bulk as BulkConnections).connection([], args, ctx, info);

interface Job {
  domain: string;
  record: BulkOperationRecord;
  document: DocumentNode;
  roots: RootPlan[];
  token: string;
  path: string | null;
  cancelRequested: boolean;
  started: boolean;
  done: Promise<BulkOperationRecord>;
  resolve: (record: BulkOperationRecord) => void;
}

const ACTIVE: readonly BulkOperationStatus[] = ["CREATED", "RUNNING", "CANCELING"];
const TERMINAL: readonly BulkOperationStatus[] = ["CANCELED", "COMPLETED", "EXPIRED", "FAILED"];

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface BulkOperationsInit {
  store: SandboxStore;
  schema: GraphQLSchema;
  /** The full resolver map the Admin API uses (bulk queries resolve exactly like queries). */
  resolvers: () => ResolverMap;
  options?: BulkOptions;
}

/** Bulk operations of every shop of a store, as one app sees them. */
export class BulkOperations {
  private readonly jobs: Job[] = [];
  private readonly byToken = new Map<string, Job>();
  private readonly listeners = new Set<BulkFinishListener>();
  private readonly running = new Set<Promise<unknown>>();
  private directory: string | null;
  private readonly ownsDirectory: boolean;
  private disposed = false;
  private resultUrl: (token: string) => string;

  constructor(private readonly init: BulkOperationsInit) {
    this.directory = init.options?.directory ?? null;
    this.ownsDirectory = this.directory === null;
    this.resultUrl = init.options?.resultUrl ?? ((token) => `http://127.0.0.1/bulk/${token}.jsonl`);
  }

  private get options(): BulkOptions {
    return this.init.options ?? {};
  }

  /** Points result URLs somewhere else (the server sets its own address once listening). */
  setResultUrl(resultUrl: (token: string) => string): void {
    this.resultUrl = resultUrl;
  }

  /** Called with each operation that reaches COMPLETED, FAILED or CANCELED. */
  onFinish(listener: BulkFinishListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ---- the API's operations ----

  /** `groupObjects` only changes how Shopify schedules the work: children always follow their parent here. */
  runQuery(domain: string, query: string, _groupObjects = false): { bulkOperation: BulkOperationRecord | null; userErrors: BulkUserError[] } {
    const analysis = analyzeBulkQuery(this.init.schema, query, { allowNodes: this.options.allowNodes });
    if (!analysis.document) return { bulkOperation: null, userErrors: analysis.errors };
    const active = this.jobs.filter((job) => job.domain === domain && job.record.type === "QUERY" && ACTIVE.includes(job.record.status));
    if (active.length >= (this.options.maxConcurrent ?? BULK_MAX_CONCURRENT)) {
      const ids = active.map((job) => job.record.id).join(", ");
      return {
        bulkOperation: null,
        userErrors: [userError(`A bulk query operation for this app and shop is already in progress: ${ids}.`, null, "OPERATION_IN_PROGRESS")],
      };
    }
    const record: BulkOperationRecord = {
      __typename: "BulkOperation",
      id: `gid://shopify/BulkOperation/${this.init.store.nextLegacyId(domain, "BulkOperation")}`,
      status: "CREATED",
      type: "QUERY",
      errorCode: null,
      createdAt: this.timestamp(),
      completedAt: null,
      objectCount: "0",
      rootObjectCount: "0",
      fileSize: null,
      url: null,
      partialDataUrl: null,
      query,
    };
    let resolve: (record: BulkOperationRecord) => void = () => undefined;
    const done = new Promise<BulkOperationRecord>((r) => (resolve = r));
    const job: Job = { domain, record, document: analysis.document, roots: analysis.roots, token: randomBytes(24).toString("base64url"), path: null, cancelRequested: false, started: false, done, resolve };
    this.jobs.push(job);
    this.byToken.set(job.token, job);
    if (!this.options.manual) setImmediate(() => this.start(job));
    return { bulkOperation: { ...record }, userErrors: [] };
  }

  cancel(domain: string, id: string): { bulkOperation: BulkOperationRecord | null; userErrors: Array<{ __typename: "UserError"; field: string[] | null; message: string }> } {
    const job = this.find(domain, id);
    if (!job) return { bulkOperation: null, userErrors: [{ __typename: "UserError", field: ["id"], message: "Bulk operation does not exist" }] };
    if (TERMINAL.includes(job.record.status)) {
      return {
        bulkOperation: { ...job.record },
        userErrors: [{ __typename: "UserError", field: null, message: `A bulk operation cannot be canceled when it is ${job.record.status.toLowerCase()}` }],
      };
    }
    if (job.record.status !== "CANCELING") {
      job.cancelRequested = true;
      job.record.status = "CANCELING";
      // An operation that never started is canceled right away; a running one at its next chunk.
      if (!job.started) setImmediate(() => this.start(job));
    }
    return { bulkOperation: { ...job.record }, userErrors: [] };
  }

  get(domain: string, id: string): BulkOperationRecord | null {
    const job = this.find(domain, id);
    return job ? { ...job.record } : null;
  }

  /** The shop's operations, newest first. */
  list(domain: string): BulkOperationRecord[] {
    return this.jobs.filter((job) => job.domain === domain).map((job) => ({ ...job.record })).reverse();
  }

  current(domain: string, type: "QUERY" | "MUTATION" = "QUERY"): BulkOperationRecord | null {
    return this.list(domain).find((record) => record.type === type) ?? null;
  }

  // ---- control for tests and the server ----

  /** Starts operations left CREATED (manual mode) and waits until every operation has finished. */
  async runPending(): Promise<void> {
    for (const job of this.jobs) if (!job.started) this.start(job);
    await this.idle();
  }

  /** Resolves when no operation is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Resolves with the operation once it is finished (completed, failed or canceled). */
  waitFor(id: string): Promise<BulkOperationRecord> {
    const job = this.jobs.find((candidate) => candidate.record.id === id);
    if (!job) return Promise.reject(new Error(`Unknown bulk operation ${id}`));
    return job.done.then((record) => ({ ...record }));
  }

  /** The result file behind a URL token, if the operation produced one. */
  resultFile(token: string): { path: string; size: number } | null {
    const job = this.byToken.get(token);
    if (!job || !job.path) return null;
    const published = job.record.url?.includes(token) || job.record.partialDataUrl?.includes(token);
    if (!published) return null;
    try {
      return { path: job.path, size: statSync(job.path).size };
    } catch {
      return null;
    }
  }

  /** Where an operation's JSONL was written (tests read it directly). */
  resultPath(id: string): string | null {
    return this.jobs.find((job) => job.record.id === id)?.path ?? null;
  }

  /** Cancels what runs and deletes the result files. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const job of this.jobs) if (!TERMINAL.includes(job.record.status)) job.cancelRequested = true;
    await this.idle();
    if (this.directory && this.ownsDirectory) rmSync(this.directory, { recursive: true, force: true });
    else for (const job of this.jobs) if (job.path) rmSync(job.path, { force: true });
    this.directory = this.ownsDirectory ? null : this.directory;
  }

  /** The GraphQL resolvers: keyed "Type.field" for the Admin API's resolver map. */
  resolvers(): Record<string, FieldResolver> {
    const { schema } = this.init;
    const mutation = schema.getMutationType()?.name ?? "Mutation";
    const query = schema.getQueryType()?.name ?? "QueryRoot";
    return {
      [`${mutation}.bulkOperationRunQuery`]: (_s, args, ctx) => this.runQuery(ctx.domain, String(args["query"]), args["groupObjects"] === true),
      [`${mutation}.bulkOperationCancel`]: (_s, args, ctx) => invalidId(args["id"]) ?? this.cancel(ctx.domain, String(args["id"])),
      [`${query}.bulkOperation`]: (_s, args, ctx) => invalidId(args["id"]) ?? this.get(ctx.domain, String(args["id"])),
      [`${query}.currentBulkOperation`]: (_s, args, ctx) => this.current(ctx.domain, args["type"] === "MUTATION" ? "MUTATION" : "QUERY"),
      [`${query}.bulkOperations`]: (_s, args, ctx, info) => {
        let records = this.list(ctx.domain);
        if (args["sortKey"] === "COMPLETED_AT") records = records.sort((a, b) => (b.completedAt ?? "").localeCompare(a.completedAt ?? ""));
        const matches = compileSearch(typeof args["query"] === "string" ? args["query"] : null, BULK_SEARCH);
        return paginate(records.filter(matches), args, connectionTypeNames(info));
      },
    };
  }

  // ---- internals ----

  private find(domain: string, id: string): Job | undefined {
    return this.jobs.find((job) => job.domain === domain && job.record.id === id);
  }

  private timestamp(): string {
    return isoSeconds(Math.floor(this.init.store.now() / 1000) * 1000);
  }

  private start(job: Job): void {
    if (job.started) return;
    job.started = true;
    const task = this.execute(job).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  private async execute(job: Job): Promise<void> {
    const startedAt = Date.now();
    let failure: unknown = null;
    let writer: LineWriter | null = null;
    if (!job.cancelRequested) {
      job.record.status = "RUNNING";
      try {
        this.directory ??= mkdtempSync(join(tmpdir(), "shopify-sandbox-bulk-"));
        job.path = join(this.directory, `${job.token}.jsonl`);
        writer = new LineWriter(createWriteStream(job.path));
        await this.write(job, writer);
      } catch (error) {
        failure = error;
      }
      if (writer) await writer.close().catch(() => undefined);
      const wait = (this.options.delayMs ?? 0) - (Date.now() - startedAt);
      if (wait > 0 && failure === null) await this.sleepUnlessCanceled(job, wait);
    }
    const record = job.record;
    record.completedAt = this.timestamp();
    if (job.cancelRequested) {
      record.status = "CANCELED";
      if (job.path) rmSync(job.path, { force: true });
      job.path = null;
    } else if (failure !== null) {
      record.status = "FAILED";
      record.errorCode = "INTERNAL_SERVER_ERROR";
      record.partialDataUrl = writer && writer.lines > 0 ? this.resultUrl(job.token) : null;
    } else {
      record.status = "COMPLETED";
      // Shopify gives no file for an empty result.
      if (writer && writer.lines > 0) {
        record.fileSize = String(writer.bytes);
        record.url = this.resultUrl(job.token);
      }
    }
    job.resolve({ ...record });
    if (!this.disposed) for (const listener of [...this.listeners]) listener({ ...record }, job.domain);
  }

  private async sleepUnlessCanceled(job: Job, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!job.cancelRequested && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, Math.min(20, until - Date.now())));
  }

  private async write(job: Job, writer: LineWriter): Promise<void> {
    const { store, schema } = this.init;
    const chunkSize = Math.max(1, this.options.chunkSize ?? BULK_DEFAULT_CHUNK_SIZE);
    const operation = getOperationAST(job.document) as OperationDefinitionNode;
    const queryTypeName = schema.getQueryType()?.name ?? "QueryRoot";
    for (const root of job.roots) {
      // One document per top-level field, so each can be fed in chunks on its own.
      const document: DocumentNode = {
        ...job.document,
        definitions: job.document.definitions.map((definition) =>
          definition === operation ? { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: root.fieldNodes } } : definition,
        ),
      };
      const run = new BulkRun(chunkSize);
      let resolvers = this.init.resolvers();
      for (;;) {
        if (job.cancelRequested) return;
        const data = store.getShop(job.domain);
        if (!data) throw new Error(`shop ${job.domain} no longer exists`);
        const context: RequestContext = { store, domain: job.domain, data, schema, resolvers, search: [], bulk: run };
        const result = await execute({
          schema,
          document,
          rootValue: { __typename: queryTypeName },
          contextValue: context,
          fieldResolver: defaultFieldResolver,
          typeResolver,
        });
        if (result.errors && result.errors.length > 0) throw result.errors[0];
        const value = result.data?.[root.key];
        if (root.connection) {
          for (const item of connectionItems(value, root.connection)) {
            writer.emit(item, root.connection.node, undefined);
            writer.roots++;
          }
        } else if (isData(value) && root.object) {
          writer.emit(value, root.object, undefined);
          writer.roots++;
        }
        job.record.objectCount = String(writer.lines);
        job.record.rootObjectCount = String(writer.roots);
        await writer.flush();
        if (!root.connection || run.rootDone || !run.rootTouched) break;
        resolvers = { ...resolvers, [`${queryTypeName}.${root.fieldName}`]: nextChunk };
        await yieldToEventLoop();
      }
    }
  }
}

function invalidId(id: unknown): GraphQLError | null {
  return typeof id === "string" && parseGid(id) ? null : new GraphQLError(`Invalid global id '${String(id)}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
}

const BULK_SEARCH: SearchFields<BulkOperationRecord> = {
  fields: {
    status: (record, term) => record.status === term.value.toUpperCase(),
    operation_type: (record, term) => record.type === term.value.toUpperCase(),
    created_at: (record, term) => matchDate(record.createdAt, term),
    id: (record, term) => matchNumber(Number(parseGid(record.id)?.id), { comparator: term.comparator, value: term.value.replace(/^gid:\/\/shopify\/BulkOperation\//, "") }),
  },
  text: () => true,
};
