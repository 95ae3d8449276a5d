/**
 * Deterministic demo-store generator.
 *
 * Every order is a pure function of (seed, index, shop, now): it draws from its own random
 * stream and derives its IDs arithmetically, so a benchmark can stream order #99,999
 * without generating the 99,999 before it, and the same inputs always give deep-equal data.
 * Money is computed in integer minor units and only formatted when stored.
 */
import {
  CARRIERS,
  COUNTRIES,
  CUSTOMER_NOTES,
  CUSTOMER_TAGS,
  DISCOUNT_CODES,
  EUR_RATE,
  MARKETS,
  ORDER_NOTES,
  ORDER_TAGS,
  PRODUCTS,
  type CityData,
  type CountryData,
  type ProductData,
} from "./catalog";
import { ref, toGid } from "./gid";
import { allocate, formatMinor, minorDigits, moneyBag, mulDivRound, taxFor, unitsShare } from "./money";
import { Random, hashSeed, hashString, mix32 } from "./random";
import { legacyReasonHandle, libraryReasonId, returnReasonLibrary } from "./return-reasons";
import type {
  AppInstallationRecord,
  AppRecord,
  AttributeRecord,
  BasicEventRecord,
  CustomerRecord,
  DateTimeString,
  DiscountAllocationRecord,
  DiscountApplicationRecord,
  FulfillmentDisplayStatus,
  FulfillmentHoldReason,
  FulfillmentHoldRecord,
  FulfillmentLineItemRecord,
  FulfillmentOrderRecord,
  FulfillmentOrderStatus,
  FulfillmentOrderSupportedActionRecord,
  FulfillmentRecord,
  Gid,
  ImageRecord,
  LineItemRecord,
  LocationRecord,
  MailingAddressRecord,
  MoneyBag,
  OrderCancelReason,
  OrderDisplayFinancialStatus,
  OrderDisplayFulfillmentStatus,
  OrderRecord,
  OrderReturnStatus,
  OrderTransactionKind,
  OrderTransactionRecord,
  OrderTransactionStatus,
  RefundLineItemRecord,
  RefundLineItemRestockType,
  RefundRecord,
  RefundShippingLineRecord,
  ReturnLineItemRecord,
  ReturnReason,
  ReturnRecord,
  ReturnStatus,
  ShippingLineRecord,
  ShopData,
  ShopRecord,
  TaxLineRecord,
} from "./types";

/** Fixed default clock so generated stores are reproducible across machines and days. */
export const DEFAULT_NOW = new Date("2026-11-01T00:00:00Z");
/** Customers per shop; fixed so an order can pick its customer without knowing the order count. */
export const DEMO_CUSTOMER_POOL = 200;
/** Orders are spread over this many days before `now`. */
export const ORDER_HISTORY_DAYS = 90;
/** Order indexes must stay below this so child IDs (index * 100 + k) cannot overlap. */
export const MAX_ORDER_INDEX = 9_999_999;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------
// Time and IDs
// ---------------------------------------------------------------------------------------

/** Shopify's DateTime has second precision and a literal Z. */
export function isoSeconds(ms: number): DateTimeString {
  // slice, not a regex: this runs dozens of times per order and dominated generation time.
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Six-digit ID namespace per (seed, shop domain). Real Shopify IDs are global, so two shops
 * must not share GIDs even when seeded alike; otherwise a node() lookup with shop A's ID on
 * shop B would find B's twin record and hide isolation bugs.
 */
export function idNamespace(seed: number, domain: string): number {
  return (hashSeed(seed, hashString(domain.toLowerCase()), 0x2545f491) % 900_000) + 100_000;
}

export function orderLegacyId(namespace: number, index: number): number {
  return namespace * 10_000_000 + index + 1;
}

/** IDs of records owned by order `index`; `k` (< 100) separates siblings of one type. */
function childId(namespace: number, index: number, k: number): number {
  return namespace * 1_000_000_000 + index * 100 + k;
}

export function customerLegacyId(namespace: number, customerIndex: number): number {
  return namespace * 10_000 + customerIndex + 1;
}

function locationLegacyId(namespace: number, k: number): number {
  return namespace * 100 + k + 1;
}

function shopLegacyId(namespace: number): number {
  return 10_000_000 + (mix32(namespace ^ 0x5f3759df) % 89_999_999);
}

// ---------------------------------------------------------------------------------------
// Markets, prices, people
// ---------------------------------------------------------------------------------------

function marketFor(currencyCode: string) {
  return MARKETS[currencyCode] ?? (MARKETS["USD"] as (typeof MARKETS)[string]);
}

function country(code: string): CountryData {
  return COUNTRIES[code] ?? (COUNTRIES["US"] as CountryData);
}

/** Catalog prices are in EUR cents; convert once and round to a "shelf" price. */
export function shelfPrice(priceEurCents: number, currencyCode: string): number {
  const rate = EUR_RATE[currencyCode] ?? 1;
  const digits = minorDigits(currencyCode);
  const step = digits >= 2 ? 10 ** (digits - 1) : 10;
  const minor = (priceEurCents / 100) * rate * 10 ** digits;
  return Math.max(step, Math.round(minor / step) * step);
}

const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { EUR: "€", USD: "$", GBP: "£", JPY: "¥", CAD: "$", AUD: "$" };

export function displayMoney(minor: number, currencyCode: string): string {
  const symbol = CURRENCY_SYMBOLS[currencyCode] ?? "";
  return `${symbol}${formatMinor(minor, currencyCode)} ${currencyCode}`;
}

function asciiSlug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

interface Person {
  firstName: string;
  lastName: string;
  country: CountryData;
  city: CityData;
  street: string;
  phone: string | null;
}

function drawPerson(rng: Random, currencyCode: string): Person {
  const home = country(rng.weighted(marketFor(currencyCode).mix));
  const hasPhone = rng.chance(0.8);
  return {
    firstName: rng.pick(home.firstNames),
    lastName: rng.pick(home.lastNames),
    country: home,
    city: rng.pick(home.cities),
    street: `${rng.pick(home.streets)} ${rng.int(1, 140)}`,
    phone: hasPhone ? `${home.phonePrefix}${rng.int(1, 9)}${rng.digits(9)}` : null,
  };
}

function mailingAddress(id: number, person: Person, company: string | null, address2: string | null): MailingAddressRecord {
  const { city, country: home } = person;
  const area = [city.city, city.provinceCode, city.zip].filter(Boolean).join(" ");
  const formatted = [company, person.street, address2, area, home.name].filter((line): line is string => Boolean(line));
  return {
    __typename: "MailingAddress",
    id: toGid("MailingAddress", id),
    firstName: person.firstName,
    lastName: person.lastName,
    name: `${person.firstName} ${person.lastName}`,
    company,
    address1: person.street,
    address2,
    city: city.city,
    province: city.province,
    provinceCode: city.provinceCode,
    zip: city.zip,
    country: home.name,
    countryCode: home.code,
    countryCodeV2: home.code,
    phone: person.phone,
    formatted,
    formattedArea: [city.city, city.province, home.name].filter(Boolean).join(", "),
    coordinatesValidated: false,
    latitude: city.lat,
    longitude: city.lng,
    timeZone: home.timeZone,
  };
}

function lifetimeDuration(fromMs: number, toMs: number): string {
  const days = Math.max(0, Math.floor((toMs - fromMs) / DAY));
  if (days < 1) return "less than a day";
  if (days < 30) return `${days} day${days === 1 ? "" : "s"}`;
  const months = Math.floor(days / 30);
  if (months < 12) return months === 1 ? "about 1 month" : `${months} months`;
  const years = Math.floor(days / 365);
  return years <= 1 ? "about 1 year" : `about ${years} years`;
}

export interface GenerateCustomerOptions {
  seed: number;
  index: number;
  shop: ShopRecord;
  now?: Date;
}

/** Customer `index` of the shop's fixed pool; deterministic like orders. */
export function generateCustomer({ seed, index, shop, now = DEFAULT_NOW }: GenerateCustomerOptions): CustomerRecord {
  const rng = Random.from(seed, index, 0xc057);
  const nowMs = Math.floor(now.getTime() / SECOND) * SECOND;
  const person = drawPerson(rng, shop.currencyCode);
  const legacyId = customerLegacyId(idNamespace(seed, shop.myshopifyDomain), index);
  const email = `${asciiSlug(person.firstName)}.${asciiSlug(person.lastName)}${index + 1}@${rng.pick(["example.com", "example.org", "example.net"])}`;
  const createdMs = nowMs - rng.int(60, 900) * DAY - rng.int(0, DAY / SECOND) * SECOND;
  const updatedMs = Math.min(nowMs, createdMs + rng.int(0, 50) * DAY);
  const address = mailingAddress(legacyId, person, rng.chance(0.12) ? `${person.lastName} GmbH` : null, rng.chance(0.2) ? `${rng.int(1, 4)}. OG` : null);
  const marketingState = rng.weighted([
    { value: "SUBSCRIBED" as const, weight: 40 },
    { value: "NOT_SUBSCRIBED" as const, weight: 50 },
    { value: "UNSUBSCRIBED" as const, weight: 10 },
  ]);
  const tags = rng.chance(0.3) ? rng.sample(CUSTOMER_TAGS, rng.int(1, 2)) : [];
  const smsState = person.phone && rng.chance(0.2) ? ("SUBSCRIBED" as const) : ("NOT_SUBSCRIBED" as const);
  return {
    __typename: "Customer",
    id: toGid("Customer", legacyId),
    legacyResourceId: String(legacyId),
    firstName: person.firstName,
    lastName: person.lastName,
    displayName: `${person.firstName} ${person.lastName}`,
    email,
    phone: person.phone,
    defaultEmailAddress: {
      __typename: "CustomerEmailAddress",
      emailAddress: email,
      marketingState,
      marketingOptInLevel: marketingState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
      marketingUpdatedAt: marketingState === "NOT_SUBSCRIBED" ? null : isoSeconds(createdMs),
      marketingUnsubscribeUrl: `https://${shop.myshopifyDomain}/unsubscribe?c=${legacyId}`,
      openTrackingLevel: "UNKNOWN",
      openTrackingUrl: `https://${shop.myshopifyDomain}/open-tracking?c=${legacyId}`,
      validFormat: true,
    },
    defaultPhoneNumber: person.phone
      ? {
          __typename: "CustomerPhoneNumber",
          phoneNumber: person.phone,
          marketingState: smsState,
          marketingOptInLevel: smsState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
          marketingUpdatedAt: smsState === "SUBSCRIBED" ? isoSeconds(createdMs) : null,
          smsMarketingConsent: {
            __typename: "CustomerSmsMarketingConsent",
            // The consent object uses CustomerMarketingConsentState, which has no NOT_SUBSCRIBED.
            state: smsState === "SUBSCRIBED" ? "SUBSCRIBED" : "NEVER_SUBSCRIBED",
            optInLevel: smsState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
            collectedFrom: smsState === "SUBSCRIBED" ? "SHOPIFY" : null,
            updatedAt: smsState === "SUBSCRIBED" ? isoSeconds(createdMs) : null,
          },
          whatsAppMarketingConsent: {
            __typename: "CustomerWhatsAppMarketingConsent",
            state: "NEVER_SUBSCRIBED",
            optInLevel: null,
            collectedFrom: null,
            updatedAt: null,
          },
        }
      : null,
    defaultAddress: address,
    addresses: [address],
    addressesV2: [address],
    locale: person.country.locale,
    note: rng.chance(0.1) ? rng.pick(CUSTOMER_NOTES) : null,
    tags,
    state: rng.chance(0.6) ? "ENABLED" : "DISABLED",
    verifiedEmail: rng.chance(0.9),
    validEmailAddress: true,
    hasTimelineComment: false,
    image: placeholderImage("https://cdn.shopify.com/s/images/admin/customers/customer.png", `${person.firstName} ${person.lastName}`),
    taxExempt: false,
    taxExemptions: [],
    dataSaleOptOut: false,
    canDelete: false,
    multipassIdentifier: null,
    lifetimeDuration: lifetimeDuration(createdMs, nowMs),
    productSubscriberStatus: "NEVER_SUBSCRIBED",
    mergeable: { __typename: "CustomerMergeable", isMergeable: true, errorFields: [], reason: null },
    statistics: { __typename: "CustomerStatistics", predictedSpendTier: rng.pick(["LOW", "MEDIUM", "HIGH"] as const), rfmGroup: null },
    unsubscribeUrl: `https://${shop.myshopifyDomain}/unsubscribe?c=${legacyId}`,
    companyContactProfiles: [],
    identityProviderSubjects: [],
    createdAt: isoSeconds(createdMs),
    updatedAt: isoSeconds(updatedMs),
  };
}

function placeholderImage(url: string, altText: string | null): ImageRecord {
  return { __typename: "Image", id: null, url, src: url, originalSrc: url, transformedSrc: url, altText, width: 240, height: 240, thumbhash: null };
}

// ---------------------------------------------------------------------------------------
// Shop, locations, app
// ---------------------------------------------------------------------------------------

interface LocationPlan {
  readonly name: string;
  readonly isFulfillmentService: boolean;
  readonly cityIndex: number;
}

function locationPlans(currencyCode: string): LocationPlan[] {
  const eu = marketFor(currencyCode).home === "DE";
  return [
    { name: eu ? "Lager Berlin" : "Main Warehouse", isFulfillmentService: false, cityIndex: 0 },
    { name: eu ? "Flagship Store Hamburg" : "Downtown Store", isFulfillmentService: false, cityIndex: 1 },
    { name: eu ? "Bergmann Logistik (3PL)" : "Northstar Fulfillment (3PL)", isFulfillmentService: true, cityIndex: 2 },
  ];
}

/** The shop's locations; derived from (seed, shop) alone so orders can reference them. */
export function demoLocations(seed: number, shop: ShopRecord, now: Date = DEFAULT_NOW): LocationRecord[] {
  const currencyCode = shop.currencyCode;
  const namespace = idNamespace(seed, shop.myshopifyDomain);
  const home = country(marketFor(currencyCode).home);
  const nowMs = Math.floor(now.getTime() / SECOND) * SECOND;
  return locationPlans(currencyCode).map((plan, k) => {
    const rng = Random.from(seed, k, 0x10ca);
    const city = home.cities[plan.cityIndex % home.cities.length] as CityData;
    const legacyId = locationLegacyId(namespace, k);
    const street = `${rng.pick(home.streets)} ${rng.int(1, 90)}`;
    const createdMs = nowMs - (720 - k * 100) * DAY;
    return {
      __typename: "Location",
      id: toGid("Location", legacyId),
      legacyResourceId: String(legacyId),
      name: plan.name,
      address: {
        __typename: "LocationAddress",
        address1: street,
        address2: null,
        city: city.city,
        country: home.name,
        countryCode: home.code,
        formatted: [street, [city.zip, city.city].join(" "), home.name],
        latitude: city.lat,
        longitude: city.lng,
        phone: `${home.phonePrefix}${rng.int(1, 9)}${rng.digits(8)}`,
        province: city.province,
        provinceCode: city.provinceCode,
        zip: city.zip,
      },
      addressVerified: true,
      isActive: true,
      isPrimary: k === 0,
      isFulfillmentService: plan.isFulfillmentService,
      fulfillsOnlineOrders: true,
      shipsInventory: true,
      hasActiveInventory: true,
      hasUnfulfilledOrders: true,
      activatable: false,
      deactivatable: k !== 0,
      deletable: false,
      deactivatedAt: null,
      suggestedAddresses: [],
      createdAt: isoSeconds(createdMs),
      updatedAt: isoSeconds(createdMs + 30 * DAY),
    };
  });
}

const TIMEZONES: Readonly<Record<string, { abbreviation: string; offset: string; minutes: number }>> = {
  "Europe/Berlin": { abbreviation: "CET", offset: "+0100", minutes: 60 },
  "Europe/Zurich": { abbreviation: "CET", offset: "+0100", minutes: 60 },
  "America/New_York": { abbreviation: "EST", offset: "-0500", minutes: -300 },
  "America/Toronto": { abbreviation: "EST", offset: "-0500", minutes: -300 },
  "Europe/London": { abbreviation: "GMT", offset: "+0000", minutes: 0 },
  "Australia/Sydney": { abbreviation: "AEDT", offset: "+1100", minutes: 660 },
  "Asia/Tokyo": { abbreviation: "JST", offset: "+0900", minutes: 540 },
};

function titleFromDomain(domain: string): string {
  const slug = domain.replace(/\.myshopify\.com$/i, "").split(".")[0] ?? domain;
  return slug
    .split(/[-_]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

export interface GenerateShopOptions {
  seed: number;
  domain: string;
  name?: string;
  currencyCode?: string;
  now?: Date;
}

export function generateShop({ seed, domain, name, currencyCode = "EUR", now = DEFAULT_NOW }: GenerateShopOptions): ShopRecord {
  const market = marketFor(currencyCode);
  const home = country(market.home);
  const rng = Random.from(seed, 0x5409);
  const nowMs = Math.floor(now.getTime() / SECOND) * SECOND;
  const shopId = shopLegacyId(idNamespace(seed, domain));
  const displayName = name ?? (titleFromDomain(domain) || "Demo Store");
  const slug = asciiSlug(displayName) || "demo";
  const city = home.cities[0] as CityData;
  const street = `${rng.pick(home.streets)} ${rng.int(1, 90)}`;
  const zone = TIMEZONES[home.timeZone] ?? { abbreviation: "UTC", offset: "+0000", minutes: 0 };
  const address = {
    __typename: "ShopAddress" as const,
    id: toGid("ShopAddress", shopId),
    address1: street,
    address2: null,
    city: city.city,
    company: displayName,
    country: home.name,
    countryCodeV2: home.code,
    formatted: [displayName, street, `${city.zip} ${city.city}`, home.name],
    formattedArea: [city.city, city.province, home.name].filter(Boolean).join(", "),
    phone: `${home.phonePrefix}${rng.int(1, 9)}${rng.digits(8)}`,
    province: city.province,
    provinceCode: city.provinceCode,
    zip: city.zip,
    coordinatesValidated: true,
    latitude: city.lat,
    longitude: city.lng,
  };
  const imperial = home.code === "US";
  return {
    __typename: "Shop",
    id: toGid("Shop", shopId),
    name: displayName,
    email: `owner@${slug}.example.com`,
    contactEmail: `support@${slug}.example.com`,
    shopOwnerName: `${rng.pick(home.firstNames)} ${rng.pick(home.lastNames)}`,
    description: `${displayName} — sandbox demo store.`,
    myshopifyDomain: domain,
    url: `https://${domain}`,
    primaryDomain: { __typename: "Domain", id: toGid("Domain", shopId), host: domain, url: `https://${domain}`, sslEnabled: true },
    currencyCode,
    enabledPresentmentCurrencies: [currencyCode],
    ianaTimezone: home.timeZone,
    timezoneAbbreviation: zone.abbreviation,
    timezoneOffset: zone.offset,
    timezoneOffsetMinutes: zone.minutes,
    weightUnit: imperial ? "POUNDS" : "KILOGRAMS",
    unitSystem: imperial ? "IMPERIAL_SYSTEM" : "METRIC_SYSTEM",
    taxesIncluded: false,
    taxShipping: true,
    orderNumberFormatPrefix: "#",
    orderNumberFormatSuffix: "",
    plan: { __typename: "ShopPlan", displayName: "Basic", publicDisplayName: "Basic", partnerDevelopment: false, shopifyPlus: false },
    billingAddress: address,
    shopAddress: address,
    shipsToCountries: market.mix.map((entry) => entry.value),
    checkoutApiSupported: true,
    setupRequired: false,
    transactionalSmsDisabled: false,
    marketingSmsConsentEnabledAtCheckout: false,
    alerts: [],
    customerAccounts: "OPTIONAL",
    domains: [{ __typename: "Domain", id: toGid("Domain", shopId), host: domain, url: `https://${domain}`, sslEnabled: true }],
    fulfillmentServices: [],
    shopPolicies: [],
    navigationSettings: [],
    allProductCategoriesList: [],
    richTextEditorUrl: `https://${domain}/admin/rich_text_editor`,
    storefrontUrl: `https://${domain}`,
    analyticsToken: Random.from(seed, 0xa7a1).code(32).toLowerCase(),
    publicationCount: 1,
    createdAt: isoSeconds(nowMs - 730 * DAY),
    updatedAt: isoSeconds(nowMs - 3 * DAY),
  };
}

const APP_SCOPES = [
  "read_orders", "write_orders", "read_customers", "read_fulfillments", "write_fulfillments",
  "read_merchant_managed_fulfillment_orders", "write_merchant_managed_fulfillment_orders",
  "read_returns", "write_returns", "read_locations", "read_discounts", "write_discounts",
];

function generateApp(seed: number, shop: ShopRecord): { app: AppRecord; appInstallation: AppInstallationRecord } {
  const appId = 9_000_000 + (mix32(0xa11) % 1_000_000);
  const installationId = 700_000_000 + (mix32(idNamespace(seed, shop.myshopifyDomain) ^ 0x1a57a11) % 99_999_999);
  const scopes = APP_SCOPES.map((handle) => ({ __typename: "AccessScope" as const, handle, description: handle.replace(/_/g, " ") }));
  const storeHandle = shop.myshopifyDomain.replace(/\.myshopify\.com$/i, "");
  const launchUrl = `https://admin.shopify.com/store/${storeHandle}/apps/ops-action-center`;
  const app: AppRecord = {
    __typename: "App",
    id: toGid("App", appId),
    title: "Ops Action Center",
    handle: "ops-action-center",
    apiKey: "0f5c4e5d8b7a6c3e2d1f0a9b8c7d6e5f",
    description: "Triage payment, fulfillment and return problems in one place.",
    developerName: "Ops Action Center",
    developerType: "PARTNER",
    embedded: true,
    published: false,
    previouslyInstalled: false,
    shopifyDeveloped: false,
    isPostPurchaseAppInUse: false,
    features: [],
    failedRequirements: [],
    screenshots: [],
    availableAccessScopes: scopes,
    requestedAccessScopes: scopes,
    optionalAccessScopes: [],
    pricingDetailsSummary: "Free during development",
    uninstallMessage: "",
    webhookApiVersion: "2026-10",
    publicCategory: "CUSTOM",
    icon: placeholderImage("https://cdn.shopify.com/s/images/apps/ops-action-center/icon.png", "Ops Action Center"),
    banner: placeholderImage("https://cdn.shopify.com/s/images/apps/ops-action-center/banner.png", null),
    navigationItems: [],
    installation: ref(toGid("AppInstallation", installationId)),
    appStoreAppUrl: null,
    appStoreDeveloperUrl: null,
    developerUrl: "https://example.com/ops-action-center",
    launchUrl,
    installUrl: null,
    privacyPolicyUrl: null,
  };
  const appInstallation: AppInstallationRecord = {
    __typename: "AppInstallation",
    id: toGid("AppInstallation", installationId),
    app: ref(app.id),
    accessScopes: scopes.map((scope) => ({ ...scope })),
    activeSubscriptions: [],
    subscriptions: [],
    launchUrl,
    uninstallUrl: null,
  };
  return { app, appInstallation };
}

// ---------------------------------------------------------------------------------------
// Order scenarios
// ---------------------------------------------------------------------------------------

/**
 * An archetype fixes the financial and fulfillment story of an order; the details
 * (items, amounts, dates, carriers, failures) are then drawn at random around it.
 */
export type OrderArchetype =
  | "paid_unfulfilled"
  | "paid_delivered"
  | "paid_in_transit"
  | "paid_partially_fulfilled"
  | "paid_on_hold"
  | "paid_in_progress"
  | "partially_paid"
  | "authorized"
  | "pending"
  | "expired"
  | "partially_refunded_return"
  | "partially_refunded_item"
  | "refunded_cancelled"
  | "refunded_returned"
  | "voided_cancelled"
  | "return_requested"
  | "return_open";

interface ArchetypeSpec {
  readonly weight: number;
  /** Age range of the order in days before `now`. */
  readonly ageDays: readonly [number, number];
  readonly minLines: number;
}

const ARCHETYPES: Readonly<Record<OrderArchetype, ArchetypeSpec>> = {
  paid_delivered: { weight: 22, ageDays: [5, ORDER_HISTORY_DAYS], minLines: 1 },
  paid_in_transit: { weight: 10, ageDays: [2, 9], minLines: 1 },
  paid_unfulfilled: { weight: 12, ageDays: [0.05, 12], minLines: 1 },
  paid_partially_fulfilled: { weight: 5, ageDays: [2, 30], minLines: 2 },
  paid_on_hold: { weight: 4, ageDays: [0.1, 20], minLines: 1 },
  paid_in_progress: { weight: 4, ageDays: [0.1, 6], minLines: 1 },
  partially_paid: { weight: 3, ageDays: [1, 40], minLines: 1 },
  authorized: { weight: 5, ageDays: [0.05, 6], minLines: 1 },
  pending: { weight: 5, ageDays: [0.05, 25], minLines: 1 },
  expired: { weight: 2, ageDays: [9, ORDER_HISTORY_DAYS], minLines: 1 },
  partially_refunded_return: { weight: 4, ageDays: [12, ORDER_HISTORY_DAYS], minLines: 2 },
  partially_refunded_item: { weight: 3, ageDays: [3, ORDER_HISTORY_DAYS], minLines: 2 },
  refunded_cancelled: { weight: 3, ageDays: [1, ORDER_HISTORY_DAYS], minLines: 1 },
  refunded_returned: { weight: 3, ageDays: [14, ORDER_HISTORY_DAYS], minLines: 1 },
  voided_cancelled: { weight: 3, ageDays: [1, ORDER_HISTORY_DAYS], minLines: 1 },
  return_requested: { weight: 3, ageDays: [8, 45], minLines: 1 },
  return_open: { weight: 3, ageDays: [10, 60], minLines: 1 },
};

const ARCHETYPE_NAMES = Object.keys(ARCHETYPES) as OrderArchetype[];
/** Every order archetype, e.g. to validate a requested one. */
export const ORDER_ARCHETYPES: readonly OrderArchetype[] = ARCHETYPE_NAMES;
const ARCHETYPE_WEIGHTS = ARCHETYPE_NAMES.map((value) => ({ value, weight: ARCHETYPES[value].weight }));

/**
 * The first indexes of every seed walk through all archetypes once (in a seed-specific
 * order), so even a small demo store shows every state; later indexes draw by weight.
 */
export function archetypeFor(seed: number, index: number): OrderArchetype {
  if (index < ARCHETYPE_NAMES.length) {
    return Random.from(seed, 0xa7c4).shuffle(ARCHETYPE_NAMES)[index] as OrderArchetype;
  }
  return Random.from(seed, index, 0xa7c5).weighted(ARCHETYPE_WEIGHTS);
}

/** Staff names used as event authors. */
export const STAFF = ["Mara Vogel", "Tim Hartmann", "Sina Okafor", "Jonas Brandt"];

export const HOLD_TEXT: Readonly<Record<FulfillmentHoldReason, string>> = {
  AWAITING_PAYMENT: "Awaiting payment",
  AWAITING_RETURN_ITEMS: "Awaiting return items",
  HIGH_RISK_OF_FRAUD: "High risk of fraud",
  INCORRECT_ADDRESS: "Incorrect address",
  INVENTORY_OUT_OF_STOCK: "Inventory out of stock",
  ONLINE_STORE_POST_PURCHASE_CROSS_SELL: "Post-purchase upsell",
  OTHER: "Other",
  UNKNOWN_DELIVERY_DATE: "Unknown delivery date",
};

export const CANCEL_TEXT: Readonly<Record<OrderCancelReason, string>> = {
  CUSTOMER: "Customer changed or cancelled order",
  DECLINED: "Payment declined",
  FRAUD: "Fraudulent order",
  INVENTORY: "Items unavailable",
  OTHER: "Other",
  STAFF: "Staff error",
};

/** What generated returns give as their reason (the enum and the library's matching definition). */
const RETURN_REASONS: ReadonlyArray<{ reason: ReturnReason; handle: string }> = (["SIZE_TOO_SMALL", "SIZE_TOO_LARGE", "DEFECTIVE", "NOT_AS_DESCRIBED", "UNWANTED", "WRONG_ITEM"] as const).map((reason) => ({
  reason,
  handle: legacyReasonHandle(reason),
}));

export interface Gateway {
  readonly gateway: string;
  readonly formatted: string;
  readonly manual: boolean;
  readonly appTitle: string | null;
}

export const CARD_GATEWAY: Gateway = { gateway: "shopify_payments", formatted: "Shopify Payments", manual: false, appTitle: "Shopify Payments" };
const PAYPAL_GATEWAY: Gateway = { gateway: "paypal", formatted: "PayPal Express Checkout", manual: false, appTitle: "PayPal" };
const KLARNA_GATEWAY: Gateway = { gateway: "klarna", formatted: "Klarna", manual: false, appTitle: "Klarna" };
export const BANK_GATEWAY: Gateway = { gateway: "manual", formatted: "Bank Deposit", manual: true, appTitle: null };

// ---------------------------------------------------------------------------------------
// generateOrder
// ---------------------------------------------------------------------------------------

export interface GenerateOrderOptions {
  seed: number;
  index: number;
  shop: ShopRecord;
  now?: Date;
  /** Overrides the archetype the (seed, index) pair would draw (for orders created later). */
  archetype?: OrderArchetype;
  /** Places the order at this time instead of a random age; its story is squeezed up to `now`. */
  placedAt?: Date;
}

interface LineDraft {
  product: ProductData;
  variantTitle: string;
  sku: string;
  unit: number;
  quantity: number;
  original: number;
  lineDiscount: number;
  afterLine: number;
  codeDiscount: number;
  afterAll: number;
  tax: number;
  /** Units shipped. */
  fulfilled: number;
  /** Units refunded (returned or removed before shipping). */
  refunded: number;
  /** Refunded units that were never shipped; they leave the fulfillment order. */
  cancelled: number;
}

interface TimelineEntry {
  at: number;
  action: string;
  message: string;
  appTitle: string | null;
  attributeToApp: boolean;
  attributeToUser: boolean;
  author: string | null;
  criticalAlert: boolean;
}

interface TransactionDraft {
  kind: OrderTransactionKind;
  status: OrderTransactionStatus;
  amount: number;
  at: number;
  gateway: Gateway;
  errorCode: string | null;
  parent: number | null;
  expiresAt: number | null;
}

/** Milliseconds since the epoch of an order's placement: the first draw of its stream. */
function placementMs(rng: Random, spec: ArchetypeSpec, nowMs: number): number {
  return nowMs - Math.round((spec.ageDays[0] + rng.next() * (spec.ageDays[1] - spec.ageDays[0])) * DAY);
}

/**
 * `createdAt`/`processedAt` of generated order `index` without generating the order (one
 * random draw), so large lazy stores can be sorted by date cheaply.
 */
export function generatedOrderProcessedAt(seed: number, index: number, now: Date = DEFAULT_NOW): DateTimeString {
  const nowMs = Math.floor(now.getTime() / SECOND) * SECOND;
  return isoSeconds(placementMs(Random.from(seed, index, 0x0d3e), ARCHETYPES[archetypeFor(seed, index)], nowMs));
}

/** The index of generated order `legacyId` in its shop's namespace, or null. */
export function generatedOrderIndex(namespace: number, legacyId: number): number | null {
  const index = legacyId - namespace * 10_000_000 - 1;
  return Number.isInteger(index) && index >= 0 && index <= MAX_ORDER_INDEX ? index : null;
}

/** The index of the generated order owning child record `legacyId` (line items, events...), or null. */
export function generatedOwnerIndex(namespace: number, legacyId: number): number | null {
  const offset = legacyId - namespace * 1_000_000_000;
  if (!Number.isInteger(offset) || offset < 0) return null;
  const index = Math.floor(offset / 100);
  return index <= MAX_ORDER_INDEX ? index : null;
}

export function generateOrder({ seed, index, shop, now = DEFAULT_NOW, archetype: forced, placedAt }: GenerateOrderOptions): OrderRecord {
  if (!Number.isInteger(index) || index < 0 || index > MAX_ORDER_INDEX) {
    throw new RangeError(`order index must be an integer in [0, ${MAX_ORDER_INDEX}], got ${index}`);
  }
  const rng = Random.from(seed, index, 0x0d3e);
  const currency = shop.currencyCode;
  const nowMs = Math.floor(now.getTime() / SECOND) * SECOND;
  const archetype = forced ?? archetypeFor(seed, index);
  const spec = ARCHETYPES[archetype];
  // The first walk through the archetypes also shows their rarer details (failed capture,
  // failed void, failed refund, delivered and in-transit parcels), so any store with at
  // least one order per archetype contains every transaction kind/status combination.
  const showcase = index < ARCHETYPE_NAMES.length;
  const namespace = idNamespace(seed, shop.myshopifyDomain);
  const legacyId = orderLegacyId(namespace, index);
  const orderGid = toGid("Order", legacyId);
  const orderRef = ref(orderGid);
  const number = 1001 + index;
  const name = `${shop.orderNumberFormatPrefix}${number}${shop.orderNumberFormatSuffix}`;
  const id = (k: number) => childId(namespace, index, k);

  // Times: never after `now`; later steps take at most half of the time that is left, so
  // the story stays in order even for orders placed minutes ago.
  const drawnMs = placementMs(rng, spec, nowMs);
  const createdMs = placedAt ? Math.min(nowMs, Math.floor(placedAt.getTime() / SECOND) * SECOND) : drawnMs;
  const after = (from: number, minMs: number, maxMs: number) => {
    const wanted = minMs + Math.floor(rng.next() * (maxMs - minMs));
    return from + Math.max(SECOND, Math.min(wanted, Math.floor((nowMs - from) / 2)));
  };

  // Customer (most orders) or guest.
  const isGuest = rng.chance(0.1);
  const customerIndex = Math.floor(DEMO_CUSTOMER_POOL * rng.next() ** 1.6);
  const customer = isGuest ? null : generateCustomer({ seed, index: customerIndex, shop, now });
  const guest = drawPerson(rng, currency);
  const buyer: Person = customer?.defaultAddress
    ? {
        firstName: customer.firstName ?? guest.firstName,
        lastName: customer.lastName ?? guest.lastName,
        country: country(customer.defaultAddress.countryCodeV2 ?? guest.country.code),
        city: {
          city: customer.defaultAddress.city ?? guest.city.city,
          province: customer.defaultAddress.province,
          provinceCode: customer.defaultAddress.provinceCode,
          zip: customer.defaultAddress.zip ?? guest.city.zip,
          lat: customer.defaultAddress.latitude ?? guest.city.lat,
          lng: customer.defaultAddress.longitude ?? guest.city.lng,
        },
        street: customer.defaultAddress.address1 ?? guest.street,
        phone: customer.phone,
      }
    : guest;
  const email = customer?.email ?? `${asciiSlug(guest.firstName)}.${asciiSlug(guest.lastName)}.guest${index + 1}@example.com`;
  const buyerName = `${buyer.firstName} ${buyer.lastName}`;
  const taxRateBp = buyer.country.taxRateBp;

  // Line items.
  const lineCount = Math.max(spec.minLines, rng.weighted([
    { value: 1, weight: 45 }, { value: 2, weight: 30 }, { value: 3, weight: 15 }, { value: 4, weight: 7 }, { value: 5, weight: 3 },
  ]));
  const saleActive = rng.chance(0.35);
  const lines: LineDraft[] = rng.sample(PRODUCTS, lineCount).map((product) => {
    const variantTitle = rng.pick(product.options);
    const quantity = rng.weighted([{ value: 1, weight: 70 }, { value: 2, weight: 22 }, { value: 3, weight: 8 }]);
    const unit = shelfPrice(product.priceEur, currency);
    const original = unit * quantity;
    const lineDiscount = saleActive && product.onSale ? mulDivRound(original, 20, 100) : 0;
    return {
      product,
      variantTitle,
      sku: `${product.skuPrefix}-${asciiSlug(variantTitle).toUpperCase().slice(0, 8)}`,
      unit,
      quantity,
      original,
      lineDiscount,
      afterLine: original - lineDiscount,
      codeDiscount: 0,
      afterAll: 0,
      tax: 0,
      fulfilled: 0,
      refunded: 0,
      cancelled: 0,
    };
  });
  const discountCode = rng.chance(0.25) ? rng.pick(DISCOUNT_CODES) : null;
  const codeTotal = discountCode ? mulDivRound(lines.reduce((acc, l) => acc + l.afterLine, 0), discountCode.percent, 100) : 0;
  allocate(codeTotal, lines.map((l) => l.afterLine)).forEach((share, i) => {
    const line = lines[i] as LineDraft;
    line.codeDiscount = share;
    line.afterAll = line.afterLine - share;
    line.tax = taxFor(line.afterAll, taxRateBp);
  });
  const subtotal = lines.reduce((acc, l) => acc + l.afterAll, 0);
  const freeThreshold = shelfPrice(7500, currency);
  const express = rng.chance(0.15);
  const shipping = express ? shelfPrice(1290, currency) : subtotal >= freeThreshold ? 0 : shelfPrice(490, currency);
  const shippingTitle = express ? "Express" : shipping === 0 ? "Free Standard Shipping" : "Standard";
  const shippingTax = taxFor(shipping, taxRateBp);
  const totalTax = lines.reduce((acc, l) => acc + l.tax, 0) + shippingTax;
  const total = subtotal + shipping + totalTax;
  const totalDiscounts = lines.reduce((acc, l) => acc + l.lineDiscount, 0) + codeTotal;

  // Locations.
  const locations = demoLocations(seed, shop, now);
  const warehouse = locations[0] as LocationRecord;
  const store = locations[1] as LocationRecord;
  const thirdParty = locations[2] as LocationRecord;
  const assigned = archetype === "paid_in_progress" ? thirdParty : rng.chance(0.2) ? store : warehouse;
  const carrierName = rng.pick(buyer.country.carriers);
  const carrier = CARRIERS[carrierName] ?? (CARRIERS["DHL Express"] as (typeof CARRIERS)[string]);
  const staff = rng.pick(STAFF);

  // Story flags.
  const cancelled = archetype === "refunded_cancelled" || archetype === "voided_cancelled";
  const fullyShipped = [
    "paid_delivered", "paid_in_transit", "partially_refunded_return", "refunded_returned", "return_requested", "return_open",
  ].includes(archetype);
  const delivered = fullyShipped && archetype !== "paid_in_transit";

  const timeline: TimelineEntry[] = [];
  const event = (at: number, action: string, message: string, extra: Partial<Omit<TimelineEntry, "at" | "action" | "message">> = {}) => {
    timeline.push({
      at, action, message,
      appTitle: extra.appTitle ?? null,
      attributeToApp: extra.attributeToApp ?? false,
      attributeToUser: extra.attributeToUser ?? false,
      author: extra.author ?? null,
      criticalAlert: extra.criticalAlert ?? false,
    });
  };
  const sourceName = rng.chance(0.9) ? "web" : "shopify_draft_order";
  event(createdMs, "placed", sourceName === "web" ? `${buyerName} placed this order on Online Store.` : `${staff} created this order from draft order D${rng.int(10, 999)}.`, {
    appTitle: sourceName === "web" ? "Online Store" : null,
    attributeToApp: sourceName === "web",
    attributeToUser: sourceName !== "web",
    author: sourceName === "web" ? null : staff,
  });
  const confirmationNumber = rng.code(9);
  event(createdMs + SECOND, "confirmed", `Confirmation #${confirmationNumber} was generated for this order.`);
  event(createdMs + 2 * SECOND, "mail_sent", `Order confirmation email was sent to ${buyerName} (${email}).`);

  // ---- Payments ----
  const transactions: TransactionDraft[] = [];
  const pay = (draft: Omit<TransactionDraft, "errorCode" | "parent" | "expiresAt"> & Partial<TransactionDraft>) => {
    transactions.push({ errorCode: null, parent: null, expiresAt: null, ...draft });
    return transactions.length - 1;
  };
  const cardGateway = rng.weighted([
    { value: CARD_GATEWAY, weight: 70 }, { value: PAYPAL_GATEWAY, weight: 20 }, { value: KLARNA_GATEWAY, weight: 10 },
  ]);
  const payAt = createdMs + 3 * SECOND;
  const declineCode = () => rng.pick(["CARD_DECLINED", "INSUFFICIENT_FUNDS", "INCORRECT_CVC", "EXPIRED_CARD", "DO_NOT_HONOR"]);
  let captureSource: number | null = null;
  let capturable = 0;

  const paidArchetypes: OrderArchetype[] = [
    "paid_unfulfilled", "paid_delivered", "paid_in_transit", "paid_partially_fulfilled", "paid_on_hold", "paid_in_progress",
    "partially_refunded_return", "partially_refunded_item", "refunded_cancelled", "refunded_returned", "return_requested", "return_open",
  ];
  if (paidArchetypes.includes(archetype)) {
    const useAuthCapture = cardGateway === CARD_GATEWAY && rng.chance(0.4);
    if ((showcase && archetype === "paid_unfulfilled") || rng.chance(0.12)) {
      pay({ kind: useAuthCapture ? "AUTHORIZATION" : "SALE", status: "FAILURE", amount: total, at: payAt - SECOND, gateway: cardGateway, errorCode: declineCode() });
    }
    if (useAuthCapture) {
      const auth = pay({ kind: "AUTHORIZATION", status: "SUCCESS", amount: total, at: payAt, gateway: cardGateway, expiresAt: payAt + 7 * DAY });
      captureSource = pay({ kind: "CAPTURE", status: "SUCCESS", amount: total, at: after(payAt, 2 * HOUR, 20 * HOUR), gateway: cardGateway, parent: auth });
    } else {
      captureSource = pay({ kind: "SALE", status: "SUCCESS", amount: total, at: payAt, gateway: cardGateway });
    }
  } else if (archetype === "partially_paid") {
    const deposit = mulDivRound(total, rng.int(25, 60), 100);
    pay({ kind: "SALE", status: "SUCCESS", amount: deposit, at: payAt, gateway: BANK_GATEWAY });
  } else if (archetype === "pending") {
    pay({ kind: "SALE", status: "PENDING", amount: total, at: payAt, gateway: BANK_GATEWAY });
  } else if (archetype === "authorized" || archetype === "expired" || archetype === "voided_cancelled") {
    if ((showcase && archetype === "expired") || rng.chance(0.2)) {
      pay({ kind: "AUTHORIZATION", status: "FAILURE", amount: total, at: payAt - SECOND, gateway: CARD_GATEWAY, errorCode: declineCode() });
    }
    const auth = pay({ kind: "AUTHORIZATION", status: "SUCCESS", amount: total, at: payAt, gateway: CARD_GATEWAY, expiresAt: payAt + 7 * DAY });
    if (archetype === "authorized") {
      capturable = total;
      if (showcase || rng.chance(0.3)) {
        pay({ kind: "CAPTURE", status: "FAILURE", amount: total, at: after(payAt, HOUR, 2 * DAY), gateway: CARD_GATEWAY, parent: auth, errorCode: "PROCESSING_ERROR" });
      }
    }
  }

  // ---- Fulfillment plan ----
  if (fullyShipped) for (const line of lines) line.fulfilled = line.quantity;
  if (archetype === "paid_partially_fulfilled") {
    // Ship everything except the last line, which is backordered.
    lines.forEach((line, i) => (line.fulfilled = i < lines.length - 1 ? line.quantity : 0));
  }

  // ---- Cancellations and refunds ----
  let cancelledMs: number | null = null;
  let cancelReason: OrderCancelReason | null = null;
  interface RefundDraft {
    at: number;
    lines: Array<{ line: number; units: number; restockType: RefundLineItemRestockType }>;
    shipping: boolean;
    note: string | null;
    returnIndex: number | null;
  }
  const refundDrafts: RefundDraft[] = [];
  interface ReturnDraft {
    status: ReturnStatus;
    createdAt: number;
    approvedAt: number | null;
    closedAt: number | null;
    lines: Array<{ line: number; units: number; reason: (typeof RETURN_REASONS)[number] }>;
  }
  const returnDrafts: ReturnDraft[] = [];

  // Fulfillment times are needed before returns can be placed on the timeline.
  const splitShipment = fullyShipped && lines.length >= 2 && rng.chance(0.3);
  const shipGroups: number[][] = [];
  const shippedLines = lines.map((l, i) => (l.fulfilled > 0 ? i : -1)).filter((i) => i >= 0);
  if (shippedLines.length > 0) {
    if (splitShipment) {
      const cut = Math.max(1, Math.floor(shippedLines.length / 2));
      shipGroups.push(shippedLines.slice(0, cut), shippedLines.slice(cut));
    } else {
      shipGroups.push(shippedLines);
    }
  }
  const shipTimes: number[] = [];
  let lastShip = createdMs;
  for (let g = 0; g < shipGroups.length; g++) {
    lastShip = after(lastShip, g === 0 ? 4 * HOUR : 6 * HOUR, g === 0 ? 2 * DAY : 3 * DAY);
    shipTimes.push(lastShip);
  }
  const deliveredTimes = shipTimes.map((t) => (delivered ? after(t, DAY, 4 * DAY) : null));
  const lastDelivered = deliveredTimes.reduce<number>((acc, t) => Math.max(acc, t ?? 0), 0);

  if (archetype === "refunded_cancelled" || archetype === "voided_cancelled") {
    cancelledMs = after(createdMs, 20 * MINUTE, 30 * HOUR);
    cancelReason = archetype === "voided_cancelled"
      ? rng.pick(["FRAUD", "DECLINED", "CUSTOMER"] as const)
      : rng.pick(["CUSTOMER", "INVENTORY", "OTHER", "STAFF"] as const);
    if (archetype === "refunded_cancelled") {
      lines.forEach((line) => {
        line.refunded = line.quantity;
        line.cancelled = line.quantity;
      });
      refundDrafts.push({
        at: cancelledMs,
        lines: lines.map((line, i) => ({ line: i, units: line.quantity, restockType: "CANCEL" })),
        shipping: true,
        note: CANCEL_TEXT[cancelReason],
        returnIndex: null,
      });
    }
  }
  if (archetype === "partially_refunded_item") {
    // One unit of the last line turned out to be out of stock and was refunded before shipping.
    const target = lines.length - 1;
    const line = lines[target] as LineDraft;
    line.refunded = 1;
    line.cancelled = 1;
    const refundAt = after(createdMs, 2 * HOUR, 2 * DAY);
    refundDrafts.push({ at: refundAt, lines: [{ line: target, units: 1, restockType: "CANCEL" }], shipping: false, note: "Item out of stock", returnIndex: null });
    if (rng.chance(0.5)) {
      // The rest shipped after the refund.
      lines.forEach((l) => (l.fulfilled = l.quantity - l.cancelled));
      const shipped = lines.map((l, i) => (l.fulfilled > 0 ? i : -1)).filter((i) => i >= 0);
      shipGroups.push(shipped);
      shipTimes.push(after(refundAt, 2 * HOUR, 2 * DAY));
      deliveredTimes.push(null);
    }
  }
  if (["partially_refunded_return", "refunded_returned", "return_requested", "return_open"].includes(archetype)) {
    const requestedAt = after(Math.max(lastDelivered, createdMs), DAY, 6 * DAY);
    const full = archetype === "refunded_returned";
    const returnLines = full
      ? lines.map((line, i) => ({ line: i, units: line.quantity, reason: rng.pick(RETURN_REASONS) }))
      : [{ line: 0, units: 1, reason: rng.pick(RETURN_REASONS) }];
    const status: ReturnStatus = archetype === "return_requested" ? "REQUESTED" : archetype === "return_open" ? "OPEN" : "CLOSED";
    const approvedAt = status === "REQUESTED" ? null : after(requestedAt, HOUR, DAY);
    const closedAt = status === "CLOSED" && approvedAt !== null ? after(approvedAt, 2 * DAY, 6 * DAY) : null;
    returnDrafts.push({ status, createdAt: requestedAt, approvedAt, closedAt, lines: returnLines });
    if (closedAt !== null) {
      for (const entry of returnLines) (lines[entry.line] as LineDraft).refunded += entry.units;
      refundDrafts.push({
        at: closedAt,
        lines: returnLines.map((entry) => ({ line: entry.line, units: entry.units, restockType: "RETURN" })),
        shipping: full,
        note: full ? "Full return" : null,
        returnIndex: 0,
      });
    }
  }

  // Refund transactions (with the odd failed attempt first).
  const refundTransactionIndexes: number[][] = [];
  const refundAmounts: number[] = [];
  for (const draft of refundDrafts) {
    let amount = 0;
    for (const entry of draft.lines) {
      const line = lines[entry.line] as LineDraft;
      amount += unitsShare(line.afterAll, line.quantity, 0, entry.units) + unitsShare(line.tax, line.quantity, 0, entry.units);
    }
    if (draft.shipping) amount += shipping + shippingTax;
    refundAmounts.push(amount);
    const indexes: number[] = [];
    const gateway = captureSource !== null ? (transactions[captureSource] as TransactionDraft).gateway : cardGateway;
    if ((showcase && archetype === "refunded_returned") || rng.chance(0.15)) {
      indexes.push(pay({ kind: "REFUND", status: "FAILURE", amount, at: draft.at - MINUTE, gateway, parent: captureSource, errorCode: "PROCESSING_ERROR" }));
    }
    indexes.push(pay({ kind: "REFUND", status: "SUCCESS", amount, at: draft.at, gateway, parent: captureSource }));
    refundTransactionIndexes.push(indexes);
  }
  if (archetype === "voided_cancelled" && cancelledMs !== null) {
    const auth = transactions.findIndex((t) => t.kind === "AUTHORIZATION" && t.status === "SUCCESS");
    if (showcase || rng.chance(0.3)) pay({ kind: "VOID", status: "FAILURE", amount: total, at: cancelledMs - MINUTE, gateway: CARD_GATEWAY, parent: auth, errorCode: "GENERIC_ERROR" });
    pay({ kind: "VOID", status: "SUCCESS", amount: total, at: cancelledMs, gateway: CARD_GATEWAY, parent: auth });
  }

  // ---- Derived money ----
  const received = transactions
    .filter((t) => t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE"))
    .reduce((acc, t) => acc + t.amount, 0);
  const refundedTotal = refundAmounts.reduce((acc, a) => acc + a, 0);
  const refundedShipping = refundDrafts.some((d) => d.shipping) ? shipping : 0;
  const refundedShippingTax = refundDrafts.some((d) => d.shipping) ? shippingTax : 0;
  let refundedSubtotal = 0;
  let refundedTax = 0;
  let refundedDiscounts = 0;
  let refundedCode = 0;
  for (const line of lines) {
    const share = (amount: number) => unitsShare(amount, line.quantity, 0, line.refunded);
    refundedSubtotal += share(line.afterAll);
    refundedTax += share(line.tax);
    refundedDiscounts += share(line.original) - share(line.afterAll);
    refundedCode += share(line.codeDiscount);
  }
  // A cancellation without a refund (voided authorization) removes every line from the order.
  const removedEverything = cancelled && refundDrafts.length === 0;
  const currentSubtotal = removedEverything ? 0 : subtotal - refundedSubtotal;
  const currentShipping = removedEverything ? 0 : shipping - refundedShipping;
  const currentTax = removedEverything ? 0 : totalTax - refundedTax - refundedShippingTax;
  const currentDiscounts = removedEverything ? 0 : totalDiscounts - refundedDiscounts;
  const currentCode = removedEverything ? 0 : codeTotal - refundedCode;
  const currentTotal = currentSubtotal + currentShipping + currentTax;
  const netPayment = received - refundedTotal;
  const outstanding = currentTotal - netPayment;

  const financialStatus: OrderDisplayFinancialStatus = (() => {
    switch (archetype) {
      case "partially_paid": return "PARTIALLY_PAID";
      case "authorized": return "AUTHORIZED";
      case "pending": return "PENDING";
      case "expired": return "EXPIRED";
      case "voided_cancelled": return "VOIDED";
      default:
        if (refundedTotal > 0) return refundedTotal >= received ? "REFUNDED" : "PARTIALLY_REFUNDED";
        return "PAID";
    }
  })();

  // ---- Fulfillment order, holds, fulfillments ----
  const foGid = toGid("FulfillmentOrder", id(0));
  const holdReason: FulfillmentHoldReason | null =
    archetype === "paid_on_hold"
      ? rng.pick(["INCORRECT_ADDRESS", "INVENTORY_OUT_OF_STOCK", "HIGH_RISK_OF_FRAUD", "OTHER"] as const)
      : archetype === "partially_paid" && rng.chance(0.6)
        ? "AWAITING_PAYMENT"
        : archetype === "pending" && rng.chance(0.3)
          ? "AWAITING_PAYMENT"
          : null;
  const holds: FulfillmentHoldRecord[] = holdReason
    ? [{
        __typename: "FulfillmentHold",
        id: toGid("FulfillmentHold", id(0)),
        reason: holdReason,
        reasonNotes: holdReason === "INCORRECT_ADDRESS" ? "House number missing, customer contacted." : holdReason === "OTHER" ? "Waiting for engraving details." : null,
        displayReason: HOLD_TEXT[holdReason],
        handle: null,
        heldByRequestingApp: false,
      }]
    : [];
  if (holdReason) {
    event(after(createdMs, 5 * MINUTE, 3 * HOUR), "fulfillment_order_hold", `${staff} placed fulfillment order on hold: ${HOLD_TEXT[holdReason]}.`, {
      attributeToUser: true, author: staff, criticalAlert: holdReason === "HIGH_RISK_OF_FRAUD",
    });
  }

  const remaining = (line: LineDraft) => (cancelled ? 0 : line.quantity - line.cancelled - line.fulfilled);
  const anyFulfilled = lines.some((l) => l.fulfilled > 0);
  const anyRemaining = lines.some((l) => remaining(l) > 0);
  const foStatus: FulfillmentOrderStatus = cancelled || !anyRemaining
    ? "CLOSED"
    : holdReason
      ? "ON_HOLD"
      : archetype === "paid_in_progress" || anyFulfilled
        ? "IN_PROGRESS"
        : "OPEN";
  const requestStatus = archetype === "paid_in_progress" ? "ACCEPTED" : "UNSUBMITTED";
  if (archetype === "paid_in_progress") {
    event(after(createdMs, 10 * MINUTE, 2 * HOUR), "fulfillment_request_accepted", `${thirdParty.name} accepted the fulfillment request.`, {
      appTitle: thirdParty.name, attributeToApp: true,
    });
  }

  const fulfillmentStatusDisplay: OrderDisplayFulfillmentStatus = (() => {
    if (anyFulfilled && !anyRemaining) return "FULFILLED";
    if (anyFulfilled) return "PARTIALLY_FULFILLED";
    if (foStatus === "ON_HOLD") return "ON_HOLD";
    if (foStatus === "IN_PROGRESS") return "IN_PROGRESS";
    return "UNFULFILLED";
  })();

  const lineGids = lines.map((_, i) => toGid("LineItem", id(i)));
  const fulfillments: FulfillmentRecord[] = shipGroups.map((group, g) => {
    const shippedAt = shipTimes[g] as number;
    const deliveredAt = deliveredTimes[g] ?? null;
    const trackingNumber = carrier.number((n) => rng.digits(n), (n) => rng.code(n));
    const displayStatus: FulfillmentDisplayStatus = showcase
      ? deliveredAt !== null ? "DELIVERED" : "IN_TRANSIT"
      : deliveredAt !== null
      ? rng.weighted([{ value: "DELIVERED" as const, weight: 92 }, { value: "ATTEMPTED_DELIVERY" as const, weight: 4 }, { value: "FAILURE" as const, weight: 4 }])
      : rng.weighted([
          { value: "IN_TRANSIT" as const, weight: 55 }, { value: "OUT_FOR_DELIVERY" as const, weight: 12 }, { value: "CONFIRMED" as const, weight: 12 },
          { value: "LABEL_PRINTED" as const, weight: 6 }, { value: "DELAYED" as const, weight: 10 }, { value: "CARRIER_PICKED_UP" as const, weight: 5 },
        ]);
    const isDelivered = displayStatus === "DELIVERED";
    const totalQuantity = group.reduce((acc, i) => acc + (lines[i] as LineDraft).fulfilled, 0);
    const fulfillmentLineItems: FulfillmentLineItemRecord[] = group.map((i, j) => {
      const line = lines[i] as LineDraft;
      return {
        __typename: "FulfillmentLineItem",
        id: toGid("FulfillmentLineItem", id(g * 10 + j)),
        lineItem: ref(lineGids[i] as Gid),
        quantity: line.fulfilled,
        originalTotalSet: moneyBag(line.unit * line.fulfilled, currency),
        discountedTotalSet: moneyBag(unitsShare(line.afterAll, line.quantity, 0, line.fulfilled), currency),
      };
    });
    event(shippedAt, "fulfillment_success", `${staff} fulfilled ${totalQuantity} item${totalQuantity === 1 ? "" : "s"} from ${assigned.name} via ${carrier.company}.`, {
      attributeToUser: true, author: staff,
    });
    event(shippedAt + MINUTE, "mail_sent", `Shipping confirmation email was sent to ${buyerName} (${email}).`);
    if (displayStatus === "FAILURE" || displayStatus === "DELAYED") {
      event(Math.min(nowMs, (deliveredAt ?? shippedAt) + HOUR), "delivery_issue", `${carrier.company} reported a delivery problem for ${name}-F${g + 1}.`, { criticalAlert: true, appTitle: carrier.company, attributeToApp: true });
    }
    const updatedAt = deliveredAt ?? shippedAt + HOUR;
    return {
      __typename: "Fulfillment",
      id: toGid("Fulfillment", id(g)),
      legacyResourceId: String(id(g)),
      name: `${name}-F${g + 1}`,
      status: "SUCCESS",
      displayStatus,
      requiresShipping: true,
      totalQuantity,
      trackingInfo: [{ __typename: "FulfillmentTrackingInfo", company: carrier.company, number: trackingNumber, url: carrier.url(trackingNumber) }],
      fulfillmentLineItems,
      fulfillmentOrders: [ref(foGid)],
      location: ref(assigned.id),
      order: orderRef,
      createdAt: isoSeconds(shippedAt),
      updatedAt: isoSeconds(Math.min(nowMs, updatedAt)),
      inTransitAt: isoSeconds(shippedAt + 3 * HOUR > nowMs ? shippedAt : shippedAt + 3 * HOUR),
      deliveredAt: isDelivered && deliveredAt !== null ? isoSeconds(deliveredAt) : null,
      estimatedDeliveryAt: isoSeconds(shippedAt + 3 * DAY),
    };
  });

  // ---- Line items ----
  const codeApplication: DiscountApplicationRecord | null = discountCode
    ? {
        __typename: "DiscountCodeApplication",
        code: discountCode.code,
        index: 0,
        allocationMethod: "ACROSS",
        targetSelection: "ALL",
        targetType: "LINE_ITEM",
        value: { __typename: "PricingPercentageValue", percentage: discountCode.percent },
      }
    : null;
  const saleApplication: DiscountApplicationRecord | null = lines.some((l) => l.lineDiscount > 0)
    ? {
        __typename: "AutomaticDiscountApplication",
        title: "Seasonal sale",
        index: codeApplication ? 1 : 0,
        allocationMethod: "EACH",
        targetSelection: "ENTITLED",
        targetType: "LINE_ITEM",
        value: { __typename: "PricingPercentageValue", percentage: 20 },
      }
    : null;
  const taxLine = (amount: number): TaxLineRecord => ({
    __typename: "TaxLine",
    title: buyer.country.taxTitle,
    rate: taxRateBp / 10_000,
    ratePercentage: taxRateBp / 100,
    priceSet: moneyBag(amount, currency),
    channelLiable: false,
    source: "Shopify",
  });

  const lineItems: LineItemRecord[] = lines.map((line, i) => {
    const current = removedEverything ? 0 : line.quantity - line.refunded;
    const unfulfilled = remaining(line);
    const allocations: DiscountAllocationRecord[] = [];
    if (saleApplication && line.lineDiscount > 0) {
      allocations.push({ __typename: "DiscountAllocation", allocatedAmountSet: moneyBag(line.lineDiscount, currency), discountApplication: { ...saleApplication } });
    }
    if (codeApplication && line.codeDiscount > 0) {
      allocations.push({ __typename: "DiscountAllocation", allocatedAmountSet: moneyBag(line.codeDiscount, currency), discountApplication: { ...codeApplication } });
    }
    const keptShare = (amount: number) => amount - unitsShare(amount, line.quantity, 0, line.refunded);
    return {
      __typename: "LineItem",
      id: lineGids[i] as Gid,
      name: `${line.product.title} - ${line.variantTitle}`,
      title: line.product.title,
      variantTitle: line.variantTitle,
      sku: line.sku,
      vendor: line.product.vendor,
      quantity: line.quantity,
      currentQuantity: current,
      refundableQuantity: current,
      unfulfilledQuantity: unfulfilled,
      fulfillableQuantity: unfulfilled,
      nonFulfillableQuantity: line.quantity - line.fulfilled - unfulfilled,
      fulfillmentStatus: line.fulfilled === 0 ? "unfulfilled" : unfulfilled === 0 ? "fulfilled" : "partial",
      requiresShipping: true,
      taxable: true,
      isGiftCard: false,
      merchantEditable: !cancelled,
      restockable: current > 0,
      canRestock: current > 0,
      customAttributes: [],
      discountAllocations: allocations,
      duties: [],
      taxLines: [taxLine(line.tax)],
      weight: { __typename: "Weight", unit: "GRAMS", value: line.product.grams },
      originalUnitPriceSet: moneyBag(line.unit, currency),
      originalTotalSet: moneyBag(line.original, currency),
      discountedUnitPriceSet: moneyBag(mulDivRound(line.afterLine, 1, line.quantity), currency),
      discountedUnitPriceAfterAllDiscountsSet: moneyBag(mulDivRound(line.afterAll, 1, line.quantity), currency),
      discountedTotalSet: moneyBag(line.afterLine, currency),
      totalDiscountSet: moneyBag(line.lineDiscount, currency),
      priceAfterAllDiscountsBeforeTaxesSet: moneyBag(removedEverything ? 0 : keptShare(line.afterAll), currency),
      unfulfilledOriginalTotalSet: moneyBag(line.unit * unfulfilled, currency),
      unfulfilledDiscountedTotalSet: moneyBag(unitsShare(line.afterLine, line.quantity, 0, unfulfilled), currency),
      __discountedTotalWithCodeDiscountsSet: moneyBag(line.afterAll, currency),
    };
  });

  // ---- Addresses ----
  const shippingAddress = mailingAddress(id(0), buyer, null, null);
  const billingSame = rng.chance(0.85);
  const billingAddress = billingSame
    ? { ...mailingAddress(id(1), buyer, null, null), formatted: [...shippingAddress.formatted] }
    : mailingAddress(id(1), { ...buyer, city: rng.pick(buyer.country.cities), street: `${rng.pick(buyer.country.streets)} ${rng.int(1, 140)}` }, null, null);

  const shippingLine: ShippingLineRecord = {
    __typename: "ShippingLine",
    id: toGid("ShippingLine", id(0)),
    title: shippingTitle,
    code: shippingTitle,
    source: "shopify",
    carrierIdentifier: null,
    deliveryCategory: null,
    shippingRateHandle: `shopify-${asciiSlug(shippingTitle)}-${shipping}`,
    phone: null,
    custom: false,
    isRemoved: false,
    price: formatMinor(shipping, currency),
    originalPriceSet: moneyBag(shipping, currency),
    discountedPriceSet: moneyBag(shipping, currency),
    currentDiscountedPriceSet: moneyBag(currentShipping, currency),
    discountAllocations: [],
    taxLines: [taxLine(shippingTax)],
  };

  const fulfillmentOrder: FulfillmentOrderRecord = {
    __typename: "FulfillmentOrder",
    id: foGid,
    status: foStatus,
    requestStatus: foStatus === "CLOSED" && requestStatus === "ACCEPTED" ? "CLOSED" : requestStatus,
    assignedLocation: {
      __typename: "FulfillmentOrderAssignedLocation",
      name: assigned.name,
      address1: assigned.address.address1,
      address2: assigned.address.address2,
      city: assigned.address.city,
      countryCode: assigned.address.countryCode ?? "DE",
      phone: assigned.address.phone,
      province: assigned.address.province,
      zip: assigned.address.zip,
      location: ref(assigned.id),
    },
    destination: {
      __typename: "FulfillmentOrderDestination",
      id: toGid("FulfillmentOrderDestination", id(0)),
      firstName: shippingAddress.firstName,
      lastName: shippingAddress.lastName,
      company: shippingAddress.company,
      address1: shippingAddress.address1,
      address2: shippingAddress.address2,
      city: shippingAddress.city,
      province: shippingAddress.province,
      zip: shippingAddress.zip,
      countryCode: shippingAddress.countryCodeV2,
      email,
      phone: shippingAddress.phone,
    },
    deliveryMethod: {
      __typename: "DeliveryMethod",
      id: toGid("DeliveryMethod", id(0)),
      methodType: "SHIPPING",
      presentedName: shippingTitle,
      serviceCode: shippingTitle,
      minDeliveryDateTime: null,
      maxDeliveryDateTime: null,
    },
    fulfillmentHolds: foStatus === "ON_HOLD" ? holds : [],
    lineItems: lines
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => line.quantity - line.cancelled > 0)
      .map(({ line, i }) => ({
        __typename: "FulfillmentOrderLineItem" as const,
        id: toGid("FulfillmentOrderLineItem", id(i)),
        lineItem: ref(lineGids[i] as Gid),
        productTitle: line.product.title,
        variantTitle: line.variantTitle,
        sku: line.sku,
        vendor: line.product.vendor,
        totalQuantity: cancelled ? 0 : line.quantity - line.cancelled,
        remainingQuantity: remaining(line),
        requiresShipping: true,
        originalUnitPriceSet: moneyBag(line.unit, currency),
        weight: { __typename: "Weight" as const, unit: "GRAMS" as const, value: line.product.grams },
        warnings: [],
        financialSummaries: [],
      })),
    fulfillments: fulfillments.map((f) => ref(f.id)),
    supportedActions: supportedActions(foStatus, requestStatus),
    order: orderRef,
    orderId: orderGid,
    orderName: name,
    orderProcessedAt: isoSeconds(createdMs),
    fulfillAt: null,
    fulfillBy: null,
    channelId: null,
    createdAt: isoSeconds(createdMs + SECOND),
    updatedAt: isoSeconds(Math.max(createdMs + SECOND, ...shipTimes, cancelledMs ?? 0)),
  };

  // ---- Transactions ----
  const txGids = transactions.map((_, k) => toGid("OrderTransaction", id(k)));
  const last4 = rng.digits(4);
  const brand = rng.pick(["Visa", "Mastercard", "American Express"]);
  const orderTransactions: OrderTransactionRecord[] = transactions.map((t, k) => {
    const isOpenAuth = t.kind === "AUTHORIZATION" && t.status === "SUCCESS" && capturable > 0;
    const authExpired = t.kind === "AUTHORIZATION" && t.expiresAt !== null && t.expiresAt <= nowMs;
    const verb: Record<OrderTransactionKind, string> = {
      AUTHORIZATION: "authorized", CAPTURE: "captured", SALE: "processed", REFUND: "refunded", VOID: "voided",
      CHANGE: "returned as change", EMV_AUTHORIZATION: "authorized", SUGGESTED_REFUND: "suggested for refund",
    };
    const method = t.gateway === CARD_GATEWAY ? ` on ${brand} ending in ${last4}` : ` via ${t.gateway.formatted}`;
    const amountText = displayMoney(t.amount, currency);
    const message = t.status === "SUCCESS"
      ? `A ${amountText} payment was ${verb[t.kind]}${method}.`
      : t.status === "PENDING"
        ? `A ${amountText} payment is pending${method}.`
        : `A ${amountText} payment failed to be ${verb[t.kind]}${method}${t.errorCode ? ` (${t.errorCode.toLowerCase().replace(/_/g, " ")})` : ""}.`;
    event(t.at, `${t.kind.toLowerCase()}_${t.status.toLowerCase()}`, message, {
      appTitle: t.gateway.appTitle,
      attributeToApp: false,
      attributeToUser: t.kind === "REFUND" || t.kind === "VOID" || (t.kind === "CAPTURE" && t.status === "FAILURE"),
      author: t.kind === "REFUND" || t.kind === "VOID" ? staff : null,
      criticalAlert: t.status === "FAILURE",
    });
    return {
      __typename: "OrderTransaction",
      id: txGids[k] as Gid,
      kind: t.kind,
      status: t.status,
      gateway: t.gateway.gateway,
      formattedGateway: t.gateway.formatted,
      manualPaymentGateway: t.gateway.manual,
      amountSet: moneyBag(t.amount, currency),
      totalUnsettledSet: t.kind === "AUTHORIZATION" && t.status === "SUCCESS" ? moneyBag(isOpenAuth && !authExpired ? capturable : 0, currency) : null,
      errorCode: t.errorCode,
      accountNumber: t.gateway === CARD_GATEWAY ? `•••• •••• •••• ${last4}` : null,
      authorizationCode: t.kind === "AUTHORIZATION" && t.status === "SUCCESS" ? rng.digits(6) : null,
      authorizationExpiresAt: t.expiresAt !== null ? isoSeconds(t.expiresAt) : null,
      paymentId: `${confirmationNumber}.${k + 1}`,
      parentTransaction: t.parent !== null ? ref(txGids[t.parent] as Gid) : null,
      order: orderRef,
      manuallyCapturable: isOpenAuth && !authExpired,
      multiCapturable: false,
      test: false,
      fees: [],
      receiptJson: null,
      settlementCurrency: null,
      settlementCurrencyRate: null,
      createdAt: isoSeconds(t.at),
      processedAt: isoSeconds(t.at),
    };
  });

  // ---- Returns and refunds ----
  const returns: ReturnRecord[] = returnDrafts.map((draft, r) => {
    const returnGid = toGid("Return", id(r));
    const returnLineItems: ReturnLineItemRecord[] = draft.lines.map((entry, j) => {
      const line = lines[entry.line] as LineDraft;
      const group = shipGroups.findIndex((g) => g.includes(entry.line));
      const position = group >= 0 ? (shipGroups[group] as number[]).indexOf(entry.line) : 0;
      const fliGid = toGid("FulfillmentLineItem", id(Math.max(0, group) * 10 + position));
      const processed = draft.status === "CLOSED" ? entry.units : 0;
      return {
        __typename: "ReturnLineItem",
        id: toGid("ReturnLineItem", id(r * 10 + j)),
        fulfillmentLineItem: ref(fliGid),
        quantity: entry.units,
        processableQuantity: draft.status === "OPEN" ? entry.units : 0,
        processedQuantity: processed,
        unprocessedQuantity: entry.units - processed,
        refundableQuantity: draft.status === "OPEN" ? entry.units : 0,
        refundedQuantity: processed,
        returnReason: entry.reason.reason,
        returnReasonNote: entry.reason.reason === "DEFECTIVE" ? "Seam came apart after the first wash." : "",
        returnReasonDefinition: ref(libraryReasonId(entry.reason.handle)),
        customerNote: rng.chance(0.4) ? "Happy to exchange if another size is available." : null,
        withCodeDiscountedTotalPriceSet: moneyBag(unitsShare(line.afterAll, line.quantity, 0, entry.units), currency),
        restockingFee: null,
        totalWeight: { __typename: "Weight", unit: "GRAMS", value: line.product.grams * entry.units },
      };
    });
    const units = draft.lines.reduce((acc, l) => acc + l.units, 0);
    event(draft.createdAt, "return_requested", `${buyerName} requested a return of ${units} item${units === 1 ? "" : "s"}.`);
    if (draft.approvedAt !== null) event(draft.approvedAt, "return_approved", `${staff} approved return ${name}-R${r + 1}.`, { attributeToUser: true, author: staff });
    if (draft.closedAt !== null) event(draft.closedAt + SECOND, "return_closed", `${staff} closed return ${name}-R${r + 1}.`, { attributeToUser: true, author: staff });
    return {
      __typename: "Return",
      id: returnGid,
      name: `${name}-R${r + 1}`,
      status: draft.status,
      order: orderRef,
      returnLineItems,
      refunds: refundDrafts.map((d, k) => (d.returnIndex === r ? ref(toGid("Refund", id(k))) : null)).filter((x): x is { __ref: Gid } => x !== null),
      transactions: [],
      totalQuantity: units,
      returnShippingFees: [],
      decline: null,
      createdAt: isoSeconds(draft.createdAt),
      requestApprovedAt: draft.approvedAt !== null ? isoSeconds(draft.approvedAt) : null,
      closedAt: draft.closedAt !== null ? isoSeconds(draft.closedAt) : null,
    };
  });

  const refunds: RefundRecord[] = refundDrafts.map((draft, k) => {
    const refundLineItems: RefundLineItemRecord[] = draft.lines.map((entry, j) => {
      const line = lines[entry.line] as LineDraft;
      return {
        __typename: "RefundLineItem",
        id: toGid("RefundLineItem", id(k * 10 + j)),
        lineItem: ref(lineGids[entry.line] as Gid),
        quantity: entry.units,
        restockType: entry.restockType,
        restocked: entry.restockType !== "NO_RESTOCK",
        location: ref(assigned.id),
        priceSet: moneyBag(mulDivRound(line.afterAll, 1, line.quantity), currency),
        subtotalSet: moneyBag(unitsShare(line.afterAll, line.quantity, 0, entry.units), currency),
        totalTaxSet: moneyBag(unitsShare(line.tax, line.quantity, 0, entry.units), currency),
      };
    });
    const refundShippingLines: RefundShippingLineRecord[] = draft.shipping
      ? [{
          __typename: "RefundShippingLine",
          id: toGid("RefundShippingLine", id(k)),
          shippingLine: ref(shippingLine.id),
          subtotalAmountSet: moneyBag(shipping, currency),
          taxAmountSet: moneyBag(shippingTax, currency),
        }]
      : [];
    return {
      __typename: "Refund",
      id: toGid("Refund", id(k)),
      legacyResourceId: String(id(k)),
      note: draft.note,
      order: orderRef,
      return: draft.returnIndex !== null ? ref(toGid("Return", id(draft.returnIndex))) : null,
      refundLineItems,
      refundShippingLines,
      transactions: (refundTransactionIndexes[k] ?? []).map((t) => ref(txGids[t] as Gid)),
      totalRefundedSet: moneyBag(refundAmounts[k] ?? 0, currency),
      duties: [],
      createdAt: isoSeconds(draft.at),
      processedAt: isoSeconds(draft.at),
      updatedAt: isoSeconds(draft.at),
    };
  });

  // ---- Cancellation, closing ----
  if (cancelledMs !== null && cancelReason !== null) {
    event(cancelledMs - 2 * SECOND, "cancelled", `${staff} cancelled this order. Reason: ${CANCEL_TEXT[cancelReason]}.`, {
      attributeToUser: true, author: staff, criticalAlert: cancelReason === "FRAUD",
    });
  }
  const openReturn = returnDrafts.some((d) => d.status !== "CLOSED");
  const settled = outstanding === 0 && capturable === 0;
  let closedMs: number | null = null;
  if (cancelledMs !== null) closedMs = cancelledMs;
  else if (settled && !anyRemaining && anyFulfilled && !openReturn && fulfillmentStatusDisplay === "FULFILLED") {
    const lastStep = Math.max(lastDelivered, ...shipTimes, ...refundDrafts.map((d) => d.at));
    if (delivered && rng.chance(0.6)) closedMs = after(lastStep, HOUR, 3 * DAY);
  }
  if (closedMs !== null && cancelledMs === null) event(closedMs, "closed", "Order was archived.", { attributeToUser: true, author: staff });

  const tags = rng.chance(0.3) ? rng.sample(ORDER_TAGS, rng.int(1, 2)).sort() : [];
  const note = rng.chance(0.15) ? rng.pick(ORDER_NOTES) : null;
  const customAttributes: AttributeRecord[] = tags.includes("gift")
    ? [{ __typename: "Attribute", key: "gift_message", value: "Alles Gute zum Geburtstag!" }]
    : [];

  // ---- Events ----
  timeline.sort((a, b) => a.at - b.at);
  const events: BasicEventRecord[] = timeline.map((entry, k) => ({
    __typename: "BasicEvent",
    id: toGid("BasicEvent", id(k)),
    action: entry.action,
    message: entry.message,
    secondaryMessage: null,
    appTitle: entry.appTitle,
    attributeToApp: entry.attributeToApp,
    attributeToUser: entry.attributeToUser,
    author: entry.author,
    criticalAlert: entry.criticalAlert,
    hasAdditionalContent: false,
    additionalContent: null,
    additionalData: null,
    arguments: null,
    subject: orderRef,
    subjectId: orderGid,
    subjectType: "ORDER",
    createdAt: isoSeconds(Math.min(entry.at, nowMs)),
  }));
  const updatedMs = Math.min(nowMs, timeline.reduce((acc, e) => Math.max(acc, e.at), createdMs));

  const returnStatus: OrderReturnStatus = returnDrafts.length === 0
    ? "NO_RETURN"
    : returnDrafts.some((d) => d.status === "REQUESTED")
      ? "RETURN_REQUESTED"
      : returnDrafts.some((d) => d.status === "OPEN")
        ? "IN_PROGRESS"
        : "RETURNED";

  const totalUnits = lines.reduce((acc, l) => acc + l.quantity, 0);
  const currentUnits = lineItems.reduce((acc, l) => acc + l.currentQuantity, 0);
  const totalGrams = lines.reduce((acc, l) => acc + l.product.grams * l.quantity, 0);
  const currentGrams = lines.reduce((acc, l, i) => acc + l.product.grams * (lineItems[i] as LineItemRecord).currentQuantity, 0);
  const statusToken = Random.from(seed, index, 0x7043).code(24).toLowerCase();
  const bag = (minor: number): MoneyBag => moneyBag(minor, currency);
  const gatewayNames = [...new Set(transactions.map((t) => t.gateway.gateway))];
  const fullyPaid = received >= total;

  return {
    __typename: "Order",
    id: orderGid,
    legacyResourceId: String(legacyId),
    name,
    number,
    confirmationNumber,
    email,
    phone: buyer.phone,
    customer: customer ? ref(customer.id) : null,
    customerLocale: buyer.country.locale,
    customerAcceptsMarketing: customer?.defaultEmailAddress?.marketingState === "SUBSCRIBED",
    note,
    tags,
    customAttributes,
    poNumber: null,
    sourceName,
    sourceIdentifier: null,
    clientIp: sourceName === "web" ? `203.0.113.${rng.int(1, 254)}` : null,
    test: false,
    confirmed: true,
    closed: closedMs !== null,
    edited: false,
    currencyCode: currency,
    presentmentCurrencyCode: currency,
    taxesIncluded: shop.taxesIncluded,
    taxExempt: false,
    estimatedTaxes: false,
    dutiesIncluded: false,
    requiresShipping: true,
    fulfillable: anyRemaining && !holdReason,
    capturable: capturable > 0,
    refundable: netPayment > 0,
    restockable: currentUnits > 0,
    fullyPaid,
    unpaid: received === 0,
    canMarkAsPaid: !cancelled && (archetype === "pending" || archetype === "partially_paid"),
    canNotifyCustomer: !cancelled,
    merchantEditable: !cancelled && closedMs === null,
    merchantEditableErrors: cancelled ? ["Order is cancelled."] : [],
    hasTimelineComment: false,
    productNetwork: false,
    billingAddressMatchesShippingAddress: billingSame,
    shippingAddress,
    billingAddress,
    displayAddress: shippingAddress,
    displayFinancialStatus: financialStatus,
    displayFulfillmentStatus: fulfillmentStatusDisplay,
    returnStatus,
    cancelReason,
    cancelledAt: cancelledMs !== null ? isoSeconds(cancelledMs) : null,
    closedAt: closedMs !== null ? isoSeconds(closedMs) : null,
    createdAt: isoSeconds(createdMs),
    processedAt: isoSeconds(createdMs),
    updatedAt: isoSeconds(updatedMs),
    discountCode: discountCode?.code ?? null,
    discountCodes: discountCode ? [discountCode.code] : [],
    discountApplications: [codeApplication, saleApplication].filter((a): a is DiscountApplicationRecord => a !== null),
    paymentGatewayNames: gatewayNames,
    statusPageUrl: `https://${shop.myshopifyDomain}/${shop.id.replace(/\D/g, "")}/orders/${statusToken}/authenticate?key=${statusToken.slice(0, 12)}`,
    subtotalLineItemsQuantity: totalUnits,
    currentSubtotalLineItemsQuantity: currentUnits,
    totalWeight: String(totalGrams),
    currentTotalWeight: String(currentGrams),
    lineItems,
    shippingLine,
    shippingLines: [shippingLine],
    taxLines: [taxLine(totalTax)],
    currentTaxLines: [taxLine(currentTax)],
    fulfillmentOrders: [fulfillmentOrder],
    fulfillments,
    transactions: orderTransactions,
    refunds,
    returns,
    events,
    alerts: [],
    additionalFees: [],
    disputes: [],
    risk: {
      __typename: "OrderRiskSummary",
      assessments: [],
      recommendation: holdReason === "HIGH_RISK_OF_FRAUD" || cancelReason === "FRAUD" ? "INVESTIGATE" : "ACCEPT",
    },
    riskLevel: holdReason === "HIGH_RISK_OF_FRAUD" || cancelReason === "FRAUD" ? "HIGH" : "LOW",
    risks: [],
    totalCashRoundingAdjustment: { __typename: "CashRoundingAdjustment", paymentSet: bag(0), refundSet: bag(0) },
    paymentCollectionDetails: {
      __typename: "OrderPaymentCollectionDetails",
      additionalPaymentCollectionUrl: outstanding > 0 && !cancelled ? `https://${shop.myshopifyDomain}/${shop.id.replace(/\D/g, "")}/invoices/${statusToken}` : null,
      vaultedPaymentMethods: null,
    },
    subtotalPriceSet: bag(subtotal),
    totalShippingPriceSet: bag(shipping),
    totalTaxSet: bag(totalTax),
    totalDiscountsSet: bag(totalDiscounts),
    cartDiscountAmountSet: codeTotal > 0 ? bag(codeTotal) : null,
    totalPriceSet: bag(total),
    originalTotalPriceSet: bag(total),
    totalTipReceivedSet: bag(0),
    currentSubtotalPriceSet: bag(currentSubtotal),
    currentShippingPriceSet: bag(currentShipping),
    currentTotalTaxSet: bag(currentTax),
    currentTotalDiscountsSet: bag(currentDiscounts),
    currentCartDiscountAmountSet: bag(currentCode),
    currentTotalPriceSet: bag(currentTotal),
    totalRefundedSet: bag(refundedTotal),
    totalRefundedShippingSet: bag(refundedShipping),
    totalReceivedSet: bag(received),
    netPaymentSet: bag(netPayment),
    totalOutstandingSet: bag(outstanding),
    totalCapturableSet: bag(capturable),
    refundDiscrepancySet: bag(0),
  };
}

export function supportedActions(status: FulfillmentOrderStatus, requestStatus: string): FulfillmentOrderSupportedActionRecord[] {
  const actions: FulfillmentOrderSupportedActionRecord["action"][] =
    status === "CLOSED" || status === "CANCELLED"
      ? []
      : status === "ON_HOLD"
        ? ["RELEASE_HOLD", "MOVE"]
        : requestStatus === "ACCEPTED"
          ? ["REQUEST_CANCELLATION", "CREATE_FULFILLMENT"]
          : status === "IN_PROGRESS"
            ? ["CREATE_FULFILLMENT", "HOLD", "MOVE"]
            : ["CREATE_FULFILLMENT", "REQUEST_FULFILLMENT", "HOLD", "MOVE", "SPLIT"];
  return actions.map((action) => ({ __typename: "FulfillmentOrderSupportedAction", action, externalUrl: null }));
}

// ---------------------------------------------------------------------------------------
// generateDemoStore
// ---------------------------------------------------------------------------------------

export interface GenerateDemoStoreOptions {
  /** Defaults to a hash of the domain, so different shops get different data and IDs. */
  seed?: number;
  orderCount: number;
  domain: string;
  name?: string;
  currencyCode?: string;
  now?: Date;
}

export function seedForDomain(domain: string): number {
  return hashString(domain.toLowerCase());
}

export function generateDemoStore(options: GenerateDemoStoreOptions): ShopData {
  const { orderCount, domain, name, currencyCode = "EUR", now = DEFAULT_NOW } = options;
  if (!Number.isInteger(orderCount) || orderCount < 0 || orderCount > MAX_ORDER_INDEX + 1) {
    throw new RangeError(`orderCount must be an integer in [0, ${MAX_ORDER_INDEX + 1}], got ${orderCount}`);
  }
  const seed = (options.seed ?? seedForDomain(domain)) >>> 0;
  const shop = generateShop({ seed, domain, name, currencyCode, now });
  const locations = demoLocations(seed, shop, now);
  const customers: CustomerRecord[] = [];
  for (let i = 0; i < DEMO_CUSTOMER_POOL; i++) customers.push(generateCustomer({ seed, index: i, shop, now }));
  const orders: OrderRecord[] = [];
  for (let i = 0; i < orderCount; i++) orders.push(generateOrder({ seed, index: i, shop, now }));
  const { app, appInstallation } = generateApp(seed, shop);
  return { seed, shop, locations, customers, orders, app, appInstallation, returnReasonDefinitions: returnReasonLibrary() };
}

/** Streams orders without holding them all, e.g. for 100k-order benchmarks. */
export function* generateOrders(options: { seed: number; shop: ShopRecord; count: number; start?: number; now?: Date }): Generator<OrderRecord> {
  const start = options.start ?? 0;
  for (let i = start; i < start + options.count; i++) {
    yield generateOrder({ seed: options.seed, index: i, shop: options.shop, now: options.now });
  }
}

