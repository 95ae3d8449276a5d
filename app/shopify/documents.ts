/**
 * GraphQL documents the app sends. Each is a `#graphql` template literal: the schema test
 * (app/shopify/documents.test.ts) finds every such literal under app/ and validates it
 * against the official Admin API 2026-10 schema, so nothing can drift from Shopify's API.
 */

export const SHOP_DETAILS_QUERY = `#graphql
  query ShopDetails {
    shop {
      name
      myshopifyDomain
      currencyCode
      plan {
        publicDisplayName
        partnerDevelopment
        shopifyPlus
      }
    }
  }
`;

export const SHOP_OVERVIEW_QUERY = `#graphql
  query ShopOverview {
    shop {
      name
      myshopifyDomain
      currencyCode
      plan {
        publicDisplayName
      }
    }
    ordersCount(limit: null) {
      count
      precision
    }
    unfulfilled: ordersCount(query: "fulfillment_status:unfulfilled", limit: null) {
      count
      precision
    }
    recentOrders: orders(first: 5, sortKey: CREATED_AT, reverse: true) {
      nodes {
        id
        name
        createdAt
        displayFinancialStatus
        displayFulfillmentStatus
        totalPriceSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
    }
  }
`;

/**
 * Everything an order's context needs, in one request (cost checked by the schema test and
 * enforced by the sandbox's 1000-point limit). Shared by single-order ingest and reconciliation.
 */
export const ORDER_CONTEXT_FRAGMENT = `#graphql
  fragment OrderContext on Order {
    id
    legacyResourceId
    name
    createdAt
    updatedAt
    processedAt
    cancelledAt
    cancelReason
    closedAt
    note
    tags
    test
    email
    phone
    currencyCode
    presentmentCurrencyCode
    displayFinancialStatus
    displayFulfillmentStatus
    customer {
      id
      displayName
      defaultEmailAddress {
        emailAddress
      }
      defaultPhoneNumber {
        phoneNumber
      }
    }
    shippingAddress {
      name
      address1
      address2
      city
      province
      provinceCode
      zip
      country
      countryCodeV2
      phone
    }
    subtotalPriceSet { ...Money }
    totalShippingPriceSet { ...Money }
    totalTaxSet { ...Money }
    totalDiscountsSet { ...Money }
    totalPriceSet { ...Money }
    currentTotalPriceSet { ...Money }
    totalRefundedSet { ...Money }
    totalOutstandingSet { ...Money }
    totalReceivedSet { ...Money }
    lineItems(first: 30) {
      nodes {
        id
        title
        sku
        quantity
        currentQuantity
        variantTitle
        originalUnitPriceSet { ...Money }
      }
    }
    fulfillmentOrders(first: 5) {
      nodes {
        id
        status
        requestStatus
        createdAt
        updatedAt
        assignedLocation {
          name
        }
        fulfillmentHolds {
          id
          reason
          reasonNotes
        }
        lineItems(first: 20) {
          nodes {
            id
            totalQuantity
            remainingQuantity
            sku
            productTitle
          }
        }
      }
    }
    fulfillments(first: 10) {
      id
      name
      status
      displayStatus
      createdAt
      updatedAt
      inTransitAt
      deliveredAt
      trackingInfo(first: 5) {
        company
        number
        url
      }
      fulfillmentLineItems(first: 20) {
        nodes {
          id
          quantity
          lineItem {
            id
          }
        }
      }
    }
    transactions(first: 30) {
      id
      kind
      status
      gateway
      errorCode
      createdAt
      processedAt
      amountSet { ...Money }
    }
    refunds(first: 10) {
      id
      createdAt
      note
      totalRefundedSet { ...Money }
    }
    returns(first: 5) {
      nodes {
        id
        name
        status
        createdAt
        closedAt
        totalQuantity
        returnLineItems(first: 20) {
          nodes {
            quantity
            ... on ReturnLineItem {
              fulfillmentLineItem {
                id
              }
            }
          }
        }
      }
    }
    events(first: 30, sortKey: CREATED_AT) {
      nodes {
        id
        action
        message
        createdAt
        appTitle
        attributeToApp
        attributeToUser
        criticalAlert
      }
    }
  }

  fragment Money on MoneyBag {
    shopMoney {
      amount
      currencyCode
    }
    presentmentMoney {
      amount
      currencyCode
    }
  }
`;

/**
 * What Shopify charges ORDER_CONTEXT_QUERY up front (the bucket must hold it; the unused part
 * is refunded). The Admin API client waits for this much before sending it; documents.test.ts
 * fails when the query changes and this does not.
 */
export const ORDER_CONTEXT_REQUESTED_COST = 582;

export const ORDER_CONTEXT_QUERY = `#graphql
  query OrderContext($id: ID!) {
    order(id: $id) {
      ...OrderContext
    }
  }
  ${ORDER_CONTEXT_FRAGMENT.replace("#graphql", "")}
`;

/** Reconciliation: which orders changed since the cursor (ids and timestamps only: cheap). */
export const ORDERS_UPDATED_SINCE_QUERY = `#graphql
  query OrdersUpdatedSince($query: String!, $after: String) {
    orders(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id
        updatedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/**
 * The backfill's bulk query: every order with what its context needs. Bulk queries allow at
 * most 5 connections and 2 levels of nesting (orders -> lineItems), so two things are left to
 * single-order ingestion (webhooks, reconciliation, "Refresh from Shopify"): order events and
 * the line items of each fulfillment order. Lists (transactions, fulfillments, refunds) are
 * plain fields.
 */
export const BULK_ORDERS_QUERY = `#graphql
  query BulkOrders {
    orders {
      edges {
        node {
          id
          legacyResourceId
          name
          createdAt
          updatedAt
          processedAt
          cancelledAt
          cancelReason
          closedAt
          note
          tags
          test
          email
          phone
          currencyCode
          presentmentCurrencyCode
          displayFinancialStatus
          displayFulfillmentStatus
          customer { id displayName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } }
          shippingAddress { name address1 address2 city province provinceCode zip country countryCodeV2 phone }
          subtotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          totalShippingPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          totalTaxSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          totalDiscountsSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          currentTotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          totalRefundedSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          totalOutstandingSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          totalReceivedSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          fulfillments { id name status displayStatus createdAt updatedAt inTransitAt deliveredAt trackingInfo { company number url } }
          transactions { id kind status gateway errorCode createdAt processedAt amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } }
          refunds { id createdAt note totalRefundedSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } }
          lineItems {
            edges {
              node { id title sku quantity currentQuantity variantTitle originalUnitPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } }
            }
          }
          fulfillmentOrders {
            edges {
              node {
                id
                status
                requestStatus
                createdAt
                updatedAt
                assignedLocation { name }
                fulfillmentHolds { id reason reasonNotes }
              }
            }
          }
          returns {
            edges {
              node { id name status createdAt closedAt totalQuantity }
            }
          }
        }
      }
    }
  }
`;

export const BULK_OPERATION_RUN_QUERY = `#graphql
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      url
      partialDataUrl
      completedAt
    }
  }
`;

/** Fulfillment-order webhooks name only the fulfillment order: which order is it? */
export const FULFILLMENT_ORDER_ORDER_QUERY = `#graphql
  query FulfillmentOrderOrder($id: ID!) {
    fulfillmentOrder(id: $id) {
      orderId
    }
  }
`;

// ---------------------------------------------------------------------------------------
// The action catalog's mutations (app/actions/*). Each returns userErrors: a non-empty list
// is a failure (assertNoUserErrors), reported as an exception.

export const TAGS_ADD_MUTATION = `#graphql
  mutation TagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node {
        ... on Order {
          id
          tags
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const ORDER_NOTE_UPDATE_MUTATION = `#graphql
  mutation OrderNoteUpdate($input: OrderInput!) {
    orderUpdate(input: $input) {
      order {
        id
        note
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/** The key is the action's root run id: a retry after a lost answer cannot refund twice. */
export const REFUND_CREATE_MUTATION = `#graphql
  mutation RefundCreate($input: RefundInput!, $idempotencyKey: String!) {
    refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
      refund {
        id
        createdAt
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
      order {
        id
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/**
 * update_address: orderUpdate overwrites the whole shipping address. Only where it now ships
 * (city, country) comes back: the run stores Shopify's answer, and it needs no street or name.
 */
export const ORDER_ADDRESS_UPDATE_MUTATION = `#graphql
  mutation OrderAddressUpdate($input: OrderInput!) {
    orderUpdate(input: $input) {
      order {
        id
        shippingAddress {
          city
          countryCodeV2
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/**
 * initiate_return's reasons: one page of Shopify's return reason library (the same for every
 * merchant, about 360 reasons), in name order. Deleted reasons come too: they are no longer
 * offered, but existing returns name them (app/returns/sync-return-reasons.server.ts).
 */
export const RETURN_REASON_DEFINITIONS_QUERY = `#graphql
  query ReturnReasonDefinitions($first: Int!, $after: String) {
    returnReasonDefinitions(first: $first, after: $after, sortKey: NAME) {
      nodes {
        id
        handle
        name
        deleted
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** What Shopify charges RETURN_REASON_DEFINITIONS_QUERY with first: 250 (tested). */
export const RETURN_REASON_DEFINITIONS_REQUESTED_COST = 252;

/**
 * initiate_return: an OPEN return (merchant-created, so already approved) of fulfilled units,
 * each line with a reason from the library (returnReasonDefinitionId; the ReturnReason enum is
 * deprecated). The created lines' definition names the reason in the audit row.
 */
export const RETURN_CREATE_MUTATION = `#graphql
  mutation ReturnCreate($input: ReturnInput!) {
    returnCreate(returnInput: $input) {
      return {
        id
        name
        status
        totalQuantity
        returnLineItems(first: 1) {
          nodes {
            ... on ReturnLineItem {
              returnReasonDefinition {
                id
                handle
                name
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** A code discount by its code: a resumed apply_discount finds the code an earlier attempt created. */
export const CODE_DISCOUNT_BY_CODE_QUERY = `#graphql
  query CodeDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          title
          status
        }
      }
    }
  }
`;

export const DISCOUNT_CODE_BASIC_CREATE_MUTATION = `#graphql
  mutation DiscountCodeBasicCreate($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode {
        id
        codeDiscount {
          ... on DiscountCodeBasic {
            title
            status
            codes(first: 1) {
              nodes {
                code
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const FULFILLMENT_TRACKING_UPDATE_MUTATION = `#graphql
  mutation FulfillmentTrackingUpdate($fulfillmentId: ID!, $tracking: FulfillmentTrackingInput!, $notifyCustomer: Boolean) {
    fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $tracking, notifyCustomer: $notifyCustomer) {
      fulfillment {
        id
        name
        trackingInfo {
          company
          number
          url
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const ORDER_CANCEL_MUTATION = `#graphql
  mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String, $refundMethod: OrderCancelRefundMethodInput) {
    orderCancel(orderId: $orderId, reason: $reason, restock: $restock, notifyCustomer: $notifyCustomer, staffNote: $staffNote, refundMethod: $refundMethod) {
      job {
        id
        done
      }
      orderCancelUserErrors {
        field
        message
        code
      }
    }
  }
`;

export const JOB_QUERY = `#graphql
  query JobStatus($id: ID!) {
    job(id: $id) {
      id
      done
    }
  }
`;
