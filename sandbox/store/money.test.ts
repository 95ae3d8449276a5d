import { describe, expect, it } from "vitest";
import { allocate, formatMinor, moneyBag, mulDivRound, parseMinor, taxFor, unitsShare } from "./money";
import { Random, hashSeed } from "./random";

describe("money", () => {
  it("formats and parses minor units per currency", () => {
    expect(formatMinor(1250, "EUR")).toBe("12.50");
    expect(formatMinor(5, "EUR")).toBe("0.05");
    expect(formatMinor(-5, "USD")).toBe("-0.05");
    expect(formatMinor(1234, "JPY")).toBe("1234");
    expect(formatMinor(1234, "KWD")).toBe("1.234");
    expect(parseMinor("12.5", "EUR")).toBe(1250);
    expect(parseMinor("0.05", "EUR")).toBe(5);
    expect(parseMinor("-3", "EUR")).toBe(-300);
    expect(parseMinor("1234", "JPY")).toBe(1234);
    expect(() => parseMinor("1.234", "EUR")).toThrow(RangeError);
    expect(() => formatMinor(0.1, "EUR")).toThrow(RangeError);
    expect(moneyBag(990, "EUR")).toEqual({
      __typename: "MoneyBag",
      shopMoney: { __typename: "MoneyV2", amount: "9.90", currencyCode: "EUR" },
      presentmentMoney: { __typename: "MoneyV2", amount: "9.90", currencyCode: "EUR" },
    });
  });

  it("rounds half up in integers", () => {
    expect(mulDivRound(5, 1, 2)).toBe(3);
    expect(mulDivRound(4, 1, 3)).toBe(1);
    expect(taxFor(1000, 1900)).toBe(190);
    expect(taxFor(2345, 1900)).toBe(446); // 445.55
  });

  it("splits amounts exactly", () => {
    const parts = allocate(1000, [1, 1, 1]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(parts).toEqual([334, 333, 333]);
    expect(allocate(7, [0, 0])).toEqual([7, 0]);
    // Partial refunds of every unit, in any grouping, add back up to the total.
    const total = 1001;
    expect(unitsShare(total, 3, 0, 1) + unitsShare(total, 3, 1, 1) + unitsShare(total, 3, 2, 1)).toBe(total);
    expect(unitsShare(total, 3, 0, 2) + unitsShare(total, 3, 2, 1)).toBe(total);
  });
});

describe("random", () => {
  it("is deterministic per seed and stream", () => {
    const a = Random.from(1, 2);
    const b = Random.from(1, 2);
    const c = Random.from(2, 1);
    const draws = (rng: Random) => Array.from({ length: 5 }, () => rng.int(0, 1_000_000));
    expect(draws(a)).toEqual(draws(b));
    expect(draws(Random.from(1, 2))).not.toEqual(draws(c));
    expect(hashSeed(1, 2 ** 33)).not.toBe(hashSeed(1, 0));
  });

  it("stays within bounds and honours weights", () => {
    const rng = new Random(7);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) {
      const n = rng.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
      counts[rng.weighted([{ value: "a" as const, weight: 9 }, { value: "b" as const, weight: 1 }])]++;
    }
    expect(counts.a).toBeGreaterThan(counts.b * 5);
    expect(rng.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
    expect(rng.digits(6)).toMatch(/^\d{6}$/);
  });
});
