import type { PolicyDecision } from "./types";

/** What callers are told of a decision (the windows stay on the server). */
export const decisionBody = (decision: Pick<PolicyDecision, "governed" | "requiresConfirmation" | "requiresApproval" | "rule">) => ({
  governed: decision.governed,
  requiresConfirmation: decision.requiresConfirmation,
  requiresApproval: decision.requiresApproval,
  rule: decision.rule,
});
