import { randomUUID } from "node:crypto";

/** An incoming X-Request-Id is kept when it is well-formed, so a trace spans systems. */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

export const CORRELATION_HEADER = "X-Request-Id";

export function correlationIdFrom(request: Request): string {
  const incoming = request.headers.get(CORRELATION_HEADER);
  return incoming && WELL_FORMED.test(incoming) ? incoming : randomUUID();
}
