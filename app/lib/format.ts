/**
 * Display helpers. Money stays a decimal string end to end; Intl formats the string itself
 * (no parseFloat), so no amount is ever rounded through a binary float.
 */
export function formatMoney(amount: string, currencyCode: string, locale = "en"): string {
  const formatter = new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode });
  // Intl.NumberFormat formats numeric strings exactly (ECMA-402 v3); the cast is for older typings.
  return formatter.format(amount as unknown as number);
}

/** PARTIALLY_REFUNDED -> "Partially refunded". */
export function humanizeEnum(value: string): string {
  const words = value.toLowerCase().split("_").join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
