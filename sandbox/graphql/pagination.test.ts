import { describe, expect, it } from "vitest";
import { compareSortValues, decodeCursor, encodeCursor, paginate } from "./pagination";

describe("paginate", () => {
  const items = Array.from({ length: 7 }, (_, i) => ({ id: `gid://shopify/Order/${100 + i}`, rank: i % 3 }));

  it("pages forwards and backwards with opaque keyset cursors", () => {
    const first = paginate(items, { first: 3 });
    expect(first.nodes.map((n) => n.id.slice(-3))).toEqual(["100", "101", "102"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = paginate(items, { first: 3, after: first.pageInfo.endCursor });
    expect(second.nodes.map((n) => n.id.slice(-3))).toEqual(["103", "104", "105"]);
    const back = paginate(items, { last: 2, before: second.pageInfo.startCursor });
    expect(back.nodes.map((n) => n.id.slice(-3))).toEqual(["101", "102"]);
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(decodeCursor(encodeCursor({ id: 5, value: "x" }))).toEqual({ id: 5, value: "x" });
    expect(() => decodeCursor("not-a-cursor")).toThrow("Invalid cursor");
  });

  it("sorts by a value with the id as tie-breaker, and reverses", () => {
    const sorted = paginate(items, { first: 10 }, { sortValue: (item) => item.rank });
    expect(sorted.nodes.map((n) => `${n.rank}:${n.id.slice(-1)}`)).toEqual(["0:0", "0:3", "0:6", "1:1", "1:4", "2:2", "2:5"]);
    const reversed = paginate(items, { first: 2, reverse: true }, { sortValue: (item) => item.rank });
    expect(reversed.nodes.map((n) => n.id.slice(-1))).toEqual(["5", "2"]);
    const next = paginate(items, { first: 2, reverse: true, after: reversed.pageInfo.endCursor }, { sortValue: (item) => item.rank });
    expect(next.nodes.map((n) => n.id.slice(-1))).toEqual(["4", "1"]);
    expect(compareSortValues(null, 0)).toBeLessThan(0);
  });

  it("requires first or last, like Shopify", () => {
    expect(() => paginate(items, {})).toThrow("you must provide one of first or last");
  });
});
