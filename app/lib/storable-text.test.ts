import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./app-error";
import { parseInput, validateInput } from "./http.server";
import { BROKEN_CHARACTER_MESSAGE, FIELD_NAME_MESSAGE, NUL_MESSAGE, PROTO_KEY_MESSAGE, unstorableTextIssues, unstorableTextReason } from "./storable-text";

describe("unstorableTextReason", () => {
  it("accepts any well-formed text, emoji (surrogate pairs) and U+FFFD included", () => {
    for (const text of ["", "plain", "Grüße, 東京", "👍🏽 family: 👨‍👩‍👧", "\ufffd", "tab\tnew\nline", "\u0001\u001f"]) expect(unstorableTextReason(text)).toBeNull();
  });

  it("names a NUL and each kind of lone surrogate", () => {
    expect(unstorableTextReason("a\u0000b")).toBe(NUL_MESSAGE);
    expect(unstorableTextReason("end \ud83d")).toBe(BROKEN_CHARACTER_MESSAGE);
    expect(unstorableTextReason("\ud83d middle")).toBe(BROKEN_CHARACTER_MESSAGE);
    expect(unstorableTextReason("\ude00 start")).toBe(BROKEN_CHARACTER_MESSAGE);
    expect(unstorableTextReason("\ude00\ud83d")).toBe(BROKEN_CHARACTER_MESSAGE);
    expect(unstorableTextReason("\ud83d\ud83d\ude00")).toBe(BROKEN_CHARACTER_MESSAGE);
  });
});

describe("unstorableTextIssues", () => {
  it("walks objects and arrays, naming each path, and reports a bad key on its parent", () => {
    const issues = unstorableTextIssues({ a: "ok", b: { c: ["fine", "x\u0000"] }, ["k\ud800"]: 1, d: 5, e: null });
    expect(issues).toHaveLength(2);
    expect(issues).toEqual(expect.arrayContaining([{ path: ["b", "c", 1], message: NUL_MESSAGE }, { path: [], message: FIELD_NAME_MESSAGE }]));
  });

  it("walks nesting far deeper than the stack, in linear time, naming the field by its first 32 levels", () => {
    const deep = JSON.parse(`${"[".repeat(50_000)}"\\u0000"${"]".repeat(50_000)}`) as unknown;
    const started = performance.now();
    const issues = unstorableTextIssues(deep);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(issues).toEqual([{ path: Array(32).fill(0), message: NUL_MESSAGE }]);
  });

  it("refuses a field named __proto__ (JSON.parse keeps it as a key; zod drops it silently)", () => {
    expect(unstorableTextIssues(JSON.parse('{"a":{"__proto__":{"body":"smuggled"}},"constructor":{"prototype":1}}'))).toEqual([{ path: ["a"], message: PROTO_KEY_MESSAGE }]);
  });

  it("names at most 20 fields", () => {
    expect(unstorableTextIssues(Array.from({ length: 1000 }, () => "\u0000"))).toHaveLength(20);
  });
});

describe("validateInput / parseInput", () => {
  const schema = z.object({ note: z.string().max(5), id: z.string().regex(/^[a-z]+$/, "Malformed id") }).strict();

  it("refuses unstorable text even where the schema accepts it, together with the schema's own errors, each field once", () => {
    expect(validateInput(schema, { note: "a\u0000", id: "x" })).toEqual({ ok: false, fields: { note: [NUL_MESSAGE] } });
    expect(validateInput(schema, { note: "\ud800", id: "X\u0000" })).toEqual({ ok: false, fields: { note: [BROKEN_CHARACTER_MESSAGE], id: [NUL_MESSAGE] } });
    expect(validateInput(schema, { note: "way too long", id: "\u0000" })).toEqual({ ok: false, fields: { id: [NUL_MESSAGE], note: ["String must contain at most 5 character(s)"] } });
    expect(validateInput(schema, { note: "ok", id: "abc" })).toEqual({ ok: true, data: { note: "ok", id: "abc" } });
  });

  it("throws a VALIDATION AppError with the fields", () => {
    expect(() => parseInput(schema, { note: "\u0000", id: "a" })).toThrow(AppError);
    try {
      parseInput(schema, { note: "\u0000", id: "a" }, "Bad note");
    } catch (error) {
      expect(error).toMatchObject({ code: "VALIDATION", message: "Bad note", fields: { note: [NUL_MESSAGE] } });
    }
  });
});
