import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, generate } from "../../scripts/codegen";

describe("generated Admin API types", () => {
  it("are up to date with the documents and the official schema (npm run codegen)", async () => {
    const generated = await generate();
    expect(readFileSync(GENERATED_PATH, "utf8")).toBe(generated);
    expect(generated).toContain("export type OrderContextQuery = ");
  });
});
