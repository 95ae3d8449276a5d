/**
 * Ticket display helpers shared by the pages. Relative ages are computed against the `now`
 * the loader sent, not the browser's clock, so the server's HTML and the hydrated page agree.
 */
export function formatAge(fromIso: string, nowIso: string): string {
  const minutes = Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

export function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString("en") : "—";
}
