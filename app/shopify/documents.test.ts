/**
 * Every GraphQL document the app sends (each `#graphql` template literal under app/) must
 * parse and validate against Shopify's official Admin API 2026-10 schema.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "../../sandbox/graphql/schema";

const APP_DIR = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [path] : [];
  });
}

function findDocuments(): Array<{ file: string; source: string }> {
  const documents: Array<{ file: string; source: string }> = [];
  for (const file of sourceFiles(APP_DIR)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/`#graphql\n([\s\S]*?)`/g)) {
      documents.push({ file: relative(APP_DIR, file), source: match[1] });
    }
  }
  return documents;
}

const documents = findDocuments();

describe("GraphQL documents under app/", () => {
  it("are found (the scanner works)", () => {
    expect(documents.length).toBeGreaterThanOrEqual(2);
  });

  it.each(documents.map((doc, index) => [`${doc.file} #${index + 1}`, doc.source]))("%s validates against Admin API 2026-10", (_label, source) => {
    const errors = validate(loadAdminSchema(), parse(source));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("would catch a field that does not exist", () => {
    const errors = validate(loadAdminSchema(), parse("query { shop { nameThatDoesNotExist } }"));
    expect(errors.length).toBe(1);
  });
});
