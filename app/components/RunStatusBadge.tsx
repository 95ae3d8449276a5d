import { Badge } from "@shopify/polaris";

const TONES: Record<string, "success" | "critical" | "attention" | "info" | undefined> = {
  succeeded: "success",
  failed: "critical",
  pending_confirmation: "attention",
  pending_approval: "attention",
  running: "info",
};

export function RunStatusBadge({ status }: { status: string }) {
  const label = status.replace(/_/g, " ");
  return <Badge tone={TONES[status]}>{label.charAt(0).toUpperCase() + label.slice(1)}</Badge>;
}
