import prisma from "../db.server";
import { AppError } from "../lib/app-error";

export interface RateLimitRule {
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in Postgres, so the limit holds across app instances: one atomic
 * upsert per rule returns the new count. Over the limit: RATE_LIMITED (429) with the seconds
 * until the window resets (Retry-After).
 */
export async function consumeRateLimit({ shopId, rules, now = new Date() }: { shopId: string; rules: RateLimitRule[]; now?: Date }): Promise<void> {
  for (const rule of rules) {
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const rows = await prisma.$queryRaw<Array<{ count: number }>>`
      INSERT INTO "RateLimitCounter" ("shopId", "bucket", "windowStart", "count")
      VALUES (${shopId}, ${rule.bucket}, ${windowStart}, 1)
      ON CONFLICT ("shopId", "bucket", "windowStart") DO UPDATE SET "count" = "RateLimitCounter"."count" + 1
      RETURNING "count"`;
    if (Number(rows[0].count) > rule.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
      throw new AppError("RATE_LIMITED", `Too many requests: at most ${rule.limit} per ${rule.windowSeconds} s. Try again in ${retryAfterSeconds} s.`, {
        details: { bucket: rule.bucket.split(":")[0], retryAfterSeconds },
      });
    }
  }
}
