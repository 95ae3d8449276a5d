/**
 * tag_order: adds tags to the order in Shopify (`tagsAdd`). Adding a tag that is there already
 * changes nothing, so a retry is harmless.
 */
import { z } from "zod";
import { assertNoUserErrors } from "../shopify/admin-client.server";
import type { TagsAddMutation } from "../shopify/admin.generated";
import { TAGS_ADD_MUTATION } from "../shopify/documents";
import { defineAction } from "./types";

const ZTag = z.string().trim().min(1, "A tag can't be blank").max(255, "At most 255 characters").regex(/^[^,]*$/, "One tag per entry: no commas");

export const ZTagOrderInput = z.object({ tags: z.array(ZTag).min(1, "Add at least one tag").max(20, "At most 20 tags at once") }).strict();
export type TagOrderInput = z.infer<typeof ZTagOrderInput>;

export const tagOrderAction = defineAction<TagOrderInput>({
  type: "tag_order",
  label: "Tag order",
  description: "Adds tags to the order in Shopify.",
  permission: "actions.tag_order",
  targets: ["ticket", "order"],
  input: ZTagOrderInput,
  preview: (target, input) => `Add the tag${input.tags.length === 1 ? "" : "s"} ${input.tags.map((tag) => `“${tag}”`).join(", ")} to order ${target.order?.name ?? ""} in Shopify.`,
  async perform({ shopify, order, input }) {
    const before = order.snapshot?.order.tags ?? [];
    const data = await shopify.request<TagsAddMutation>("TagsAdd", TAGS_ADD_MUTATION, { id: order.shopifyId, tags: input.tags }, 10);
    assertNoUserErrors("tagsAdd", data.tagsAdd);
    const node = data.tagsAdd?.node as { id: string; tags: string[] } | null | undefined;
    const after = node?.tags ?? [];
    const added = input.tags.filter((tag) => !before.some((existing) => existing.toLowerCase() === tag.toLowerCase()));
    return {
      result: { shopify: { tagsAdd: { node } } },
      summary: added.length ? `Tagged ${order.name}: ${added.join(", ")}` : `${order.name} already had ${input.tags.join(", ")}`,
      before: { tags: before },
      after: { tags: after },
    };
  },
});
