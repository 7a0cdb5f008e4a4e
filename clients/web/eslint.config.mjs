// Lint rules for the web app and its browser tests: ESLint's and typescript-eslint's recommended
// sets. Generated code (src/gen) and build output are not linted.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["src/gen/**", "dist/**", "node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        window: "readonly", document: "readonly", navigator: "readonly", console: "readonly",
        process: "readonly", setTimeout: "readonly", clearTimeout: "readonly", URL: "readonly",
        fetch: "readonly", Buffer: "readonly",
      },
    },
  },
);
