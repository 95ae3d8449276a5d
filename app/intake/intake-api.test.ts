/**
 * POST /api/intake/tickets end to end: real Requests into the real route action, signed the
 * way a sender signs them (computed here with node:crypto, not with the app's own helper).
 * Signature (timestamp, Idempotency-Key and body) and replay protection (a captured request
 * sent again, with its key or a fresh one, is refused), body validation, idempotency, the per-shop rate limit,
 * order linking (name AND email, never the name alone), rotation's grace period, and what the
 * audit log keeps (no secret, no customer email).
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call, type CallResult } from "../../tests/helpers/shopify";
import { TEST_APP_URL } from "../../tests/setup/app-env";
import prisma from "../db.server";
import { IDEMPOTENCY_HEADER, REPLAY_HEADER } from "../idempotency/with-idempotency.server";
import type { ErrorBody } from "../lib/app-error";
import { MAX_JSON_BODY_BYTES } from "../lib/http.server";
import { scopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import { action as intakeAction, INTAKE_RATE_LIMIT } from "../routes/api.intake.tickets";
import { loader as homeLoader } from "../routes/app._index";
import { action as revealAction } from "../routes/app.settings.intake-secret.reveal";
import { action as rotateAction } from "../routes/app.settings.intake-secret.rotate";
import { offlineClient } from "../shopify/offline-client.server";
import { openIntakeSecret } from "./intake-secret-store.server";
import { INTAKE_PATH, SHOP_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type IntakeTicketResponse } from "./schema";
import { ownerQuery } from "../../tests/setup/owner-db";

const sandbox = await startTestSandbox();

const OWNER = 9001;

type IntakeBody = IntakeTicketResponse & Partial<ErrorBody>;

const shopIds = new Map<string, string>();
const secrets = new Map<string, string>();
/** An order of shop A we hold, with its customer's email. */
let order: { id: string; name: string; orderNumber: number; email: string };
/** An order of shop B, named like one of shop A's. */
let orderOfB: { name: string; email: string };

const nowSeconds = () => String(Math.floor(Date.now() / 1000));

interface SendOptions {
  shop?: string;
  secret?: string;
  timestamp?: string;
  key?: string | null;
  contentType?: string;
  /** Headers to drop or override after signing. */
  headers?: Record<string, string | null>;
  /** Sign something other than what is sent. */
  signedBody?: string;
  signedKey?: string;
}

/** The documented scheme: base64 HMAC-SHA256 of `${timestamp}.${idempotencyKey}.${rawBody}`. */
const sign = (secret: string, timestamp: string, key: string, raw: string) => createHmac("sha256", secret).update(`${timestamp}.${key}.${raw}`).digest("base64");

/** A signed request as bytes on the wire: it can be sent again as is (a captured request). */
interface Wire {
  headers: Record<string, string>;
  raw: string;
}

function intakeRequest(body: unknown, options: SendOptions = {}): Wire {
  const shop = options.shop ?? SHOP_A;
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? nowSeconds();
  const secret = options.secret ?? secrets.get(shop) ?? "no-secret";
  const key = options.key === null ? "" : (options.key ?? `intake-${randomUUID()}`);
  const signature = sign(secret, timestamp, options.signedKey ?? key, options.signedBody ?? raw);
  const headers: Record<string, string> = {
    "Content-Type": options.contentType ?? "application/json",
    [SHOP_HEADER]: shop,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signature,
  };
  if (options.key !== null) headers[IDEMPOTENCY_HEADER] = key;
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return { headers, raw };
}

function send(body: unknown, options: SendOptions = {}): Promise<CallResult<IntakeBody>> {
  return deliver(intakeRequest(body, options));
}

/** Sends the bytes as they are (again, for a captured request), as a new HTTP request. */
function deliver(wire: Wire): Promise<CallResult<IntakeBody>> {
  const request = new Request(new URL(INTAKE_PATH, TEST_APP_URL), { method: "POST", headers: wire.headers, body: wire.raw });
  return call<IntakeBody>(() => intakeAction({ request, params: {}, context: {} }));
}

/** The same signed request with some headers changed, as a replayer would send it. */
function altered(wire: Wire, headers: Record<string, string>): Wire {
  return { raw: wire.raw, headers: { ...wire.headers, ...headers } };
}

const validBody = (overrides: Record<string, unknown> = {}) => ({
  subject: "Where is my parcel?",
  message: "Hello, my order has not arrived yet. Can you check?",
  customer: { email: "jane.doe@example.com", name: "Jane Doe" },
  ...overrides,
});

/** Everything an intake request could write for a shop. */
async function footprint(shop = SHOP_A) {
  const shopId = shopIds.get(shop)!;
  const [tickets, messages, events, audit, keys, counters, signatures, secret] = await Promise.all([
    prisma.ticket.count({ where: { shopId } }),
    prisma.ticketMessage.count({ where: { shopId } }),
    prisma.ticketEvent.count({ where: { shopId } }),
    prisma.auditLog.count({ where: { shopId } }),
    prisma.idempotencyKey.count({ where: { shopId } }),
    prisma.rateLimitCounter.count({ where: { shopId } }),
    prisma.intakeSignature.count({ where: { shopId } }),
    // Its lastUsedAt and ciphertexts: a refused request neither marks nor re-encrypts it.
    prisma.intakeSecret.findUnique({ where: { shopId } }),
  ]);
  return { tickets, messages, events, audit, keys, counters, signatures, secret };
}

function expectError(result: CallResult<IntakeBody>, status: number, code: string) {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body.error?.code).toBe(code);
  expect(result.body.error?.correlationId).toEqual(expect.any(String));
  expect(result.headers.get("X-Request-Id")).toBe(result.body.error?.correlationId);
}

async function reveal(shop: string): Promise<string> {
  const result = await call<{ secret: string }>(() =>
    revealAction({ request: adminFetchRequest("/app/settings/intake-secret/reveal", { shop, userId: OWNER, method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }), params: {}, context: {} }),
  );
  expect(result.status).toBe(200);
  return result.body.secret;
}

function rotate(shop: string) {
  return call<{ fingerprint: string; previous: { fingerprint: string; expiresAt: string } | null }>(() =>
    rotateAction({
      request: adminFetchRequest("/app/settings/intake-secret/rotate", {
        shop,
        userId: OWNER,
        method: "POST",
        headers: { "Content-Type": "application/json", [IDEMPOTENCY_HEADER]: `rotate-${randomUUID()}` },
        body: "{}",
      }),
      params: {},
      context: {},
    }),
  );
}

/** The limits count per fixed minute: keep a burst inside one window. */
async function awayFromWindowEdge(secondsNeeded = 10) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < secondsNeeded * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

beforeAll(async () => {
  // Installing the app (token exchange) stores the offline session ingestion uses.
  for (const shop of [SHOP_A, SHOP_B]) {
    expect((await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }))).status).toBe(200);
    const shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
    shopIds.set(shop, shopId);
    const client = await offlineClient(shop);
    for (const source of sandbox.store.orders(shop).slice(0, 4)) await ingestOrder({ db: scopedDb(shopId), client, shopifyId: source.id as string });
    secrets.set(shop, await reveal(shop));
  }
  const withEmail = await prisma.order.findFirstOrThrow({ where: { shopId: shopIds.get(SHOP_A)!, email: { not: null }, orderNumber: { not: null } } });
  order = { id: withEmail.id, name: withEmail.name, orderNumber: withEmail.orderNumber!, email: withEmail.email! };
  const ofB = await prisma.order.findFirstOrThrow({ where: { shopId: shopIds.get(SHOP_B)!, email: { not: null } } });
  orderOfB = { name: ofB.name, email: ofB.email! };
}, 120_000);

beforeEach(async () => {
  await prisma.rateLimitCounter.deleteMany({});
});

describe("a valid signed request", () => {
  it("creates exactly one ticket with the customer's message, answers 201 with X-Request-Id, and marks the secret used", async () => {
    const before = await footprint();
    const result = await send(validBody({ channel: "chat", priority: "high", category: "shipping", externalId: "chat-7781" }), {
      headers: { "X-Request-Id": "intake-trace-0001" },
    });
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(result.headers.get("X-Request-Id")).toBe("intake-trace-0001");
    expect(result.headers.get(REPLAY_HEADER)).toBeNull();
    expect(result.body).toEqual({ ticket: { id: expect.any(String), number: expect.any(Number), status: "open", orderLinked: false } });

    const after = await footprint();
    expect(after.tickets).toBe(before.tickets + 1);
    expect(after.messages).toBe(before.messages + 1);
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: result.body.ticket.id } });
    expect(ticket).toMatchObject({
      shopId: shopIds.get(SHOP_A),
      number: result.body.ticket.number,
      subject: "Where is my parcel?",
      status: "open",
      priority: "high",
      category: "shipping",
      channel: "chat",
      orderId: null,
      customerEmail: "jane.doe@example.com",
      customerName: "Jane Doe",
      createdByType: "webhook",
      createdById: null,
      createdByLabel: "Intake API",
    });
    const messages = await prisma.ticketMessage.findMany({ where: { ticketId: ticket.id } });
    expect(messages).toEqual([
      expect.objectContaining({ kind: "customer", authorType: "customer", authorLabel: "Jane Doe", body: "Hello, my order has not arrived yet. Can you check?" }),
    ]);
    const events = await prisma.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { type: "asc" } });
    expect(events.map((event) => event.type)).toEqual(["ticket.created", "ticket.intake_received"]);
    expect(events[1].detail).toEqual({ channel: "chat", externalId: "chat-7781", orderReference: null, orderLinked: false });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { shopId: shopIds.get(SHOP_A), action: "ticket.created", entityId: ticket.id } });
    expect(audit).toMatchObject({ actorType: "webhook", actorId: null, actorLabel: "Intake API", correlationId: "intake-trace-0001" });

    const secret = await prisma.intakeSecret.findUniqueOrThrow({ where: { shopId: shopIds.get(SHOP_A)! } });
    expect(Date.now() - secret.lastUsedAt!.getTime()).toBeLessThan(10_000);
  });

  it("defaults the channel to api and the priority to normal, and numbers tickets per shop", async () => {
    const first = await send(validBody());
    const second = await send(validBody());
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.ticket.number).toBe(first.body.ticket.number + 1);
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: first.body.ticket.id } });
    expect(ticket).toMatchObject({ channel: "api", priority: "normal" });
    // Shop B's numbers are its own.
    const ofB = await send(validBody(), { shop: SHOP_B });
    expect(ofB.status).toBe(201);
    const ticketOfB = await prisma.ticket.findUniqueOrThrow({ where: { id: ofB.body.ticket.id } });
    expect(ticketOfB.shopId).toBe(shopIds.get(SHOP_B));
  });
});

describe("order linking", () => {
  it("links the order when its name and the customer email both match (email in any case)", async () => {
    const result = await send(validBody({ orderName: order.name, customer: { email: order.email.toUpperCase() } }));
    expect(result.status).toBe(201);
    expect(result.body.ticket.orderLinked).toBe(true);
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: result.body.ticket.id } });
    expect(ticket.orderId).toBe(order.id);
    expect(ticket.customerEmail).toBe(order.email);
  });

  it("links by order number too (1042 or \"1042\")", async () => {
    for (const orderNumber of [order.orderNumber, String(order.orderNumber)]) {
      const result = await send(validBody({ orderNumber, customer: { email: order.email } }));
      expect(result.status).toBe(201);
      expect(result.body.ticket.orderLinked).toBe(true);
      expect((await prisma.ticket.findUniqueOrThrow({ where: { id: result.body.ticket.id } })).orderId).toBe(order.id);
    }
  });

  it("does not link on the name alone: another email gets a ticket without the order", async () => {
    const result = await send(validBody({ orderName: order.name, customer: { email: "stranger@example.com" } }));
    expect(result.status).toBe(201);
    expect(result.body.ticket.orderLinked).toBe(false);
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: result.body.ticket.id } });
    expect(ticket).toMatchObject({ orderId: null, customerEmail: "stranger@example.com", customerShopifyId: null });
    // The reference the sender gave is kept for staff, unlinked.
    const event = await prisma.ticketEvent.findFirstOrThrow({ where: { ticketId: ticket.id, type: "ticket.intake_received" } });
    expect(event.detail).toMatchObject({ orderReference: order.name, orderLinked: false });
  });

  it("does not link when the number and the name disagree, nor another shop's order", async () => {
    const mismatch = await send(validBody({ orderName: order.name, orderNumber: order.orderNumber + 1000, customer: { email: order.email } }));
    expect(mismatch.body.ticket.orderLinked).toBe(false);
    const otherShop = await send(validBody({ orderName: orderOfB.name, customer: { email: orderOfB.email } }));
    expect(otherShop.status).toBe(201);
    expect(otherShop.body.ticket.orderLinked).toBe(false);
  });
});

describe("authentication: 401 and nothing written", () => {
  const cases: Array<[string, () => { body: unknown; options: SendOptions }]> = [
    ["a tampered body", () => ({ body: validBody(), options: { signedBody: JSON.stringify(validBody({ subject: "Other" })) } })],
    ["another Idempotency-Key than the one signed", () => ({ body: validBody(), options: { key: `sent-${randomUUID()}`, signedKey: `signed-${randomUUID()}` } })],
    ["the signature without the key (the old scheme: timestamp and body only)", () => {
      const body = validBody();
      const timestamp = nowSeconds();
      const signature = createHmac("sha256", secrets.get(SHOP_A)!).update(`${timestamp}.${JSON.stringify(body)}`).digest("base64");
      return { body, options: { timestamp, headers: { [SIGNATURE_HEADER]: signature } } };
    }],
    ["a wrong secret", () => ({ body: validBody(), options: { secret: "oac_is_not-the-right-secret-000000000000000000" } })],
    ["the other shop's secret", () => ({ body: validBody(), options: { secret: secrets.get(SHOP_B) } })],
    ["a timestamp 6 minutes old", () => ({ body: validBody(), options: { timestamp: String(Math.floor(Date.now() / 1000) - 360) } })],
    ["a timestamp 6 minutes ahead", () => ({ body: validBody(), options: { timestamp: String(Math.floor(Date.now() / 1000) + 360) } })],
    ["a timestamp in milliseconds", () => ({ body: validBody(), options: { timestamp: String(Date.now()) } })],
    ["no signature", () => ({ body: validBody(), options: { headers: { [SIGNATURE_HEADER]: null } } })],
    ["no timestamp", () => ({ body: validBody(), options: { headers: { [TIMESTAMP_HEADER]: null } } })],
    ["no shop", () => ({ body: validBody(), options: { headers: { [SHOP_HEADER]: null } } })],
    ["a malformed signature", () => ({ body: validBody(), options: { headers: { [SIGNATURE_HEADER]: "not base64 at all" } } })],
    ["a hex signature", () => ({ body: validBody(), options: { headers: { [SIGNATURE_HEADER]: "ab".repeat(32) } } })],
    ["an unknown shop", () => ({ body: validBody(), options: { shop: "nobody-here.myshopify.com", secret: secrets.get(SHOP_A) } })],
    ["malformed JSON with a wrong signature", () => ({ body: "{not json", options: { secret: "oac_is_wrong-secret-0000000000000000000000000000" } })],
  ];

  it.each(cases)("refuses %s", async (_name, build) => {
    const { body, options } = build();
    const [beforeA, beforeB] = [await footprint(SHOP_A), await footprint(SHOP_B)];
    const result = await send(body, options);
    expectError(result, 401, "UNAUTHENTICATED");
    expect(await footprint(SHOP_A)).toEqual(beforeA);
    expect(await footprint(SHOP_B)).toEqual(beforeB);
  });

  it("answers an unknown or uninstalled shop exactly like a wrong signature (shops cannot be enumerated)", async () => {
    const wrong = await send(validBody(), { secret: "oac_is_not-the-right-secret-000000000000000000" });
    const unknown = await send(validBody(), { shop: "nobody-here.myshopify.com" });
    await prisma.shop.update({ where: { domain: SHOP_B }, data: { uninstalledAt: new Date() } });
    let uninstalled: CallResult<IntakeBody>;
    try {
      uninstalled = await send(validBody(), { shop: SHOP_B });
    } finally {
      await prisma.shop.update({ where: { domain: SHOP_B }, data: { uninstalledAt: null } });
    }
    const shape = (result: CallResult<IntakeBody>) => ({ status: result.status, code: result.body.error?.code, message: result.body.error?.message });
    expect(shape(unknown)).toEqual(shape(wrong));
    expect(shape(uninstalled)).toEqual(shape(wrong));
    // Reinstalled, the same request goes through.
    expect((await send(validBody(), { shop: SHOP_B })).status).toBe(201);
  });
});

describe("body validation: 400 with fields, nothing written", () => {
  it.each([
    ["malformed JSON", "{\"subject\": ", {}, "_"],
    ["a JSON array", "[1, 2]", {}, "_"],
    ["a text/plain body", JSON.stringify(validBody()), { contentType: "text/plain" }, "_"],
    ["no content type", JSON.stringify(validBody()), { headers: { "Content-Type": null } }, "_"],
  ] as Array<[string, string, SendOptions, string]>)("refuses %s", async (_name, raw, options, field) => {
    const before = await footprint();
    const result = await send(raw, options);
    expectError(result, 400, "VALIDATION");
    expect(result.body.error?.fields).toHaveProperty(field);
    expect(await footprint()).toEqual(before);
  });

  it("refuses a body over 64 KB (even a correctly signed one)", async () => {
    const before = await footprint();
    const result = await send(validBody({ message: "x".repeat(MAX_JSON_BODY_BYTES) }));
    expectError(result, 400, "VALIDATION");
    expect(result.body.error?.message).toMatch(/larger than 64 KB/);
    expect(await footprint()).toEqual(before);
  });

  it("names every bad field", async () => {
    const before = await footprint();
    const result = await send({
      subject: "",
      customer: { email: "not-an-email", phone: "123" },
      orderNumber: "#abc",
      priority: "asap",
      channel: "fax",
      extra: true,
    });
    expectError(result, 400, "VALIDATION");
    expect(Object.keys(result.body.error!.fields!).sort()).toEqual(["_", "channel", "customer", "customer.email", "message", "orderNumber", "priority", "subject"]);
    expect(await footprint()).toEqual(before);
  });

  it("requires the customer's email and the message", async () => {
    const result = await send({ subject: "Hi", customer: { name: "No Email" } });
    expectError(result, 400, "VALIDATION");
    expect(result.body.error?.fields).toMatchObject({ message: ["Message is required"], "customer.email": ["The customer's email is required"] });
  });

  it("requires an Idempotency-Key (400 naming it)", async () => {
    const before = await footprint();
    const result = await send(validBody(), { key: null });
    expectError(result, 400, "VALIDATION");
    expect(result.body.error?.fields).toHaveProperty(IDEMPOTENCY_HEADER);
    expect((await footprint()).tickets).toBe(before.tickets);
  });
});

describe("idempotency", () => {
  it("replays the same key + same body: the stored answer with Idempotent-Replayed, still one ticket", async () => {
    const key = `replay-${randomUUID()}`;
    const before = await footprint();
    const first = await send(validBody({ subject: "Replay me" }), { key });
    expect(first.status).toBe(201);
    // A sender's retry is signed again, with a new timestamp: still the same request.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await send(validBody({ subject: "Replay me" }), { key });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get(REPLAY_HEADER)).toBe("true");
    expect((await footprint()).tickets).toBe(before.tickets + 1);
  });

  it("answers 409 IDEMPOTENCY_MISMATCH to the same key with a different body, and creates nothing", async () => {
    const key = `mismatch-${randomUUID()}`;
    expect((await send(validBody({ subject: "First" }), { key })).status).toBe(201);
    const before = await footprint();
    const second = await send(validBody({ subject: "Second" }), { key });
    expectError(second, 409, "IDEMPOTENCY_MISMATCH");
    expect((await footprint()).tickets).toBe(before.tickets);
  });

  it("keeps keys per shop: shop B may use shop A's key", async () => {
    const key = `per-shop-${randomUUID()}`;
    expect((await send(validBody(), { key })).status).toBe(201);
    const ofB = await send(validBody(), { key, shop: SHOP_B });
    expect(ofB.status).toBe(201);
    expect(ofB.headers.get(REPLAY_HEADER)).toBeNull();
  });

  it("creates one ticket from 20 concurrent retries of one request (same key and body, each signed anew), and answers them all alike", async () => {
    await awayFromWindowEdge();
    const key = `burst-${randomUUID()}`;
    const before = await footprint();
    const body = validBody({ subject: "Burst", orderName: order.name, customer: { email: order.email } });
    // Each retry signs with its own timestamp (seconds apart, all inside the window): 20 signatures, one key.
    const start = Math.floor(Date.now() / 1000);
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => send(body, { key, timestamp: String(start - index) })));
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(201));
    for (const result of results) expect(result.body).toEqual(results[0].body);
    expect(results.filter((result) => result.headers.get(REPLAY_HEADER) !== "true")).toHaveLength(1);
    const after = await footprint();
    expect(after.tickets).toBe(before.tickets + 1);
    expect(after.messages).toBe(before.messages + 1);
    expect(await prisma.auditLog.count({ where: { shopId: shopIds.get(SHOP_A), action: "ticket.created" } })).toBe(
      await prisma.ticket.count({ where: { shopId: shopIds.get(SHOP_A) } }),
    );
  });
});

describe("replays of a captured request: 401 and nothing written", () => {
  it("refuses a captured request sent again under fresh Idempotency-Keys (the key is signed)", async () => {
    const captured = intakeRequest(validBody({ subject: "Captured" }));
    expect((await deliver(captured)).status).toBe(201);
    const before = await footprint();
    // Before the key was signed, each of these opened a ticket (3 replays, 3 tickets).
    for (let replay = 0; replay < 3; replay++) {
      const result = await deliver(altered(captured, { [IDEMPOTENCY_HEADER]: `fresh-${randomUUID()}` }));
      expectError(result, 401, "UNAUTHENTICATED");
      expect(result.body.error?.message).toMatch(/does not match/);
    }
    expect(await footprint()).toEqual(before);
  });

  it("refuses the same signed request a second time, key included; signed anew, the retry gets the stored answer", async () => {
    const key = `again-${randomUUID()}`;
    const captured = intakeRequest(validBody({ subject: "Once" }), { key });
    const first = await deliver(captured);
    expect(first.status).toBe(201);
    const before = await footprint();
    const again = await deliver(captured);
    expectError(again, 401, "UNAUTHENTICATED");
    expect(again.body.error?.message).toMatch(/already used/);
    expect(again.body.error?.details).toEqual({ reason: "signature_reused" });
    expect(await footprint()).toEqual(before);

    // The sender's own retry signs again (another timestamp): a new signature, the stored answer.
    const retried = await send(validBody({ subject: "Once" }), { key, timestamp: String(Number(captured.headers[TIMESTAMP_HEADER]) - 1) });
    expect(retried.status).toBe(201);
    expect(retried.headers.get(REPLAY_HEADER)).toBe("true");
    expect(retried.body).toEqual(first.body);
    expect((await footprint()).tickets).toBe(before.tickets);
  });

  it("accepts exactly one of 20 simultaneous copies of one signed request", async () => {
    await awayFromWindowEdge();
    const before = await footprint();
    const captured = intakeRequest(validBody({ subject: "Twenty copies" }));
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(captured)));
    expect(results.filter((result) => result.status === 201)).toHaveLength(1);
    for (const result of results.filter((candidate) => candidate.status !== 201)) {
      expectError(result, 401, "UNAUTHENTICATED");
      expect(result.body.error?.details).toEqual({ reason: "signature_reused" });
    }
    const after = await footprint();
    expect(after.tickets).toBe(before.tickets + 1);
    expect(after.signatures).toBe(before.signatures + 1);
  });

  it("refuses a copy whose signature is spelled differently (padding) as the same signature", async () => {
    const captured = intakeRequest(validBody({ subject: "Padding" }));
    expect((await deliver(captured)).status).toBe(201);
    const before = await footprint();
    const signature = captured.headers[SIGNATURE_HEADER];
    const result = await deliver(altered(captured, { [SIGNATURE_HEADER]: signature.endsWith("=") ? signature.slice(0, -1) : `${signature}=` }));
    expectError(result, 401, "UNAUTHENTICATED");
    expect(await footprint()).toEqual(before);
  });

  it("cannot move the key/body boundary: a signature over key `k.x` and body B does not open a ticket as key `k` and body `x.B`", async () => {
    const body = JSON.stringify(validBody({ subject: "Boundary" }));
    const timestamp = nowSeconds();
    const signature = sign(secrets.get(SHOP_A)!, timestamp, "boundary-key.part", body);
    const before = await footprint();
    const moved: Wire = {
      headers: { "Content-Type": "application/json", [SHOP_HEADER]: SHOP_A, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature, [IDEMPOTENCY_HEADER]: "boundary-key" },
      raw: `part.${body}`,
    };
    // The signature matches the same bytes, but no JSON object starts with a key character.
    expectError(await deliver(moved), 400, "VALIDATION");
    expect(await footprint()).toEqual(before);
  });

  it("frees the signature of a request that did nothing, so the sender may send the very same bytes again", async () => {
    await awayFromWindowEdge();
    const shopId = shopIds.get(SHOP_A)!;
    const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await prisma.rateLimitCounter.create({ data: { shopId, bucket: INTAKE_RATE_LIMIT.bucket, windowStart, count: INTAKE_RATE_LIMIT.limit } });
    const captured = intakeRequest(validBody({ subject: "Limited, then sent again" }));
    const before = await footprint();
    expectError(await deliver(captured), 429, "RATE_LIMITED");
    expect((await footprint()).signatures).toBe(before.signatures);
    await prisma.rateLimitCounter.deleteMany({ where: { shopId } });
    expect((await deliver(captured)).status).toBe(201);
    expectError(await deliver(captured), 401, "UNAUTHENTICATED");
  });

  it("remembers a signature until its timestamp leaves the window, pruned per shop", async () => {
    const [a, b] = [shopIds.get(SHOP_A)!, shopIds.get(SHOP_B)!];
    const past = new Date(Date.now() - 1000);
    await prisma.intakeSignature.createMany({
      data: [
        { shopId: a, digest: "expired-a", expiresAt: past },
        { shopId: b, digest: "expired-b", expiresAt: past },
      ],
    });
    const timestamp = nowSeconds();
    const captured = intakeRequest(validBody({ subject: "Window" }), { timestamp });
    expect((await deliver(captured)).status).toBe(201);
    const rows = await prisma.intakeSignature.findMany({ where: { shopId: { in: [a, b] } }, select: { shopId: true, digest: true, expiresAt: true } });
    // Shop A's expired row went with shop A's request; shop B's waits for one of shop B's.
    expect(rows.some((row) => row.digest === "expired-a")).toBe(false);
    expect(rows.some((row) => row.digest === "expired-b")).toBe(true);
    const digest = createHash("sha256").update(Buffer.from(captured.headers[SIGNATURE_HEADER], "base64")).digest("hex");
    expect(rows.find((row) => row.digest === digest)).toEqual({ shopId: a, digest, expiresAt: new Date((Number(timestamp) + 300) * 1000) });
    // The stored row is the signature's digest, never the signature.
    expect(JSON.stringify(rows)).not.toContain(captured.headers[SIGNATURE_HEADER]);
  });
});

describe("failure part-way", () => {
  it("writes nothing when the database fails after the ticket was inserted, and frees the key for a retry", async () => {
    // A fault injected in the database: the ticket's last row (its intake event) is refused.
    await ownerQuery(`CREATE FUNCTION oac_test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`);
    await ownerQuery(
      `CREATE TRIGGER oac_test_refuse BEFORE INSERT ON "TicketEvent" FOR EACH ROW WHEN (NEW.type = 'ticket.intake_received') EXECUTE FUNCTION oac_test_refuse()`,
    );
    const key = `half-${randomUUID()}`;
    const before = await footprint();
    const lastNumber = (await prisma.ticket.aggregate({ where: { shopId: shopIds.get(SHOP_A)! }, _max: { number: true } }))._max.number!;
    let failed: CallResult<IntakeBody>;
    try {
      failed = await send(validBody({ subject: "Half written?" }), { key });
    } finally {
      await ownerQuery(`DROP TRIGGER oac_test_refuse ON "TicketEvent"`);
      await ownerQuery(`DROP FUNCTION oac_test_refuse()`);
    }
    expectError(failed, 500, "INTERNAL");
    expect(JSON.stringify(failed.body)).not.toContain("injected failure");
    const after = await footprint();
    // Only the rate-limit window counted the attempt.
    expect({ ...after, counters: 0 }).toEqual({ ...before, counters: 0 });

    const retried = await send(validBody({ subject: "Half written?" }), { key });
    expect(retried.status).toBe(201);
    expect(retried.headers.get(REPLAY_HEADER)).toBeNull();
    // The rolled-back attempt used no ticket number.
    expect(retried.body.ticket.number).toBe(lastNumber + 1);
  });
});

describe("rate limit per shop", () => {
  it("answers 429 with Retry-After when the shop's window is spent, creates nothing, and frees the key", async () => {
    await awayFromWindowEdge();
    const shopId = shopIds.get(SHOP_A)!;
    const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await prisma.rateLimitCounter.create({ data: { shopId, bucket: INTAKE_RATE_LIMIT.bucket, windowStart, count: INTAKE_RATE_LIMIT.limit } });
    const key = `limited-${randomUUID()}`;
    const before = await footprint();
    const limited = await send(validBody(), { key });
    expectError(limited, 429, "RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await footprint()).tickets).toBe(before.tickets);
    expect(await prisma.idempotencyKey.count({ where: { shopId, key } })).toBe(0);

    // Shop B has its own budget.
    expect((await send(validBody(), { shop: SHOP_B })).status).toBe(201);
    // Once the window allows, the same key executes.
    await prisma.rateLimitCounter.deleteMany({ where: { shopId } });
    const retried = await send(validBody(), { key });
    expect(retried.status).toBe(201);
    expect(retried.headers.get(REPLAY_HEADER)).toBeNull();
  });
});

describe("rotation", () => {
  it("keeps the old secret working during the grace period and refuses it after; the new one works", async () => {
    const shopId = shopIds.get(SHOP_A)!;
    const old = secrets.get(SHOP_A)!;
    const rotated = await rotate(SHOP_A);
    expect(rotated.status).toBe(200);
    const hours = (Date.parse(rotated.body.previous!.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const fresh = await reveal(SHOP_A);
    expect(fresh).not.toBe(old);
    expect(fresh).toMatch(/^oac_is_[A-Za-z0-9_-]{43}$/);

    expect((await send(validBody(), { secret: old })).status).toBe(201);
    expect((await send(validBody(), { secret: fresh })).status).toBe(201);

    // The grace period ends (moved in the database rather than with fake timers).
    await prisma.intakeSecret.update({ where: { shopId }, data: { previousExpiresAt: new Date(Date.now() - 1000) } });
    const before = await footprint();
    expectError(await send(validBody(), { secret: old }), 401, "UNAUTHENTICATED");
    expect(await footprint()).toEqual(before);
    expect((await send(validBody(), { secret: fresh })).status).toBe(201);
    secrets.set(SHOP_A, fresh);
  });
});

describe("the audit log", () => {
  it("records ticket creation and secret changes without any secret or customer email", async () => {
    const shopId = shopIds.get(SHOP_A)!;
    expect((await rotate(SHOP_A)).status).toBe(200);
    const fresh = await reveal(SHOP_A);
    const email = "private.person@example.com";
    const created = await send(validBody({ customer: { email, name: "Private Person" } }), { secret: fresh });
    expect(created.status).toBe(201);
    const rows = await prisma.auditLog.findMany({ where: { shopId } });
    const actions = new Set(rows.map((row) => row.action));
    for (const action of ["ticket.created", "intake.secret_created", "intake.secret_revealed", "intake.secret_rotated"]) expect(actions).toContain(action);
    const row = rows.find((candidate) => candidate.action === "ticket.created" && candidate.entityId === created.body.ticket.id)!;
    expect(row).toBeDefined();

    const stored = openIntakeSecret(await prisma.intakeSecret.findUniqueOrThrow({ where: { shopId } }));
    const text = JSON.stringify(rows);
    expect(stored.secret).toBe(fresh);
    for (const secret of [stored.secret, stored.previous!.secret, ...secrets.values()]) {
      expect(text).not.toContain(secret);
      // Nor any recognisable piece of it.
      expect(text).not.toContain(secret.slice(7, 27));
    }
    for (const address of [email, order.email, "jane.doe@example.com"]) expect(text.toLowerCase()).not.toContain(address);
    expect(text).not.toContain("Private Person");
  });
});

describe("other methods", () => {
  it("answers GET with 405", async () => {
    const { loader } = await import("../routes/api.intake.tickets");
    const response = await loader();
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST");
  });
});
