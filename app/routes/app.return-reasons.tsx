import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { CORRELATION_HEADER } from "../lib/correlation.server";
import { withStaff, type RequestContext } from "../lib/route.server";
import { listReturnReasons } from "../returns/list-return-reasons.server";
import { adminClient } from "../shopify/admin-client.server";

/**
 * GET /app/return-reasons -> { reasons: [{ id, handle, name }], fetchedAt, stale }: the reasons
 * initiate_return's form offers, from our copy of Shopify's library (fetched when missing or a
 * day old). POST refreshes it from Shopify now. JSON API (resource route) for the form; only
 * staff who may start a return need it, and only they make it call Shopify.
 */
const answer = (ctx: RequestContext, refresh: boolean) =>
  listReturnReasons({ db: ctx.db, shopId: ctx.shop.id, shopify: adminClient({ shop: ctx.shop.domain, graphql: ctx.admin.graphql }), correlationId: ctx.correlationId, refresh }).then((list) =>
    Response.json(list, { headers: { [CORRELATION_HEADER]: ctx.correlationId } }),
  );

export const loader = ({ request }: LoaderFunctionArgs) => withStaff(request, { permission: "actions.initiate_return" }, (ctx) => answer(ctx, false));

export const action = ({ request }: ActionFunctionArgs) => withStaff(request, { permission: "actions.initiate_return" }, (ctx) => answer(ctx, true));
