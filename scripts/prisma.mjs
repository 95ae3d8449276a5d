#!/usr/bin/env node
/**
 * Runs the Prisma CLI without ever downloading an engine binary (docs/decisions/0002).
 *
 * Our client uses `engineType = "client"` (query compiler in WASM) and migrations use the JS
 * schema engine, so no Rust engine is needed at run time. The CLI still resolves a
 * query-engine library for itself before generating and tries to download one from Prisma's
 * host, which these machines (and many locked-down CI hosts) cannot reach. Pointing
 * PRISMA_QUERY_ENGINE_LIBRARY at a placeholder satisfies that lookup; the file is never loaded.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const placeholder = join(root, "node_modules", ".cache", "prisma-offline", "libquery_engine.placeholder");
if (!existsSync(placeholder)) {
  mkdirSync(dirname(placeholder), { recursive: true });
  writeFileSync(placeholder, "placeholder: never loaded, see scripts/prisma.mjs\n");
}

const env = {
  ...process.env,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const cli = join(root, "node_modules", "prisma", "build", "index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(result.status ?? 1);
