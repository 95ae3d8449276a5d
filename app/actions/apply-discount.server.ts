/**
 * apply_discount: a discount code only this order's customer can use, once
 * (`discountCodeBasicCreate`). The store policy caps it: max_percentage applies to the discount's
 * own percentage (or a fixed amount as a share of the order total) and max_amount to a fixed
 * amount, so nobody (staff, workflow or agent) can hand out more than the merchant allows.
 * Without a code given, the code derives from the lineage's root run: a retry after a lost
 * answer finds its own code taken and counts that as done instead of creating a second one; a
 * code staff chose is looked up and counted as done when it carries this order's title.
 */
import { z } from "zod";
import { AppError } from "../lib/app-error";
import { blank } from "../lib/blank";
import { storableDate } from "../lib/storable-date";
import { amountPrecisionError, isDecimal, percentOf, toMicros } from "../lib/money";
import { assertNoUserErrors, type AdminClient } from "../shopify/admin-client.server";
import type { CodeDiscountByCodeQuery, DiscountCodeBasicCreateMutation } from "../shopify/admin.generated";
import { CODE_DISCOUNT_BY_CODE_QUERY, DISCOUNT_CODE_BASIC_CREATE_MUTATION } from "../shopify/documents";
import { defineAction } from "./types";

const positive = (message: string) => z.string().trim().refine((value) => isDecimal(value) && toMicros(value) > 0n, message);

export const ZApplyDiscountInput = z
  .object({
    percentage: z.preprocess(blank, positive("Enter a percentage like 15").refine((value) => !isDecimal(value) || toMicros(value) <= toMicros("100"), "At most 100%").optional()),
    amount: z.preprocess(blank, positive("Enter an amount like 10.00").optional()),
    code: z.preprocess(blank, z.string().trim().regex(/^[A-Za-z0-9_-]{3,40}$/, "3 to 40 letters, digits, - or _").optional()),
    endsAt: z.preprocess(blank, storableDate("Enter a valid date").optional()),
  })
  .strict()
  .superRefine((input, ctx) => {
    if ((input.percentage === undefined) === (input.amount === undefined)) {
      ctx.addIssue({ code: "custom", path: [input.percentage === undefined ? "percentage" : "amount"], message: "Enter either a percentage or an amount" });
    }
    if (input.endsAt && input.endsAt.getTime() <= Date.now()) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "Choose a date in the future" });
  });
export type ApplyDiscountInput = z.infer<typeof ZApplyDiscountInput>;

async function discountTitle(shopify: AdminClient, code: string): Promise<string | null> {
  const data = await shopify.request<CodeDiscountByCodeQuery>("CodeDiscountByCode", CODE_DISCOUNT_BY_CODE_QUERY, { code }, 2);
  const discount = data.codeDiscountNodeByCode?.codeDiscount;
  return discount && "title" in discount ? discount.title : null;
}

const valueLabel = (input: ApplyDiscountInput, currencyCode: string) => (input.percentage ? `${input.percentage}%` : `${input.amount} ${currencyCode}`);
const derivedCode = (rootRunId: string) => `SORRY-${rootRunId.slice(-8).toUpperCase()}`;

export const applyDiscountAction = defineAction<ApplyDiscountInput>({
  type: "apply_discount",
  label: "Apply discount",
  description: "Creates a single-use discount code only this order's customer can use.",
  permission: "actions.apply_discount",
  targets: ["ticket", "order"],
  input: ZApplyDiscountInput,
  preconditions(target, input) {
    if (!target.order?.snapshot) return "This order has not been imported yet: refresh it from Shopify first";
    const precision = input.amount ? amountPrecisionError(input.amount, target.order.currencyCode) : null;
    if (precision) return { field: "amount", message: precision };
    if (!target.order.snapshot.customer.id) return "This order has no customer to give a discount to";
    return null;
  },
  policyFacts: (target, input) =>
    input.percentage ? { percentage: input.percentage } : { amount: input.amount, percentage: target.order && input.amount ? percentOf(input.amount, target.order.currentTotalAmount) : undefined },
  preview: (target, input) =>
    `Create a single-use discount code of ${valueLabel(input, target.order?.currencyCode ?? "")} for the customer of order ${target.order?.name ?? ""}${input.code ? ` (code ${input.code})` : ""}${input.endsAt ? `, valid until ${input.endsAt.toISOString().slice(0, 10)}` : ""}.`,
  async perform({ shopify, order, input, rootRunId, earlierAttempt }) {
    const code = input.code ?? derivedCode(rootRunId);
    const title = `Customer care ${order.name} (${valueLabel(input, order.currencyCode)})`;
    // Shopify takes the percentage as a Float share (0.15); the exact decimal is converted here,
    // at the API boundary, and nowhere else.
    const value = input.percentage ? { percentage: Number(input.percentage) / 100 } : { discountAmount: { amount: input.amount, appliesOnEachItem: false } };
    const variables = {
      input: {
        title,
        code,
        startsAt: new Date().toISOString(),
        endsAt: input.endsAt?.toISOString() ?? null,
        context: { customers: { add: [order.snapshot?.customer.id] } },
        customerGets: { value, items: { all: true } },
        appliesOncePerCustomer: true,
        usageLimit: 1,
      },
    };
    const data = await shopify.request<DiscountCodeBasicCreateMutation>("DiscountCodeBasicCreate", DISCOUNT_CODE_BASIC_CREATE_MUTATION, variables, 10);
    const payload = data.discountCodeBasicCreate;
    const takenByUs =
      payload?.userErrors.length === 1 &&
      payload.userErrors[0]?.code === "TAKEN" &&
      // A derived code is ours by construction; a code staff chose is ours when an earlier
      // attempt of this lineage may have created it and Shopify holds it under our title.
      (!input.code || (earlierAttempt && (await discountTitle(shopify, code)) === title));
    if (takenByUs) {
      return { result: { code, alreadyCreated: true }, summary: `Discount code ${code} for ${order.name} already exists (created by an earlier attempt)`, after: { code } };
    }
    try {
      assertNoUserErrors("discountCodeBasicCreate", payload);
    } catch (error) {
      if (error instanceof AppError && input.code && Array.isArray(error.details?.codes) && error.details.codes.includes("TAKEN")) {
        throw new AppError("SHOPIFY_USER_ERROR", `The code ${input.code} is taken in this store: choose another`, { fields: { code: ["This code is taken"] }, details: error.details });
      }
      throw error;
    }
    return {
      result: { shopify: { discountCodeBasicCreate: { codeDiscountNode: payload?.codeDiscountNode ?? null } } },
      summary: `Discount code ${code} (${valueLabel(input, order.currencyCode)}) created for the customer of ${order.name}`,
      after: { code, value: valueLabel(input, order.currencyCode), discountId: payload?.codeDiscountNode?.id ?? null },
    };
  },
});
