/**
 * Extracts the official Admin GraphQL introspection (2026-10) from the npm package
 * `@shopify/dev-mcp` without installing it (it drags the Shopify CLI and React 19 types).
 * The result is committed; rerun only to move to a new API version.
 *
 *   npm run schema:extract
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, copyFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const PACKAGE = "@shopify/dev-mcp@1.16.0";
const VERSION = "2026-10";
const target = resolve(import.meta.dirname, "..", "shopify-schema", `admin_${VERSION}.json.gz`);

const work = mkdtempSync(join(tmpdir(), "dev-mcp-"));
try {
  const tarball = execFileSync("npm", ["pack", PACKAGE, "--silent", "--pack-destination", work], {
    encoding: "utf8",
  }).trim().split("\n").pop()!;
  const inner = `package/dist/data/admin_${VERSION}.json.gz`;
  execFileSync("tar", ["-xzf", join(work, tarball), "-C", work, inner]);
  copyFileSync(join(work, inner), target);
  const introspection = JSON.parse(gunzipSync(readFileSync(target)).toString("utf8"));
  const types = (introspection.data ?? introspection).__schema.types.length;
  console.log(`wrote ${target} (${types} types)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
