import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { getEnv } from "./env.server";
import { addDocumentResponseHeaders } from "./shopify.server";

export const streamTimeout = 5000;

/**
 * Called by the Node host (server/boot.ts) once the build is loaded: starts the job worker in
 * this process. Exported from the entry so it ships inside the Remix build.
 */
export async function startBackgroundWork(): Promise<void> {
  // Before the app serves: no intake secret left in plaintext or under a retired key (ADR 0013).
  const { encryptStoredIntakeSecrets } = await import("./intake/intake-secret-store.server");
  await encryptStoredIntakeSecrets();
  const { startWorker } = await import("./jobs/worker.server");
  await startWorker();
}

export async function stopBackgroundWork(): Promise<void> {
  const { stopBoss } = await import("./jobs/boss.server");
  await stopBoss();
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  // The library preloads App Bridge from Shopify's CDN even when APP_BRIDGE_URL overrides the
  // script itself (local sandbox); preload the script the page really loads.
  const appBridgeUrl = getEnv().APP_BRIDGE_URL;
  if (appBridgeUrl && responseHeaders.has("Link")) {
    responseHeaders.set("Link", `<${appBridgeUrl}>; rel="preload"; as="script";`);
  }
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        // Rendering errors are logged by the server's error handler; keep stderr for them only.
        if (process.env.NODE_ENV !== "test") console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
