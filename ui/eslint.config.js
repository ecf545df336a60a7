// The UI's linter: the recommended rules of JavaScript, TypeScript and Svelte 5 (TypeScript
// parsed in .svelte files too; the type checking itself is svelte-check's and tsc's, in
// `npm run check`). Formatting is prettier's job.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['dist/', 'tests/.build/', 'tests/screenshots/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig },
    },
  },
  {
    // The UI tests and build scripts run in Node.
    files: ['tests/**/*.{js,mjs}', '*.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      // `const { omitted, ...rest } = x` is how a field is dropped.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // The stores' Maps are caches of objects that carry their own $state (Resource); nothing
      // reads the containers reactively, and the router's URLSearchParams is a local builder.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
);
