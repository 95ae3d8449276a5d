/**
 * The action types the store policy governs and their install defaults (seed 001): read-only or
 * customer-informing actions on, everything that changes money, goods or addresses off and
 * confirmed. Internal actions (create_task, add_internal_note) change nothing in Shopify and are
 * governed by RBAC alone. Shared by the server and the settings page.
 */
import type { ActionPermissionRule } from "./types";

export interface PolicyActionInfo {
  actionType: string;
  label: string;
  /** Plain words for the settings page: what turning it on lets people do. */
  explanation: string;
  /** Whether it moves money, so amount and percentage limits and approval thresholds apply. */
  money: boolean;
  defaults: Pick<ActionPermissionRule, "enabled" | "requiresConfirmation">;
}

const on = { enabled: true, requiresConfirmation: false };
const guarded = { enabled: false, requiresConfirmation: true };

export const POLICY_ACTIONS: readonly PolicyActionInfo[] = [
  { actionType: "lookup_order", label: "Look up order", explanation: "Refresh the order from Shopify and show it. Changes nothing.", money: false, defaults: on },
  { actionType: "tag_order", label: "Tag order", explanation: "Add tags to the order in Shopify.", money: false, defaults: on },
  { actionType: "add_order_note", label: "Add order note", explanation: "Replace the order's note in Shopify (visible to staff in Shopify admin).", money: false, defaults: on },
  { actionType: "send_tracking", label: "Send tracking", explanation: "Update a fulfillment's tracking and email it to the customer.", money: false, defaults: on },
  { actionType: "update_address", label: "Update shipping address", explanation: "Change where an order ships; what has not shipped goes to the new address. Refused once everything has shipped.", money: false, defaults: guarded },
  { actionType: "cancel_order", label: "Cancel order", explanation: "Cancel the order in Shopify, optionally refund and restock. Cannot be undone.", money: true, defaults: guarded },
  { actionType: "initiate_return", label: "Initiate return", explanation: "Open a return for fulfilled items the customer sends back.", money: false, defaults: guarded },
  { actionType: "process_refund", label: "Process refund", explanation: "Send money back to the customer's payment method.", money: true, defaults: guarded },
  { actionType: "apply_discount", label: "Apply discount", explanation: "Create a discount code only this customer can use.", money: true, defaults: guarded },
];

export const POLICY_ACTION_BY_TYPE: ReadonlyMap<string, PolicyActionInfo> = new Map(POLICY_ACTIONS.map((info) => [info.actionType, info]));

export function defaultPermission(actionType: string): ActionPermissionRule | null {
  const info = POLICY_ACTION_BY_TYPE.get(actionType);
  if (!info) return null;
  return { actionType, ...info.defaults, approvalMode: "off", approvalThreshold: null, approvalExpiryHours: 24 };
}
