/**
 * Record shapes of the sandbox store.
 *
 * Keys are the Admin API 2026-10 field names of the type named by `__typename`, so the
 * GraphQL layer can serve a record with a generic "read the property" resolver. Records
 * stay plain JSON-like data (no functions, no cycles): links to other records are
 * `{ __ref: gid }` and are resolved against the owning shop's index at query time, which
 * keeps shops isolated and generated data comparable with deep equality.
 *
 * Keys starting with "__" (other than __typename/__ref) are sandbox-internal and can never
 * clash with schema fields, which GraphQL forbids from starting with "__".
 */

export type Gid = string;
/** ISO-8601 UTC timestamp with second precision, e.g. "2026-10-31T09:15:00Z". */
export type DateTimeString = string;
/** UnsignedInt64 is serialized as a decimal string by Shopify. */
export type UnsignedInt64String = string;

export interface Ref {
  readonly __ref: Gid;
}

export interface MoneyV2 {
  __typename: "MoneyV2";
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  __typename: "MoneyBag";
  shopMoney: MoneyV2;
  presentmentMoney: MoneyV2;
}

export interface CountRecord {
  __typename: "Count";
  count: number;
  precision: "EXACT" | "AT_LEAST";
}

export type OrderDisplayFinancialStatus =
  | "AUTHORIZED" | "EXPIRED" | "PAID" | "PARTIALLY_PAID" | "PARTIALLY_REFUNDED" | "PENDING" | "REFUNDED" | "VOIDED";

export type OrderDisplayFulfillmentStatus =
  | "FULFILLED" | "FULFILLMENT_NOT_REQUIRED" | "IN_PROGRESS" | "ON_HOLD" | "OPEN" | "PARTIALLY_FULFILLED"
  | "PENDING_FULFILLMENT" | "REQUEST_DECLINED" | "RESTOCKED" | "SCHEDULED" | "UNFULFILLED";

export type OrderCancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";
export type OrderReturnStatus =
  | "INSPECTION_COMPLETE" | "IN_PROGRESS" | "NO_RETURN" | "RETURNED" | "RETURN_FAILED" | "RETURN_REQUESTED";
export type OrderTransactionKind =
  | "AUTHORIZATION" | "CAPTURE" | "CHANGE" | "EMV_AUTHORIZATION" | "REFUND" | "SALE" | "SUGGESTED_REFUND" | "VOID";
export type OrderTransactionStatus = "AWAITING_RESPONSE" | "ERROR" | "FAILURE" | "PENDING" | "SUCCESS" | "UNKNOWN";
export type FulfillmentOrderStatus = "CANCELLED" | "CLOSED" | "INCOMPLETE" | "IN_PROGRESS" | "ON_HOLD" | "OPEN" | "SCHEDULED";
export type FulfillmentOrderRequestStatus =
  | "ACCEPTED" | "CANCELLATION_ACCEPTED" | "CANCELLATION_REJECTED" | "CANCELLATION_REQUESTED" | "CLOSED"
  | "REJECTED" | "SUBMITTED" | "UNSUBMITTED";
export type FulfillmentHoldReason =
  | "AWAITING_PAYMENT" | "AWAITING_RETURN_ITEMS" | "HIGH_RISK_OF_FRAUD" | "INCORRECT_ADDRESS"
  | "INVENTORY_OUT_OF_STOCK" | "ONLINE_STORE_POST_PURCHASE_CROSS_SELL" | "OTHER" | "UNKNOWN_DELIVERY_DATE";
export type FulfillmentStatus = "CANCELLED" | "ERROR" | "FAILURE" | "OPEN" | "PENDING" | "SUCCESS";
export type FulfillmentDisplayStatus =
  | "ATTEMPTED_DELIVERY" | "CANCELED" | "CARRIER_PICKED_UP" | "CONFIRMED" | "DELAYED" | "DELIVERED" | "FAILURE"
  | "FULFILLED" | "IN_TRANSIT" | "LABEL_PRINTED" | "LABEL_PURCHASED" | "LABEL_VOIDED" | "MARKED_AS_FULFILLED"
  | "NOT_DELIVERED" | "OUT_FOR_DELIVERY" | "PICKED_UP" | "READY_FOR_PICKUP" | "SUBMITTED";
export type ReturnStatus = "CANCELED" | "CLOSED" | "DECLINED" | "OPEN" | "REQUESTED";
export type ReturnReason =
  | "COLOR" | "DEFECTIVE" | "NOT_AS_DESCRIBED" | "OTHER" | "SIZE_TOO_LARGE" | "SIZE_TOO_SMALL" | "STYLE" | "UNKNOWN"
  | "UNWANTED" | "WRONG_ITEM";
export type RefundLineItemRestockType = "CANCEL" | "LEGACY_RESTOCK" | "NO_RESTOCK" | "RETURN";

export interface AttributeRecord {
  __typename: "Attribute";
  key: string;
  value: string | null;
}

export interface WeightRecord {
  __typename: "Weight";
  unit: "GRAMS" | "KILOGRAMS" | "OUNCES" | "POUNDS";
  value: number;
}

export interface MailingAddressRecord {
  __typename: "MailingAddress";
  id: Gid;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  countryCodeV2: string | null;
  phone: string | null;
  formatted: string[];
  formattedArea: string | null;
  coordinatesValidated: boolean;
  latitude: number | null;
  longitude: number | null;
  timeZone: string | null;
}

export interface LocationAddressRecord {
  __typename: "LocationAddress";
  address1: string | null;
  address2: string | null;
  city: string | null;
  country: string | null;
  countryCode: string | null;
  formatted: string[];
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
}

export interface LocationRecord {
  __typename: "Location";
  id: Gid;
  legacyResourceId: UnsignedInt64String;
  name: string;
  address: LocationAddressRecord;
  addressVerified: boolean;
  isActive: boolean;
  isPrimary: boolean;
  isFulfillmentService: boolean;
  fulfillsOnlineOrders: boolean;
  shipsInventory: boolean;
  hasActiveInventory: boolean;
  hasUnfulfilledOrders: boolean;
  activatable: boolean;
  deactivatable: boolean;
  deletable: boolean;
  deactivatedAt: string | null;
  suggestedAddresses: never[];
  createdAt: DateTimeString;
  updatedAt: DateTimeString;
}

export interface ImageRecord {
  __typename: "Image";
  id: Gid | null;
  url: string;
  src: string;
  originalSrc: string;
  transformedSrc: string;
  altText: string | null;
  width: number | null;
  height: number | null;
  thumbhash: string | null;
}

export interface ShopPlanRecord {
  __typename: "ShopPlan";
  displayName: string;
  publicDisplayName: string;
  partnerDevelopment: boolean;
  shopifyPlus: boolean;
}

export interface DomainRecord {
  __typename: "Domain";
  id: Gid;
  host: string;
  url: string;
  sslEnabled: boolean;
}

export interface ShopAddressRecord {
  __typename: "ShopAddress";
  id: Gid;
  address1: string | null;
  address2: string | null;
  city: string | null;
  company: string | null;
  country: string | null;
  countryCodeV2: string | null;
  formatted: string[];
  formattedArea: string | null;
  phone: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  coordinatesValidated: boolean;
  latitude: number | null;
  longitude: number | null;
}

export interface ShopRecord {
  __typename: "Shop";
  id: Gid;
  name: string;
  email: string;
  contactEmail: string;
  shopOwnerName: string;
  description: string | null;
  myshopifyDomain: string;
  url: string;
  primaryDomain: DomainRecord;
  currencyCode: string;
  enabledPresentmentCurrencies: string[];
  ianaTimezone: string;
  timezoneAbbreviation: string;
  timezoneOffset: string;
  timezoneOffsetMinutes: number;
  weightUnit: "GRAMS" | "KILOGRAMS" | "OUNCES" | "POUNDS";
  unitSystem: "IMPERIAL_SYSTEM" | "METRIC_SYSTEM";
  taxesIncluded: boolean;
  taxShipping: boolean;
  orderNumberFormatPrefix: string;
  orderNumberFormatSuffix: string;
  plan: ShopPlanRecord;
  billingAddress: ShopAddressRecord;
  shopAddress: ShopAddressRecord;
  shipsToCountries: string[];
  checkoutApiSupported: boolean;
  setupRequired: boolean;
  transactionalSmsDisabled: boolean;
  marketingSmsConsentEnabledAtCheckout: boolean;
  alerts: never[];
  customerAccounts: "DISABLED" | "OPTIONAL" | "REQUIRED";
  domains: DomainRecord[];
  fulfillmentServices: never[];
  shopPolicies: never[];
  navigationSettings: never[];
  allProductCategoriesList: never[];
  richTextEditorUrl: string;
  storefrontUrl: string;
  /** Deprecated fields, kept because they are non-null in the schema. */
  analyticsToken: string;
  publicationCount: number;
  createdAt: DateTimeString;
  updatedAt: DateTimeString;
}

export interface CustomerEmailAddressRecord {
  __typename: "CustomerEmailAddress";
  emailAddress: string;
  marketingState: "INVALID" | "NOT_SUBSCRIBED" | "PENDING" | "SUBSCRIBED" | "UNSUBSCRIBED";
  marketingOptInLevel: "CONFIRMED_OPT_IN" | "SINGLE_OPT_IN" | "UNKNOWN" | null;
  marketingUpdatedAt: DateTimeString | null;
  marketingUnsubscribeUrl: string;
  openTrackingLevel: "OPTED_IN" | "OPTED_OUT" | "UNKNOWN";
  openTrackingUrl: string;
  validFormat: boolean;
}

export interface CustomerMarketingConsentRecord {
  __typename: "CustomerSmsMarketingConsent" | "CustomerWhatsAppMarketingConsent";
  state: "NEVER_SUBSCRIBED" | "PENDING" | "REDACTED" | "SUBSCRIBED" | "UNSUBSCRIBED";
  optInLevel: "CONFIRMED_OPT_IN" | "SINGLE_OPT_IN" | "UNKNOWN" | null;
  collectedFrom: string | null;
  updatedAt: DateTimeString | null;
}

export interface CustomerPhoneNumberRecord {
  __typename: "CustomerPhoneNumber";
  phoneNumber: string;
  marketingState: "NOT_SUBSCRIBED" | "PENDING" | "REDACTED" | "SUBSCRIBED" | "UNSUBSCRIBED";
  marketingOptInLevel: "CONFIRMED_OPT_IN" | "SINGLE_OPT_IN" | "UNKNOWN" | null;
  marketingUpdatedAt: DateTimeString | null;
  smsMarketingConsent: CustomerMarketingConsentRecord;
  whatsAppMarketingConsent: CustomerMarketingConsentRecord;
}

export interface CustomerMergeableRecord {
  __typename: "CustomerMergeable";
  isMergeable: boolean;
  errorFields: never[];
  reason: string | null;
}

export interface CustomerStatisticsRecord {
  __typename: "CustomerStatistics";
  predictedSpendTier: "HIGH" | "LOW" | "MEDIUM" | null;
  rfmGroup: string | null;
}

export interface CustomerRecord {
  __typename: "Customer";
  id: Gid;
  legacyResourceId: UnsignedInt64String;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  email: string | null;
  phone: string | null;
  defaultEmailAddress: CustomerEmailAddressRecord | null;
  defaultPhoneNumber: CustomerPhoneNumberRecord | null;
  defaultAddress: MailingAddressRecord | null;
  addresses: MailingAddressRecord[];
  addressesV2: MailingAddressRecord[];
  locale: string;
  note: string | null;
  tags: string[];
  state: "DECLINED" | "DISABLED" | "ENABLED" | "INVITED";
  verifiedEmail: boolean;
  validEmailAddress: boolean;
  hasTimelineComment: boolean;
  image: ImageRecord;
  taxExempt: boolean;
  taxExemptions: never[];
  dataSaleOptOut: boolean;
  canDelete: boolean;
  multipassIdentifier: string | null;
  lifetimeDuration: string;
  productSubscriberStatus: "NEVER_SUBSCRIBED";
  mergeable: CustomerMergeableRecord;
  statistics: CustomerStatisticsRecord;
  unsubscribeUrl: string;
  companyContactProfiles: never[];
  identityProviderSubjects: never[];
  createdAt: DateTimeString;
  updatedAt: DateTimeString;
}

export interface TaxLineRecord {
  __typename: "TaxLine";
  title: string;
  rate: number;
  ratePercentage: number;
  priceSet: MoneyBag;
  channelLiable: boolean;
  source: string | null;
}

export interface PricingPercentageValueRecord {
  __typename: "PricingPercentageValue";
  percentage: number;
}

interface DiscountApplicationBase {
  allocationMethod: "ACROSS" | "EACH" | "ONE";
  index: number;
  targetSelection: "ALL" | "ENTITLED" | "EXPLICIT";
  targetType: "LINE_ITEM" | "SHIPPING_LINE";
  value: PricingPercentageValueRecord | MoneyV2;
}

export interface DiscountCodeApplicationRecord extends DiscountApplicationBase {
  __typename: "DiscountCodeApplication";
  code: string;
}

export interface AutomaticDiscountApplicationRecord extends DiscountApplicationBase {
  __typename: "AutomaticDiscountApplication";
  title: string;
}

export type DiscountApplicationRecord = DiscountCodeApplicationRecord | AutomaticDiscountApplicationRecord;

export interface DiscountAllocationRecord {
  __typename: "DiscountAllocation";
  allocatedAmountSet: MoneyBag;
  discountApplication: DiscountApplicationRecord;
}

export interface LineItemRecord {
  __typename: "LineItem";
  id: Gid;
  name: string;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  currentQuantity: number;
  refundableQuantity: number;
  unfulfilledQuantity: number;
  fulfillableQuantity: number;
  nonFulfillableQuantity: number;
  /** Deprecated free-text status ("fulfilled" | "partial" | "unfulfilled"). */
  fulfillmentStatus: string;
  requiresShipping: boolean;
  taxable: boolean;
  isGiftCard: boolean;
  merchantEditable: boolean;
  restockable: boolean;
  canRestock: boolean;
  customAttributes: AttributeRecord[];
  discountAllocations: DiscountAllocationRecord[];
  duties: never[];
  taxLines: TaxLineRecord[];
  weight: WeightRecord;
  originalUnitPriceSet: MoneyBag;
  originalTotalSet: MoneyBag;
  discountedUnitPriceSet: MoneyBag;
  discountedUnitPriceAfterAllDiscountsSet: MoneyBag;
  /** Excludes code discounts, as the schema's default `withCodeDiscounts: false` does. */
  discountedTotalSet: MoneyBag;
  totalDiscountSet: MoneyBag;
  priceAfterAllDiscountsBeforeTaxesSet: MoneyBag;
  unfulfilledOriginalTotalSet: MoneyBag;
  unfulfilledDiscountedTotalSet: MoneyBag;
  /** Answer for `discountedTotalSet(withCodeDiscounts: true)`. */
  __discountedTotalWithCodeDiscountsSet: MoneyBag;
  /** Units an order edit removed (sandbox/changes.ts `editQuantity`); absent when never edited. */
  __editRemovedQuantity?: number;
}

export interface ShippingLineRecord {
  __typename: "ShippingLine";
  id: Gid;
  title: string;
  code: string | null;
  source: string | null;
  carrierIdentifier: string | null;
  deliveryCategory: string | null;
  shippingRateHandle: string | null;
  phone: string | null;
  custom: boolean;
  isRemoved: boolean;
  /** Deprecated Money twin of originalPriceSet. */
  price: string;
  originalPriceSet: MoneyBag;
  discountedPriceSet: MoneyBag;
  currentDiscountedPriceSet: MoneyBag;
  discountAllocations: DiscountAllocationRecord[];
  taxLines: TaxLineRecord[];
}

export interface FulfillmentHoldRecord {
  __typename: "FulfillmentHold";
  id: Gid;
  reason: FulfillmentHoldReason;
  reasonNotes: string | null;
  displayReason: string;
  handle: string | null;
  heldByRequestingApp: boolean;
}

export interface FulfillmentOrderAssignedLocationRecord {
  __typename: "FulfillmentOrderAssignedLocation";
  name: string;
  address1: string | null;
  address2: string | null;
  city: string | null;
  countryCode: string;
  phone: string | null;
  province: string | null;
  zip: string | null;
  location: Ref | null;
}

export interface FulfillmentOrderDestinationRecord {
  __typename: "FulfillmentOrderDestination";
  id: Gid;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  zip: string | null;
  countryCode: string | null;
  email: string | null;
  phone: string | null;
}

export interface DeliveryMethodRecord {
  __typename: "DeliveryMethod";
  id: Gid;
  methodType: "LOCAL" | "NONE" | "PICKUP_POINT" | "PICK_UP" | "RETAIL" | "SHIPPING";
  presentedName: string | null;
  serviceCode: string | null;
  minDeliveryDateTime: DateTimeString | null;
  maxDeliveryDateTime: DateTimeString | null;
}

export interface FulfillmentOrderLineItemRecord {
  __typename: "FulfillmentOrderLineItem";
  id: Gid;
  lineItem: Ref;
  productTitle: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  totalQuantity: number;
  remainingQuantity: number;
  requiresShipping: boolean;
  originalUnitPriceSet: MoneyBag;
  weight: WeightRecord;
  warnings: never[];
  financialSummaries: never[];
}

export interface FulfillmentOrderSupportedActionRecord {
  __typename: "FulfillmentOrderSupportedAction";
  action:
    | "CANCEL_FULFILLMENT_ORDER" | "CREATE_FULFILLMENT" | "EXTERNAL" | "HOLD" | "MARK_AS_OPEN" | "MERGE" | "MOVE"
    | "RELEASE_HOLD" | "REPORT_PROGRESS" | "REQUEST_CANCELLATION" | "REQUEST_FULFILLMENT" | "SPLIT";
  externalUrl: string | null;
}

export interface FulfillmentOrderRecord {
  __typename: "FulfillmentOrder";
  id: Gid;
  status: FulfillmentOrderStatus;
  requestStatus: FulfillmentOrderRequestStatus;
  assignedLocation: FulfillmentOrderAssignedLocationRecord;
  destination: FulfillmentOrderDestinationRecord | null;
  deliveryMethod: DeliveryMethodRecord | null;
  fulfillmentHolds: FulfillmentHoldRecord[];
  lineItems: FulfillmentOrderLineItemRecord[];
  fulfillments: Ref[];
  supportedActions: FulfillmentOrderSupportedActionRecord[];
  order: Ref;
  orderId: Gid;
  orderName: string;
  orderProcessedAt: DateTimeString;
  fulfillAt: DateTimeString | null;
  fulfillBy: DateTimeString | null;
  channelId: Gid | null;
  createdAt: DateTimeString;
  updatedAt: DateTimeString;
}

export interface FulfillmentTrackingInfoRecord {
  __typename: "FulfillmentTrackingInfo";
  company: string | null;
  number: string | null;
  url: string | null;
}

export interface FulfillmentLineItemRecord {
  __typename: "FulfillmentLineItem";
  id: Gid;
  lineItem: Ref;
  quantity: number;
  originalTotalSet: MoneyBag;
  discountedTotalSet: MoneyBag;
}

export interface FulfillmentRecord {
  __typename: "Fulfillment";
  id: Gid;
  legacyResourceId: UnsignedInt64String;
  name: string;
  status: FulfillmentStatus;
  displayStatus: FulfillmentDisplayStatus | null;
  requiresShipping: boolean;
  totalQuantity: number;
  trackingInfo: FulfillmentTrackingInfoRecord[];
  fulfillmentLineItems: FulfillmentLineItemRecord[];
  fulfillmentOrders: Ref[];
  location: Ref | null;
  order: Ref;
  createdAt: DateTimeString;
  updatedAt: DateTimeString;
  inTransitAt: DateTimeString | null;
  deliveredAt: DateTimeString | null;
  estimatedDeliveryAt: DateTimeString | null;
}

export interface OrderTransactionRecord {
  __typename: "OrderTransaction";
  id: Gid;
  kind: OrderTransactionKind;
  status: OrderTransactionStatus;
  gateway: string;
  formattedGateway: string;
  manualPaymentGateway: boolean;
  amountSet: MoneyBag;
  totalUnsettledSet: MoneyBag | null;
  errorCode: string | null;
  accountNumber: string | null;
  authorizationCode: string | null;
  authorizationExpiresAt: DateTimeString | null;
  paymentId: string;
  parentTransaction: Ref | null;
  order: Ref;
  manuallyCapturable: boolean;
  multiCapturable: boolean;
  test: boolean;
  fees: never[];
  receiptJson: string | null;
  settlementCurrency: string | null;
  settlementCurrencyRate: string | null;
  createdAt: DateTimeString;
  processedAt: DateTimeString;
}

export interface RefundLineItemRecord {
  __typename: "RefundLineItem";
  id: Gid;
  lineItem: Ref;
  quantity: number;
  restockType: RefundLineItemRestockType;
  restocked: boolean;
  location: Ref | null;
  priceSet: MoneyBag;
  subtotalSet: MoneyBag;
  totalTaxSet: MoneyBag;
}

export interface RefundShippingLineRecord {
  __typename: "RefundShippingLine";
  id: Gid;
  /** The order's shipping line. */
  shippingLine: Ref;
  subtotalAmountSet: MoneyBag;
  taxAmountSet: MoneyBag;
}

export type OrderAdjustmentDiscrepancyReason =
  | "CUSTOMER" | "DAMAGE" | "FULL_RETURN_BALANCING_ADJUSTMENT" | "PENDING_REFUND_DISCREPANCY" | "REFUND_DISCREPANCY" | "RESTOCK";

/**
 * The part of a refund not tied to line items or shipping (an amount-only refund, or the
 * difference between what a cancellation refunds and the value of the items it removes).
 * `amountSet + taxAmountSet` is what it contributes to the refund's total.
 */
export interface OrderAdjustmentRecord {
  __typename: "OrderAdjustment";
  id: Gid;
  reason: OrderAdjustmentDiscrepancyReason | null;
  amountSet: MoneyBag;
  taxAmountSet: MoneyBag;
  /** How the adjustment reduced the order's current subtotal / shipping / tax (minor units). */
  __currentReduction: { subtotal: number; shipping: number; tax: number };
}

export interface RefundRecord {
  __typename: "Refund";
  id: Gid;
  legacyResourceId: UnsignedInt64String;
  note: string | null;
  order: Ref;
  return: Ref | null;
  refundLineItems: RefundLineItemRecord[];
  refundShippingLines: RefundShippingLineRecord[];
  /** Only refunds made through the sandbox's change API have adjustments. */
  orderAdjustments?: OrderAdjustmentRecord[];
  transactions: Ref[];
  totalRefundedSet: MoneyBag;
  duties: never[];
  createdAt: DateTimeString;
  processedAt: DateTimeString;
  updatedAt: DateTimeString;
}

export interface ReturnReasonDefinitionRecord {
  __typename: "ReturnReasonDefinition";
  id: Gid;
  handle: string;
  name: string;
  deleted: boolean;
}

export interface ReturnLineItemRecord {
  __typename: "ReturnLineItem";
  id: Gid;
  fulfillmentLineItem: Ref;
  quantity: number;
  processableQuantity: number;
  processedQuantity: number;
  unprocessedQuantity: number;
  refundableQuantity: number;
  refundedQuantity: number;
  returnReason: ReturnReason;
  returnReasonNote: string;
  /** A shop's ReturnReasonDefinition (ShopData.returnReasonDefinitions); null when none was given. */
  returnReasonDefinition: Ref | null;
  customerNote: string | null;
  withCodeDiscountedTotalPriceSet: MoneyBag;
  restockingFee: null;
  totalWeight: WeightRecord | null;
}

export interface ReturnDeclineRecord {
  __typename: "ReturnDecline";
  reason: "FINAL_SALE" | "OTHER" | "RETURN_PERIOD_ENDED";
  note: string | null;
}

export interface ReturnRecord {
  __typename: "Return";
  id: Gid;
  name: string;
  status: ReturnStatus;
  order: Ref;
  returnLineItems: ReturnLineItemRecord[];
  refunds: Ref[];
  transactions: Ref[];
  totalQuantity: number;
  returnShippingFees: never[];
  decline: ReturnDeclineRecord | null;
  createdAt: DateTimeString;
  requestApprovedAt: DateTimeString | null;
  closedAt: DateTimeString | null;
}

export interface BasicEventRecord {
  __typename: "BasicEvent";
  id: Gid;
  action: string;
  message: string;
  secondaryMessage: string | null;
  appTitle: string | null;
  attributeToApp: boolean;
  attributeToUser: boolean;
  author: string | null;
  criticalAlert: boolean;
  hasAdditionalContent: boolean;
  additionalContent: string | null;
  additionalData: string | null;
  arguments: string | null;
  subject: Ref;
  subjectId: Gid;
  subjectType: "ORDER" | "CUSTOMER";
  createdAt: DateTimeString;
}

export interface OrderRiskSummaryRecord {
  __typename: "OrderRiskSummary";
  assessments: never[];
  recommendation: "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE";
}

export interface CashRoundingAdjustmentRecord {
  __typename: "CashRoundingAdjustment";
  paymentSet: MoneyBag;
  refundSet: MoneyBag;
}

export interface OrderPaymentCollectionDetailsRecord {
  __typename: "OrderPaymentCollectionDetails";
  additionalPaymentCollectionUrl: string | null;
  vaultedPaymentMethods: null;
}

export interface OrderRecord {
  __typename: "Order";
  id: Gid;
  legacyResourceId: UnsignedInt64String;
  name: string;
  number: number;
  confirmationNumber: string;
  email: string | null;
  phone: string | null;
  customer: Ref | null;
  customerLocale: string | null;
  customerAcceptsMarketing: boolean;
  note: string | null;
  tags: string[];
  customAttributes: AttributeRecord[];
  poNumber: string | null;
  sourceName: string;
  sourceIdentifier: string | null;
  clientIp: string | null;
  test: boolean;
  confirmed: boolean;
  closed: boolean;
  edited: boolean;
  currencyCode: string;
  presentmentCurrencyCode: string;
  taxesIncluded: boolean;
  taxExempt: boolean;
  estimatedTaxes: boolean;
  dutiesIncluded: boolean;
  requiresShipping: boolean;
  fulfillable: boolean;
  capturable: boolean;
  refundable: boolean;
  restockable: boolean;
  fullyPaid: boolean;
  unpaid: boolean;
  canMarkAsPaid: boolean;
  canNotifyCustomer: boolean;
  merchantEditable: boolean;
  merchantEditableErrors: string[];
  hasTimelineComment: boolean;
  productNetwork: boolean;
  billingAddressMatchesShippingAddress: boolean;
  shippingAddress: MailingAddressRecord | null;
  billingAddress: MailingAddressRecord | null;
  displayAddress: MailingAddressRecord | null;
  displayFinancialStatus: OrderDisplayFinancialStatus;
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus;
  returnStatus: OrderReturnStatus;
  cancelReason: OrderCancelReason | null;
  cancelledAt: DateTimeString | null;
  closedAt: DateTimeString | null;
  createdAt: DateTimeString;
  processedAt: DateTimeString;
  updatedAt: DateTimeString;
  discountCode: string | null;
  discountCodes: string[];
  discountApplications: DiscountApplicationRecord[];
  paymentGatewayNames: string[];
  statusPageUrl: string;
  subtotalLineItemsQuantity: number;
  currentSubtotalLineItemsQuantity: number;
  totalWeight: UnsignedInt64String;
  currentTotalWeight: UnsignedInt64String;
  lineItems: LineItemRecord[];
  shippingLine: ShippingLineRecord | null;
  shippingLines: ShippingLineRecord[];
  taxLines: TaxLineRecord[];
  currentTaxLines: TaxLineRecord[];
  fulfillmentOrders: FulfillmentOrderRecord[];
  fulfillments: FulfillmentRecord[];
  transactions: OrderTransactionRecord[];
  refunds: RefundRecord[];
  returns: ReturnRecord[];
  events: BasicEventRecord[];
  alerts: never[];
  additionalFees: never[];
  disputes: never[];
  risk: OrderRiskSummaryRecord;
  /** Deprecated; kept because it is non-null in the schema. */
  riskLevel: "HIGH" | "LOW" | "MEDIUM";
  risks: never[];
  totalCashRoundingAdjustment: CashRoundingAdjustmentRecord;
  paymentCollectionDetails: OrderPaymentCollectionDetailsRecord;
  subtotalPriceSet: MoneyBag;
  totalShippingPriceSet: MoneyBag;
  totalTaxSet: MoneyBag;
  totalDiscountsSet: MoneyBag;
  cartDiscountAmountSet: MoneyBag | null;
  totalPriceSet: MoneyBag;
  originalTotalPriceSet: MoneyBag;
  totalTipReceivedSet: MoneyBag;
  currentSubtotalPriceSet: MoneyBag;
  currentShippingPriceSet: MoneyBag;
  currentTotalTaxSet: MoneyBag;
  currentTotalDiscountsSet: MoneyBag;
  currentCartDiscountAmountSet: MoneyBag;
  currentTotalPriceSet: MoneyBag;
  totalRefundedSet: MoneyBag;
  totalRefundedShippingSet: MoneyBag;
  totalReceivedSet: MoneyBag;
  netPaymentSet: MoneyBag;
  totalOutstandingSet: MoneyBag;
  totalCapturableSet: MoneyBag;
  refundDiscrepancySet: MoneyBag;
}

export interface AccessScopeRecord {
  __typename: "AccessScope";
  handle: string;
  description: string;
}

export interface AppRecord {
  __typename: "App";
  id: Gid;
  title: string;
  handle: string;
  apiKey: string;
  description: string | null;
  developerName: string | null;
  developerType: "MERCHANT" | "PARTNER" | "SHOPIFY" | "UNKNOWN";
  embedded: boolean;
  published: boolean;
  previouslyInstalled: boolean;
  shopifyDeveloped: boolean;
  isPostPurchaseAppInUse: boolean;
  features: string[];
  failedRequirements: never[];
  screenshots: never[];
  availableAccessScopes: AccessScopeRecord[];
  requestedAccessScopes: AccessScopeRecord[];
  optionalAccessScopes: AccessScopeRecord[];
  pricingDetailsSummary: string;
  uninstallMessage: string;
  webhookApiVersion: string;
  publicCategory: "CUSTOM" | "OTHER" | "PRIVATE" | "PUBLIC";
  icon: ImageRecord;
  banner: ImageRecord;
  navigationItems: never[];
  installation: Ref | null;
  appStoreAppUrl: string | null;
  appStoreDeveloperUrl: string | null;
  developerUrl: string;
  launchUrl: string;
  installUrl: string | null;
  privacyPolicyUrl: string | null;
}

export interface AppInstallationRecord {
  __typename: "AppInstallation";
  id: Gid;
  app: Ref;
  accessScopes: AccessScopeRecord[];
  activeSubscriptions: never[];
  subscriptions: never[];
  launchUrl: string;
  uninstallUrl: string | null;
}

/** Everything that can sit in a shop's GID index. */
export type StoreRecord = { __typename: string; id?: unknown } & object;

export interface ShopData {
  /** The seed the data was generated from; kept so later records can be derived consistently. */
  seed: number;
  shop: ShopRecord;
  locations: LocationRecord[];
  customers: CustomerRecord[];
  orders: OrderRecord[];
  app: AppRecord;
  appInstallation: AppInstallationRecord;
  /** Shopify's return reason library as this shop sees it (store/return-reasons.ts). */
  returnReasonDefinitions: ReturnReasonDefinitionRecord[];
}
