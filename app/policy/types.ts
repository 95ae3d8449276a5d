/** The store action policy's shared shapes (docs/decisions/0009). No server code. */
import type { ActorType } from "../audit/types";

export type LimitType = "max_amount" | "max_percentage" | "time_window";
export type ApprovalMode = "off" | "always" | "above_amount";

/** The money an action moves, as exact decimal strings in the shop currency. */
export interface PolicyFacts {
  amount?: string;
  /** Percent (0-100): of the order's current total, or a discount's own percentage. */
  percentage?: string;
}

export interface ActionPermissionRule {
  actionType: string;
  enabled: boolean;
  requiresConfirmation: boolean;
  approvalMode: ApprovalMode;
  approvalThreshold: string | null;
  approvalExpiryHours: number;
}

export interface ActionLimitRule {
  actionType: string;
  limitType: LimitType;
  value: string | null;
  maxCount: number | null;
  windowHours: number | null;
  perActor: boolean;
}

export interface ShopPolicy {
  version: number;
  currencyCode: string;
  permissions: ReadonlyMap<string, ActionPermissionRule>;
  limits: readonly ActionLimitRule[];
}

export interface PolicyActor {
  type: ActorType;
  id: string | null;
  label: string | null;
}

export interface PolicyDecision {
  allowed: boolean;
  requiresConfirmation: boolean;
  requiresApproval: boolean;
  /** The rule that decided, in words: shown to staff, kept on audit rows and approvals. */
  rule: string;
  /** Why a refusal is a refusal: the store turned it off, or a limit was reached. */
  code: "POLICY_DENIED" | "LIMIT_EXCEEDED" | null;
  /** Whether the store policy governs this action at all (internal actions: RBAC only). */
  governed: boolean;
  approvalExpiryHours: number;
  /** The time-window limits that applied: the runner re-counts them under a lock. */
  windows: readonly ActionLimitRule[];
}
