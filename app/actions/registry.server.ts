/**
 * Every action type the runner knows. Local actions first, then the Shopify order
 * actions (docs/decisions/0009); the runner and its rails are shared by all.
 */
import { addInternalNoteAction } from "./add-internal-note.server";
import { addOrderNoteAction } from "./add-order-note.server";
import { applyDiscountAction } from "./apply-discount.server";
import { cancelOrderAction } from "./cancel-order.server";
import { createTaskAction } from "./create-task.server";
import { initiateReturnAction } from "./initiate-return.server";
import { lookupOrderAction } from "./lookup-order.server";
import { processRefundAction } from "./process-refund.server";
import { sendTrackingAction } from "./send-tracking.server";
import { tagOrderAction } from "./tag-order.server";
import { updateAddressAction } from "./update-address.server";
import type { ActionDefinition } from "./types";

const ACTIONS = [createTaskAction, addInternalNoteAction, lookupOrderAction, tagOrderAction, addOrderNoteAction, sendTrackingAction, updateAddressAction, cancelOrderAction, initiateReturnAction, processRefundAction, applyDiscountAction] as ActionDefinition<unknown>[];

export const ACTION_REGISTRY: ReadonlyMap<string, ActionDefinition<unknown>> = new Map(ACTIONS.map((action) => [action.type, action]));

export const ZActionType = /^[a-z][a-z0-9_]{1,63}$/;
