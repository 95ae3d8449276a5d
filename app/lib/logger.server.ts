/**
 * Structured JSON logs. Customer PII and tokens never reach a log: the redact list below is
 * the safety net, callers still log ids rather than payloads.
 */
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "ops-action-center" },
  redact: {
    paths: [
      "accessToken",
      "*.accessToken",
      "refreshToken",
      "*.refreshToken",
      "authorization",
      "*.authorization",
      "headers.authorization",
      "email",
      "*.email",
      "phone",
      "*.phone",
      "address",
      "*.address",
    ],
    censor: "[redacted]",
  },
});
