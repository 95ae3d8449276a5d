/**
 * The permission catalog (`module.action`) and the eight hierarchical roles. Shared by the
 * server (enforcement, seeding) and the pages (the Roles matrix), so it holds no server code.
 */
export const PERMISSIONS = {
  "tickets.view": "See tickets and their threads",
  "tickets.create": "Open tickets",
  "tickets.update": "Change status and priority, write internal notes",
  "tickets.assign": "Assign tickets to staff",
  "orders.view": "See orders, their snapshot and timeline",
  "orders.refresh": "Refresh an order from Shopify",
  "customers.view": "See customers (names and contact details masked)",
  "customers.pii": "See customers' names, emails, phones and addresses unmasked",
  "actions.create_task": "Run the create task action",
  "actions.add_internal_note": "Run the add internal note action",
  "actions.lookup_order": "Run the look up order action",
  "actions.tag_order": "Run the tag order action",
  "actions.add_order_note": "Run the add order note action",
  "actions.send_tracking": "Send tracking to the customer",
  "actions.update_address": "Update a shipping address",
  "actions.cancel_order": "Cancel an order",
  "actions.initiate_return": "Initiate a return",
  "actions.refund": "Process a refund",
  "actions.apply_discount": "Create a discount for a customer",
  "runs.view": "See action runs",
  "exceptions.view": "See exceptions",
  "exceptions.manage": "Retry and dismiss exceptions",
  "approvals.decide": "Approve or deny requests from others",
  "policy.view": "See the store's action policy",
  "policy.manage": "Change the store's action policy and limits",
  "workflows.view": "See workflows",
  "workflows.manage": "Create, change and enable workflows",
  "audit.view": "Read the audit log",
  "audit.export": "Export the audit log as CSV",
  "exports.create": "Export tickets, runs and orders",
  "staff.view": "See staff and roles",
  "staff.manage": "Change staff roles",
  "settings.manage": "Change app settings (intake secrets, SLAs)",
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export type RoleKey = "owner" | "admin" | "manager" | "senior_agent" | "agent" | "support" | "analyst" | "viewer";

export interface RoleDefinition {
  key: RoleKey;
  name: string;
  description: string;
  /** Higher is more powerful. Nobody may grant a role ranked above their own. */
  rank: number;
  permissions: Permission[];
}

const VIEWER: Permission[] = ["tickets.view", "orders.view", "customers.view", "runs.view", "exceptions.view", "policy.view", "workflows.view", "staff.view"];
const SUPPORT: Permission[] = [...VIEWER, "tickets.create", "tickets.update", "actions.create_task", "actions.add_internal_note", "actions.lookup_order"];
const AGENT: Permission[] = [...SUPPORT, "tickets.assign", "orders.refresh", "customers.pii", "actions.tag_order", "actions.add_order_note", "actions.send_tracking", "exceptions.manage"];
const SENIOR_AGENT: Permission[] = [...AGENT, "actions.update_address", "actions.initiate_return", "actions.apply_discount", "actions.cancel_order"];
const MANAGER: Permission[] = [...SENIOR_AGENT, "actions.refund", "approvals.decide", "audit.view", "exports.create", "workflows.manage"];
const ADMIN: Permission[] = [...MANAGER, "policy.manage", "audit.export", "staff.manage", "settings.manage"];

export const ROLES: RoleDefinition[] = [
  { key: "owner", name: "Owner", description: "The store owner: everything, always.", rank: 100, permissions: ALL_PERMISSIONS },
  { key: "admin", name: "Admin", description: "Runs the app: policy, staff, settings and every action.", rank: 90, permissions: ADMIN },
  { key: "manager", name: "Manager", description: "Leads the team: refunds, approvals, audit and workflows.", rank: 70, permissions: MANAGER },
  { key: "senior_agent", name: "Senior Agent", description: "Changes orders: addresses, returns, discounts, cancellations.", rank: 60, permissions: SENIOR_AGENT },
  { key: "agent", name: "Agent", description: "Works tickets end to end, with customer details and simple order actions.", rank: 50, permissions: AGENT },
  { key: "support", name: "Support", description: "Answers tickets: notes, tasks and order look-ups; customer details masked.", rank: 40, permissions: SUPPORT },
  { key: "analyst", name: "Analyst", description: "Reads and exports data; changes nothing.", rank: 30, permissions: [...VIEWER, "audit.view", "exports.create"] },
  { key: "viewer", name: "Viewer", description: "Read-only access to tickets and orders.", rank: 10, permissions: VIEWER },
];

export const ROLE_BY_KEY = new Map(ROLES.map((role) => [role.key, role]));

export function isRoleKey(value: string): value is RoleKey {
  return ROLE_BY_KEY.has(value as RoleKey);
}
