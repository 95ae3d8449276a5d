/**
 * Every GraphQL document the app sends must parse and validate against Shopify's official
 * Admin API 2026-10 schema. Documents are `#graphql` template literals; the test finds every
 * file under app/ that has one, imports it, and validates each exported document (a literal
 * that is not exported could not be checked: the counts must match).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { NoUnusedFragmentsRule, parse, specifiedRules, validate, type DocumentNode } from "graphql";
import { describe, expect, it } from "vitest";
import { calculateRequestedCost } from "../../sandbox/graphql/cost";
import { loadAdminSchema } from "../../sandbox/graphql/schema";

const APP_DIR = join(import.meta.dirname, "..");
const LITERAL = /`#graphql\n/g;
const HAS_LITERAL = /`#graphql\n/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [path] : [];
  });
}

const files = sourceFiles(APP_DIR).filter((file) => HAS_LITERAL.test(readFileSync(file, "utf8")));
const documents: Array<{ label: string; source: string }> = [];
for (const file of files) {
  const module = (await import(file)) as Record<string, unknown>;
  const literals = readFileSync(file, "utf8").match(LITERAL)?.length ?? 0;
  const exported = Object.entries(module).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1].includes("#graphql"));
  documents.push(...exported.map(([name, source]) => ({ label: `${relative(APP_DIR, file)} ${name}`, source })));
  documents.push({ label: `${relative(APP_DIR, file)} (count)`, source: `# literals:${literals} exported:${exported.length}` });
}

const isOperation = (doc: DocumentNode) => doc.definitions.some((definition) => definition.kind === "OperationDefinition");

describe("GraphQL documents under app/", () => {
  it("are found, and every literal is exported (so it is checked here)", () => {
    const counts = documents.filter((doc) => doc.label.endsWith("(count)"));
    expect(counts.length).toBeGreaterThanOrEqual(1);
    for (const count of counts) {
      const [, literals, exported] = /literals:(\d+) exported:(\d+)/.exec(count.source)!;
      expect(Number(exported), count.label).toBe(Number(literals));
    }
  });

  it.each(documents.filter((doc) => !doc.label.endsWith("(count)")).map((doc) => [doc.label, doc.source]))("%s validates against Admin API 2026-10", (_label, source) => {
    const document = parse(source);
    // A fragment-only export is validated on its own without the "unused fragment" rule; the
    // operations that spread it are validated in full.
    const rules = isOperation(document) ? specifiedRules : specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);
    expect(validate(loadAdminSchema(), document, rules).map((error) => error.message)).toEqual([]);
    // Shopify refuses a single query over 1000 points.
    if (isOperation(document)) expect(calculateRequestedCost(loadAdminSchema(), document, {})).toBeLessThanOrEqual(1000);
  });

  it("tell the Admin API client what the order context query really requests", async () => {
    const { ORDER_CONTEXT_QUERY, ORDER_CONTEXT_REQUESTED_COST } = await import("./documents");
    expect(calculateRequestedCost(loadAdminSchema(), parse(ORDER_CONTEXT_QUERY), {})).toBe(ORDER_CONTEXT_REQUESTED_COST);
  });

  it("would catch a field that does not exist", () => {
    expect(validate(loadAdminSchema(), parse("query { shop { nameThatDoesNotExist } }")).length).toBe(1);
  });
});
