/**
 * Strips what must never be stored in an error or a log line: emails, phone numbers, access
 * tokens, bearer tokens and long secrets. Used on run errors and anything echoed from upstream.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, "[email]"],
  [/\bshp(?:at|ua|ss|ca|pa|rt)_[A-Za-z0-9_.-]+/g, "[token]"],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [token]"],
  [/\+?\d[\d\s().-]{7,}\d/g, "[phone]"],
  [/\b[A-Za-z0-9_-]{40,}\b/g, "[secret]"],
];

export function redactText(text: string): string {
  return PATTERNS.reduce((value, [pattern, replacement]) => value.replace(pattern, replacement), text);
}
