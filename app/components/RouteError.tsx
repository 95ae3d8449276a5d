import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import type { ErrorBody } from "../lib/app-error";

/**
 * A page's error state: the message in a critical banner with the correlation id, so staff
 * can quote it to support. Used as every page route's ErrorBoundary (inside the app shell).
 */
export function RouteError() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "The page could not be loaded.";
  let correlationId: string | undefined;
  if (isRouteErrorResponse(error)) {
    const body = error.data as Partial<ErrorBody> | undefined;
    if (body?.error) {
      message = body.error.message;
      correlationId = body.error.correlationId;
      title = error.status === 403 ? "You don't have access" : error.status === 404 ? "Not found" : title;
    }
  }
  return (
    <Page>
      <Banner tone="critical" title={title}>
        <BlockStack gap="100">
          <p>{message}</p>
          {correlationId ? (
            <Text as="p" tone="subdued" variant="bodySm">
              Correlation id: {correlationId}
            </Text>
          ) : null}
        </BlockStack>
      </Banner>
    </Page>
  );
}
