import { z } from "zod";

/**
 * The dates an ISO timestamp and PostgreSQL both carry: years 1000 to 9999. `new Date("99999-12-31")`
 * is a valid JavaScript date, but it serializes as "+099999-12-31T..." (and year 0 or before as
 * "-000001-..."), which the database refuses: a 500 for what is just a mistyped date.
 */
const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const DATE_RANGE_MESSAGE = "Use a date between the years 1000 and 9999";

/** z.coerce.date(), refusing dates outside the storable range. */
export function storableDate(message: string) {
  return z.coerce.date({ errorMap: () => ({ message }) }).refine((date) => date.getTime() >= EARLIEST && date.getTime() <= LATEST, DATE_RANGE_MESSAGE);
}
