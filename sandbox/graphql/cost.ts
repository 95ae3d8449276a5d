/**
 * Shopify-style calculated query cost.
 *
 * Rules (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
 *   - scalars and enums cost 0;
 *   - an object field costs 1 plus its selection; interfaces and unions cost 1 plus the most
 *     expensive of their possible selections (fragments on different types do not add up);
 *   - a connection costs 2 (connection, edges and pageInfo) plus `first`/`last` times the
 *     cost of one item, where one item is the `edges.node` object (1 + its selection) and
 *     the `nodes` object, if selected;
 *   - plain lists are not multiplied (Shopify bounds them by other means);
 *   - a mutation root field costs 10, or more if its payload selection is expensive.
 *
 * The actual cost walks the same AST together with the response data: connections are
 * charged for the items really returned and nothing is charged below a null object.
 */
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  typeFromAST,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MAX_QUERY_COST = 1000;
export const MAX_PAGE_SIZE = 250;
export const MAX_INPUT_ARRAY_SIZE = 250;
export const OBJECT_COST = 1;
export const CONNECTION_COST = 2;
export const MUTATION_COST = 10;

export type Variables = Record<string, unknown> | null | undefined;

/** Per-field breakdown, in the shape Shopify returns with cost debugging enabled. */
export interface FieldCost {
  path: string[];
  definedCost: number;
  requestedTotalCost: number;
  requestedChildrenCost: number | null;
}

export interface CostAnalysis {
  requestedQueryCost: number;
  fields: FieldCost[];
  /** Static argument errors Shopify reports before running a query (page and input sizes). */
  errors: GraphQLError[];
}

type Data = Record<string, unknown>;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  mutationType: GraphQLObjectType | null | undefined;
  errors: GraphQLError[] | null;
  fields: FieldCost[] | null;
  /** False for the requested cost; true when walking response data for the actual cost. */
  actual: boolean;
}

export function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  if (!isObjectType(type) || !type.name.endsWith("Connection")) return false;
  const fields = type.getFields();
  return "pageInfo" in fields && ("edges" in fields || "nodes" in fields);
}

export function analyzeRequestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables?: Variables,
  operationName?: string | null,
): CostAnalysis {
  const fields: FieldCost[] = [];
  const errors: GraphQLError[] = [];
  const setup = prepare(schema, document, variables, operationName);
  if (!setup) return { requestedQueryCost: 0, fields, errors };
  const walk: Walk = { ...setup.walk, errors, fields, actual: false };
  const cost = objectCost(walk, setup.rootType, [setup.operation.selectionSet], [], undefined);
  // Abstract selections are costed once per candidate type, which can repeat an error.
  const unique = new Map(errors.map((error) => [`${error.path?.join(".")}|${error.message}`, error]));
  return { requestedQueryCost: cost, fields, errors: [...unique.values()] };
}

export function calculateRequestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables?: Variables,
  operationName?: string | null,
): number {
  return analyzeRequestedCost(schema, document, variables, operationName).requestedQueryCost;
}

/** Cost of what was actually returned; never more than the requested cost. */
export function calculateActualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Variables,
  operationName: string | null | undefined,
  data: unknown,
): number {
  const setup = prepare(schema, document, variables, operationName);
  if (!setup) return 0;
  const walk: Walk = { ...setup.walk, errors: null, fields: null, actual: true };
  return objectCost(walk, setup.rootType, [setup.operation.selectionSet], [], isData(data) ? data : null);
}

export function maxCostExceededError(cost: number): { message: string; extensions: { code: string; cost: number; maxCost: number } } {
  return {
    message:
      `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
      "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
      "cost of a query is calculated.\n\n" +
      "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
      "See https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n",
    extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: MAX_QUERY_COST },
  };
}

// ---------------------------------------------------------------------------------------

function prepare(schema: GraphQLSchema, document: DocumentNode, variables: Variables, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null;
  const rootType = rootTypeOf(schema, operation);
  if (!rootType) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
  // Costing must not fail on bad variables; execution reports those properly.
  const values = coerced.coerced ?? { ...(variables ?? {}) };
  const walk = { schema, fragments, variables: values, mutationType: schema.getMutationType() };
  return { operation, rootType, walk };
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | null | undefined {
  switch (operation.operation) {
    case "query":
      return schema.getQueryType();
    case "mutation":
      return schema.getMutationType();
    default:
      return schema.getSubscriptionType();
  }
}

function isData(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shouldInclude(walk: Walk, node: { readonly directives?: readonly DirectiveNode[] }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, walk.variables);
  if (skip?.["if"] === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, walk.variables);
  return include?.["if"] !== false;
}

function conditionMatches(walk: Walk, condition: InlineFragmentNode["typeCondition"], type: GraphQLObjectType): boolean {
  if (!condition) return true;
  const conditionType = typeFromAST(walk.schema, condition);
  if (!conditionType) return false;
  if (conditionType === type) return true;
  return isAbstractType(conditionType) && walk.schema.isSubType(conditionType, type);
}

/** graphql-js' field collection: merges fields by response key across fragments. */
function collectFields(walk: Walk, type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (!shouldInclude(walk, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = fields.get(key);
        if (list) list.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (conditionMatches(walk, selection.typeCondition, type)) visit(selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = walk.fragments.get(name);
        if (fragment && conditionMatches(walk, fragment.typeCondition, type)) visit(fragment.selectionSet);
      }
    }
  };
  for (const set of selectionSets) visit(set);
  return fields;
}

/** Concrete types worth costing for an abstract selection: those its fragments target. */
function candidateTypes(walk: Walk, abstract: GraphQLAbstractType, selectionSets: readonly SelectionSetNode[]): readonly GraphQLObjectType[] {
  const possible = walk.schema.getPossibleTypes(abstract);
  const conditions = new Set<string>();
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (selection.typeCondition) conditions.add(selection.typeCondition.name.value);
        visit(selection.selectionSet);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD && !visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = walk.fragments.get(selection.name.value);
        if (fragment) {
          conditions.add(fragment.typeCondition.name.value);
          visit(fragment.selectionSet);
        }
      }
    }
  };
  for (const set of selectionSets) visit(set);
  const picked = new Set<GraphQLObjectType>();
  for (const name of conditions) {
    const type = walk.schema.getType(name);
    if (!type) continue;
    if (isObjectType(type)) {
      if (possible.includes(type)) picked.add(type);
    } else if (isAbstractType(type)) {
      for (const candidate of walk.schema.getPossibleTypes(type)) if (possible.includes(candidate)) picked.add(candidate);
    }
  }
  // Without a matching fragment every possible type sees the same (interface) fields.
  if (picked.size === 0 && possible.length > 0) return [possible[0] as GraphQLObjectType];
  return [...picked];
}

function selectionCost(
  walk: Walk,
  type: GraphQLCompositeType,
  selectionSets: readonly SelectionSetNode[],
  path: string[],
  data: Data | null | undefined,
): number {
  if (isObjectType(type)) return objectCost(walk, type, selectionSets, path, data);
  let candidates = candidateTypes(walk, type, selectionSets);
  const runtimeName = walk.actual && data ? data["__typename"] : undefined;
  if (typeof runtimeName === "string") {
    const runtime = walk.schema.getType(runtimeName);
    if (runtime && isObjectType(runtime)) candidates = [runtime];
  }
  let best = -1;
  let bestFields: FieldCost[] = [];
  for (const candidate of candidates) {
    const fields: FieldCost[] | null = walk.fields ? [] : null;
    const cost = objectCost({ ...walk, fields }, candidate, selectionSets, path, data);
    if (cost > best) {
      best = cost;
      bestFields = fields ?? [];
    }
  }
  walk.fields?.push(...bestFields);
  return Math.max(0, best);
}

function objectCost(
  walk: Walk,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  path: string[],
  data: Data | null | undefined,
): number {
  let total = 0;
  for (const [key, nodes] of collectFields(walk, type, selectionSets)) {
    const name = (nodes[0] as FieldNode).name.value;
    if (name.startsWith("__")) continue;
    const field = type.getFields()[name];
    if (!field) continue;
    total += fieldCost(walk, type, field, nodes, [...path, key], walk.actual ? (data ? data[key] : null) : undefined);
  }
  return total;
}

function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  const sets: SelectionSetNode[] = [];
  for (const node of nodes) if (node.selectionSet) sets.push(node.selectionSet);
  return sets;
}

function argumentsOf(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, walk.variables);
  } catch {
    // Invalid arguments are reported by validation or execution; cost them as absent.
    return {};
  }
}

function pageSize(args: Record<string, unknown>): number {
  const sizes = [args["first"], args["last"]].filter((v): v is number => typeof v === "number" && v > 0);
  return sizes.length === 0 ? 0 : Math.min(Math.max(...sizes), MAX_PAGE_SIZE);
}

function checkArguments(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode, args: Record<string, unknown>, path: string[]): void {
  if (!walk.errors) return;
  for (const argument of ["first", "last"]) {
    const size = args[argument];
    if (typeof size === "number" && (size > MAX_PAGE_SIZE || size < 0)) {
      walk.errors.push(
        new GraphQLError(
          `Argument '${argument}' on Field '${field.name}' has an invalid value (${size}). Expected a page size from 0 to ${MAX_PAGE_SIZE}.`,
          { nodes: node, path, extensions: { code: "BAD_REQUEST", argumentName: argument, fieldName: field.name, maxPageSize: MAX_PAGE_SIZE } },
        ),
      );
    }
  }
  for (const definition of field.args) {
    const value = args[definition.name];
    if (Array.isArray(value) && isListInput(definition.type) && value.length > MAX_INPUT_ARRAY_SIZE) {
      walk.errors.push(
        new GraphQLError(
          `The input array size of ${value.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY_SIZE}.`,
          { nodes: node, path: [...path, definition.name], extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } },
        ),
      );
    }
  }
}

function isListInput(type: GraphQLInputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function fieldCost(
  walk: Walk,
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  nodes: readonly FieldNode[],
  path: string[],
  value: unknown,
): number {
  const named = getNamedType(field.type);
  const node = nodes[0] as FieldNode;
  const args = argumentsOf(walk, field, node);
  checkArguments(walk, field, node, args, path);
  if (isLeafType(named) || !isCompositeType(named)) return 0;

  const isMutationRoot = parent === walk.mutationType;
  const sets = subSelections(nodes);
  const connection = isConnectionType(named);
  const definedCost = isMutationRoot ? MUTATION_COST : connection ? CONNECTION_COST : OBJECT_COST;

  let children: number | null;
  if (walk.actual && (value === null || value === undefined)) {
    children = null;
  } else if (connection) {
    children = walk.actual ? actualConnectionItems(walk, named, sets, path, isData(value) ? value : {}) : pageSize(args) * connectionItemCost(walk, named, sets, path);
  } else if (walk.actual && Array.isArray(value)) {
    // Lists are charged like a single object: the most expensive element stands for all.
    children = 0;
    for (const item of flatten(value)) {
      children = Math.max(children, selectionCost(walk, named, sets, path, isData(item) ? item : null));
    }
  } else {
    children = selectionCost(walk, named, sets, path, walk.actual && isData(value) ? value : undefined);
  }
  const baseCost = connection ? CONNECTION_COST : OBJECT_COST;
  const total = isMutationRoot ? Math.max(MUTATION_COST, baseCost + (children ?? 0)) : baseCost + (children ?? 0);
  walk.fields?.push({ path, definedCost, requestedTotalCost: total, requestedChildrenCost: children });
  return total;
}

function flatten(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    if (Array.isArray(value)) out.push(...flatten(value));
    else out.push(value);
  }
  return out;
}

/** Requested cost of one item of a connection (edges.node plus nodes). */
function connectionItemCost(walk: Walk, connection: GraphQLObjectType, sets: readonly SelectionSetNode[], path: string[]): number {
  let perItem = 0;
  for (const [key, nodes] of collectFields(walk, connection, sets)) {
    const name = (nodes[0] as FieldNode).name.value;
    const field = connection.getFields()[name];
    if (!field) continue;
    const itemType = getNamedType(field.type);
    if (name === "nodes" && isCompositeType(itemType)) {
      perItem += OBJECT_COST + selectionCost(walk, itemType, subSelections(nodes), [...path, key], undefined);
    } else if (name === "edges" && isObjectType(itemType)) {
      perItem += edgeCost(walk, itemType, subSelections(nodes), [...path, key], undefined);
    }
  }
  return perItem;
}

function edgeCost(walk: Walk, edgeType: GraphQLObjectType, sets: readonly SelectionSetNode[], path: string[], edge: Data | null | undefined): number {
  let cost = 0;
  for (const [key, nodes] of collectFields(walk, edgeType, sets)) {
    const name = (nodes[0] as FieldNode).name.value;
    const field = edgeType.getFields()[name];
    if (!field) continue;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) continue;
    const nodeData = walk.actual ? (edge ? edge[key] : null) : undefined;
    if (walk.actual && !isData(nodeData)) continue;
    cost += OBJECT_COST + selectionCost(walk, type, subSelections(nodes), [...path, key], isData(nodeData) ? nodeData : undefined);
  }
  return cost;
}

/** Actual cost of a connection's items, from the returned edges and nodes. */
function actualConnectionItems(walk: Walk, connection: GraphQLObjectType, sets: readonly SelectionSetNode[], path: string[], value: Data): number {
  let cost = 0;
  for (const [key, nodes] of collectFields(walk, connection, sets)) {
    const name = (nodes[0] as FieldNode).name.value;
    const field = connection.getFields()[name];
    if (!field) continue;
    const itemType = getNamedType(getNullableType(field.type));
    const items = value[key];
    if (!Array.isArray(items)) continue;
    if (name === "nodes" && isCompositeType(itemType)) {
      for (const item of items) {
        if (isData(item)) cost += OBJECT_COST + selectionCost(walk, itemType, subSelections(nodes), [...path, key], item);
      }
    } else if (name === "edges" && isObjectType(itemType)) {
      for (const item of items) cost += edgeCost(walk, itemType, subSelections(nodes), [...path, key], isData(item) ? item : null);
    }
  }
  return cost;
}
