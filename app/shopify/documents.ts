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
