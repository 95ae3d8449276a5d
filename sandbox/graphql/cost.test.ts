import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { analyzeRequestedCost, calculateActualCost, calculateRequestedCost, maxCostExceededError } from "./cost";
import { loadAdminSchema } from "./schema";

const schema = loadAdminSchema();
const requested = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  calculateRequestedCost(schema, parse(query), variables, operationName);

describe("requested cost", () => {
  it("charges objects 1 and scalars/enums nothing", () => {
    expect(requested("{ shop { name currencyCode weightUnit } }")).toBe(1);
    expect(requested("{ shop { name plan { displayName } } ordersCount { count precision } }")).toBe(3);
    expect(requested("{ __typename shop { __typename } }")).toBe(1);
  });

  it("charges connections 2 + first x (node and its selection)", () => {
    // Per order: node 1 + totalPriceSet 1 + shopMoney 1 + customer 1 = 4.
    const query = `{ orders(first: 10) { edges { cursor node { id name totalPriceSet { shopMoney { amount } } customer { displayName } } } pageInfo { hasNextPage endCursor } } }`;
    expect(requested(query)).toBe(2 + 10 * 4);
    // Nested: per order 1 + lineItems(2 + 10 x (1 + 2)) = 33.
    const nested = `{ orders(first: 5) { nodes { id lineItems(first: 10) { nodes { title originalUnitPriceSet { shopMoney { amount } } } } } } }`;
    expect(requested(nested)).toBe(2 + 5 * 33);
    expect(requested("{ orders(last: 3) { nodes { id } } }")).toBe(5);
  });

  it("does not multiply plain lists", () => {
    // order 1 + fulfillments 1 + trackingInfo 1 + transactions 1 + amountSet 1 + shopMoney 1 = 6
    expect(requested(`{ order(id: "gid://shopify/Order/1") { fulfillments { trackingInfo { number } } transactions { amountSet { shopMoney { amount } } } } }`)).toBe(6);
  });

  it("takes the most expensive branch of an interface or union", () => {
    const query = `{ node(id: "gid://shopify/Order/1") { id ... on Order { name totalPriceSet { shopMoney { amount } } } ... on Customer { displayName } } }`;
    expect(requested(query)).toBe(1 + 2);
  });

  it("merges fields selected twice through fragments, and honours @skip/@include", () => {
    const query = `query Q($skip: Boolean!) { shop { ...A ...B plan @skip(if: $skip) { shopifyPlus } } }
      fragment A on Shop { plan { displayName } }
      fragment B on Shop { plan { shopifyPlus } primaryDomain @include(if: false) { host } }`;
    expect(requested(query, { skip: true })).toBe(2);
  });

  it("reads page sizes from variables and picks the named operation", () => {
    const query = `query One($n: Int!) { orders(first: $n) { nodes { id } } } query Two { shop { name } }`;
    expect(requested(query, { n: 7 }, "One")).toBe(9);
    expect(requested(query, {}, "Two")).toBe(1);
  });

  it("charges mutations at least 10", () => {
    expect(requested(`mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["vip"]) { node { id } userErrors { field message } } }`)).toBe(10);
  });

  it("charges bulkOperationRunQuery 10 like any mutation, whatever its inner query", () => {
    const inner = "{ orders { edges { node { id lineItems { edges { node { id } } } } } } }";
    expect(requested(`mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status url } userErrors { field message code } } }`, { q: inner })).toBe(10);
    expect(requested(`mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { bulkOperation { id status } userErrors { message } } }`)).toBe(10);
  });

  it("reports page sizes over 250 and oversized input arrays", () => {
    const analysis = analyzeRequestedCost(schema, parse("{ orders(first: 251) { nodes { id } } }"));
    expect(analysis.errors.map((e) => e.message)).toEqual(["Argument 'first' on Field 'orders' has an invalid value (251). Expected a page size from 0 to 250."]);
    const ids = Array.from({ length: 251 }, (_, i) => `gid://shopify/Order/${i + 1}`);
    const inputs = analyzeRequestedCost(schema, parse("query($ids: [ID!]!) { nodes(ids: $ids) { id } }"), { ids });
    expect(inputs.errors[0]?.message).toBe("The input array size of 251 is greater than the maximum allowed of 250.");
  });

  it("explains costs per field for cost debugging", () => {
    const { fields, requestedQueryCost } = analyzeRequestedCost(schema, parse("{ shop { name } orders(first: 2) { nodes { customer { id } } } }"));
    expect(requestedQueryCost).toBe(1 + 2 + 2 * 2);
    expect(fields).toContainEqual({ path: ["orders"], definedCost: 2, requestedTotalCost: 6, requestedChildrenCost: 4 });
    expect(fields).toContainEqual({ path: ["shop"], definedCost: 1, requestedTotalCost: 1, requestedChildrenCost: 0 });
  });

  it("builds Shopify's max-cost error", () => {
    expect(maxCostExceededError(1723)).toMatchObject({
      message: expect.stringMatching(/^Query cost is 1723, which exceeds the single query max cost limit \(1000\)/),
      extensions: { code: "MAX_COST_EXCEEDED", cost: 1723, maxCost: 1000 },
    });
  });
});

describe("actual cost", () => {
  it("charges connections for the items returned and nothing below null objects", () => {
    const query = parse(`{ orders(first: 10) { nodes { id customer { id } } } shop { name } }`);
    const data = { orders: { nodes: [{ id: "1", customer: { id: "c" } }, { id: "2", customer: null }] }, shop: { name: "x" } };
    expect(calculateRequestedCost(schema, query)).toBe(2 + 10 * 2 + 1);
    // orders 2 + (1 + 1) + (1 + 1 for the null customer) + shop 1
    expect(calculateActualCost(schema, query, {}, undefined, data)).toBe(2 + 2 + 2 + 1);
    expect(calculateActualCost(schema, query, {}, undefined, null)).toBe(2 + 1);
  });
});
