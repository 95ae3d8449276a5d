/**
 * The signing example the Settings page shows, with the shop's endpoint and domain filled in.
 * Kept out of the page so a test can run it against the real route (intake-recipes.test.ts),
 * like the README's recipes: what we show a sender is what the server verifies.
 */
import { SHOP_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./schema";

export function intakeSigningExample(endpoint: string, shopDomain: string): string {
  return `import { createHmac, randomUUID } from "node:crypto";

const body = JSON.stringify({
  subject: "Where is my parcel?",
  message: "Hi, my order has not arrived yet.",
  customer: { email: "jane@example.com", name: "Jane Doe" },
  orderName: "#1042",
  channel: "chat",
});
const idempotencyKey = randomUUID(); // keep it (and body) for retries
const timestamp = String(Math.floor(Date.now() / 1000)); // new for every attempt
const signature = createHmac("sha256", process.env.OAC_INTAKE_SECRET)
  .update(\`\${timestamp}.\${idempotencyKey}.\${body}\`)
  .digest("base64");

const response = await fetch("${endpoint}", {
  method: "POST",
  headers: {
    "Content-Type": "application/json",
    "${SHOP_HEADER}": "${shopDomain}",
    "${TIMESTAMP_HEADER}": timestamp,
    "${SIGNATURE_HEADER}": signature,
    "Idempotency-Key": idempotencyKey,
  },
  body,
});
// 201 { ticket: { id, number, status, orderLinked } }`;
}
