/**
 * Exact money for the sandbox: amounts live as integer minor units (cents) and are only
 * turned into decimal strings at the edge, so totals never pick up float drift.
 */
import type { MoneyBag, MoneyV2 } from "./types";

/** ISO 4217 minor-unit exponents that differ from the usual 2. */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export function minorDigits(currencyCode: string): number {
  return MINOR_DIGITS[currencyCode] ?? 2;
}

/** 1234 EUR -> "12.34"; 1234 JPY -> "1234"; -5 EUR -> "-0.05". */
export function formatMinor(minor: number, currencyCode: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`money must be an integer of minor units, got ${minor}`);
  const digits = minorDigits(currencyCode);
  const negative = minor < 0;
  const abs = String(Math.abs(minor));
  if (digits === 0) return (negative ? "-" : "") + abs;
  const padded = abs.padStart(digits + 1, "0");
  const whole = padded.slice(0, padded.length - digits);
  const fraction = padded.slice(padded.length - digits);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** "12.5" EUR -> 1250. Rejects more fractional digits than the currency has. */
export function parseMinor(amount: string, currencyCode: string): number {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(amount)}`);
  const digits = minorDigits(currencyCode);
  const fraction = match[3] ?? "";
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) {
    throw new RangeError(`${amount} has more precision than ${currencyCode} allows`);
  }
  const minor = Number(match[2]) * 10 ** digits + Number((fraction + "0".repeat(digits)).slice(0, digits) || "0");
  return match[1] ? -minor : minor;
}

export function moneyV2(minor: number, currencyCode: string): MoneyV2 {
  return { __typename: "MoneyV2", amount: formatMinor(minor, currencyCode), currencyCode };
}

/**
 * The demo store sells in one currency, so presentment money mirrors shop money; a
 * separate presentment currency would need exchange rates the data does not model.
 */
export function moneyBag(minor: number, currencyCode: string): MoneyBag {
  return {
    __typename: "MoneyBag",
    shopMoney: moneyV2(minor, currencyCode),
    presentmentMoney: moneyV2(minor, currencyCode),
  };
}

export function bagMinor(bag: MoneyBag): number {
  return parseMinor(bag.shopMoney.amount, bag.shopMoney.currencyCode);
}

/** Round-half-up of value * numerator / denominator, in integers (value >= 0). */
export function mulDivRound(value: number, numerator: number, denominator: number): number {
  if (denominator <= 0) throw new RangeError("denominator must be positive");
  const product = value * numerator;
  if (!Number.isSafeInteger(product)) throw new RangeError("money product overflows safe integers");
  const quotient = Math.floor(product / denominator);
  const remainder = product - quotient * denominator;
  return remainder * 2 >= denominator ? quotient + 1 : quotient;
}

/** Tax in minor units for a rate in basis points (1900 = 19%). */
export function taxFor(minor: number, rateBasisPoints: number): number {
  return mulDivRound(minor, rateBasisPoints, 10_000);
}

/**
 * Share of `total` for units [fromUnit, fromUnit + units) of `quantity` units.
 *
 * Defined as f(end) - f(start) with f(n) = round(total * n / quantity), so any sequence of
 * partial refunds that covers every unit adds up to exactly `total`.
 */
export function unitsShare(total: number, quantity: number, fromUnit: number, units: number): number {
  if (quantity <= 0) return 0;
  const end = Math.min(quantity, fromUnit + units);
  return mulDivRound(total, end, quantity) - mulDivRound(total, fromUnit, quantity);
}

/**
 * Splits `total` across `weights` proportionally with the largest-remainder method, so the
 * parts are integers that sum to exactly `total`.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, w) => acc + w, 0);
  if (weights.length === 0) return [];
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  let remaining = total - parts.reduce((acc, p) => acc + p, 0);
  const order = weights
    .map((w, i) => ({ i, rest: (total * w) % sum }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; remaining > 0; k = (k + 1) % order.length, remaining--) {
    const slot = order[k] as { i: number };
    parts[slot.i] = (parts[slot.i] as number) + 1;
  }
  return parts;
}
