/**
 * Sends the app's calls to Shopify (`https://<shop>.myshopify.com/admin/...`) to the local
 * sandbox instead: the only thing the sandbox changes in the app's process. It must be
 * installed before @shopify/shopify-api's node adapter is imported, because the adapter
 * captures globalThis.fetch when it loads; the target is read on every call (from
 * SHOPIFY_SANDBOX_URL) so one installation serves sandboxes that come and go (tests).
 */
const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;
const INSTALLED = Symbol.for("ops-action-center.sandbox-fetch");

export function installSandboxFetch(sandboxUrl?: string): void {
  if (sandboxUrl) process.env.SHOPIFY_SANDBOX_URL = sandboxUrl;
  const holder = globalThis as typeof globalThis & { [INSTALLED]?: boolean };
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  const original = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const base = process.env.SHOPIFY_SANDBOX_URL?.replace(/\/$/, "");
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (base && url.protocol === "https:" && SHOP_HOST.test(url.hostname) && url.pathname.startsWith("/admin/")) {
      const target = `${base}/shops/${url.hostname}${url.pathname}${url.search}`;
      return input instanceof Request ? original(new Request(target, input), init) : original(target, init);
    }
    return original(input, init);
  };
}
