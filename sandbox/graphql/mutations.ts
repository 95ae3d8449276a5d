/**
 * Order mutations behind the app's action catalog, with Shopify's semantics: business failures
 * come back as `userErrors` (HTTP 200), state changes go through the same OrderWriter as the
 * change API (updatedAt, order events, webhooks), and refundCreate requires the
 * `@idempotent(key:)` directive (mandatory from 2026-04): the same key with the same input
 * returns the first refund again, with a different input it is an error.
 *
 *   tagsAdd(id, tags)            orders/updated
 *   orderUpdate(input)           note, tags, shippingAddress; orders/updated
 *   returnCreate(returnInput)    an OPEN return of fulfilled, unrefunded units; returns/approve, orders/updated
 *   refundCreate(input) @idempotent(key)   refunds/create, order_transactions/create, orders/updated
 *   discountCodeBasicCreate(basicCodeDiscount)   a code for everyone or for given customers;
 *                                codeDiscountNodeByCode(code) finds it again
 *   fulfillmentTrackingInfoUpdate(fulfillmentId, trackingInfoInput, notifyCustomer)   fulfillments/update, orders/updated
 *   orderCancel(orderId, reason, restock, ...)   returns a Job (done at once; job(id:) resolves it);
 *                                refunds what was paid with refundMethod originalPaymentMethodsRefund,
 *                                keeps it without a refund method; orders/cancelled
 */
import { createHash } from "node:crypto";
import { GraphQLError, Kind, valueFromASTUntyped, type GraphQLResolveInfo } from "graphql";
import { OrderChangeError, changeOrder, type OrderChange, type ReturnLineInput, type ShippingAddressInput } from "../changes";

import { ref } from "../store/gid";
import { legacyReasonHandle, legacyReasonOf } from "../store/return-reasons";
import type { OrderCancelReason, OrderRecord } from "../store/types";
import type { Args, FieldResolver, RequestContext } from "./resolvers";

interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

const userError = (field: string[] | null, message: string, code?: string): UserError => ({ field, message, ...(code ? { code } : {}) });

interface DiscountCodeBasicInput {
  title?: string | null;
  code?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  context?: { all?: string; customers?: { add?: string[] } } | null;
  customerGets?: { value?: { percentage?: number | null; discountAmount?: { amount: string; appliesOnEachItem?: boolean } | null } | null; items?: { all?: boolean } | null } | null;
  appliesOncePerCustomer?: boolean | null;
  usageLimit?: number | null;
}

type ReturnLineArgs = ReturnLineInput & { returnReasonDefinitionId?: string | null };

/**
 * Each line's reason as a definition of the shop's library and as the deprecated enum (Shopify
 * keeps filling it): `returnReasonDefinitionId` must name a definition (deleted ones are still
 * valid, as Shopify documents); the deprecated `returnReason` alone maps to the matching one.
 */
function withReasonDefinitions(ctx: RequestContext, lines: ReturnLineArgs[]): ReturnLineInput[] | UserError {
  const library = ctx.data.returnReasonDefinitions;
  const result: ReturnLineInput[] = [];
  for (const [index, { returnReasonDefinitionId, ...line }] of (lines ?? []).entries()) {
    if (returnReasonDefinitionId !== undefined && returnReasonDefinitionId !== null) {
      const definition = library.find((candidate) => candidate.id === returnReasonDefinitionId);
      if (!definition) return userError(["returnInput", "returnLineItems", String(index), "returnReasonDefinitionId"], "Return reason definition does not exist", "NOT_FOUND");
      result.push({ ...line, returnReason: legacyReasonOf(definition.handle), returnReasonDefinition: ref(definition.id) });
      continue;
    }
    const legacy = line.returnReason ? library.find((candidate) => candidate.handle === legacyReasonHandle(line.returnReason!)) : undefined;
    result.push({ ...line, returnReasonDefinition: legacy ? ref(legacy.id) : null });
  }
  return result;
}

/** Applies changes in order; the first refusal becomes a userError and stops the rest. */
function apply(ctx: RequestContext, order: OrderRecord, changes: OrderChange[], field: string[]): UserError[] {
  for (const change of changes) {
    try {
      changeOrder(ctx.store, ctx.domain, order.id, change);
    } catch (error) {
      if (error instanceof OrderChangeError) return [userError(error.field ?? field, error.message, error.field ? error.code : undefined)];
      throw error;
    }
  }
  return [];
}

function findOrder(ctx: RequestContext, id: unknown): OrderRecord | null {
  if (typeof id !== "string" || !/^gid:\/\/shopify\/Order\/\d+$/.test(id)) return null;
  return ctx.store.getOrder(ctx.domain, id) ?? null;
}

/** The `@idempotent(key:)` value on the executing field, or null when the directive is absent. */
function idempotencyKey(info: GraphQLResolveInfo): string | null {
  const directive = info.fieldNodes[0]?.directives?.find((node) => node.name.value === "idempotent");
  const argument = directive?.arguments?.find((node) => node.name.value === "key");
  if (!argument) return null;
  const value = argument.value.kind === Kind.VARIABLE ? info.variableValues[argument.value.name.value] : valueFromASTUntyped(argument.value, info.variableValues);
  return typeof value === "string" && value.length > 0 ? value : null;
}

const fingerprint = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

export function orderMutationResolvers(mutation: string, query = "QueryRoot"): Record<string, FieldResolver> {
  /** domain + key -> the refund it created and the input it was created with. */
  const refundsByKey = new Map<string, { hash: string; orderId: string; refundId: string }>();
  /** domain -> discount nodes created through discountCodeBasicCreate, by lowercased code. */
  const discounts = new Map<string, Map<string, Record<string, unknown>>>();
  let discountIds = 1000;
  /** Asynchronous work Shopify answers with a Job (orderCancel): done once the change applied. */
  const jobs = new Map<string, { id: string; done: boolean }>();
  let jobIds = 5000;

  return {
    [`${mutation}.tagsAdd`]: (_source, args: Args, ctx) => {
      const order = findOrder(ctx, args["id"]);
      if (!order) return { node: null, userErrors: [userError(["id"], "Order does not exist")] };
      const tags = (args["tags"] as string[]).flatMap((tag) => tag.split(",")).map((tag) => tag.trim()).filter(Boolean);
      if (tags.length === 0) return { node: null, userErrors: [userError(["tags"], "Tags can't be blank")] };
      const errors = apply(ctx, order, tags.map((tag) => ({ type: "addTag", tag })), ["tags"]);
      return { node: errors.length ? null : order, userErrors: errors };
    },

    [`${mutation}.orderUpdate`]: (_source, args: Args, ctx) => {
      const input = args["input"] as { id: string; note?: string | null; tags?: string[]; shippingAddress?: ShippingAddressInput | null; [key: string]: unknown };
      const order = findOrder(ctx, input.id);
      if (!order) return { order: null, userErrors: [userError(["id"], "Order does not exist")] };
      const unsupported = Object.keys(input).filter((key) => !["id", "note", "tags", "shippingAddress"].includes(key));
      if (unsupported.length) return { order: null, userErrors: [userError([unsupported[0] as string], `The sandbox does not support updating ${unsupported.join(", ")} yet`)] };
      const changes: OrderChange[] = [];
      if ("note" in input) changes.push({ type: "setNote", note: input.note ?? null });
      if (input.tags) changes.push({ type: "setTags", tags: input.tags });
      if (input.shippingAddress) changes.push({ type: "setShippingAddress", address: input.shippingAddress });
      const errors = apply(ctx, order, changes, ["input"]);
      return { order: errors.length ? null : order, userErrors: errors };
    },

    [`${mutation}.discountCodeBasicCreate`]: (_source, args: Args, ctx) => {
      const input = args["basicCodeDiscount"] as DiscountCodeBasicInput;
      const at = (...path: string[]) => ["basicCodeDiscount", ...path];
      const errors: UserError[] = [];
      const code = input.code?.trim() ?? "";
      if (!input.title?.trim()) errors.push(userError(at("title"), "Title can't be blank", "BLANK"));
      if (!code) errors.push(userError(at("code"), "Code can't be blank", "BLANK"));
      else if (code.length > 255) errors.push(userError(at("code"), "Code is too long (maximum is 255 characters)", "TOO_LONG"));
      const shopDiscounts = discounts.get(ctx.domain) ?? new Map<string, Record<string, unknown>>();
      if (code && shopDiscounts.has(code.toLowerCase())) errors.push(userError(at("code"), "Code must be unique. Please try a different code.", "TAKEN"));
      const value = input.customerGets?.value;
      const percentage = value?.percentage;
      const fixed = value?.discountAmount?.amount;
      if ((percentage === undefined || percentage === null) === (fixed === undefined || fixed === null)) {
        errors.push(userError(at("customerGets", "value"), "Choose either a percentage or an amount", "INVALID"));
      } else if (percentage !== undefined && percentage !== null && !(percentage > 0 && percentage <= 1)) {
        errors.push(userError(at("customerGets", "value", "percentage"), "Value must be between 0.0 and 1.0", "VALUE_OUTSIDE_RANGE"));
      } else if (fixed !== undefined && fixed !== null && !(Number(fixed) > 0)) {
        errors.push(userError(at("customerGets", "value", "discountAmount", "amount"), "Value must be greater than 0", "GREATER_THAN"));
      }
      for (const id of input.context?.customers?.add ?? []) {
        if (!ctx.store.getCustomer(ctx.domain, id)) errors.push(userError(at("context", "customers", "add"), `Customer ${id} does not exist`, "INVALID"));
      }
      if (input.endsAt && input.startsAt && input.endsAt <= input.startsAt) errors.push(userError(at("endsAt"), "Ends at needs to be after starts_at", "INVALID"));
      if (errors.length) return { codeDiscountNode: null, userErrors: errors };
      const id = ++discountIds;
      const node = {
        __typename: "DiscountCodeNode",
        id: `gid://shopify/DiscountCodeNode/${id}`,
        codeDiscount: {
          __typename: "DiscountCodeBasic",
          title: input.title,
          status: "ACTIVE",
          startsAt: input.startsAt ?? new Date().toISOString(),
          endsAt: input.endsAt ?? null,
          appliesOncePerCustomer: input.appliesOncePerCustomer ?? false,
          usageLimit: input.usageLimit ?? null,
          codes: [{ __typename: "DiscountRedeemCode", id: `gid://shopify/DiscountRedeemCode/${id}`, code, asyncUsageCount: 0 }],
          __value: percentage ?? fixed,
          __customers: input.context?.customers?.add ?? [],
        },
      };
      shopDiscounts.set(code.toLowerCase(), node);
      discounts.set(ctx.domain, shopDiscounts);
      return { codeDiscountNode: node, userErrors: [] };
    },

    [`${mutation}.fulfillmentTrackingInfoUpdate`]: (_source, args: Args, ctx) => {
      const fulfillmentId = String(args["fulfillmentId"]);
      const order = ctx.store.orders(ctx.domain).find((candidate) => candidate.fulfillments.some((fulfillment) => fulfillment.id === fulfillmentId));
      if (!order) return { fulfillment: null, userErrors: [userError(["fulfillmentId"], "Fulfillment does not exist")] };
      const tracking = args["trackingInfoInput"] as { company?: string | null; number?: string | null; url?: string | null };
      const errors = apply(
        ctx,
        order,
        [{ type: "updateTracking", fulfillmentId, company: tracking.company ?? null, number: tracking.number ?? null, url: tracking.url ?? null, notify: args["notifyCustomer"] === true }],
        ["trackingInfoInput"],
      );
      return { fulfillment: errors.length ? null : order.fulfillments.find((fulfillment) => fulfillment.id === fulfillmentId), userErrors: errors };
    },

    [`${mutation}.orderCancel`]: (_source, args: Args, ctx) => {
      const order = findOrder(ctx, args["orderId"]);
      const refuse = (code: string, field: string[], message: string) => ({ job: null, jobResult: null, orderCancelUserErrors: [{ code, field, message }], userErrors: [{ field, message }] });
      if (!order) return refuse("NOT_FOUND", ["orderId"], "Order does not exist");
      // refundMethod (@oneOf) says how to refund what was paid; without it (or the deprecated
      // refund: true) nothing is refunded. Store credit is not modelled by the sandbox.
      const method = args["refundMethod"] as { originalPaymentMethodsRefund?: boolean | null; storeCreditRefund?: unknown } | null | undefined;
      if (method?.storeCreditRefund) return refuse("INVALID", ["refundMethod", "storeCreditRefund"], "The sandbox does not support refunds to store credit yet");
      const refund = method?.originalPaymentMethodsRefund === true || args["refund"] === true;
      try {
        changeOrder(ctx.store, ctx.domain, order.id, { type: "cancel", reason: args["reason"] as OrderCancelReason, staffNote: typeof args["staffNote"] === "string" ? args["staffNote"] : undefined, refund });
      } catch (error) {
        if (error instanceof OrderChangeError) return refuse("INVALID", ["orderId"], error.message);
        throw error;
      }
      // Shopify cancels in the background; the sandbox applies it at once and reports the job done.
      const job = { id: `gid://shopify/Job/${++jobIds}`, done: true };
      jobs.set(`${ctx.domain}|${job.id}`, job);
      return { job, jobResult: null, orderCancelUserErrors: [], userErrors: [] };
    },

    [`${mutation}.returnCreate`]: (_source, args: Args, ctx) => {
      const input = args["returnInput"] as { orderId: string; returnLineItems: ReturnLineInput[]; exchangeLineItems?: unknown[]; returnShippingFee?: unknown };
      const order = findOrder(ctx, input.orderId);
      if (!order) return { return: null, userErrors: [{ field: ["returnInput", "orderId"], message: "Order does not exist", code: "NOT_FOUND" }] };
      if (input.exchangeLineItems?.length || input.returnShippingFee) {
        return { return: null, userErrors: [{ field: ["returnInput"], message: "The sandbox does not support exchanges or return shipping fees yet", code: "FEATURE_NOT_ENABLED" }] };
      }
      const lines = withReasonDefinitions(ctx, input.returnLineItems);
      if (!Array.isArray(lines)) return { return: null, userErrors: [lines] };
      const before = order.returns.length;
      const errors = apply(ctx, order, [{ type: "createReturn", lines }], ["returnInput"]);
      return { return: errors.length ? null : (order.returns[before] ?? null), userErrors: errors };
    },

    [`${query}.job`]: (_source, args: Args, ctx) => jobs.get(`${ctx.domain}|${String(args["id"])}`) ?? null,

    // Codes are unique per shop, case-insensitively, as discountCodeBasicCreate enforces.
    [`${query}.codeDiscountNodeByCode`]: (_source, args: Args, ctx) => discounts.get(ctx.domain)?.get(String(args["code"]).trim().toLowerCase()) ?? null,

    [`${mutation}.refundCreate`]: (_source, args: Args, ctx, info) => {
      const key = idempotencyKey(info);
      if (!key) {
        throw new GraphQLError("The @idempotent directive with a key is required for refundCreate.", { extensions: { code: "BAD_REQUEST" } });
      }
      const input = args["input"] as { orderId: string; note?: string | null; transactions?: Array<{ amount: string; kind: string; orderId: string; parentId?: string | null }>; refundLineItems?: unknown[]; shipping?: unknown };
      const hash = fingerprint(input);
      const seen = refundsByKey.get(`${ctx.domain}|${key}`);
      if (seen) {
        if (seen.hash !== hash) throw new GraphQLError("The idempotency key was already used with a different request.", { extensions: { code: "IDEMPOTENCY_KEY_REUSED" } });
        const order = findOrder(ctx, seen.orderId) as OrderRecord;
        return { order, refund: order.refunds.find((refund) => refund.id === seen.refundId) ?? null, userErrors: [] };
      }
      const order = findOrder(ctx, input.orderId);
      if (!order) return { order: null, refund: null, userErrors: [userError(["orderId"], "Order does not exist")] };
      if (input.refundLineItems?.length || input.shipping) {
        return { order: null, refund: null, userErrors: [userError(["refundLineItems"], "The sandbox refunds amounts through transactions only; refundLineItems and shipping are not supported yet")] };
      }
      const transactions = input.transactions ?? [];
      if (transactions.length === 0) return { order: null, refund: null, userErrors: [userError(["transactions"], "A refund needs at least one transaction")] };
      for (const [index, transaction] of transactions.entries()) {
        if (transaction.kind !== "REFUND") return { order: null, refund: null, userErrors: [userError(["transactions", String(index), "kind"], "Transaction kind must be REFUND")] };
        if (transaction.orderId !== order.id) return { order: null, refund: null, userErrors: [userError(["transactions", String(index), "orderId"], "Transaction belongs to another order")] };
        if (transaction.parentId && !order.transactions.some((t) => t.id === transaction.parentId)) {
          return { order: null, refund: null, userErrors: [userError(["transactions", String(index), "parentId"], "Parent transaction does not exist on this order")] };
        }
      }
      const amount = sumDecimal(transactions.map((t) => String(t.amount)));
      if (amount === null) return { order: null, refund: null, userErrors: [userError(["transactions"], "Amounts must be positive decimals")] };
      const before = order.refunds.length;
      const errors = apply(ctx, order, [{ type: "refund", amount, note: input.note ?? undefined }], ["transactions"]);
      if (errors.length) return { order: null, refund: null, userErrors: errors };
      const refund = order.refunds[before] ?? null;
      if (refund) refundsByKey.set(`${ctx.domain}|${key}`, { hash, orderId: order.id, refundId: refund.id });
      return { order, refund, userErrors: [] };
    },
  };
}

/** Sums decimal strings exactly (scaled integers); null when one is not a positive decimal. */
function sumDecimal(amounts: string[]): string | null {
  let total = 0n;
  for (const amount of amounts) {
    const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(amount);
    if (!match) return null;
    const micros = BigInt(match[1] as string) * 1_000_000n + BigInt((match[2] ?? "").padEnd(6, "0"));
    if (micros <= 0n) return null;
    total += micros;
  }
  const fraction = (total % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return `${total / 1_000_000n}${fraction ? `.${fraction}` : ""}`;
}
