/** Remix 2 classic compiler (docs/decisions/0001). */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  // Polaris imports its locale JSON without an import attribute, which Node's ESM loader
  // refuses at run time; bundling it into the server build avoids the native import.
  serverDependenciesToBundle: [/^@shopify\/polaris/],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
