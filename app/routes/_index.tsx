import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

/**
 * Shopify opens the app at its URL with `?shop=...`; send it to the embedded shell. Without
 * a shop there is nothing to show: the app lives inside Shopify Admin.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
}

export default function Landing() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "10vh auto", lineHeight: 1.5 }}>
      <h1>Ops Action Center</h1>
      <p>This app runs inside Shopify Admin. Open it from your store&apos;s Apps menu.</p>
    </main>
  );
}
