/**
 * The sandbox's fixed identities. The API key and secret are development values known to
 * everyone: they only ever sign tokens between the local app and the local sandbox.
 */
export const SANDBOX_API_KEY = "sandbox-api-key-ops-action-center";
export const SANDBOX_API_SECRET = "sandbox-api-secret-not-for-production";
export const SANDBOX_SHOP = "ops-demo.myshopify.com";
export const SANDBOX_SHOP_NAME = "Ops Demo Store";
export const SANDBOX_SCOPES =
  "read_orders,write_orders,read_all_orders,read_customers,read_fulfillments,write_fulfillments,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_returns,write_returns,read_discounts,write_discounts";
export const DEFAULT_SANDBOX_PORT = 4010;
export const DEFAULT_APP_PORT = 3000;

export interface SandboxStaffMember {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  accountOwner: boolean;
  collaborator: boolean;
  locale: string;
}

/** The demo store's staff, for the session token `sub` and the online token's user. */
export const SANDBOX_STAFF: SandboxStaffMember[] = [
  { id: 9001, firstName: "Olivia", lastName: "Owner", email: "olivia@ops-demo.example", accountOwner: true, collaborator: false, locale: "en" },
  { id: 9002, firstName: "Adam", lastName: "Admin", email: "adam@ops-demo.example", accountOwner: false, collaborator: false, locale: "en" },
  { id: 9003, firstName: "Mia", lastName: "Manager", email: "mia@ops-demo.example", accountOwner: false, collaborator: false, locale: "en" },
  { id: 9004, firstName: "Sam", lastName: "Support", email: "sam@ops-demo.example", accountOwner: false, collaborator: false, locale: "en" },
  { id: 9005, firstName: "Vic", lastName: "Viewer", email: "vic@ops-demo.example", accountOwner: false, collaborator: true, locale: "en" },
];
