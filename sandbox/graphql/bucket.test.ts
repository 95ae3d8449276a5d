import { describe, expect, it } from "vitest";
import { LeakyBucket } from "./bucket";

describe("LeakyBucket", () => {
  it("defaults to Shopify's Standard plan", () => {
    expect(new LeakyBucket({ now: () => 0 }).status()).toEqual({ maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 });
  });

  it("takes, refuses, refunds and restores with an injected clock", () => {
    let now = 1_000;
    const bucket = new LeakyBucket({ maximumAvailable: 1000, restoreRate: 50, now: () => now });
    expect(bucket.take(600)).toBe(true);
    expect(bucket.status().currentlyAvailable).toBe(400);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.status().currentlyAvailable).toBe(400);
    expect(bucket.millisecondsUntil(500)).toBe(2_000);

    bucket.refund(50);
    expect(bucket.status().currentlyAvailable).toBe(450);

    now += 1_000;
    expect(bucket.status().currentlyAvailable).toBe(500);
    expect(bucket.take(500)).toBe(true);

    now += 60_000;
    expect(bucket.status().currentlyAvailable).toBe(1000);
    bucket.refund(500);
    expect(bucket.status().currentlyAvailable).toBe(1000);
  });

  it("ignores a clock that goes backwards", () => {
    let now = 10_000;
    const bucket = new LeakyBucket({ maximumAvailable: 100, restoreRate: 10, now: () => now });
    bucket.take(100);
    now = 0;
    expect(bucket.status().currentlyAvailable).toBe(0);
    now = 10_500;
    expect(bucket.status().currentlyAvailable).toBe(5);
  });
});
