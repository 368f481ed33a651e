// Layer rules (../shared/STYLE.md): shared/ and renderer/ import no Node
// built-ins and no electron; electron/engine/ imports no electron.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noNode = nodeBuiltins.map((name) => ({
  name,
  message: 'shared/ and renderer/ run in the browser too: no Node built-ins.',
}));
const noElectron = {
  name: 'electron',
  message: 'Only electron/main.ts, preload.ts and electron/shell/ may import electron.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['shared/**', 'renderer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [...noNode, noElectron] }] },
  },
  {
    files: ['electron/engine/**', 'electron/cli.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
);
