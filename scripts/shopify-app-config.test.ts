/**
 * shopify.app.toml holds only keys the current Shopify CLI reads. A key the CLI dropped is not
 * harmless: `shopify app deploy` rewrites the file to remove it (and says so), so the committed
 * config and the deployed one drift. The known keys per table are Shopify's app configuration
 * reference (https://shopify.dev/docs/apps/build/cli-for-apps/app-configuration) as the CLI's
 * schema implements it; a table not listed here is not checked.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../server/paths";

/**
 * `[build]`: `include_config_on_deploy` was removed once every deploy includes the app's
 * configuration (the CLI deletes it from the file on deploy).
 */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  "": ["client_id", "name", "handle", "application_url", "embedded", "extension_directories", "web_directories"],
  build: ["automatically_update_urls_on_dev", "dev_store_url"],
  access_scopes: ["scopes", "optional_scopes", "use_legacy_install_flow"],
  auth: ["redirect_urls"],
  pos: ["embedded"],
};

/** Keys per `[table]` of a TOML file (plain `key = value` lines; array tables are skipped). */
function tableKeys(text: string): Map<string, string[]> {
  const tables = new Map<string, string[]>([["", []]]);
  let current: string | null = "";
  let depth = 0;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    if (depth > 0) {
      // Inside a multi-line array value: only its closing bracket matters.
      depth += (line.match(/\[/g)?.length ?? 0) - (line.match(/\]/g)?.length ?? 0);
      continue;
    }
    const arrayTable = /^\[\[([^\]]+)\]\]$/.exec(line);
    const table = /^\[([^\]]+)\]$/.exec(line);
    if (arrayTable) current = null;
    else if (table) {
      current = table[1]!.trim();
      if (!tables.has(current)) tables.set(current, []);
    } else {
      const key = /^([A-Za-z0-9_-]+)\s*=(.*)$/.exec(line);
      if (key && current !== null) tables.get(current)!.push(key[1]!);
      if (key) depth = Math.max(0, (key[2]!.match(/\[/g)?.length ?? 0) - (key[2]!.match(/\]/g)?.length ?? 0));
    }
  }
  return tables;
}

describe("shopify.app.toml", () => {
  const tables = tableKeys(readFileSync(join(ROOT, "shopify.app.toml"), "utf8"));

  it("reads its tables and keys", () => {
    expect(tables.get("")).toEqual(expect.arrayContaining(["client_id", "name", "application_url", "embedded"]));
    expect(tables.get("webhooks")).toEqual(["api_version"]);
  });

  it.each(Object.entries(KNOWN_KEYS))("[%s] holds only keys the Shopify CLI knows", (table, known) => {
    const unknown = (tables.get(table) ?? []).filter((key) => !known.includes(key));
    expect(unknown).toEqual([]);
  });
});
