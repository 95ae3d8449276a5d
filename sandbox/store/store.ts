/**
 * In-memory multi-shop store behind the sandbox Admin API.
 *
 * Each shop owns its records and its own GID index; nothing is shared between shops, so
 * a GID from one shop is simply unknown in another. Mutations (to be added) should go
 * through the helpers here (`touchOrder`, `upsertOrder`, `nextLegacyId`, `tick`) so
 * `updatedAt`, the event timeline and the index stay consistent.
 */
import { DEFAULT_NOW, generateDemoStore, idNamespace, isoSeconds } from "./generator";
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
}

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
}

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
  private lastIssuedMs = 0;

  constructor(options: SandboxStoreOptions = {}) {
    this.clock = options.now ?? (() => Date.now());
  }

  // ---- shops ----

  /** Adds (or replaces) a shop. The data is owned by the store from now on. */
  addShop(data: ShopData): ShopData {
    const domain = normalizeDomain(data.shop.myshopifyDomain);
    const idBase = MUTATION_ID_BASE + idNamespace(data.seed, domain) * 1_000_000_000;
    const state: ShopState = { data, nodes: new Map(), maxIds: new Map(), idBase };
    indexRecord(state, data.shop);
    indexRecord(state, data.app);
    indexRecord(state, data.appInstallation);
    for (const location of data.locations) indexRecord(state, location);
    for (const customer of data.customers) indexRecord(state, customer);
    for (const order of data.orders) {
      indexRecord(state, order);
      this.observeTimestamp(order.updatedAt);
    }
    this.shops.set(domain, state);
    return data;
  }

  seedShop(options: SeedShopOptions): ShopData {
    return this.addShop(
      generateDemoStore({
        domain: normalizeDomain(options.domain),
        orderCount: options.orderCount,
        seed: options.seed,
        name: options.name,
        currencyCode: options.currencyCode,
        now: options.now ?? DEFAULT_NOW,
      }),
    );
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

  /** Accepts a GID or a numeric legacy id. */
  getOrder(domain: string, id: string | number): OrderRecord | undefined {
    const gid = typeof id === "number" || /^\d+$/.test(id) ? toGid("Order", id) : id;
    const node = this.state(domain).nodes.get(gid);
    return node && node.__typename === "Order" ? (node as OrderRecord) : undefined;
  }

  getCustomer(domain: string, id: string | number): CustomerRecord | undefined {
    const gid = typeof id === "number" || /^\d+$/.test(id) ? toGid("Customer", id) : id;
    const node = this.state(domain).nodes.get(gid);
    return node && node.__typename === "Customer" ? (node as CustomerRecord) : undefined;
  }

  /** Any indexed record of the shop by GID (orders, line items, fulfillments, events...). */
  getNode(domain: string, gid: string): StoreRecord | undefined {
    return this.state(domain).nodes.get(gid);
  }

  deref<T extends StoreRecord = StoreRecord>(domain: string, link: Ref | null | undefined): T | undefined {
    if (!link) return undefined;
    return this.state(domain).nodes.get(link.__ref) as T | undefined;
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

  private observeTimestamp(iso: string): void {
    const ms = Date.parse(iso);
    if (Number.isFinite(ms) && ms > this.lastIssuedMs) this.lastIssuedMs = ms;
  }
}

/**
 * Walks a record tree and indexes every object that has a `__typename` and a GID `id`.
 * `{ __ref }` links are not followed: they point at records indexed on their own.
 */
function indexRecord(state: ShopState, root: StoreRecord): void {
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
    if (typeof record["__typename"] === "string" && typeof id === "string" && id.startsWith("gid://")) {
      state.nodes.set(id, record as StoreRecord);
      const type = parseGid(id)?.type;
      const numeric = legacyIdOf(id);
      if (type && numeric !== null && numeric > state.idBase && numeric > (state.maxIds.get(type) ?? 0)) state.maxIds.set(type, numeric);
    }
    for (const key in record) {
      const child = record[key];
      if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
}
