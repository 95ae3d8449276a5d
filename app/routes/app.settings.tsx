import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Button, ButtonGroup, Card, InlineStack, Layout, List, Modal, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { RouteError } from "../components/RouteError";
import { getEnv } from "../env.server";
import { getIntakeSettings, type IntakeSettings } from "../intake/get-intake-settings.server";
import type { RevealedIntakeSecret } from "../intake/reveal-intake-secret.server";
import type { RotationResult } from "../intake/rotate-intake-secret.server";
import { INTAKE_PATH, MAX_CLOCK_SKEW_SECONDS, ROTATION_GRACE_MS, SECRET_PREFIX, SHOP_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../intake/schema";
import { intakeSigningExample } from "../intake/signing-example";
import type { ErrorBody } from "../lib/app-error";
import { withStaff } from "../lib/route.server";

/** Every staff member sees that the intake API exists and how to use it; the secret needs settings.manage. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: null }, async (ctx) => {
    const canManage = ctx.role.permissions.has("settings.manage");
    return {
      endpoint: new URL(INTAKE_PATH, getEnv().SHOPIFY_APP_URL).toString(),
      shopDomain: ctx.shop.domain,
      intake: await getIntakeSettings({ db: ctx.db, canManage }),
      canManage,
    };
  });

const MASKED = `${SECRET_PREFIX}${"•".repeat(24)}`;
const GRACE_HOURS = ROTATION_GRACE_MS / 3_600_000;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en") : "never");

/** JSON POST through App Bridge's fetch (session token added); an error body becomes a thrown message. */
async function post<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: "{}" });
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody> & T;
  if (!response.ok || body.error) {
    throw new Error(body.error ? `${body.error.message} (correlation id ${body.error.correlationId})` : `Request failed (${response.status})`);
  }
  return body;
}

export default function Settings() {
  const { endpoint, shopDomain, intake, canManage } = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title="Settings" />
      <Layout>
        <Layout.AnnotatedSection
          id="intake-api"
          title="Intake API"
          description="External channels (a chat widget, an email parser, an AI agent) open tickets by sending signed requests to this endpoint."
        >
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <TextField label="Endpoint (POST)" value={endpoint} readOnly autoComplete="off" monospaced selectTextOnFocus />
                <TextField label={`${SHOP_HEADER} header`} value={shopDomain} readOnly autoComplete="off" monospaced selectTextOnFocus />
                <Text as="p" tone="subdued">
                  {intake.configured
                    ? `Secret created or last rotated ${when(intake.rotatedAt)} · last used ${when(intake.lastUsedAt)}`
                    : "No secret yet: nothing can be sent until someone with the settings.manage permission creates one."}
                </Text>
              </BlockStack>
            </Card>
            {canManage ? (
              <SecretCard intake={intake} />
            ) : (
              <Banner tone="info" title="The secret is hidden">
                <p>Seeing, copying and rotating the intake secret needs the settings.manage permission (Owner or Admin).</p>
              </Banner>
            )}
          </BlockStack>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          id="intake-signing"
          title="How to sign a request"
          description={`HMAC-SHA256 over the timestamp, the Idempotency-Key and the raw body, joined by dots, with the shop's secret. Each signature is accepted once; requests more than ${MAX_CLOCK_SKEW_SECONDS / 60} minutes old are refused.`}
        >
          <Card>
            <BlockStack gap="300">
              <List type="number">
                <List.Item>Serialize the body once (JSON) and send exactly those bytes.</List.Item>
                <List.Item>
                  Pick a unique <code>Idempotency-Key</code> per ticket; a retry reuses it (and the body) and creates nothing twice.
                </List.Item>
                <List.Item>
                  Sign <code>{"`${timestamp}.${idempotencyKey}.${body}`"}</code> with HMAC-SHA256 and the secret; encode the digest as base64. Sign every
                  attempt anew with the current time: the same signature is refused a second time.
                </List.Item>
                <List.Item>
                  Send the headers <code>{SHOP_HEADER}</code>, <code>{TIMESTAMP_HEADER}</code> (Unix seconds), <code>{SIGNATURE_HEADER}</code> and{" "}
                  <code>Idempotency-Key</code>.
                </List.Item>
              </List>
              <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                <pre aria-label="Signing example" style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-all", fontSize: 12 }}>
                  {intakeSigningExample(endpoint, shopDomain)}
                </pre>
              </Box>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}

function SecretCard({ intake }: { intake: IntakeSettings }) {
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [busy, setBusy] = useState<"reveal" | "copy" | "rotate" | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function reveal(): Promise<string | null> {
    try {
      const { secret } = await post<RevealedIntakeSecret>("/app/settings/intake-secret/reveal");
      setRevealed(secret);
      if (!intake.configured) revalidator.revalidate();
      return secret;
    } catch (error) {
      shopify.toast.show(`Could not show the secret: ${(error as Error).message}`, { isError: true });
      return null;
    }
  }

  async function run(kind: "reveal" | "copy", fn: () => Promise<void>) {
    setBusy(kind);
    try {
      await fn();
    } finally {
      setBusy(null);
    }
  }

  const toggle = () =>
    run("reveal", async () => {
      if (revealed) setRevealed(null);
      else await reveal();
    });

  const copy = () =>
    run("copy", async () => {
      const secret = revealed ?? (await reveal());
      if (!secret) return;
      try {
        await navigator.clipboard.writeText(secret);
        shopify.toast.show("Secret copied");
      } catch {
        // The admin frame may not grant clipboard access: the revealed field can be selected instead.
        shopify.toast.show("Copy is blocked here: select the secret and copy it", { isError: true });
      }
    });

  async function rotate() {
    setBusy("rotate");
    try {
      // One key per confirmation: a doubled click rotates once (a second rotation would end the
      // old secret's grace period at once).
      const result = await post<RotationResult>("/app/settings/intake-secret/rotate", { "Idempotency-Key": `intake-rotate-${crypto.randomUUID()}` });
      setConfirming(false);
      shopify.toast.show(result.previous ? `Secret rotated. The old one works until ${when(result.previous.expiresAt)}` : "Secret created");
      revalidator.revalidate();
      // Whoever rotated needs the new secret next: show it.
      await reveal();
    } catch (error) {
      shopify.toast.show(`Rotation failed: ${(error as Error).message}`, { isError: true });
    } finally {
      setBusy(null);
    }
  }

  const secret = intake.secret;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Secret
        </Text>
        <TextField
          label="Intake secret"
          value={revealed ?? (intake.configured ? MASKED : "")}
          placeholder={intake.configured ? undefined : "Not created yet"}
          readOnly
          autoComplete="off"
          monospaced
          selectTextOnFocus
          helpText={secret ? `Fingerprint ${secret.fingerprint}: compare it with the secret your sender uses.` : "Created the first time it is shown."}
        />
        {secret?.previous ? (
          <Banner tone="warning" title="Rotation in progress">
            <p>
              The previous secret (fingerprint {secret.previous.fingerprint}) keeps working until {when(secret.previous.expiresAt)}. Switch your senders to the new
              one before then.
            </p>
          </Banner>
        ) : null}
        <InlineStack align="end">
          <ButtonGroup>
            <Button onClick={() => void toggle()} loading={busy === "reveal"} disabled={busy !== null}>
              {revealed ? "Hide" : intake.configured ? "Reveal" : "Create secret"}
            </Button>
            <Button onClick={() => void copy()} loading={busy === "copy"} disabled={busy !== null || !intake.configured}>
              Copy
            </Button>
            <Button tone="critical" onClick={() => setConfirming(true)} disabled={busy !== null}>
              Rotate secret
            </Button>
          </ButtonGroup>
        </InlineStack>
      </BlockStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Rotate the intake secret?"
        primaryAction={{ content: "Rotate", destructive: true, loading: busy === "rotate", onAction: () => void rotate() }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false), disabled: busy === "rotate" }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <p>
              A new secret is created now. {intake.configured ? `The current one keeps working for ${GRACE_HOURS} hours, then stops: update every sender before then.` : ""}
            </p>
            {secret?.previous ? (
              <Banner tone="critical">
                <p>
                  An earlier rotation is still in its grace period: rotating again stops the secret with fingerprint {secret.previous.fingerprint} immediately.
                </p>
              </Banner>
            ) : null}
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Card>
  );
}

export const ErrorBoundary = RouteError;
