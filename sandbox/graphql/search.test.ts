import { describe, expect, it } from "vitest";
import { compileSearch, matchDate, parseSearchQuery, type SearchFields, type SearchWarning } from "./search";

interface Row {
  name: string;
  tag: string;
  at: string;
}

const fields: SearchFields<Row> = {
  fields: {
    name: (row, term) => row.name === term.value,
    tag: (row, term) => row.tag === term.value,
    updated_at: (row, term) => matchDate(row.at, term),
  },
  text: (row, value) => row.name.includes(value),
};

const rows: Row[] = [
  { name: "alpha", tag: "gift", at: "2026-01-01T00:00:00Z" },
  { name: "beta", tag: "vip", at: "2026-01-02T12:00:00Z" },
  { name: "gamma", tag: "gift", at: "2026-01-03T00:00:00Z" },
];
const names = (query: string, warnings?: SearchWarning[]) => rows.filter(compileSearch(query, fields, warnings)).map((r) => r.name);

describe("search syntax", () => {
  it("parses fields, comparators, quotes and negation", () => {
    expect(parseSearchQuery(`updated_at:>'2026-01-01T00:00:00Z'`)).toEqual({
      kind: "term", field: "updated_at", comparator: ">", value: "2026-01-01T00:00:00Z", negated: false,
    });
    expect(parseSearchQuery(`-tag:gift`)).toMatchObject({ kind: "term", field: "tag", negated: true });
    expect(parseSearchQuery(`NOT tag:"gift"`)).toMatchObject({ kind: "term", value: "gift", negated: true });
  });

  it("matches with implicit AND, OR, parentheses and free text", () => {
    expect(names("tag:gift")).toEqual(["alpha", "gamma"]);
    expect(names("tag:gift name:gamma")).toEqual(["gamma"]);
    expect(names("tag:gift AND name:gamma")).toEqual(["gamma"]);
    expect(names("name:alpha OR name:beta")).toEqual(["alpha", "beta"]);
    expect(names("(name:alpha OR name:beta) -tag:vip")).toEqual(["alpha"]);
    expect(names("amm")).toEqual(["gamma"]);
    expect(names("")).toEqual(["alpha", "beta", "gamma"]);
  });

  it("compares dates at second precision; a plain date is a whole day", () => {
    expect(names("updated_at:>'2026-01-01T00:00:00Z'")).toEqual(["beta", "gamma"]);
    expect(names("updated_at:>=2026-01-01T00:00:00Z")).toEqual(["alpha", "beta", "gamma"]);
    expect(names("updated_at:<2026-01-03")).toEqual(["alpha", "beta"]);
    expect(names("updated_at:<=2026-01-02")).toEqual(["alpha", "beta"]);
    expect(names("updated_at:2026-01-02")).toEqual(["beta"]);
  });

  it("ignores unknown fields and reports them", () => {
    const warnings: SearchWarning[] = [];
    expect(names("colour:red tag:vip", warnings)).toEqual(["beta"]);
    expect(warnings).toEqual([{ field: "colour", message: "Invalid search field for this query." }]);
  });
});
