import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "sandbox/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts"],
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/console.ts", "tests/setup/app-env.ts", "tests/setup/database.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 180_000,
    env: { NODE_ENV: "test" },
  },
});
