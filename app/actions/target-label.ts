import type { ActionTarget } from "./types";

/** "ticket #12" or "order #1042": how previews and timelines name what an action ran on. */
export function targetLabel(target: ActionTarget): string {
  if (target.kind === "ticket" && target.ticket) return `ticket #${target.ticket.number}`;
  if (target.order) return `order ${target.order.name}`;
  return target.kind;
}
