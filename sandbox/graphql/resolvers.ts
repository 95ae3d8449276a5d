/**
 * Resolution over the store's plain records.
 *
 * The default resolver reads `record[fieldName]` (calling it with (args, ctx, info) if it
 * is a function), follows `{ __ref }` links through the shop's index, turns arrays into
 * Relay connections where the schema says the field is a connection, and applies `first`
 * to plain lists. Only fields that need behaviour (root queries, search, derived values)
 * have explicit resolvers, keyed "Type.field"; callers can add more (e.g. mutations).
 */
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  responsePathAsArray,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from "graphql";
import { isRef, legacyIdOf, parseGid } from "../store/gid";
import { bagMinor, moneyV2 } from "../store/money";
import type { SandboxStore } from "../store/store";
import type {
  CountRecord,
  CustomerRecord,
  FulfillmentOrderRecord,
  MoneyBag,
  OrderRecord,
  ReturnReasonDefinitionRecord,
  ShopData,
  StoreRecord,
} from "../store/types";
import { isConnectionType } from "./cost";
import { isConnection, paginate, type Connection, type PageArgs, type SortValue } from "./pagination";
import {
  compileSearch,
  matchDate,
  matchNumber,
  matchText,
  type SearchFields,
  type SearchWarning,
  type TermMatcher,
} from "./search";

export type Args = Record<string, unknown>;

export interface SearchExtension {
  path: Array<string | number>;
  query: string;
  warnings: SearchWarning[];
}

export interface RequestContext {
  readonly store: SandboxStore;
  readonly domain: string;
  readonly data: ShopData;
  readonly schema: GraphQLSchema;
  readonly resolvers: ResolverMap;
  /** Search warnings collected while resolving, reported under `extensions.search`. */
  readonly search: SearchExtension[];
  /**
   * Set while a bulk operation runs its query: connections then ignore page sizes and
   * cursors and return everything (the bulk runner feeds the top-level one in chunks).
   */
  readonly bulk?: BulkConnections;
}

/** How connections resolve during a bulk operation (see graphql/bulk.ts). */
export interface BulkConnections {
  connection<T>(items: readonly T[], args: Args, ctx: RequestContext, info: GraphQLResolveInfo, defaultSortKey?: string): Connection<T>;
}

export type FieldResolver = (source: unknown, args: Args, ctx: RequestContext, info: GraphQLResolveInfo) => unknown;
/** Resolvers keyed "ParentType.fieldName"; they replace the default resolver for that field. */
export type ResolverMap = Readonly<Record<string, FieldResolver>>;
/** A record property may be a function of the field's arguments. */
export type RecordFieldFunction = (args: Args, ctx: RequestContext, info: GraphQLResolveInfo) => unknown;

// ---------------------------------------------------------------------------------------
// Default resolution
// ---------------------------------------------------------------------------------------

function own(record: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

export function deref(ctx: RequestContext, value: unknown): unknown {
  return isRef(value) ? (ctx.store.getNode(ctx.domain, value.__ref) ?? null) : value;
}

function isMoneyBag(value: unknown): value is MoneyBag {
  return typeof value === "object" && value !== null && (value as { __typename?: unknown }).__typename === "MoneyBag";
}

/** Values the records leave out because they follow from other fields. */
function derivedValue(record: Record<string, unknown>, info: GraphQLResolveInfo): unknown {
  const named = getNamedType(info.returnType).name;
  // Deprecated scalar twins of MoneyBag fields: totalPrice <- totalPriceSet, amountV2 <- amountSet.
  const bag = own(record, `${info.fieldName.replace(/V2$/, "")}Set`);
  if (isMoneyBag(bag)) {
    if (named === "Money" || named === "Decimal") return bag.shopMoney.amount;
    if (named === "MoneyV2") return bag.shopMoney;
  }
  if (info.fieldName === "legacyResourceId") {
    const id = own(record, "id");
    const numeric = typeof id === "string" ? legacyIdOf(id) : null;
    return numeric === null ? undefined : String(numeric);
  }
  return undefined;
}

export const defaultFieldResolver: GraphQLFieldResolver<unknown, RequestContext, Args> = (source, args, ctx, info) => {
  const override = ctx.resolvers[`${info.parentType.name}.${info.fieldName}`];
  if (override) return override(source, args, ctx, info);
  if (typeof source !== "object" || source === null) return null;
  const record = source as Record<string, unknown>;
  let value = own(record, info.fieldName);
  if (typeof value === "function") value = (value as RecordFieldFunction)(args, ctx, info);
  if (value === undefined) value = derivedValue(record, info);
  return shapeValue(value, args, ctx, info);
};

export const typeResolver: GraphQLTypeResolver<unknown, RequestContext> = (value) => {
  const typename = typeof value === "object" && value !== null ? (value as { __typename?: unknown }).__typename : undefined;
  return typeof typename === "string" ? typename : undefined;
};

export function shapeValue(value: unknown, args: Args, ctx: RequestContext, info: GraphQLResolveInfo): unknown {
  const nullable = getNullableType(info.returnType);
  if (isObjectType(nullable) && isConnectionType(nullable)) {
    if (isConnection(value)) return value;
    return connectionFor(Array.isArray(value) ? value.map((item) => deref(ctx, item)) : [], args, ctx, info);
  }
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return value ?? null;
    const list = value.map((item) => deref(ctx, item));
    const first = args["first"];
    return typeof first === "number" ? list.slice(0, Math.max(0, first)) : list;
  }
  return deref(ctx, value ?? null);
}

/** A connection over `items` for the field being resolved (its args, sortKey, type names). */
export function connectionFor<T>(items: readonly T[], args: Args, ctx: RequestContext, info: GraphQLResolveInfo, defaultSortKey?: string): Connection<T> {
  if (ctx.bulk) return ctx.bulk.connection(items, args, ctx, info, defaultSortKey);
  return sortedConnection(items, args, ctx, info, defaultSortKey, true);
}

/** The schema names of the connection being resolved and of its edges. */
export function connectionTypeNames(info: GraphQLResolveInfo): { connectionTypeName?: string; edgeTypeName?: string } {
  const connectionType = getNullableType(info.returnType);
  const connectionTypeName = isObjectType(connectionType) ? connectionType.name : undefined;
  const edgesField = isObjectType(connectionType) ? connectionType.getFields()["edges"] : undefined;
  const edgeTypeName = edgesField ? getNamedType(edgesField.type).name : undefined;
  return { connectionTypeName, edgeTypeName };
}

/** The field's sort order (its sortKey, else `defaultSortKey`) as a sort-value function. */
export function sortValueOf<T>(args: Args, ctx: RequestContext, defaultSortKey?: string): ((item: T) => SortValue) | undefined {
  const sortKey = typeof args["sortKey"] === "string" ? args["sortKey"] : defaultSortKey;
  return sortKey && sortKey !== "RELEVANCE" ? (item: T) => sortValueFor(sortKey, item, ctx) : undefined;
}

/**
 * A sorted connection over `items`; `windowed: false` ignores first/last/after/before and
 * returns every item in order (what bulk operations do).
 */
export function sortedConnection<T>(items: readonly T[], args: Args, ctx: RequestContext, info: GraphQLResolveInfo, defaultSortKey: string | undefined, windowed: boolean): Connection<T> {
  const pageArgs: PageArgs = windowed ? (args as PageArgs) : { reverse: args["reverse"] === true };
  return paginate(items, pageArgs, { sortValue: sortValueOf<T>(args, ctx, defaultSortKey), ...connectionTypeNames(info), requireWindow: windowed });
}

function camelCase(sortKey: string): string {
  return sortKey.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function amountOf(value: unknown): number | null {
  return isMoneyBag(value) ? Number(value.shopMoney.amount) : null;
}

/** Sort values for Shopify sort keys, by the field each key refers to. */
export function sortValueFor(sortKey: string, item: unknown, ctx: RequestContext): SortValue {
  if (typeof item !== "object" || item === null) return null;
  const record = item as Record<string, unknown>;
  switch (sortKey) {
    case "ID": {
      const id = own(record, "id");
      return typeof id === "string" ? legacyIdOf(id) : null;
    }
    case "ORDER_NUMBER":
      return (own(record, "number") as number | undefined) ?? null;
    case "TOTAL_PRICE":
      return amountOf(own(record, "totalPriceSet"));
    case "CURRENT_TOTAL_PRICE":
      return amountOf(own(record, "currentTotalPriceSet"));
    case "TOTAL_ITEMS_QUANTITY":
      return (own(record, "subtotalLineItemsQuantity") as number | undefined) ?? null;
    case "FINANCIAL_STATUS":
      return (own(record, "displayFinancialStatus") as string | undefined) ?? null;
    case "FULFILLMENT_STATUS":
      return (own(record, "displayFulfillmentStatus") as string | undefined) ?? null;
    case "CUSTOMER_NAME":
      return record["__typename"] === "Order" ? orderCustomerName(record as unknown as OrderRecord, ctx).toLowerCase() : null;
    case "DESTINATION": {
      const address = own(record, "shippingAddress") as { city?: string | null } | null | undefined;
      return address?.city?.toLowerCase() ?? null;
    }
    case "NAME":
    case "TITLE": {
      const text = own(record, sortKey === "NAME" ? "name" : "title") ?? own(record, "displayName");
      return typeof text === "string" ? text.toLowerCase() : null;
    }
    case "LOCATION": {
      const address = own(record, "defaultAddress") as { city?: string | null } | null | undefined;
      return address?.city?.toLowerCase() ?? null;
    }
    default: {
      const value = own(record, camelCase(sortKey));
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------

function orderCustomerName(order: OrderRecord, ctx: RequestContext): string {
  const customer = deref(ctx, order.customer) as CustomerRecord | null;
  return customer?.displayName ?? order.billingAddress?.name ?? order.shippingAddress?.name ?? "";
}

const FINANCIAL_STATUS: Readonly<Record<string, readonly string[]>> = {
  paid: ["PAID"],
  pending: ["PENDING"],
  authorized: ["AUTHORIZED"],
  partially_paid: ["PARTIALLY_PAID"],
  partially_refunded: ["PARTIALLY_REFUNDED"],
  refunded: ["REFUNDED"],
  voided: ["VOIDED"],
  expired: ["EXPIRED"],
  unpaid: ["PENDING", "AUTHORIZED", "PARTIALLY_PAID", "EXPIRED"],
};

/** Display statuses of orders with nothing shipped yet. */
const NOTHING_SHIPPED = ["UNFULFILLED", "OPEN", "ON_HOLD", "IN_PROGRESS", "SCHEDULED", "PENDING_FULFILLMENT", "REQUEST_DECLINED"];

/**
 * Shopify's order filter values: `unshipped` is "nothing shipped yet" and `unfulfilled` is
 * "not completely shipped" (unshipped or partial), as documented for the orders API; the
 * display statuses themselves (on_hold, in_progress, ...) filter exactly.
 */
const FULFILLMENT_STATUS: Readonly<Record<string, readonly string[]>> = {
  shipped: ["FULFILLED"],
  fulfilled: ["FULFILLED"],
  partial: ["PARTIALLY_FULFILLED"],
  partially_fulfilled: ["PARTIALLY_FULFILLED"],
  unshipped: NOTHING_SHIPPED,
  unfulfilled: [...NOTHING_SHIPPED, "PARTIALLY_FULFILLED"],
  on_hold: ["ON_HOLD"],
  in_progress: ["IN_PROGRESS"],
  scheduled: ["SCHEDULED"],
  open: ["OPEN"],
  pending_fulfillment: ["PENDING_FULFILLMENT"],
  request_declined: ["REQUEST_DECLINED"],
  restocked: ["RESTOCKED"],
};

function enumMatcher<T>(read: (record: T) => string | null | undefined, table: Readonly<Record<string, readonly string[]>>): TermMatcher<T> {
  return (record, term) => {
    const wanted = term.value.toLowerCase();
    if (wanted === "any") return true;
    const values = table[wanted] ?? [wanted.toUpperCase()];
    const actual = read(record);
    return actual !== null && actual !== undefined && values.includes(actual);
  };
}

function idMatcher<T>(read: (record: T) => string | null | undefined): TermMatcher<T> {
  return (record, term) => {
    const gid = read(record);
    if (!gid) return false;
    const wanted = term.value.startsWith("gid://") ? legacyIdOf(term.value) : Number(term.value);
    return matchNumber(legacyIdOf(gid), { comparator: term.comparator, value: String(wanted) });
  };
}

function tagMatcher<T extends { tags: string[] }>(): TermMatcher<T> {
  return (record, term) => record.tags.some((tag) => matchText(tag, term.value));
}

export function orderSearchFields(ctx: RequestContext): SearchFields<OrderRecord> {
  const normalizeName = (value: string) => value.replace(/^#/, "").toLowerCase();
  return {
    fields: {
      name: (order, term) => {
        const wanted = normalizeName(term.value);
        const actual = normalizeName(order.name);
        return wanted.endsWith("*") ? actual.startsWith(wanted.slice(0, -1)) : actual === wanted;
      },
      email: (order, term) => matchText(order.email, term.value),
      financial_status: enumMatcher((order) => order.displayFinancialStatus, FINANCIAL_STATUS),
      fulfillment_status: enumMatcher((order) => order.displayFulfillmentStatus, FULFILLMENT_STATUS),
      status: (order, term) => {
        switch (term.value.toLowerCase()) {
          case "any":
            return true;
          case "open":
            return !order.closed && order.cancelledAt === null;
          case "closed":
            return order.closed;
          case "cancelled":
          case "canceled":
            return order.cancelledAt !== null;
          default:
            return false;
        }
      },
      return_status: enumMatcher((order) => order.returnStatus, {}),
      created_at: (order, term) => matchDate(order.createdAt, term),
      updated_at: (order, term) => matchDate(order.updatedAt, term),
      processed_at: (order, term) => matchDate(order.processedAt, term),
      tag: tagMatcher<OrderRecord>(),
      tag_not: (order, term) => !order.tags.some((tag) => matchText(tag, term.value)),
      id: idMatcher<OrderRecord>((order) => order.id),
      customer_id: idMatcher<OrderRecord>((order) => order.customer?.__ref),
      sku: (order, term) => order.lineItems.some((line) => matchText(line.sku, term.value)),
      test: (order, term) => String(order.test) === term.value.toLowerCase(),
      gateway: (order, term) => order.paymentGatewayNames.some((gateway) => matchText(gateway, term.value)),
      discount_code: (order, term) => order.discountCodes.some((code) => matchText(code, term.value)),
      country: (order, term) =>
        matchText(order.shippingAddress?.countryCodeV2, term.value) || matchText(order.shippingAddress?.country, term.value),
    },
    text: (order, value) => {
      const needle = value.toLowerCase().replace(/^#/, "");
      return (
        order.name.toLowerCase().replace(/^#/, "").includes(needle) ||
        (order.email ?? "").toLowerCase().includes(needle) ||
        orderCustomerName(order, ctx).toLowerCase().includes(needle) ||
        (order.shippingAddress?.name ?? "").toLowerCase().includes(needle)
      );
    },
  };
}

export const customerSearchFields: SearchFields<CustomerRecord> = {
  fields: {
    email: (customer, term) => matchText(customer.email, term.value),
    first_name: (customer, term) => matchText(customer.firstName, term.value),
    last_name: (customer, term) => matchText(customer.lastName, term.value),
    phone: (customer, term) => matchText(customer.phone, term.value),
    tag: tagMatcher<CustomerRecord>(),
    state: (customer, term) => customer.state.toLowerCase() === term.value.toLowerCase(),
    country: (customer, term) =>
      matchText(customer.defaultAddress?.countryCodeV2, term.value) || matchText(customer.defaultAddress?.country, term.value),
    created_at: (customer, term) => matchDate(customer.createdAt, term),
    updated_at: (customer, term) => matchDate(customer.updatedAt, term),
    id: idMatcher<CustomerRecord>((customer) => customer.id),
  },
  text: (customer, value) => {
    const needle = value.toLowerCase();
    return customer.displayName.toLowerCase().includes(needle) || (customer.email ?? "").toLowerCase().includes(needle);
  },
};

/** `returnReasonDefinitions(query:)`: the fields Shopify documents for it (default, deleted, id, name). */
const returnReasonSearchFields: SearchFields<ReturnReasonDefinitionRecord> = {
  fields: {
    deleted: (definition, term) => String(definition.deleted) === term.value.toLowerCase(),
    id: idMatcher<ReturnReasonDefinitionRecord>((definition) => definition.id),
    name: (definition, term) => matchText(definition.name, term.value),
  },
  text: (definition, value) => {
    const needle = value.toLowerCase();
    return definition.name.toLowerCase().includes(needle) || definition.handle.includes(needle);
  },
};

/** The library filtered by `ids`, `handles` and `query`, as a connection (default order: ID). */
const returnReasonDefinitionsConnection: FieldResolver = (_source, args, ctx, info) => {
  const ids = Array.isArray(args["ids"]) ? (args["ids"] as string[]) : null;
  const handles = Array.isArray(args["handles"]) ? (args["handles"] as string[]) : null;
  const chosen = ctx.data.returnReasonDefinitions.filter((definition) => (!ids || ids.includes(definition.id)) && (!handles || handles.includes(definition.handle)));
  return connectionFor(filtered(chosen, args, returnReasonSearchFields, ctx, info), args, ctx, info, "ID");
};

function searchArg(args: Args): string | null {
  return typeof args["query"] === "string" ? args["query"] : null;
}

function filtered<T>(items: readonly T[], args: Args, spec: SearchFields<T>, ctx: RequestContext, info: GraphQLResolveInfo): T[] {
  const query = searchArg(args);
  const warnings: SearchWarning[] = [];
  const predicate = compileSearch(query, spec, warnings);
  if (query && warnings.length > 0) ctx.search.push({ path: responsePathAsArray(info.path), query, warnings });
  return items.filter(predicate);
}

export function filterOrders(ctx: RequestContext, args: Args, info: GraphQLResolveInfo, orders: readonly OrderRecord[] = ctx.data.orders): OrderRecord[] {
  return filtered(orders, args, orderSearchFields(ctx), ctx, info);
}

// ---------------------------------------------------------------------------------------
// Explicit resolvers
// ---------------------------------------------------------------------------------------

function count(value: number, limit: unknown): CountRecord {
  // `limit: null` asks for an uncapped count; the default cap is 10,000.
  if (typeof limit === "number" && value > limit) return { __typename: "Count", count: limit, precision: "AT_LEAST" };
  return { __typename: "Count", count: value, precision: "EXACT" };
}

function nodeOfType(ctx: RequestContext, id: unknown, ...types: string[]): StoreRecord | null {
  if (typeof id !== "string") return null;
  const node = ctx.store.getNode(ctx.domain, id);
  return node && types.includes(node.__typename) ? node : null;
}

function invalidId(id: unknown): GraphQLError | null {
  return typeof id === "string" && parseGid(id) ? null : new GraphQLError(`Invalid global id '${String(id)}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
}

function allFulfillmentOrders(ctx: RequestContext): FulfillmentOrderRecord[] {
  return ctx.data.orders.flatMap((order) => order.fulfillmentOrders);
}

function customerOrders(ctx: RequestContext, customer: CustomerRecord): OrderRecord[] {
  return ctx.data.orders.filter((order) => order.customer?.__ref === customer.id);
}

const ordersConnection: FieldResolver = (_source, args, ctx, info) =>
  connectionFor(filterOrders(ctx, args, info), args, ctx, info, "PROCESSED_AT");

const customersConnection: FieldResolver = (_source, args, ctx, info) =>
  connectionFor(filtered(ctx.data.customers, args, customerSearchFields, ctx, info), args, ctx, info, "ID");

const locationsConnection: FieldResolver = (_source, args, ctx, info) => {
  const locations = ctx.data.locations.filter((location) => args["includeInactive"] === true || location.isActive);
  return connectionFor(locations, args, ctx, info, "NAME");
};

export function createDefaultResolvers(): Record<string, FieldResolver> {
  return {
    "QueryRoot.shop": (_s, _a, ctx) => ctx.data.shop,
    "QueryRoot.order": (_s, args, ctx) => invalidId(args["id"]) ?? nodeOfType(ctx, args["id"], "Order"),
    "QueryRoot.orderByIdentifier": (_s, args, ctx) => {
      const identifier = args["identifier"] as { id?: unknown } | undefined;
      return nodeOfType(ctx, identifier?.id, "Order");
    },
    "QueryRoot.orders": ordersConnection,
    "QueryRoot.ordersCount": (_s, args, ctx, info) => count(filterOrders(ctx, args, info).length, args["limit"]),
    "QueryRoot.customer": (_s, args, ctx) => invalidId(args["id"]) ?? nodeOfType(ctx, args["id"], "Customer"),
    "QueryRoot.customerByIdentifier": (_s, args, ctx) => {
      const identifier = (args["identifier"] ?? {}) as { id?: unknown; emailAddress?: unknown; phoneNumber?: unknown };
      if (identifier.id !== undefined) return nodeOfType(ctx, identifier.id, "Customer");
      return (
        ctx.data.customers.find(
          (customer) =>
            (typeof identifier.emailAddress === "string" && matchText(customer.email, identifier.emailAddress)) ||
            (typeof identifier.phoneNumber === "string" && customer.phone === identifier.phoneNumber),
        ) ?? null
      );
    },
    "QueryRoot.customers": customersConnection,
    "QueryRoot.customersCount": (_s, args, ctx, info) =>
      count(filtered(ctx.data.customers, args, customerSearchFields, ctx, info).length, args["limit"]),
    "QueryRoot.node": (_s, args, ctx) => invalidId(args["id"]) ?? nodeIfNode(ctx, args["id"] as string),
    "QueryRoot.nodes": (_s, args, ctx) => (args["ids"] as string[]).map((id) => nodeIfNode(ctx, id)),
    "QueryRoot.fulfillmentOrder": (_s, args, ctx) => nodeOfType(ctx, args["id"], "FulfillmentOrder"),
    "QueryRoot.fulfillmentOrders": (_s, args, ctx, info) => {
      const all = allFulfillmentOrders(ctx).filter(
        (fo) => args["includeClosed"] === true || (fo.status !== "CLOSED" && fo.status !== "CANCELLED"),
      );
      return connectionFor(all, args, ctx, info, "ID");
    },
    "QueryRoot.fulfillment": (_s, args, ctx) => nodeOfType(ctx, args["id"], "Fulfillment"),
    "QueryRoot.refund": (_s, args, ctx) => nodeOfType(ctx, args["id"], "Refund"),
    "QueryRoot.return": (_s, args, ctx) => nodeOfType(ctx, args["id"], "Return"),
    "QueryRoot.event": (_s, args, ctx) => nodeOfType(ctx, args["id"], "BasicEvent"),
    "QueryRoot.events": (_s, args, ctx, info) =>
      connectionFor(ctx.data.orders.flatMap((order) => order.events), args, ctx, info, "ID"),
    "QueryRoot.eventsCount": (_s, _args, ctx) => count(ctx.data.orders.reduce((acc, order) => acc + order.events.length, 0), 10_000),
    "QueryRoot.location": (_s, args, ctx) =>
      args["id"] === undefined || args["id"] === null
        ? (ctx.data.locations.find((location) => location.isPrimary) ?? ctx.data.locations[0] ?? null)
        : nodeOfType(ctx, args["id"], "Location"),
    "QueryRoot.locations": locationsConnection,
    "QueryRoot.locationsCount": (_s, args, ctx) => count(ctx.data.locations.length, args["limit"]),
    "QueryRoot.app": (_s, args, ctx) =>
      args["id"] === undefined || args["id"] === null || args["id"] === ctx.data.app.id ? ctx.data.app : null,
    "QueryRoot.appInstallation": (_s, args, ctx) =>
      args["id"] === undefined || args["id"] === null || args["id"] === ctx.data.appInstallation.id ? ctx.data.appInstallation : null,
    "QueryRoot.currentAppInstallation": (_s, _a, ctx) => ctx.data.appInstallation,
    "QueryRoot.returnReasonDefinitions": returnReasonDefinitionsConnection,

    // Deprecated Shop connections behave like their root-level replacements.
    "Shop.orders": ordersConnection,
    "Shop.customers": customersConnection,
    "Shop.locations": locationsConnection,

    "Customer.orders": (source, args, ctx, info) =>
      connectionFor(filterOrders(ctx, args, info, customerOrders(ctx, source as CustomerRecord)), args, ctx, info, "ID"),
    "Customer.lastOrder": (source, _a, ctx) =>
      customerOrders(ctx, source as CustomerRecord).reduce<OrderRecord | null>(
        (latest, order) => (latest === null || order.createdAt > latest.createdAt ? order : latest),
        null,
      ),
    "Customer.numberOfOrders": (source, _a, ctx) => String(customerOrders(ctx, source as CustomerRecord).length),
    "Customer.amountSpent": (source, _a, ctx) => {
      const spent = customerOrders(ctx, source as CustomerRecord).reduce((acc, order) => acc + bagMinor(order.netPaymentSet), 0);
      return moneyV2(spent, ctx.data.shop.currencyCode);
    },

    "Order.transactions": (source, args) => {
      let transactions = (source as OrderRecord).transactions;
      if (args["capturable"] === true) transactions = transactions.filter((t) => t.manuallyCapturable);
      if (args["capturable"] === false) transactions = transactions.filter((t) => !t.manuallyCapturable);
      const first = args["first"];
      return typeof first === "number" ? transactions.slice(0, Math.max(0, first)) : transactions;
    },
    "Order.transactionsCount": (source) => count((source as OrderRecord).transactions.length, null),
    "Order.fulfillmentsCount": (source) => count((source as OrderRecord).fulfillments.length, null),
    "Order.suggestedRefund": () => null,
    "LineItem.discountedTotalSet": (source, args) => {
      const line = source as { discountedTotalSet: MoneyBag; __discountedTotalWithCodeDiscountsSet?: MoneyBag };
      return args["withCodeDiscounts"] === true ? (line.__discountedTotalWithCodeDiscountsSet ?? line.discountedTotalSet) : line.discountedTotalSet;
    },
  };
}

function nodeIfNode(ctx: RequestContext, id: string): StoreRecord | null {
  const node = ctx.store.getNode(ctx.domain, id);
  if (!node) return null;
  const type = ctx.schema.getType(node.__typename);
  const nodeInterface = ctx.schema.getType("Node");
  // Only records whose type implements Node may come back from node()/nodes().
  if (!type || !isObjectType(type) || !type.getInterfaces().some((iface) => iface === nodeInterface)) return null;
  return node;
}
