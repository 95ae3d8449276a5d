/**
 * In-memory multi-shop store behind the sandbox Admin API.
 *
 * Each shop owns its records and its own GID index; nothing is shared between shops, so
 * a GID from one shop is simply unknown in another. Mutations (to be added) should go
 * through the helpers here (`touchOrder`, `upsertOrder`, `nextLegacyId`, `tick`) so
 * `updatedAt`, the event timeline and the index stay consistent.
 */
import {
  DEFAULT_NOW,
  MAX_ORDER_INDEX,
  generateDemoStore,
  generateOrder,
  generatedOrderIndex,
  generatedOrderProcessedAt,
  generatedOwnerIndex,
  idNamespace,
  isoSeconds,
  orderLegacyId,
} from "./generator";
import { isRef, legacyIdOf, parseGid, ref, toGid } from "./gid";
import type { BasicEventRecord, CustomerRecord, Gid, LocationRecord, OrderRecord, Ref, ShopData, ShopRecord, StoreRecord } from "./types";

export interface SeedShopOptions {
  domain: string;
  orderCount: number;
  seed?: number;
  name?: string;
  currencyCode?: string;
  /** Clock for the generated history; defaults to the generator's fixed date. */
  now?: Date;
  /**
   * Lazy mode for very large stores (benchmarks): the orders are not generated up front but
   * on demand, deterministically, from (seed, index). See `VirtualOrders` for what sees them.
   */
  lazy?: boolean;
}

/**
 * The generated orders of a lazily seeded shop. They are visible to bulk operations (the
 * `orders` root of a bulk query streams them), to `order(id:)`/`node(id:)`/`getNode`, and to
 * writes: `getOrder` (and so `touchOrder` and the change API) materializes an order into the
 * shop for good. The regular `orders`/`ordersCount` connections see only materialized and
 * newly created orders, because filtering 100,000 generated orders per request is too slow.
 */
export interface VirtualOrders {
  /** Number of generated orders (indexes 0 .. count - 1). */
  readonly count: number;
  /** Order `index`: its materialized record if it was written to, else a generated copy. */
  order(index: number): OrderRecord;
  /** `processedAt` (= `createdAt`) of order `index`, without generating it. */
  processedAt(index: number): string;
  legacyId(index: number): number;
  /** The index of a generated order's GID, or null if the GID is not one of them. */
  indexOf(gid: string): number | null;
  /** Whether order `index` was materialized (written to). */
  isMaterialized(index: number): boolean;
}

/** Something that happened in a shop that Shopify would announce with a webhook. */
export interface StoreEvent {
  domain: string;
  topic: string;
  payload: unknown;
}

export type StoreListener = (event: StoreEvent) => void;

export interface OrderEventInput {
  action: string;
  message: string;
  appTitle?: string | null;
  attributeToApp?: boolean;
  attributeToUser?: boolean;
  author?: string | null;
  criticalAlert?: boolean;
}

export interface SandboxStoreOptions {
  /** Milliseconds since the epoch; inject a fake clock in tests. */
  now?: () => number;
}

interface ShopState {
  data: ShopData;
  nodes: Map<Gid, StoreRecord>;
  /** Highest numeric id per GID type within `idBase`'s range, for `nextLegacyId`. */
  maxIds: Map<string, number>;
  /**
   * Records created by mutations get ids from a range the generator never uses (generated
   * ids stay below 1e15), offset per shop so new GIDs stay globally unique like Shopify's.
   */
  idBase: number;
  /** Present for lazily seeded shops. */
  virtual: VirtualState | null;
}

interface VirtualState {
  seed: number;
  shop: ShopRecord;
  now: Date;
  count: number;
  namespace: number;
  /** Recently generated orders and (once looked up) their records by GID, least recently used first. */
  cache: Map<number, { order: OrderRecord; nodes: Map<Gid, StoreRecord> | null }>;
}

/** Recently generated orders kept for lookups by GID; a miss just generates the same order again. */
const VIRTUAL_CACHE_SIZE = 64;

const MUTATION_ID_BASE = 5_000_000_000_000_000;

export class UnknownShopError extends Error {
  constructor(readonly domain: string) {
    super(`Unknown shop: ${domain}`);
    this.name = "UnknownShopError";
  }
}

export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase();
}

const SECOND = 1000;

export class SandboxStore {
  private readonly shops = new Map<string, ShopState>();
  private readonly clock: () => number;
  private readonly listeners = new Set<StoreListener>();
  private lastIssuedMs = 0;

  constructor(options: SandboxStoreOptions = {}) {
    this.clock = options.now ?? (() => Date.now());
  }

  // ---- shops ----

  /** Adds (or replaces) a shop. The data is owned by the store from now on. */
  addShop(data: ShopData): ShopData {
    const domain = normalizeDomain(data.shop.myshopifyDomain);
    const idBase = MUTATION_ID_BASE + idNamespace(data.seed, domain) * 1_000_000_000;
    const state: ShopState = { data, nodes: new Map(), maxIds: new Map(), idBase, virtual: null };
    indexRecord(state, data.shop);
    indexRecord(state, data.app);
    indexRecord(state, data.appInstallation);
    for (const location of data.locations) indexRecord(state, location);
    for (const customer of data.customers) indexRecord(state, customer);
    for (const definition of data.returnReasonDefinitions) indexRecord(state, definition);
    for (const order of data.orders) {
      indexRecord(state, order);
      this.observeTimestamp(order.updatedAt);
    }
    this.shops.set(domain, state);
    return data;
  }

  seedShop(options: SeedShopOptions): ShopData {
    const now = options.now ?? DEFAULT_NOW;
    const lazy = options.lazy === true;
    if (lazy && (!Number.isInteger(options.orderCount) || options.orderCount < 0 || options.orderCount > MAX_ORDER_INDEX + 1)) {
      throw new RangeError(`orderCount must be an integer in [0, ${MAX_ORDER_INDEX + 1}], got ${options.orderCount}`);
    }
    const data = this.addShop(
      generateDemoStore({
        domain: normalizeDomain(options.domain),
        orderCount: lazy ? 0 : options.orderCount,
        seed: options.seed,
        name: options.name,
        currencyCode: options.currencyCode,
        now,
      }),
    );
    if (lazy) {
      const state = this.state(data.shop.myshopifyDomain);
      state.virtual = {
        seed: data.seed,
        shop: data.shop,
        now,
        count: options.orderCount,
        namespace: idNamespace(data.seed, data.shop.myshopifyDomain),
        cache: new Map(),
      };
      // Generated histories end at `now`: later writes must be stamped after them.
      this.observeTimestamp(isoSeconds(now.getTime()));
    }
    return data;
  }

  /** Whether the shop was seeded lazily (`seedShop({ lazy: true })`). */
  isLazy(domain: string): boolean {
    return this.state(domain).virtual !== null;
  }

  /** The generated orders of a lazily seeded shop; null for ordinary shops. */
  virtualOrders(domain: string): VirtualOrders | null {
    const state = this.state(domain);
    const virtual = state.virtual;
    if (!virtual) return null;
    return {
      count: virtual.count,
      order: (index) => {
        const materialized = state.nodes.get(toGid("Order", orderLegacyId(virtual.namespace, index)));
        return (materialized as OrderRecord | undefined) ?? this.generatedOrder(virtual, index).order;
      },
      processedAt: (index) => generatedOrderProcessedAt(virtual.seed, index, virtual.now),
      legacyId: (index) => orderLegacyId(virtual.namespace, index),
      indexOf: (gid) => virtualOrderIndex(virtual, gid),
      isMaterialized: (index) => state.nodes.has(toGid("Order", orderLegacyId(virtual.namespace, index))),
    };
  }

  /** All orders of the shop, generated ones of a lazy shop included. */
  orderCount(domain: string): number {
    const state = this.state(domain);
    const virtual = state.virtual;
    if (!virtual) return state.data.orders.length;
    return virtual.count + state.data.orders.filter((order) => virtualOrderIndex(virtual, order.id) === null).length;
  }

  /**
   * The generator index for the next new order (its name is `#${1001 + index}`): after every
   * generated order, virtual or not, so names and GIDs never collide.
   */
  nextOrderIndex(domain: string): number {
    const state = this.state(domain);
    const namespace = idNamespace(state.data.seed, state.data.shop.myshopifyDomain);
    let next = state.virtual?.count ?? 0;
    for (const order of state.data.orders) {
      const legacyId = legacyIdOf(order.id);
      const index = legacyId === null ? null : generatedOrderIndex(namespace, legacyId);
      if (index !== null && index + 1 > next) next = index + 1;
    }
    return next;
  }

  removeShop(domain: string): boolean {
    return this.shops.delete(normalizeDomain(domain));
  }

  hasShop(domain: string): boolean {
    return this.shops.has(normalizeDomain(domain));
  }

  getShop(domain: string): ShopData | undefined {
    return this.shops.get(normalizeDomain(domain))?.data;
  }

  requireShop(domain: string): ShopData {
    return this.state(domain).data;
  }

  listShops(): ShopRecord[] {
    return [...this.shops.values()].map((state) => state.data.shop);
  }

  // ---- collections ----

  orders(domain: string): OrderRecord[] {
    return this.state(domain).data.orders;
  }

  customers(domain: string): CustomerRecord[] {
    return this.state(domain).data.customers;
  }

  locations(domain: string): LocationRecord[] {
    return this.state(domain).data.locations;
  }

  /**
   * Accepts a GID or a numeric legacy id. On a lazy shop this materializes a generated
   * order (it becomes part of the shop's data), since callers get it to change it.
   */
  getOrder(domain: string, id: string | number): OrderRecord | undefined {
    const gid = typeof id === "number" || /^\d+$/.test(id) ? toGid("Order", id) : id;
    const state = this.state(domain);
    const node = state.nodes.get(gid);
    if (node) return node.__typename === "Order" ? (node as OrderRecord) : undefined;
    const index = state.virtual ? virtualOrderIndex(state.virtual, gid) : null;
    if (!state.virtual || index === null || parseGid(gid)?.type !== "Order") return undefined;
    const { order } = this.generatedOrder(state.virtual, index);
    state.virtual.cache.delete(index);
    return this.upsertOrder(domain, order);
  }

  getCustomer(domain: string, id: string | number): CustomerRecord | undefined {
    const gid = typeof id === "number" || /^\d+$/.test(id) ? toGid("Customer", id) : id;
    const node = this.state(domain).nodes.get(gid);
    return node && node.__typename === "Customer" ? (node as CustomerRecord) : undefined;
  }

  /** Any indexed record of the shop by GID (orders, line items, fulfillments, events...). */
  getNode(domain: string, gid: string): StoreRecord | undefined {
    const state = this.state(domain);
    const node = state.nodes.get(gid);
    if (node || !state.virtual) return node;
    const index = virtualOrderIndex(state.virtual, gid);
    if (index === null) return undefined;
    const entry = this.generatedOrder(state.virtual, index);
    if (!entry.nodes) {
      const nodes = new Map<Gid, StoreRecord>();
      walkRecords(entry.order, (id, record) => nodes.set(id, record));
      entry.nodes = nodes;
    }
    return entry.nodes.get(gid);
  }

  deref<T extends StoreRecord = StoreRecord>(domain: string, link: Ref | null | undefined): T | undefined {
    if (!link) return undefined;
    return this.getNode(domain, link.__ref) as T | undefined;
  }

  // ---- events ----

  /** Listens to store events (what webhooks announce); returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(event: StoreEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  // ---- clock ----

  /** Current time of the store's clock, in milliseconds. */
  now(): number {
    return this.clock();
  }

  /**
   * Next timestamp for a write. Strictly increasing at Shopify's one-second precision and
   * never before data already in the store, so `updated_at:>` polling always sees a write
   * made after the previous poll — even when the fake clock stands still in tests. Under a
   * burst of writes within one second this runs ahead of the wall clock, by design.
   */
  tick(): string {
    const candidate = Math.floor(this.clock() / SECOND) * SECOND;
    this.lastIssuedMs = Math.max(candidate, this.lastIssuedMs + SECOND);
    return isoSeconds(this.lastIssuedMs);
  }

  // ---- write helpers for mutations ----

  /** A fresh numeric id for a new record of `type` in this shop (e.g. "BasicEvent"). */
  nextLegacyId(domain: string, type: string): number {
    const state = this.state(domain);
    const next = Math.max(state.maxIds.get(type) ?? 0, state.idBase) + 1;
    state.maxIds.set(type, next);
    return next;
  }

  /** (Re)indexes a record tree after it was created or changed in place. */
  index(domain: string, record: StoreRecord): void {
    indexRecord(this.state(domain), record);
  }

  /** Inserts a new order or replaces the one with the same id, and indexes it. */
  upsertOrder(domain: string, order: OrderRecord): OrderRecord {
    const state = this.state(domain);
    const orders = state.data.orders;
    const position = orders.findIndex((existing) => existing.id === order.id);
    if (position >= 0) orders[position] = order;
    else orders.push(order);
    indexRecord(state, order);
    this.observeTimestamp(order.updatedAt);
    return order;
  }

  /**
   * Marks an order as changed: bumps `updatedAt` with the monotonic clock and, when given,
   * appends a BasicEvent to its timeline. Every order mutation should end here.
   */
  touchOrder(domain: string, orderId: string | number, event?: OrderEventInput): OrderRecord {
    const order = this.getOrder(domain, orderId);
    if (!order) throw new Error(`Unknown order ${String(orderId)} in ${domain}`);
    const at = this.tick();
    order.updatedAt = at;
    if (event) {
      const record: BasicEventRecord = {
        __typename: "BasicEvent",
        id: toGid("BasicEvent", this.nextLegacyId(domain, "BasicEvent")),
        action: event.action,
        message: event.message,
        secondaryMessage: null,
        appTitle: event.appTitle ?? null,
        attributeToApp: event.attributeToApp ?? false,
        attributeToUser: event.attributeToUser ?? false,
        author: event.author ?? null,
        criticalAlert: event.criticalAlert ?? false,
        hasAdditionalContent: false,
        additionalContent: null,
        additionalData: null,
        arguments: null,
        subject: ref(order.id),
        subjectId: order.id,
        subjectType: "ORDER",
        createdAt: at,
      };
      order.events.push(record);
      this.index(domain, record);
    }
    return order;
  }

  // ---- internals ----

  private state(domain: string): ShopState {
    const state = this.shops.get(normalizeDomain(domain));
    if (!state) throw new UnknownShopError(domain);
    return state;
  }

  private generatedOrder(virtual: VirtualState, index: number): { order: OrderRecord; nodes: Map<Gid, StoreRecord> | null } {
    const cached = virtual.cache.get(index);
    if (cached) {
      virtual.cache.delete(index);
      virtual.cache.set(index, cached);
      return cached;
    }
    const order = generateOrder({ seed: virtual.seed, index, shop: virtual.shop, now: virtual.now });
    const entry = { order, nodes: null };
    virtual.cache.set(index, entry);
    if (virtual.cache.size > VIRTUAL_CACHE_SIZE) virtual.cache.delete(virtual.cache.keys().next().value as number);
    return entry;
  }

  private observeTimestamp(iso: string): void {
    const ms = Date.parse(iso);
    if (Number.isFinite(ms) && ms > this.lastIssuedMs) this.lastIssuedMs = ms;
  }
}

/** The generated order index a GID belongs to (the order itself or one of its records). */
function virtualOrderIndex(virtual: VirtualState, gid: string): number | null {
  const parsed = parseGid(gid);
  const legacyId = legacyIdOf(gid);
  if (!parsed || legacyId === null) return null;
  const index = parsed.type === "Order" ? generatedOrderIndex(virtual.namespace, legacyId) : generatedOwnerIndex(virtual.namespace, legacyId);
  return index !== null && index < virtual.count ? index : null;
}

/**
 * Visits every object of a record tree that has a `__typename` and a GID `id`.
 * `{ __ref }` links are not followed: they point at records indexed on their own.
 */
function walkRecords(root: StoreRecord, visit: (id: Gid, record: StoreRecord) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object" && item !== null) stack.push(item);
      continue;
    }
    if (typeof value !== "object" || value === null || isRef(value)) continue;
    const record = value as Record<string, unknown>;
    const id = record["id"];
    if (typeof record["__typename"] === "string" && typeof id === "string" && id.startsWith("gid://")) visit(id, record as StoreRecord);
    for (const key in record) {
      const child = record[key];
      if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
}

function indexRecord(state: ShopState, root: StoreRecord): void {
  walkRecords(root, (id, record) => {
    state.nodes.set(id, record);
    const type = parseGid(id)?.type;
    const numeric = legacyIdOf(id);
    if (type && numeric !== null && numeric > state.idBase && numeric > (state.maxIds.get(type) ?? 0)) state.maxIds.set(type, numeric);
  });
}
