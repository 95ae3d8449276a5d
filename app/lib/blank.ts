/**
 * Form values that mean "nothing entered", for `z.preprocess` before an optional field: an
 * HTML form sends "" for an empty input and JSON clients may send null.
 */
export const blank = (value: unknown) => (value === "" || value === null ? undefined : value);

/** Also a value of spaces only: for free text that is trimmed anyway. */
export const blankOrSpaces = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);
