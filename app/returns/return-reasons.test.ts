/**
 * The return form's reasons: Shopify's returnReasonDefinitions library, fetched through every
 * page and stored per shop, then read from our database (pages render from it) until it is a
 * day old or staff refresh it. Real requests into GET/POST /app/return-reasons; Shopify is the
 * sandbox, whose library the tests change to see what the app stores and when.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { calculateRequestedCost } from "../../sandbox/graphql/cost";
import { loadAdminSchema } from "../../sandbox/graphql/schema";
import { toGid } from "../../sandbox/store/gid";
import type { ReturnReasonDefinitionRecord } from "../../sandbox/store/types";
import { AGENT, MANAGER, OWNER, actionTestKit, type Json } from "../../tests/helpers/actions";
import { SHOP_A, SHOP_B } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { action as refreshReasons, loader as listReasons } from "../routes/app.return-reasons";
import { RETURN_REASON_DEFINITIONS_QUERY, RETURN_REASON_DEFINITIONS_REQUESTED_COST } from "../shopify/documents";

const kit = await actionTestKit();
const { sandbox } = kit;

const get = (options: { userId?: number; shop?: string } = {}) =>
  call<Json>(() => listReasons({ request: adminFetchRequest("/app/return-reasons", { shop: options.shop ?? SHOP_A, userId: options.userId ?? OWNER }), params: {}, context: {} } as LoaderFunctionArgs));
const refresh = (options: { userId?: number } = {}) =>
  call<Json>(() =>
    refreshReasons({
      request: adminFetchRequest("/app/return-reasons", { shop: SHOP_A, userId: options.userId ?? OWNER, method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
      params: {},
      context: {},
    } as ActionFunctionArgs),
  );

/** Shop A's library in the sandbox (Shopify's side). */
const library = (shop = SHOP_A) => sandbox.store.requireShop(shop).returnReasonDefinitions;
function addDefinition(id: number, handle: string, name: string, shop = SHOP_A): ReturnReasonDefinitionRecord {
  const definition: ReturnReasonDefinitionRecord = { __typename: "ReturnReasonDefinition", id: toGid("ReturnReasonDefinition", id), handle, name, deleted: false };
  library(shop).push(definition);
  sandbox.store.index(shop, definition);
  return definition;
}
const stored = async (shopId: string) => prisma.returnReasonLibrary.findUnique({ where: { shopId } });
const handles = (body: Json) => (body.reasons as Array<{ handle: string }>).map((reason) => reason.handle);

describe("return reasons for the return form", () => {
  it("fetches Shopify's whole library once (every page), stores it per shop, then serves it from our database", async () => {
    // Shopify's library has about 360 reasons: more than one page of 250.
    for (let n = 0; n < 340; n++) addDefinition(1000 + n, `category-reason-${n}`, `Category reason ${String(n).padStart(3, "0")}`);
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.body.reasons).toHaveLength(library().length);
    expect(first.body.reasons).toContainEqual({ id: "gid://shopify/ReturnReasonDefinition/6", handle: "damaged-or-defective", name: "Damaged or defective" });
    // In Shopify's name order, the way staff look for one.
    const names = (first.body.reasons as Array<{ name: string }>).map((reason) => reason.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" })));
    const row = await stored(kit.shopId);
    expect(row?.definitions).toHaveLength(library().length);
    expect(Date.parse(first.body.fetchedAt)).toBe(row!.fetchedAt.getTime());

    // Shopify retires one and adds one: the form keeps reading what we stored...
    const retired = library().find((definition) => definition.handle === "burn-rate")!;
    retired.deleted = true;
    addDefinition(2001, "arrived-too-early", "Arrived too early");
    const cached = await get();
    expect(handles(cached.body)).toContain("burn-rate");
    expect(handles(cached.body)).not.toContain("arrived-too-early");
    expect(cached.body.fetchedAt).toBe(first.body.fetchedAt);

    // ...until someone refreshes it: a retired reason is no longer offered, but kept (old returns name it).
    const refreshed = await refresh();
    expect(refreshed.status).toBe(200);
    expect(handles(refreshed.body)).toContain("arrived-too-early");
    expect(handles(refreshed.body)).not.toContain("burn-rate");
    expect((await stored(kit.shopId))!.definitions).toContainEqual({ id: retired.id, handle: "burn-rate", name: "Burn rate", deleted: true });
    expect((await get()).body).toEqual(refreshed.body);
  });

  it("fetches it again once the stored copy is a day old", async () => {
    await get();
    addDefinition(2002, "arrived-damp", "Arrived damp");
    expect(handles((await get()).body)).not.toContain("arrived-damp");
    await prisma.returnReasonLibrary.update({ where: { shopId: kit.shopId }, data: { fetchedAt: new Date(Date.now() - 25 * 60 * 60 * 1000) } });
    const renewed = await get();
    expect(handles(renewed.body)).toContain("arrived-damp");
    expect(Date.now() - Date.parse(renewed.body.fetchedAt)).toBeLessThan(60_000);
  });

  it("keeps each shop's library to itself", async () => {
    addDefinition(3001, "only-in-shop-b", "Only in shop B", SHOP_B);
    const fromB = await get({ shop: SHOP_B });
    expect(fromB.status).toBe(200);
    expect(handles(fromB.body)).toContain("only-in-shop-b");
    expect(handles(fromB.body)).not.toContain("arrived-too-early");
    expect(handles((await get()).body)).not.toContain("only-in-shop-b");
    expect((await stored(kit.shopBId))!.definitions).toHaveLength(library(SHOP_B).length);
  });

  it("lists and refreshes them only for staff who may start a return (403 and an authz.denied row otherwise)", async () => {
    expect((await get({ userId: MANAGER })).status).toBe(200);
    for (const attempt of [() => get({ userId: AGENT }), () => refresh({ userId: AGENT })]) {
      const denied = await attempt();
      expect(denied.status).toBe(403);
      expect(denied.body.error).toMatchObject({ code: "FORBIDDEN", correlationId: expect.any(String) });
    }
    const audit = await kit.db().auditLog.findMany({ where: { action: "authz.denied", entityId: "actions.initiate_return" } });
    expect(audit.map((row) => (row.metadata as Json).path)).toEqual(expect.arrayContaining(["/app/return-reasons"]));
    expect(audit.filter((row) => (row.metadata as Json).path === "/app/return-reasons").map((row) => (row.metadata as Json).method).sort()).toEqual(["GET", "POST"]);
  });

  it("when Shopify fails: serves a day-old list marked stale, but a refresh or an empty store answers 502", async () => {
    const before = await get();
    await prisma.returnReasonLibrary.update({ where: { shopId: kit.shopId }, data: { fetchedAt: new Date(Date.now() - 25 * 60 * 60 * 1000) } });
    // A definition Shopify cannot serve (a null name): its answer carries GraphQL errors.
    const broken = addDefinition(4001, "broken", null as unknown as string);
    try {
      const stale = await get();
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({ stale: true, reasons: before.body.reasons });
      const refused = await refresh();
      expect(refused.status).toBe(502);
      expect(refused.body.error).toMatchObject({ code: "UPSTREAM", correlationId: expect.any(String) });
      await prisma.returnReasonLibrary.delete({ where: { shopId: kit.shopId } });
      expect((await get()).status).toBe(502);
    } finally {
      library().splice(library().indexOf(broken), 1);
    }
    expect((await get()).body).toMatchObject({ stale: false, reasons: before.body.reasons });
  });

  it("tells the Admin API client what one page of the library costs", () => {
    expect(calculateRequestedCost(loadAdminSchema(), parse(RETURN_REASON_DEFINITIONS_QUERY), { first: 250 })).toBe(RETURN_REASON_DEFINITIONS_REQUESTED_COST);
  });
});
