import type { AppErrorCode } from "../lib/app-error";

/** Why an action failed, as the Exceptions page groups them (product.md section 2). */
export const REASON_CODES = ["SHOPIFY_USER_ERROR", "THROTTLED", "POLICY_DENIED", "LIMIT_EXCEEDED", "NETWORK", "VALIDATION", "CONFLICT", "INTERNAL"] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const REASON_LABELS: Record<ReasonCode, string> = {
  SHOPIFY_USER_ERROR: "Shopify refused",
  THROTTLED: "Shopify rate limit",
  POLICY_DENIED: "Store policy",
  LIMIT_EXCEEDED: "Over a limit",
  NETWORK: "Network / upstream",
  VALIDATION: "Invalid input",
  CONFLICT: "State changed",
  INTERNAL: "Internal error",
};

export function reasonCodeFor(code: AppErrorCode | null): ReasonCode {
  switch (code) {
    case "SHOPIFY_USER_ERROR":
    case "THROTTLED":
    case "POLICY_DENIED":
    case "LIMIT_EXCEEDED":
    case "VALIDATION":
    case "CONFLICT":
      return code;
    case "UPSTREAM":
      return "NETWORK";
    case "NOT_FOUND":
    case "IDEMPOTENCY_MISMATCH":
      return "CONFLICT";
    default:
      return "INTERNAL";
  }
}
