import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // TypeScript checks undefined names itself; plain JS files here all run on Node.
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // diagnostics/ is pure: no I/O, no clock, no environment, and nothing from the layers above it.
    files: ['diagnostics/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../src/*', '../../src/*', '../handlers/*', '../../handlers/*'], message: 'diagnostics/ must not import from src/ or handlers/.' },
          { group: ['node:*', 'fs', 'http', 'https', 'net', 'child_process', 'ioredis', 'bullmq', '@slack/*'], message: 'diagnostics/ is pure: no I/O.' },
        ],
      }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'diagnostics/ has no clock: use snapshot.capturedAt.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'diagnostics/ has no clock: use snapshot.capturedAt.' },
        { selector: "MemberExpression[object.name='process']", message: 'diagnostics/ reads no environment.' },
      ],
    },
  },
  {
    // src/ never imports handlers/, except the composition root.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/app.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../handlers/*', '../../handlers/*'], message: 'Only the composition root imports handlers/.' }] }],
    },
  },
  {
    // Run-time parts of client-node come through src/cluster/client-node.ts, the bundle's entry
    // (scripts/build.mjs): a name imported elsewhere would be missing from the bundle.
    files: ['src/**/*.ts', 'handlers/**/*.ts'],
    ignores: ['src/cluster/client-node.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: '@kubernetes/client-node', allowTypeImports: true, message: 'Import run-time values from src/cluster/client-node.ts (the bundle entry); type imports are fine.' }],
      }],
    },
  },
);
