/**
 * The policy settings form: one entry per governed action, every field as the page holds it
 * (text fields are strings, blank = no limit), validated here with messages keyed
 * `policies.<actionType>.<field>` so the page shows each beside its field.
 */
import { z } from "zod";
import { isDecimal, toMicros } from "../lib/money";
import { POLICY_ACTIONS, POLICY_ACTION_BY_TYPE } from "./catalog";

export interface ActionPolicyForm {
  enabled: boolean;
  requiresConfirmation: boolean;
  approvalMode: "off" | "always" | "above_amount";
  approvalThreshold: string;
  approvalExpiryHours: string;
  maxAmount: string;
  maxPercentage: string;
  shopWindowCount: string;
  shopWindowHours: string;
  actorWindowCount: string;
  actorWindowHours: string;
}

const text = z.preprocess((value) => (value === null || value === undefined ? "" : value), z.string().trim().max(20, "Too long"));
const amount = text.refine((value) => value === "" || (isDecimal(value) && toMicros(value) > 0n), "Enter an amount above zero, like 250.00");
const percentage = text.refine((value) => value === "" || (isDecimal(value) && toMicros(value) > 0n && toMicros(value) <= toMicros("100")), "Enter a percentage above 0 and at most 100");
const integer = (min: number, max: number, message: string) => text.refine((value) => value === "" || (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max), message);
const count = integer(1, 1_000_000, "Enter a whole number of at least 1");
const hours = integer(1, 720, "Enter whole hours from 1 to 720");

export const ZActionPolicyForm = z
  .object({
    enabled: z.boolean(),
    requiresConfirmation: z.boolean(),
    approvalMode: z.enum(["off", "always", "above_amount"], { errorMap: () => ({ message: "Choose Off, Always or Above an amount" }) }),
    approvalThreshold: amount,
    approvalExpiryHours: hours.refine((value) => value !== "", "Enter whole hours from 1 to 720"),
    maxAmount: amount,
    maxPercentage: percentage,
    shopWindowCount: count,
    shopWindowHours: hours,
    actorWindowCount: count,
    actorWindowHours: hours,
  })
  .strict()
  .superRefine((form, ctx) => {
    if (form.approvalMode === "above_amount" && form.approvalThreshold === "") ctx.addIssue({ code: "custom", path: ["approvalThreshold"], message: "Enter the amount above which approval is needed" });
    for (const [countField, hoursField] of [
      ["shopWindowCount", "shopWindowHours"],
      ["actorWindowCount", "actorWindowHours"],
    ] as const) {
      if (form[countField] !== "" && form[hoursField] === "") ctx.addIssue({ code: "custom", path: [hoursField], message: "Enter the hours the count applies to" });
      if (form[countField] === "" && form[hoursField] !== "") ctx.addIssue({ code: "custom", path: [countField], message: "Enter how many times" });
    }
  });

const ACTION_TYPES = POLICY_ACTIONS.map((info) => info.actionType) as [string, ...string[]];
const MONEY_FIELDS = ["maxAmount", "maxPercentage", "approvalThreshold"] as const;

/**
 * Amount and percentage caps and approval thresholds mean something only for actions that move
 * money (catalog `money: true`); anywhere else they would be stored and never applied. Keyed like
 * the zod errors (`policies.<actionType>.<field>`) so the page shows them beside their fields.
 */
export function moneyFieldErrors(policies: Record<string, Pick<ActionPolicyForm, (typeof MONEY_FIELDS)[number] | "approvalMode">>): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const [actionType, form] of Object.entries(policies)) {
    const info = POLICY_ACTION_BY_TYPE.get(actionType);
    if (!info || info.money) continue;
    for (const field of MONEY_FIELDS) if (form[field]) fields[`policies.${actionType}.${field}`] = ["Only actions that move money take amount limits"];
    if (form.approvalMode === "above_amount") fields[`policies.${actionType}.approvalMode`] = ["Only actions that move money can need approval above an amount"];
  }
  return fields;
}

export const ZPolicyUpdate = z
  .object({
    policies: z.record(z.enum(ACTION_TYPES, { errorMap: () => ({ message: "Unknown action type" }) }), ZActionPolicyForm),
  })
  .strict()
  .superRefine((update, ctx) => {
    // Reported with the other field errors in one answer, not after them.
    for (const [path, messages] of Object.entries(moneyFieldErrors(update.policies))) {
      for (const message of messages) ctx.addIssue({ code: "custom", path: path.split("."), message });
    }
  });

export const ZSimulateInput = z
  .object({
    order: z.string().trim().min(1, "Enter an order, like #1001").max(64, "Too long"),
    actionType: z.enum(ACTION_TYPES, { errorMap: () => ({ message: "Choose an action" }) }),
    amount: z.preprocess((value) => (value === "" || value === null ? undefined : value), z.string().trim().refine(isDecimal, "Enter an amount like 120.00").optional()),
    percentage: z.preprocess((value) => (value === "" || value === null ? undefined : value), z.string().trim().refine((value) => isDecimal(value) && toMicros(value) <= toMicros("100"), "Enter a percentage from 0 to 100").optional()),
    actor: z.union([
      z.object({ type: z.literal("staff"), staffId: z.string().regex(/^[a-z0-9]{20,40}$/, "Choose a staff member") }).strict(),
      z.object({ type: z.enum(["workflow", "agent"]), label: z.string().trim().min(1, "Name the workflow or agent").max(100, "At most 100 characters") }).strict(),
    ]),
  })
  .strict();
