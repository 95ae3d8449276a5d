import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import type { LinkLikeComponentProps } from "@shopify/polaris/build/ts/src/utilities/link";
import en from "@shopify/polaris/locales/en.json";
import { forwardRef, useEffect, type ReactNode } from "react";

const SHOPIFY_APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/**
 * The embedded shell: App Bridge script + Polaris provider with Remix links. It does what
 * `AppProvider` from @shopify/shopify-app-remix/react does; that module imports its locale
 * JSON with an import attribute (`with { type: "json" }`) that the Remix classic compiler's
 * esbuild cannot parse (docs/decisions/0001), so we keep these few lines ourselves.
 */
export function AppShell({ apiKey, appBridgeUrl, children }: { apiKey: string; appBridgeUrl?: string | null; children: ReactNode }) {
  const navigate = useNavigate();
  useEffect(() => {
    // App Bridge announces navigation (nav menu clicks) as a DOM event; route it through Remix.
    const onNavigate = (event: Event) => {
      const href = (event.target as HTMLElement | null)?.getAttribute("href");
      if (href) navigate(href);
    };
    addEventListener("shopify:navigate", onNavigate);
    return () => removeEventListener("shopify:navigate", onNavigate);
  }, [navigate]);

  return (
    <>
      <script src={appBridgeUrl ?? SHOPIFY_APP_BRIDGE_URL} data-api-key={apiKey} />
      <PolarisAppProvider i18n={en} linkComponent={RemixPolarisLink}>
        {children}
      </PolarisAppProvider>
    </>
  );
}

const RemixPolarisLink = forwardRef<HTMLAnchorElement, LinkLikeComponentProps>(function RemixPolarisLink(
  { url, children, external, ...rest },
  ref,
) {
  if (external) {
    return (
      <a href={url} target="_blank" rel="noopener noreferrer" ref={ref} {...rest}>
        {children}
      </a>
    );
  }
  return (
    <Link to={url} ref={ref} {...rest}>
      {children}
    </Link>
  );
});
