import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Embedded database files; git-ignored (.data/). */
export const EMBEDDED_DATA_DIR = process.env.EMBEDDED_DATA_DIR ?? join(ROOT, ".data", "pglite");
export const BUILD_PATH = join(ROOT, "build", "index.js");
