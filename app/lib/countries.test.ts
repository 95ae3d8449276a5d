import type { GraphQLEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "../../sandbox/graphql/schema";
import { COUNTRY_CODES, COUNTRY_OPTIONS, countryName, isCountryCode } from "./countries";

describe("countries", () => {
  it("are Shopify's CountryCode values except the unknown region", () => {
    const schema = (loadAdminSchema().getType("CountryCode") as GraphQLEnumType).getValues().map((value) => value.name);
    expect([...COUNTRY_CODES].sort()).toEqual(schema.filter((code) => code !== "ZZ").sort());
  });

  it("names every country and refuses codes Shopify does not know", () => {
    expect(COUNTRY_OPTIONS.every((option) => option.label !== option.value)).toBe(true);
    expect(countryName("DE")).toBe("Germany");
    expect(isCountryCode("DE")).toBe(true);
    expect(isCountryCode("EU")).toBe(false);
    expect(isCountryCode("ZZ")).toBe(false);
  });
});
