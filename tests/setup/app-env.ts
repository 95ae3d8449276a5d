/**
 * The app's environment in tests: the sandbox's app credentials, and the fetch redirect that
 * sends the app's Shopify calls to whichever sandbox a test file starts (tests/helpers/sandbox.ts).
 */
import { installSandboxFetch } from "../../sandbox/fetch-redirect";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES } from "../../sandbox/config";
import { DEVELOPMENT_ENCRYPTION_KEYS } from "../../sandbox/development-keys";

export const TEST_APP_URL = "http://127.0.0.1:3999";

Object.assign(process.env, {
  SHOPIFY_API_KEY: SANDBOX_API_KEY,
  SHOPIFY_API_SECRET: SANDBOX_API_SECRET,
  SHOPIFY_APP_URL: TEST_APP_URL,
  SCOPES: SANDBOX_SCOPES,
  OAC_ENCRYPTION_KEYS: DEVELOPMENT_ENCRYPTION_KEYS,
  LOG_LEVEL: "silent",
});

installSandboxFetch();
