import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", ".cache/**", ".data/**", "node_modules/**", "test-artifacts/**", "app/shopify/admin.generated.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    // Entry points and scripts talk to the operator on stdout.
    files: ["server/**", "scripts/**", "sandbox/cli.ts", "bench/**", "tests/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["sandbox/public/**/*.js"],
    languageOptions: {
      globals: { window: "readonly", document: "readonly", location: "readonly", URL: "readonly", URLSearchParams: "readonly", Request: "readonly", Headers: "readonly", HTMLElement: "readonly", MutationObserver: "readonly", CustomEvent: "readonly", customElements: "readonly", atob: "readonly", setTimeout: "readonly" },
    },
  },
  {
    files: ["scripts/*.mjs", "remix.config.js", "eslint.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
