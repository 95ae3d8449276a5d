/**
 * Shopify's leaky-bucket rate limiter for the GraphQL Admin API: a request needs its
 * requested cost available up front, the unused part is refunded after execution, and
 * capacity restores continuously at `restoreRate` points per second.
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface LeakyBucketOptions {
  maximumAvailable?: number;
  restoreRate?: number;
  /** Milliseconds since the epoch; inject a frozen clock in tests. */
  now?: () => number;
}

/** Standard plan: 100 points/second, 2000-point bucket. */
export const STANDARD_RESTORE_RATE = 100;
export const STANDARD_MAXIMUM_AVAILABLE = 2000;

export class LeakyBucket {
  readonly maximumAvailable: number;
  readonly restoreRate: number;
  private readonly clock: () => number;
  private available: number;
  private updatedAt: number;

  constructor(options: LeakyBucketOptions = {}) {
    this.maximumAvailable = options.maximumAvailable ?? STANDARD_MAXIMUM_AVAILABLE;
    this.restoreRate = options.restoreRate ?? STANDARD_RESTORE_RATE;
    if (!(this.maximumAvailable > 0) || !(this.restoreRate >= 0)) {
      throw new RangeError("maximumAvailable must be positive and restoreRate non-negative");
    }
    this.clock = options.now ?? (() => Date.now());
    this.available = this.maximumAvailable;
    this.updatedAt = this.clock();
  }

  /** Takes `cost` points if they are available; returns false (taking nothing) otherwise. */
  take(cost: number): boolean {
    this.restore();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  /** Gives points back, e.g. requested minus actual cost. Never overfills. */
  refund(points: number): void {
    this.restore();
    if (points > 0) this.available = Math.min(this.maximumAvailable, this.available + points);
  }

  /** Milliseconds until `cost` points will be available (0 if they are now). */
  millisecondsUntil(cost: number): number {
    this.restore();
    if (cost <= this.available) return 0;
    if (cost > this.maximumAvailable || this.restoreRate === 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((cost - this.available) / this.restoreRate) * 1000);
  }

  status(): ThrottleStatus {
    this.restore();
    return {
      maximumAvailable: this.maximumAvailable,
      // Shopify reports whole points; the fraction keeps restoring internally.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }

  private restore(): void {
    const now = this.clock();
    const elapsed = now - this.updatedAt;
    // A clock that goes backwards (fake clocks in tests) must not drain the bucket.
    if (elapsed > 0) {
      this.available = Math.min(this.maximumAvailable, this.available + (elapsed / 1000) * this.restoreRate);
    }
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
