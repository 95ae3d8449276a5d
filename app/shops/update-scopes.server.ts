import prisma from "../db.server";

export interface UpdateScopesOptions {
  shop: string;
  scopes: string[];
}

/** app/scopes_update: keep the stored grant in step with what the merchant approved. */
export async function updateScopes({ shop, scopes }: UpdateScopesOptions): Promise<void> {
  const scope = scopes.join(",");
  await prisma.$transaction([
    prisma.session.updateMany({ where: { shop }, data: { scope } }),
    prisma.shop.updateMany({ where: { domain: shop }, data: { scopes: scope } }),
  ]);
}
