/**
 * The one Prisma client. It always goes through the pg driver adapter (no engine binaries,
 * docs/decisions/0002); the pool size comes from the env because the embedded database
 * accepts a single session.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "./env.server";

const env = getEnv();
const prisma = new PrismaClient({
  adapter: new PrismaPg({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_MAX }),
});

export default prisma;
