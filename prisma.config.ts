// Migrations run on Prisma's JS schema engine through the pg driver adapter, so no
// engine binary is ever downloaded (docs/decisions/0002). They run as the tables' owner:
// DATABASE_MIGRATION_URL, else DATABASE_URL (one URL: development, docs/decisions/0015).
// `npm run setup` and the servers start the embedded database first when neither is set.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const connectionString = process.env.DATABASE_MIGRATION_URL || process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_MIGRATION_URL or DATABASE_URL must be set (prisma.config.ts)");
    return new PrismaPg({ connectionString, max: 1 });
  },
});
