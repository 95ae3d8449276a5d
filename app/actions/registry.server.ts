/**
 * Every action type the runner knows. Step 5 adds the Shopify order actions here; nothing
 * else changes for them: the runner and its rails are shared.
 */
import { addInternalNoteAction } from "./add-internal-note.server";
import { createTaskAction } from "./create-task.server";
import type { ActionDefinition } from "./types";

const ACTIONS = [createTaskAction, addInternalNoteAction] as ActionDefinition<unknown>[];

export const ACTION_REGISTRY: ReadonlyMap<string, ActionDefinition<unknown>> = new Map(ACTIONS.map((action) => [action.type, action]));

export const ZActionType = /^[a-z][a-z0-9_]{1,63}$/;
