/**
 * update_address: changes where the order ships (`orderUpdate` with shippingAddress, which
 * overwrites the whole address). Refused once everything has shipped or the order is
 * cancelled; on a partly fulfilled order only what has not shipped goes to the new address.
 *
 * The address is customer data: previews, timelines, audit rows and the stored Shopify
 * answer carry only the city and the country (and which fields changed), never the street,
 * the recipient or the phone. The run keeps the input, since a confirmation, an approval or
 * a retry must send exactly what was entered.
 */
import { z } from "zod";
import { blankOrSpaces as blank } from "../lib/blank";
import { isCountryCode } from "../lib/countries";
import type { SnapshotContent } from "../orders/build-snapshot";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { OrderAddressUpdateMutation } from "../shopify/admin.generated";
import { ORDER_ADDRESS_UPDATE_MUTATION } from "../shopify/documents";
import { defineAction } from "./types";

const optionalText = (max: number) => z.preprocess(blank, z.string().trim().max(max, `At most ${max} characters`).optional());
const requiredText = (max: number, message: string) => z.preprocess(blank, z.string({ required_error: message, invalid_type_error: message }).trim().min(1, message).max(max, `At most ${max} characters`));

export const ZUpdateAddressInput = z
  .object({
    firstName: optionalText(100),
    lastName: optionalText(100),
    company: optionalText(255),
    address1: requiredText(255, "Enter the street and house number"),
    address2: optionalText(255),
    city: requiredText(100, "Enter the city"),
    provinceCode: z.preprocess(blank, z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{1,10}$/, "Use the region's code, like BY or CA").optional()),
    zip: optionalText(20),
    countryCode: z.preprocess(
      blank,
      z
        .string({ required_error: "Choose a country" })
        .trim()
        .toUpperCase()
        .refine(isCountryCode, "Choose a country"),
    ),
    phone: z.preprocess(
      (value) => (typeof value === "string" ? blank(value.replace(/[\s().-]/g, "")) : blank(value)),
      z.string().regex(/^\+[1-9]\d{6,14}$/, "Use the international format, like +49 30 1234567").optional(),
    ),
  })
  .strict()
  .refine((input) => input.firstName || input.lastName, { path: ["lastName"], message: "Enter the recipient's name" });
export type UpdateAddressInput = z.infer<typeof ZUpdateAddressInput>;

type Address = NonNullable<SnapshotContent["shippingAddress"]>;

const place = (city: string | null | undefined, countryCode: string | null | undefined) => [city, countryCode].filter(Boolean).join(", ") || "no address";

/** Field names (never values) that differ from the snapshot's address. */
function changedFields(current: Address | null, input: UpdateAddressInput): string[] {
  const name = [input.firstName, input.lastName].filter(Boolean).join(" ");
  const pairs: Array<[string, string | null | undefined, string | null | undefined]> = [
    ["name", current?.name, name],
    ["address1", current?.address1, input.address1],
    ["address2", current?.address2, input.address2],
    ["city", current?.city, input.city],
    ["provinceCode", current?.provinceCode, input.provinceCode],
    ["zip", current?.zip, input.zip],
    ["countryCode", current?.countryCode, input.countryCode],
    ["phone", current?.phone, input.phone],
  ];
  return pairs.filter(([, before, after]) => (before ?? "") !== (after ?? "")).map(([field]) => field);
}

export const updateAddressAction = defineAction<UpdateAddressInput>({
  type: "update_address",
  label: "Update shipping address",
  description: "Changes where the order ships in Shopify; items already shipped are not affected.",
  permission: "actions.update_address",
  targets: ["ticket", "order"],
  input: ZUpdateAddressInput,
  preconditions(target, input) {
    const snapshot = target.order?.snapshot;
    if (!snapshot) return "This order has not been imported yet: refresh it from Shopify first";
    if (snapshot.order.cancelledAt) return "This order is cancelled: there is nothing left to ship";
    if (snapshot.order.fulfillmentStatus === "FULFILLED" || snapshot.order.fulfillmentStatus === "RESTOCKED") return "Everything on this order has shipped: the address can no longer change";
    if (changedFields(snapshot.shippingAddress, input).length === 0) return "That is already the order's shipping address";
    return null;
  },
  preview(target, input) {
    const snapshot = target.order?.snapshot ?? null;
    const partly = snapshot?.order.fulfillmentStatus === "PARTIALLY_FULFILLED" ? " Items already shipped keep their address." : "";
    return `Ship what is left of order ${target.order?.name ?? ""} to the new address in ${place(input.city, input.countryCode)} (was ${place(snapshot?.shippingAddress?.city, snapshot?.shippingAddress?.countryCode)}); street, recipient and phone as entered.${partly}`;
  },
  auditInput: (input) => ({ city: input.city, countryCode: input.countryCode, fields: Object.keys(input).sort() }),
  async perform({ shopify, order, input }) {
    const shippingAddress = {
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      company: input.company ?? null,
      address1: input.address1,
      address2: input.address2 ?? null,
      city: input.city,
      provinceCode: input.provinceCode ?? null,
      zip: input.zip ?? null,
      countryCode: input.countryCode,
      phone: input.phone ?? null,
    };
    const data = await shopify.request<OrderAddressUpdateMutation>("OrderAddressUpdate", ORDER_ADDRESS_UPDATE_MUTATION, { input: { id: order.shopifyId, shippingAddress } }, 10);
    assertNoUserErrors("orderUpdate", data.orderUpdate, ["input", "shippingAddress"]);
    const current = order.snapshot?.shippingAddress ?? null;
    return {
      result: { shopify: { orderUpdate: { order: data.orderUpdate?.order ?? null } } },
      summary: `Shipping address of ${order.name} changed (now ${place(input.city, input.countryCode)})`,
      before: { city: current?.city ?? null, countryCode: current?.countryCode ?? null },
      after: { city: input.city, countryCode: input.countryCode, changed: changedFields(current, input) },
    };
  },
});
