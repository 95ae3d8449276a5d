// Migrations run on Prisma's JS schema engine through the pg driver adapter, so no
// engine binary is ever downloaded (docs/decisions/0002). DATABASE_URL is required here:
// `npm run setup` and the servers start the embedded database first when it is unset.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set (prisma.config.ts)");
    return new PrismaPg({ connectionString, max: 1 });
  },
});
