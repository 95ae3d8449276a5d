/** Who did something. Staff, workflows, AI agents, the system and webhooks are all actors. */
export type ActorType = "staff" | "workflow" | "agent" | "system" | "webhook";

export interface Actor {
  type: ActorType;
  /** Our id for the actor (StaffMember.id, workflow id...); null for the system. */
  id: string | null;
  /** A display label kept with the row, so history reads well after the actor is gone. */
  label: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: "system", id: null, label: "System" };
