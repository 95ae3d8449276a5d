/**
 * What happens in a shop outside its orders and makes Shopify send a webhook: a customer is
 * created or edited (customers/create, customers/update), the app is uninstalled or its
 * scopes change (app/uninstalled, app/scopes_update), and the mandatory compliance requests
 * (customers/data_request, customers/redact, shop/redact). Like changes.ts, each validates,
 * changes the store where Shopify would, and publishes its webhook through `store.publish`.
 *
 *   shopEvent(store, shop, { type: "updateCustomer", customerId, firstName: "Ada" })
 */
import { generateCustomer } from "./store/generator";
import type { SandboxStore, StoreEvent } from "./store/store";
import type { CustomerRecord } from "./store/types";
import { OrderChangeError } from "./changes";
import { customerCompliancePayload, customerPayload, scopesUpdatePayload, shopPayload, shopRedactPayload } from "./webhook-payloads";

export type ShopEvent =
  /** customerCreate. */
  | { type: "createCustomer"; firstName: string; lastName: string; email: string; phone?: string | null }
  /** customerUpdate: only the fields given change. */
  | { type: "updateCustomer"; customerId: string; firstName?: string | null; lastName?: string | null; email?: string | null; phone?: string | null; note?: string | null }
  /** The merchant uninstalls the app. */
  | { type: "uninstallApp" }
  /** The merchant grants or revokes optional scopes. */
  | { type: "updateScopes"; scopes: string[] }
  /** A customer asks the shop for their data (sent to every app with access). */
  | { type: "requestCustomerData"; customerId: string }
  /** The shop erases a customer (10 days after the request, if no orders in 6 months). */
  | { type: "redactCustomer"; customerId: string }
  /** 48 hours after an uninstall. */
  | { type: "redactShop" };

export interface ShopEventResult {
  events: StoreEvent[];
  customer?: CustomerRecord;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function shopEvent(store: SandboxStore, domain: string, event: ShopEvent): ShopEventResult {
  const data = store.getShop(domain);
  if (!data) throw new OrderChangeError("NOT_FOUND", `Unknown shop ${domain}`);
  const shop = data.shop;
  const publish = (topic: string, payload: unknown): StoreEvent => {
    const published = { domain: shop.myshopifyDomain, topic, payload };
    store.publish(published);
    return published;
  };
  const customerOf = (id: string) => {
    const customer = store.getCustomer(domain, id);
    if (!customer) throw new OrderChangeError("NOT_FOUND", `Customer ${id} does not exist`, ["id"]);
    return customer;
  };
  const ordersOf = (customer: CustomerRecord) => store.orders(domain).filter((order) => order.customer?.__ref === customer.id).map((order) => order.id);

  switch (event?.type) {
    case "createCustomer": {
      if (typeof event.email !== "string" || !EMAIL.test(event.email)) throw new OrderChangeError("INVALID", "Email is invalid", ["input", "email"]);
      if (data.customers.some((customer) => customer.email?.toLowerCase() === event.email.toLowerCase())) {
        throw new OrderChangeError("INVALID", "Email has already been taken", ["input", "email"]);
      }
      // A fresh record of the shop's customer shape (the generator's next index), with the given identity.
      const at = store.tick();
      const customer = generateCustomer({ seed: data.seed, index: data.customers.length, shop, now: new Date(at) });
      customer.createdAt = at;
      customer.updatedAt = at;
      setIdentity(customer, { firstName: event.firstName, lastName: event.lastName, email: event.email, phone: event.phone ?? null });
      data.customers.push(customer);
      store.index(domain, customer);
      return { customer, events: [publish("customers/create", customerPayload(customer, shop))] };
    }
    case "updateCustomer": {
      const customer = customerOf(event.customerId);
      if (event.email !== undefined && event.email !== null && !EMAIL.test(event.email)) throw new OrderChangeError("INVALID", "Email is invalid", ["input", "email"]);
      const next = {
        firstName: event.firstName === undefined ? customer.firstName : event.firstName,
        lastName: event.lastName === undefined ? customer.lastName : event.lastName,
        email: event.email === undefined ? customer.email : event.email,
        phone: event.phone === undefined ? customer.phone : event.phone,
      };
      const note = event.note === undefined ? customer.note : event.note;
      if (next.firstName === customer.firstName && next.lastName === customer.lastName && next.email === customer.email && next.phone === customer.phone && note === customer.note) {
        return { customer, events: [] };
      }
      setIdentity(customer, next);
      customer.note = note;
      customer.updatedAt = store.tick();
      store.index(domain, customer);
      return { customer, events: [publish("customers/update", customerPayload(customer, shop))] };
    }
    case "uninstallApp":
      return { events: [publish("app/uninstalled", shopPayload(shop, data.locations.find((location) => location.isPrimary)?.id ?? null))] };
    case "updateScopes": {
      if (!Array.isArray(event.scopes) || event.scopes.some((scope) => typeof scope !== "string" || !/^[a-z_]+$/.test(scope))) {
        throw new OrderChangeError("INVALID", "scopes must be a list of scope handles");
      }
      const previous = data.appInstallation.accessScopes.map((scope) => scope.handle);
      data.appInstallation.accessScopes = event.scopes.map((handle) => ({ __typename: "AccessScope", handle, description: handle }));
      return { events: [publish("app/scopes_update", scopesUpdatePayload(shop, previous, event.scopes, new Date(store.now()).toISOString()))] };
    }
    case "requestCustomerData": {
      const customer = customerOf(event.customerId);
      return { customer, events: [publish("customers/data_request", customerCompliancePayload(shop, customer, ordersOf(customer), store.nextLegacyId(domain, "DataRequest")))] };
    }
    case "redactCustomer": {
      const customer = customerOf(event.customerId);
      return { customer, events: [publish("customers/redact", customerCompliancePayload(shop, customer, ordersOf(customer), null))] };
    }
    case "redactShop":
      return { events: [publish("shop/redact", shopRedactPayload(shop))] };
    default:
      throw new OrderChangeError("INVALID", `Unknown shop event ${JSON.stringify((event as { type?: unknown } | undefined)?.type)}`);
  }
}

/** Name, email and phone, and every field Shopify derives from them. */
function setIdentity(customer: CustomerRecord, next: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null }): void {
  customer.firstName = next.firstName;
  customer.lastName = next.lastName;
  customer.displayName = [next.firstName, next.lastName].filter(Boolean).join(" ") || next.email || "";
  customer.email = next.email;
  customer.phone = next.phone;
  customer.defaultEmailAddress = next.email
    ? {
        ...(customer.defaultEmailAddress ?? {
          __typename: "CustomerEmailAddress",
          marketingState: "NOT_SUBSCRIBED",
          marketingOptInLevel: null,
          marketingUpdatedAt: null,
          marketingUnsubscribeUrl: `https://example.com/unsubscribe/${customer.legacyResourceId}`,
          openTrackingLevel: "UNKNOWN",
          openTrackingUrl: `https://example.com/open-tracking/${customer.legacyResourceId}`,
          validFormat: true,
        }),
        emailAddress: next.email,
      }
    : null;
  const never = (kind: "CustomerSmsMarketingConsent" | "CustomerWhatsAppMarketingConsent") =>
    ({ __typename: kind, state: "NEVER_SUBSCRIBED", optInLevel: null, collectedFrom: null, updatedAt: null }) as const;
  customer.defaultPhoneNumber = next.phone
    ? {
        ...(customer.defaultPhoneNumber ?? {
          __typename: "CustomerPhoneNumber",
          marketingState: "NOT_SUBSCRIBED",
          marketingOptInLevel: null,
          marketingUpdatedAt: null,
          smsMarketingConsent: never("CustomerSmsMarketingConsent"),
          whatsAppMarketingConsent: never("CustomerWhatsAppMarketingConsent"),
        }),
        phoneNumber: next.phone,
      }
    : null;
}
