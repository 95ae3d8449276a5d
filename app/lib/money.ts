/**
 * Exact decimal money for policy checks: amounts are decimal strings ("120.50") everywhere we
 * store them, compared here as integers of a fixed small unit (1e-6), never as floats.
 */
export const DECIMAL_PATTERN = /^\d{1,12}(\.\d{1,6})?$/;
const SCALE = 6;
const FACTOR = 10n ** BigInt(SCALE);

export function isDecimal(value: string): boolean {
  return DECIMAL_PATTERN.test(value);
}

/** "120.5" -> 120500000n. Throws on anything that is not a non-negative decimal string. */
export function toMicros(value: string): bigint {
  if (!isDecimal(value)) throw new Error(`Not a decimal amount: ${JSON.stringify(value)}`);
  const [whole, fraction = ""] = value.split(".");
  return BigInt(whole as string) * FACTOR + BigInt(fraction.padEnd(SCALE, "0"));
}

/** 120500000n -> "120.50" (at least two decimals, trailing zeros beyond them dropped). */
export function fromMicros(micros: bigint): string {
  const whole = micros / FACTOR;
  const fraction = (micros % FACTOR).toString().padStart(SCALE, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${whole}.${fraction}`;
}

export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = toMicros(a);
  const y = toMicros(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * `amount` as a percentage of `total`, rounded up at the sixth decimal so a limit of 50%
 * is never passed by rounding down. A zero total makes any positive amount 100%+.
 */
export function percentOf(amount: string, total: string): string {
  const a = toMicros(amount);
  const t = toMicros(total);
  if (t === 0n) return a === 0n ? "0.00" : "100.00";
  const scaled = a * 100n * FACTOR;
  const micros = scaled / t + (scaled % t === 0n ? 0n : 1n);
  return fromMicros(micros);
}

export function formatMoney(amount: string, currencyCode: string): string {
  return `${amount} ${currencyCode}`;
}

/** How many decimals a currency's amounts have (EUR 2, JPY 0, KWD 3), from Intl's ISO 4217 data. */
export function currencyDecimals(currencyCode: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Null when `amount` fits the currency, else the message for its field. Shopify refuses 5.001
 * EUR as a userError after the run started; the form should say so before anything is written.
 */
export function amountPrecisionError(amount: string, currencyCode: string): string | null {
  const decimals = currencyDecimals(currencyCode);
  const given = amount.split(".")[1]?.replace(/0+$/, "").length ?? 0;
  if (given <= decimals) return null;
  return decimals === 0 ? `${currencyCode} amounts have no decimals` : `${currencyCode} amounts have at most ${decimals} decimals`;
}
