/**
 * Seeded pseudo-random numbers for the demo store.
 *
 * Every generated record is derived from a (seed, stream...) tuple instead of a shared
 * generator, so order #N never depends on how many orders were generated before it.
 */

/** 32-bit avalanche mix (murmur3 finalizer); spreads nearby inputs across the whole range. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines numbers into one 32-bit seed; order matters, so (1, 2) and (2, 1) differ. */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Fold in both halves so indexes above 2^32 still change the result.
    const low = part >>> 0;
    const high = Math.floor(part / 0x100000000) >>> 0;
    h = mix32(h ^ mix32(low + 0x7f4a7c15));
    h = mix32(h ^ mix32(high + 0x6a09e667));
  }
  return h;
}

/** FNV-1a over UTF-16 code units, then mixed; used to derive a seed from a shop domain. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** mulberry32: tiny, fast, and good enough for demo data (not for anything secret). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

export class Random {
  private readonly source: () => number;

  constructor(seed: number) {
    this.source = mulberry32(seed);
  }

  /** A generator for an independent sub-stream, e.g. `Random.from(seed, orderIndex)`. */
  static from(...parts: number[]): Random {
    return new Random(hashSeed(...parts));
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.source();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max is below min`);
    return min + Math.floor(this.source() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.source() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() from an empty list");
    return items[Math.floor(this.source() * items.length)] as T;
  }

  weighted<T>(items: readonly Weighted<T>[]): T {
    let total = 0;
    for (const item of items) total += item.weight;
    if (items.length === 0 || total <= 0) throw new RangeError("weighted() needs a positive total weight");
    let roll = this.source() * total;
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item.value;
    }
    return (items[items.length - 1] as Weighted<T>).value;
  }

  /** Fisher-Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = items.slice();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.source() * (i + 1));
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy;
  }

  /** Distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, Math.min(count, items.length));
  }

  /** Digits as a string, e.g. for tracking or phone numbers (keeps leading zeros). */
  digits(count: number): string {
    let out = "";
    for (let i = 0; i < count; i++) out += String(Math.floor(this.source() * 10));
    return out;
  }

  /** Uppercase letters and digits without look-alikes (no 0/O, 1/I). */
  code(length: number): string {
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.source() * alphabet.length)];
    return out;
  }
}
