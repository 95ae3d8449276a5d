import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { AppError, errorBody } from "../lib/app-error";
import { CORRELATION_HEADER, correlationIdFrom } from "../lib/correlation.server";
import { login } from "../shopify.server";

/**
 * Shopify sends a visitor here when a request carries no shop (the app was opened outside
 * the admin). With a shop domain, `login` starts Shopify's install/auth flow; without one we
 * ask for it. Errors come back as field errors with status 400, never as a 500.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) return answer(request, await login(request));
  return { errors: {} };
}

export async function action({ request }: ActionFunctionArgs) {
  // login() reads the body as a form and throws on anything else.
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers.get("content-type") ?? "")) return answer(request, { shop: LoginErrorType.MissingShop });
  return answer(request, await login(request));
}

/** The library's field errors for the page, and the standard error body beside them (as list pages do). */
function answer(request: Request, errors: { shop?: LoginErrorType }) {
  if (!errors.shop) return { errors };
  const correlationId = correlationIdFrom(request);
  const error = new AppError("VALIDATION", "Enter a valid shop domain, like my-store.myshopify.com", { fields: { shop: [errors.shop === LoginErrorType.MissingShop ? "Enter the shop domain" : "Not a shop domain"] } });
  return data({ errors, ...errorBody(error, correlationId) }, { status: 400, headers: { [CORRELATION_HEADER]: correlationId } });
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
