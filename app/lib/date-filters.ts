import { z } from "zod";
import { blank } from "./blank";
import { storableDate } from "./storable-date";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const message = "Use a date like 2026-11-22 or an ISO timestamp";

/** "From" filter: a date means the start of that day (UTC). */
export const ZFromDate = z.preprocess(blank, storableDate(message).optional());

/** "To" filter: a date (what the date picker sends) means the whole of that day, inclusive. */
export const ZToDate = z.preprocess(
  (value) => {
    const text = blank(value);
    return typeof text === "string" && DATE_ONLY.test(text) ? `${text}T23:59:59.999Z` : text;
  },
  storableDate(message).optional(),
);
