import { describe, expect, it } from "vitest";
import { amountPrecisionError, compareDecimal, currencyDecimals, fromMicros, isDecimal, percentOf, toMicros } from "./money";

describe("decimal money", () => {
  it("round-trips amounts exactly", () => {
    expect(toMicros("120.5")).toBe(120_500_000n);
    expect(fromMicros(toMicros("120.5"))).toBe("120.50");
    expect(fromMicros(toMicros("0.000001"))).toBe("0.000001");
    expect(fromMicros(toMicros("7"))).toBe("7.00");
  });

  it("compares without float error (0.1 + 0.2 style amounts)", () => {
    expect(compareDecimal("0.30", "0.3")).toBe(0);
    expect(compareDecimal("100.01", "100")).toBe(1);
    expect(compareDecimal("99.999999", "100")).toBe(-1);
  });

  it("refuses what is not a non-negative decimal string", () => {
    for (const bad of ["", "-1", "1e3", "1,00", "abc", "1.1234567", " 1"]) {
      expect(isDecimal(bad)).toBe(false);
      expect(() => toMicros(bad)).toThrow(/Not a decimal/);
    }
  });

  it("computes percentages rounded up, so a cap is never passed by rounding", () => {
    expect(percentOf("50", "200")).toBe("25.00");
    expect(percentOf("1", "3")).toBe("33.333334");
    expect(percentOf("0", "0")).toBe("0.00");
    expect(percentOf("5", "0")).toBe("100.00");
  });
});

describe("currency precision", () => {
  it("knows each currency's decimals and refuses amounts finer than them", () => {
    expect([currencyDecimals("EUR"), currencyDecimals("JPY"), currencyDecimals("KWD")]).toEqual([2, 0, 3]);
    expect(amountPrecisionError("5.00", "EUR")).toBeNull();
    expect(amountPrecisionError("5.0100", "EUR")).toBeNull();
    expect(amountPrecisionError("5.001", "EUR")).toBe("EUR amounts have at most 2 decimals");
    expect(amountPrecisionError("500", "JPY")).toBeNull();
    expect(amountPrecisionError("500.5", "JPY")).toBe("JPY amounts have no decimals");
    expect(amountPrecisionError("1.125", "KWD")).toBeNull();
  });
});
