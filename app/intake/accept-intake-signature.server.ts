/**
 * A verified intake request is accepted once: its signature is remembered (shop-scoped, until
 * its timestamp leaves the 5-minute window) and the same signature again is refused with 401,
 * writing nothing. With the Idempotency-Key inside the signature, a captured request can only
 * be replayed under its own key, where withIdempotency would return the stored answer; this
 * refuses even that (the answer is the sender's, not a replayer's), and also covers a key
 * record that is gone (released after a failure, or abandoned).
 *
 * A legitimate retry signs again with the current timestamp: a new signature, the same key,
 * the stored answer. When the request does nothing (`run` throws: refused before the work, or
 * failed with nothing written) the signature is released, so the sender's retry of the very
 * same bytes is not refused for a request that never happened. Only a request that got an
 * answer marks the secret used (and re-encrypts a stale row).
 */
import type { Prisma } from "@prisma/client";
import { AppError } from "../lib/app-error";
import type { IntakeSender } from "./authenticate-intake-request.server";
import { reencryptIntakeSecret } from "./intake-secret-store.server";

export interface AcceptIntakeSignatureOptions<T> {
  sender: IntakeSender;
  /** The request's work (withIdempotency): it throws only when nothing was done. */
  run: () => Promise<T>;
  now?: Date;
}

export const SIGNATURE_REUSED =
  "This signature was already used. Sign every request anew with the current X-OAC-Timestamp, retries included (the same Idempotency-Key returns the stored answer).";

export async function acceptIntakeSignature<T>({ sender, run, now = new Date() }: AcceptIntakeSignatureOptions<T>): Promise<T> {
  const { db, signature } = sender;
  // Pruned as we go, per shop: what is left is at most this shop's last 5 minutes of requests.
  await db.intakeSignature.deleteMany({ where: { expiresAt: { lt: now } } });
  // Claimed through the primary key (shopId, digest): of simultaneous copies exactly one wins.
  const claimed = await db.intakeSignature.createMany({
    data: [{ digest: signature.digest, expiresAt: signature.expiresAt } as Prisma.IntakeSignatureCreateManyInput],
    skipDuplicates: true,
  });
  if (claimed.count !== 1) throw new AppError("UNAUTHENTICATED", SIGNATURE_REUSED, { details: { reason: "signature_reused" } });

  let result: T;
  try {
    result = await run();
  } catch (error) {
    await db.intakeSignature.deleteMany({ where: { digest: signature.digest } });
    throw error;
  }
  await db.intakeSecret.updateMany({ data: { lastUsedAt: now } });
  await reencryptIntakeSecret({ db, stored: sender.stored });
  return result;
}
