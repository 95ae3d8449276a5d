import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, InlineGrid, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { RouteError } from "../components/RouteError";
import { RunStatusBadge } from "../components/RunStatusBadge";
import { parseInput } from "../lib/http.server";
import { withStaff } from "../lib/route.server";
import { getRun } from "../runs/get-run.server";

const ZParams = z.object({ id: z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed run id") });

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "runs.view" }, async (ctx) => ({
    run: await getRun({ db: ctx.db, id: parseInput(ZParams, params, "Malformed run id").id, canSeePii: ctx.role.permissions.has("customers.pii") }),
  }));

export default function RunDetail() {
  const { run } = useLoaderData<typeof loader>();
  return (
    <Page backAction={{ content: "Runs", url: "/app/runs" }} title={`Run: ${run.type}`} titleMetadata={<RunStatusBadge status={run.status} />}>
      <TitleBar title={`Run: ${run.type}`} />
      <BlockStack gap="400">
        <Card>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
            <Fact label="Actor" value={`${run.actorType}${run.actorLabel ? `: ${run.actorLabel}` : ""}`} />
            <Fact label="Attempts" value={String(run.attempts)} />
            <Fact label="Correlation id" value={run.correlationId} />
            <Fact label="Created" value={new Date(run.createdAt).toLocaleString("en")} />
            <Fact label="Started" value={run.startedAt ? new Date(run.startedAt).toLocaleString("en") : "—"} />
            <Fact label="Finished" value={run.finishedAt ? new Date(run.finishedAt).toLocaleString("en") : "—"} />
          </InlineGrid>
        </Card>
        {run.parentRunId ? (
          <Card>
            <Text as="p">
              Retry of <Link to={`/app/runs/${run.parentRunId}`}>run {run.parentRunId}</Link>
            </Text>
          </Card>
        ) : null}
        <Json title="Input" value={run.input} />
        {run.result ? <Json title="Result" value={run.result} /> : null}
        {run.error ? <Json title="Error" value={run.error} /> : null}
        {run.retries.length > 0 ? (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Retries
              </Text>
              {run.retries.map((retry) => (
                <Text as="p" key={retry.id}>
                  <Link to={`/app/runs/${retry.id}`}>{new Date(retry.createdAt).toLocaleString("en")}</Link> <RunStatusBadge status={retry.status} />
                </Text>
              ))}
            </BlockStack>
          </Card>
        ) : null}
      </BlockStack>
    </Page>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span">{value}</Text>
    </BlockStack>
  );
}

function Json({ title, value }: { title: string; value: unknown }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <pre style={{ whiteSpace: "pre-wrap", margin: 0, fontSize: 13 }}>{JSON.stringify(value, null, 2)}</pre>
      </BlockStack>
    </Card>
  );
}

export const ErrorBoundary = RouteError;
