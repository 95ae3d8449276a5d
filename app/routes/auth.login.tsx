import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { login } from "../shopify.server";

/**
 * Shopify sends a visitor here when a request carries no shop (the app was opened outside
 * the admin). With a shop domain, `login` starts Shopify's install/auth flow; without one we
 * ask for it. Errors come back as field errors, never as a 500.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) return { errors: await login(request) };
  return { errors: {} };
}

export async function action({ request }: ActionFunctionArgs) {
  return { errors: await login(request) };
}

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = (actionData ?? loaderData).errors as { shop?: string };
  const message = errors.shop ? "Enter a valid shop domain, like my-store.myshopify.com" : null;
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 480, margin: "10vh auto", lineHeight: 1.5 }}>
      <h1>Ops Action Center</h1>
      <p>This app runs inside Shopify Admin. Enter your store&apos;s domain to open it there.</p>
      <Form method="post">
        <label htmlFor="shop">Shop domain</label>
        <br />
        <input id="shop" name="shop" placeholder="my-store.myshopify.com" aria-invalid={!!message} aria-describedby={message ? "shop-error" : undefined} />
        <button type="submit">Open</button>
        {message ? (
          <p id="shop-error" role="alert" style={{ color: "#8e1f0b" }}>
            {message}
          </p>
        ) : null}
      </Form>
    </main>
  );
}
